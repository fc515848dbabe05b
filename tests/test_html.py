"""`bioner.formats.html`: web pages in, the article text tagged, entities placed back in the page."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy

from bioner.formats import detect_format, read_documents, sniff_format
from bioner.formats.html import page_text
from bioner.predict import predict

PAGE = Path(__file__).parent / "fixtures" / "web-page-with-navigation.html"
CHEMICALS = ("ketamine", "glutamate", "riluzole", "fluoxetine", "serotonin", "cocaine", "lithium")
DISEASES = ("treatment-resistant depression", "depression", "schizophrenia", "bipolar disorder", "mania")


@pytest.fixture(scope="module")
def nlp():
    nlp = spacy.blank("en", config={"nlp": {"tokenizer": {"@tokenizers": "bioner.BiomedicalTokenizer.v1"}}})
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"})
    ruler.add_patterns(
        [{"label": "Chemical", "pattern": p} for p in CHEMICALS]
        + [{"label": "Disease", "pattern": p} for p in DISEASES]
    )
    return nlp


def read_page(path: Path = PAGE):
    (document,) = read_documents(path, detect_format(path))
    return document


def tag(nlp, path: Path, tmp_path: Path, **options) -> dict:
    output = tmp_path / "out.jsonl"
    predict(path, output, nlp=nlp, **options)
    return json.loads(output.read_text(encoding="utf-8"))


def test_html_is_detected_by_extension_and_by_content(tmp_path):
    assert detect_format(PAGE) == "html"
    renamed = tmp_path / "saved.txt"
    renamed.write_bytes(PAGE.read_bytes())
    assert detect_format(renamed) == "html"
    assert sniff_format(b'<?xml version="1.0"?><!DOCTYPE html><html><body>x</body></html>') == "html"
    assert sniff_format(b"<?xml version='1.0'?><!DOCTYPE collection SYSTEM 'BioC.dtd'><collection>") == "bioc"


def test_the_article_is_extracted_without_menus_share_buttons_related_links_footer_or_scripts():
    document = read_page()
    text = document.text
    assert text.startswith("Ketamine and the glutamate hypothesis of depression")
    assert "Ketamine produces rapid antidepressant effects in treatment-resistant depression (TRD)." in text
    for chrome in (
        "Home",
        "Sign in",
        "Share on Facebook",
        "Related articles",
        "Cocaine and the brain",
        "All rights reserved",
        "Privacy Policy",
        "var x",
    ):
        assert chrome not in text, chrome
    skipped = [text[s.start : s.end] for s in document.content.skipped if s.reason == "references"]
    assert skipped and "Biol Psychiatry. 2000;47(4):351-354." in skipped[0]


def test_page_text_is_every_visible_text_a_line_per_block():
    text = page_text(PAGE.read_bytes())
    lines = text.split("\n")
    assert lines[:4] == ["Home", "Health", "Drugs & Supplements", "Sign in"]
    assert "Share on Facebook Tweet Email" in lines
    assert "var x" not in text and "font:" not in text and "Example Health</title>" not in text


def test_every_character_of_the_article_maps_to_the_same_character_in_the_page():
    document = read_page()
    source = document.content.source
    text = document.text
    for start, end in ((0, 8), (text.index("treatment-resistant"), text.index("(TRD)") - 1)):
        located = source.locate(start, end)
        assert located is not None
        assert source.text[located[0] : located[1]] == text[start:end]
    for i in range(len(text)):
        if not text[i].isspace() and not text[i - 1 : i + 1].startswith("- "):
            located = source.locate(i, i + 1)
            if located:
                assert source.text[located[0]] == text[i]


def test_predict_reports_offsets_in_the_article_text_and_nothing_from_the_page_chrome(nlp, tmp_path):
    record = tag(nlp, PAGE, tmp_path)
    text = record["text"]
    found = {e["text"].lower() for e in record["entities"]}
    assert {"ketamine", "treatment-resistant depression", "riluzole", "schizophrenia"} <= found
    assert "cocaine" not in found and "lithium" not in found  # related-article links
    for entity in record["entities"]:
        assert text[entity["start"] : entity["end"]] == entity["text"]
    references = next(s for s in record["skipped"] if s["reason"] == "references")
    assert not any(references["start"] <= e["start"] < references["end"] for e in record["entities"])


def test_keep_boilerplate_tags_all_the_visible_text_of_the_page(nlp, tmp_path):
    record = tag(nlp, PAGE, tmp_path, keep_boilerplate=True)
    assert record["text"] == page_text(PAGE.read_bytes())
    assert {"cocaine", "lithium", "mania"} <= {e["text"].lower() for e in record["entities"]}


def test_html_view_shows_the_entities_in_the_page_text(nlp, tmp_path):
    output = tmp_path / "view.html"
    predict(PAGE, output, nlp=nlp, output_format="html")
    view = output.read_text(encoding="utf-8")
    assert "Sign in" in view and "Share on Facebook" in view  # the page as it was
    assert view.count('<mark class="entity"') == len(tag(nlp, PAGE, tmp_path)["entities"])
    assert "only the article tagged" in view


def test_entity_references_and_inline_markup_keep_the_map_exact(nlp, tmp_path):
    page = tmp_path / "p.html"
    page.write_text(
        "<html><body><nav><a>Home</a> <a>Topics</a></nav><article><h1>Serotonin &amp; mood</h1>"
        "<p>Patients with <i>bipolar</i> disorder took lithium&nbsp;carbonate and fluoxetine for many "
        "weeks; their mania and depression lessened, as the trial of serotonin reuptake inhibitors in "
        "bipolar disorder and schizophrenia had suggested.</p></article></body></html>",
        encoding="utf-8",
    )
    (document,) = read_documents(page, "html")
    record = tag(nlp, page, tmp_path)
    source = document.content.source
    for entity in record["entities"]:
        located = source.locate(entity["start"], entity["end"])
        assert located is not None
        assert source.text[located[0] : located[1]] == entity["text"]
    assert "lithium" in {e["text"] for e in record["entities"]}


def test_a_page_where_no_article_is_found_is_tagged_in_its_visible_text(nlp, tmp_path, monkeypatch):
    import bioner.formats.html as html_format

    monkeypatch.setattr(html_format, "extract_text", lambda raw: "")
    page = tmp_path / "tiny.htm"
    page.write_text("<html><body><ul><li>Home</li></ul><p>ketamine helps</p></body></html>", encoding="utf-8")
    record = tag(nlp, page, tmp_path)
    assert record["text"] == "Home\nketamine helps"
    assert [(e["start"], e["text"]) for e in record["entities"]] == [(5, "ketamine")]
