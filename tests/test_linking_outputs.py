"""Identifiers from the linker reach every output: PubTator, JSONL, BioC, HTML."""

from __future__ import annotations

import io
import json

import pytest
import spacy

from bioner.document import Document
from bioner.formats import read_documents, write_documents
from bioner.formats.html_view import render_document
from bioner.linking.linker import write_kb
from bioner.tagging import prefix_identifier, tag_documents

ENTRIES = [
    ("Chemical", "cisplatin", "D002945", 3),
    ("Disease", "renal failure", "D051437", 2),
    ("Disease", "hepatic failure", "D017093", 2),
]


@pytest.fixture(scope="module")
def nlp(tmp_path_factory):
    kb = tmp_path_factory.mktemp("kb") / "kb.json.gz"
    write_kb(ENTRIES, kb)
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    nlp.add_pipe("bioner_linker")
    nlp.initialize()
    nlp.get_pipe("bioner_linker").initialize(kb_path=str(kb))
    ruler.add_patterns(
        [
            {"label": "Chemical", "pattern": [{"LOWER": "cisplatin"}]},
            {"label": "Chemical", "pattern": "salt"},
            {"label": "Disease", "pattern": "renal and hepatic failure"},
        ]
    )
    return nlp


def tagged(nlp, prefix: str = "") -> Document:
    document = Document.from_title_abstract("7", "Cisplatin salt.", "It caused renal and hepatic failure.")
    (result,) = tag_documents(nlp, [document], id_prefix=prefix)
    return result


def test_tagging_carries_the_linker_ids_into_mentions(nlp):
    assert [(m.text, m.identifier) for m in tagged(nlp).mentions] == [
        ("Cisplatin", "D002945"),
        ("salt", "-1"),
        ("renal and hepatic failure", "D051437|D017093"),
    ]


def test_id_prefix_goes_before_each_part_but_not_before_minus_one(nlp):
    assert [m.identifier for m in tagged(nlp, "MESH:").mentions] == ["MESH:D002945", "-1", "MESH:D051437|MESH:D017093"]
    assert prefix_identifier("MESH:D1", "MESH:") == "MESH:D1"


@pytest.mark.parametrize("fmt", ["pubtator", "jsonl", "bioc", "bioc-json"])
def test_each_format_writes_the_ids_and_reads_them_back(nlp, tmp_path, fmt):
    path = tmp_path / f"out.{fmt}"
    write_documents([tagged(nlp)], path, fmt)
    (document,) = read_documents(path, fmt)
    assert [m.identifier for m in document.mentions if m.identifier not in {"", "-1"}] == ["D002945", "D051437|D017093"]


def test_pubtator_sixth_column_and_jsonl_id_key(nlp, tmp_path):
    write_documents([tagged(nlp)], tmp_path / "a.pubtator", "pubtator")
    rows = [line.split("\t") for line in (tmp_path / "a.pubtator").read_text().splitlines() if "\t" in line]
    assert [row[5] for row in rows] == ["D002945", "-1", "D051437|D017093"]
    stream = io.StringIO()
    write_documents([tagged(nlp, "MESH:")], stream, "jsonl")
    assert [e["id"] for e in json.loads(stream.getvalue())["entities"]] == [
        "MESH:D002945",
        "-1",
        "MESH:D051437|MESH:D017093",
    ]


def test_html_view_shows_the_id_on_hover(nlp):
    page = render_document(tagged(nlp))
    assert 'title="D002945"' in page and 'title="D051437|D017093"' in page
    assert 'title="-1"' in page  # unlinked: the hover says so
