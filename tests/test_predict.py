"""`bioner.predict`: input resolution, model resolution, streaming tagging and every output format.

The pipeline here is a blank English pipeline with the project's tokenizer and an entity ruler:
honest for the plumbing (reading, offsets, writing), not a measure of tagging quality.
"""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest
import spacy

from bioner.errors import BionerError, InputError
from bioner.predict import (
    DEFAULT_MODEL_PACKAGE,
    PredictionSummary,
    find_trained_model,
    plan_input,
    predict,
    resolve_model,
)

EXAMPLES = Path(__file__).parent / "fixtures" / "examples"

CHEMICALS = ["ketamine", "glutamate", "serotonin", "riluzole", "fluoxetine", "duloxetine", "monoamine"]
DISEASES = [
    "depression",
    "treatment-resistant depression",
    "TRD",
    "mood disorders",
    "bipolar disorder",
    "schizophrenia",
]

PUBTATOR_GOLD = (
    "100|t|Ketamine for depression.\n"
    "100|a|Glutamate and mood disorders in rats given cocaine.\n"
    "100\t0\t8\tKetamine\tChemical\tD007649\n"
    "100\t68\t75\tcocaine\tChemical\tD003042\n"
    "100\tCID\tD003042\tD003866\n"
    "\n"
    "200|t|Schizophrenia and serotonin.\n"
    "200|a|No findings.\n"
    "\n"
)


def build_ruler_pipeline(path: Path) -> Path:
    nlp = spacy.blank("en", config={"nlp": {"tokenizer": {"@tokenizers": "bioner.BiomedicalTokenizer.v1"}}})
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"})
    ruler.add_patterns(
        [{"label": "Chemical", "pattern": p} for p in CHEMICALS]
        + [{"label": "Disease", "pattern": p} for p in DISEASES]
    )
    nlp.to_disk(path)
    return path


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory) -> Path:
    return build_ruler_pipeline(tmp_path_factory.mktemp("ruler") / "model")


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# --- model resolution ------------------------------------------------------------------------


def test_resolve_model_returns_the_given_pipeline_folder(model_dir, tmp_path):
    assert resolve_model(str(model_dir), tmp_path) == model_dir


def test_resolve_model_reads_a_relative_folder_against_cwd(model_dir):
    assert resolve_model(model_dir.name, model_dir.parent) == model_dir


def test_resolve_model_refuses_a_folder_that_is_not_a_pipeline(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(BionerError, match="not a spaCy pipeline"):
        resolve_model("empty", tmp_path)


def test_resolve_model_names_an_unknown_model_and_how_to_get_one(tmp_path):
    with pytest.raises(BionerError) as caught:
        resolve_model("en_no_such_model", tmp_path)
    message = str(caught.value)
    assert "unknown model 'en_no_such_model'" in message
    assert "make train" in message and DEFAULT_MODEL_PACKAGE in message


def test_resolve_model_accepts_an_installed_package_name(tmp_path, monkeypatch):
    monkeypatch.setattr("spacy.util.is_package", lambda name: name == "en_fake_installed")
    assert resolve_model("en_fake_installed", tmp_path) == "en_fake_installed"


def test_resolve_model_defaults_to_training_model_best_under_cwd(model_dir, tmp_path):
    shutil.copytree(model_dir, tmp_path / "training" / "model-best")
    assert resolve_model(None, tmp_path) == tmp_path / "training" / "model-best"


def test_resolve_model_prefers_training_model_best_over_a_development_run(model_dir, tmp_path):
    shutil.copytree(model_dir, tmp_path / "training" / "dev" / "model-best")
    shutil.copytree(model_dir, tmp_path / "training" / "model-best")
    assert resolve_model(None, tmp_path) == tmp_path / "training" / "model-best"


def test_find_trained_model_takes_the_newest_run_when_there_is_no_training_model_best(model_dir, tmp_path):
    import os

    older = shutil.copytree(model_dir, tmp_path / "training" / "a" / "model-best")
    newer = shutil.copytree(model_dir, tmp_path / "training" / "b" / "model-best")
    os.utime(older / "config.cfg", (2_000_000_000, 2_000_000_000))
    os.utime(newer / "config.cfg", (1_000_000_000, 1_000_000_000))
    assert find_trained_model(tmp_path) == older


def test_resolve_model_falls_back_to_the_installed_project_model(tmp_path, monkeypatch):
    monkeypatch.setattr("spacy.util.is_package", lambda name: name == DEFAULT_MODEL_PACKAGE)
    assert resolve_model(None, tmp_path) == DEFAULT_MODEL_PACKAGE


def test_resolve_model_without_any_model_says_how_to_get_one(tmp_path, monkeypatch):
    monkeypatch.setattr("spacy.util.is_package", lambda name: False)
    with pytest.raises(BionerError) as caught:
        resolve_model(None, tmp_path)
    message = str(caught.value)
    assert "no model" in message and "make train" in message and "--model" in message
    assert DEFAULT_MODEL_PACKAGE in message


# --- plain text, folders, stdin ---------------------------------------------------------------


def test_text_file_is_one_document_with_entities_at_their_offsets(model_dir, tmp_path):
    text = "Ketamine relieves treatment-resistant depression.\nGlutamate rises."
    out = tmp_path / "out.jsonl"
    summary = predict(write(tmp_path / "abstract.txt", text), out, model=str(model_dir))
    [record] = read_jsonl(out)
    assert record["id"] == "abstract"
    assert record["text"] == text
    assert [(e["start"], e["end"], e["label"], e["text"]) for e in record["entities"]] == [
        (0, 8, "Chemical", "Ketamine"),
        (18, 48, "Disease", "treatment-resistant depression"),
        (50, 59, "Chemical", "Glutamate"),
    ]
    assert summary.documents == 1
    assert summary.entities == {"Chemical": 2, "Disease": 1}
    assert summary.words == len(text.split())
    assert summary.output_format == "jsonl"


def test_lines_makes_one_document_per_non_empty_line(model_dir, tmp_path):
    source = write(tmp_path / "sentences.txt", "Ketamine works.\n\nSchizophrenia persists.\n")
    out = tmp_path / "out.jsonl"
    predict(source, out, model=str(model_dir), lines=True)
    records = read_jsonl(out)
    assert [r["id"] for r in records] == ["sentences:1", "sentences:3"]
    assert [[e["label"] for e in r["entities"]] for r in records] == [["Chemical"], ["Disease"]]


def test_folder_tags_every_txt_file_in_name_order_and_ignores_other_files(model_dir, tmp_path):
    folder = tmp_path / "abstracts"
    folder.mkdir()
    write(folder / "b.txt", "Fluoxetine.")
    write(folder / "a.txt", "Bipolar disorder.")
    write(folder / "notes.md", "ketamine")
    out = tmp_path / "out.jsonl"
    summary = predict(folder, out, model=str(model_dir))
    records = read_jsonl(out)
    assert [r["id"] for r in records] == ["a", "b"]
    assert [r["entities"][0]["text"] for r in records] == ["Bipolar disorder", "Fluoxetine"]
    assert summary.documents == 2


def test_folder_without_txt_files_is_an_error_naming_it(model_dir, tmp_path):
    folder = tmp_path / "nothing"
    folder.mkdir()
    write(folder / "readme.md", "x")
    with pytest.raises(BionerError, match="no .txt files"):
        predict(folder, tmp_path / "out.jsonl", model=str(model_dir))


def test_stdin_text_is_one_document_named_stdin(model_dir, tmp_path):
    out = tmp_path / "out.jsonl"
    predict("-", out, model=str(model_dir), stdin=io.BytesIO(b"Riluzole and duloxetine."))
    [record] = read_jsonl(out)
    assert record["id"] == "stdin"
    assert [e["text"] for e in record["entities"]] == ["Riluzole", "duloxetine"]


def test_stdin_pubtator_is_detected_from_content_and_written_as_pubtator(model_dir, tmp_path, capsys):
    predict("-", None, model=str(model_dir), stdin=io.BytesIO(PUBTATOR_GOLD.encode()))
    out = capsys.readouterr().out
    assert out.startswith("100|t|Ketamine for depression.\n100|a|")
    assert "100\t0\t8\tKetamine\tChemical" in out


def test_stdin_longer_than_the_detection_window_is_read_whole(model_dir, tmp_path):
    text = "filler " * 20_000 + "ketamine"  # 140,000 characters: beyond the 64 KiB read ahead
    out = tmp_path / "out.jsonl"
    predict("-", out, model=str(model_dir), stdin=io.BytesIO(text.encode()))
    [record] = read_jsonl(out)
    assert record["text"] == text
    assert record["entities"] == [{"start": len(text) - 8, "end": len(text), "label": "Chemical", "text": "ketamine"}]


def test_stdin_input_format_overrides_detection(model_dir, tmp_path):
    out = tmp_path / "out.jsonl"
    pubtator_looking = "1|t|ketamine\n"
    predict("-", out, model=str(model_dir), input_format="text", stdin=io.BytesIO(pubtator_looking.encode()))
    [record] = read_jsonl(out)
    assert record["text"] == "1|t|ketamine"


# --- PubTator, JSONL, BioC --------------------------------------------------------------------


def test_pubtator_in_gives_pubtator_out_with_the_input_annotations_replaced(model_dir, tmp_path):
    from bioner.formats.pubtator import read_pubtator

    gold = write(tmp_path / "gold.pubtator", PUBTATOR_GOLD)
    out = tmp_path / "pred.pubtator"
    summary = predict(gold, out, model=str(model_dir))
    assert summary.output_format == "pubtator"
    documents = read_pubtator(out)
    assert [d.id for d in documents] == ["100", "200"]
    first = documents[0]
    assert first.title == "Ketamine for depression." and first.abstract.startswith("Glutamate")
    # offsets into title + " " + abstract; cocaine (gold only) is gone, the relation too
    assert [(m.start, m.end, m.text, m.label) for m in first.mentions] == [
        (0, 8, "Ketamine", "Chemical"),
        (13, 23, "depression", "Disease"),
        (25, 34, "Glutamate", "Chemical"),
        (39, 53, "mood disorders", "Disease"),
    ]
    assert first.relations == []
    assert "CID" not in out.read_text(encoding="utf-8")
    assert [m.text for m in documents[1].mentions] == ["Schizophrenia", "serotonin"]


def test_pubtator_text_file_with_txt_extension_is_detected_by_content(model_dir, tmp_path):
    source = write(tmp_path / "CDR_TestSet.PubTator.txt", PUBTATOR_GOLD)
    assert plan_input(source).formats == {"pubtator"}
    out = tmp_path / "pred.out"
    predict(source, out, model=str(model_dir))
    assert out.read_text(encoding="utf-8").startswith("100|t|")


def test_pubtator_to_jsonl_keeps_offsets_into_title_space_abstract(model_dir, tmp_path):
    gold = write(tmp_path / "gold.pubtator", PUBTATOR_GOLD)
    out = tmp_path / "pred.jsonl"
    predict(gold, out, model=str(model_dir), output_format="jsonl")
    record = read_jsonl(out)[0]
    assert record["text"] == "Ketamine for depression. Glutamate and mood disorders in rats given cocaine."
    for entity in record["entities"]:
        assert record["text"][entity["start"] : entity["end"]] == entity["text"]


def test_jsonl_in_tags_each_line_and_replaces_given_entities(model_dir, tmp_path):
    lines = [
        {"id": "a", "text": "Serotonin and ketamine.", "entities": [{"start": 0, "end": 9, "label": "Gene"}]},
        {"id": "b", "text": "Nothing here."},
    ]
    source = write(tmp_path / "docs.jsonl", "\n".join(json.dumps(r) for r in lines) + "\n")
    out = tmp_path / "out.jsonl"
    predict(source, out, model=str(model_dir), output_format="jsonl")
    records = read_jsonl(out)
    assert [r["id"] for r in records] == ["a", "b"]
    assert [(e["text"], e["label"]) for e in records[0]["entities"]] == [
        ("Serotonin", "Chemical"),
        ("ketamine", "Chemical"),
    ]
    assert records[1]["entities"] == []
    assert set(records[0]) == {"id", "text", "entities"}


@pytest.mark.parametrize("output_format", ["bioc", "bioc-json"])
def test_bioc_output_reads_back_with_the_predicted_mentions(model_dir, tmp_path, output_format):
    from bioner.formats import read_documents

    gold = write(tmp_path / "gold.pubtator", PUBTATOR_GOLD)
    out = tmp_path / ("pred.xml" if output_format == "bioc" else "pred.json")
    predict(gold, out, model=str(model_dir), output_format=output_format)
    documents = list(read_documents(out, output_format))
    assert [d.id for d in documents] == ["100", "200"]
    assert [(m.start, m.end, m.label) for m in documents[0].sorted_mentions()] == [
        (0, 8, "Chemical"),
        (13, 23, "Disease"),
        (25, 34, "Chemical"),
        (39, 53, "Disease"),
    ]
    assert documents[0].text == "Ketamine for depression. Glutamate and mood disorders in rats given cocaine."


@pytest.mark.parametrize("output_format", ["bioc", "bioc-json"])
def test_bioc_input_is_tagged_and_round_trips_through_bioc(model_dir, tmp_path, output_format):
    from bioner.document import Document
    from bioner.formats import read_documents, write_documents

    source = tmp_path / ("paper.xml" if output_format == "bioc" else "paper.json")
    write_documents(
        [Document.from_title_abstract("p1", "Riluzole in TRD", "Fluoxetine failed.")], source, output_format
    )
    out = tmp_path / ("out.xml" if output_format == "bioc" else "out.json")
    predict(source, out, model=str(model_dir), input_format=output_format, output_format=output_format)
    [document] = list(read_documents(out, output_format))
    assert document.id == "p1"
    assert [m.text for m in document.sorted_mentions()] == ["Riluzole", "TRD", "Fluoxetine"]


def test_output_format_follows_the_output_extension_when_not_given(model_dir, tmp_path):
    source = write(tmp_path / "abstract.txt", "Ketamine.")
    predict(source, tmp_path / "tagged.pubtator", model=str(model_dir))
    predict(source, tmp_path / "view.html", model=str(model_dir))
    assert (tmp_path / "tagged.pubtator").read_text(encoding="utf-8").startswith("abstract|t|Ketamine.")
    assert (tmp_path / "view.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_multiline_text_written_as_pubtator_stays_valid_pubtator(model_dir, tmp_path):
    from bioner.formats.pubtator import read_pubtator

    text = "Title line\nKetamine and\ndepression."
    out = tmp_path / "tagged.pubtator"
    predict(write(tmp_path / "abstract.txt", text), out, model=str(model_dir))
    [document] = read_pubtator(out)
    assert [document.text[m.start : m.end] for m in document.mentions] == ["Ketamine", "depression"]
    assert document.title == text.replace("\n", " ")  # one character for one: offsets hold


# --- HTML ------------------------------------------------------------------------------------


def test_html_is_one_self_contained_page_with_a_section_per_document(model_dir, tmp_path):
    gold = write(tmp_path / "gold.pubtator", PUBTATOR_GOLD)
    out = tmp_path / "view.html"
    predict(gold, out, model=str(model_dir), output_format="html")
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert page.count('<section class="document"') == 2
    assert "<h2>100</h2>" in page and "<h2>200</h2>" in page
    assert page.count('<mark class="entity"') == 6
    assert "http://" not in page and "https://" not in page and "<script" not in page


def test_html_escapes_the_text_and_ids(model_dir, tmp_path):
    source = write(
        tmp_path / "docs.jsonl",
        json.dumps({"id": "<b>x</b>", "text": "<script>alert(1)</script> ketamine & co"}) + "\n",
    )
    out = tmp_path / "view.html"
    predict(source, out, model=str(model_dir), output_format="html")
    page = out.read_text(encoding="utf-8")
    assert "<script>" not in page and "<b>x</b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "&amp; co" in page
    assert "&lt;b&gt;x&lt;/b&gt;" in page


# --- errors and edge cases --------------------------------------------------------------------


def test_not_utf8_is_an_input_error_naming_file_and_line(model_dir, tmp_path):
    source = tmp_path / "latin1.txt"
    source.write_bytes("Ketamine\nd\xe9pression\n".encode("latin-1"))
    with pytest.raises(InputError) as caught:
        predict(source, tmp_path / "out.jsonl", model=str(model_dir))
    assert caught.value.line == 2
    assert str(caught.value).startswith(f"{source}:2: not UTF-8")


def test_utf16_text_on_stdin_is_tagged_as_its_byte_order_mark_says(model_dir, tmp_path):
    text = "Ketamine for depression."
    stdin = io.BytesIO(text.encode("utf-16"))
    predict("-", tmp_path / "out.jsonl", model=str(model_dir), stdin=stdin)
    (record,) = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert record["text"] == text


def test_malformed_pubtator_is_an_input_error_naming_file_and_line(model_dir, tmp_path):
    source = write(tmp_path / "bad.pubtator", "1|t|Ketamine\n1|a|Text.\n1\t0\tx\tKetamine\tChemical\tD1\n")
    with pytest.raises(InputError, match=r"bad\.pubtator:3: offsets must be whole numbers"):
        predict(source, tmp_path / "out.pubtator", model=str(model_dir))


def test_a_failed_run_leaves_no_output_file_behind(model_dir, tmp_path):
    good = "".join(f"{i}|t|Ketamine {i}\n{i}|a|Depression.\n\n" for i in range(1, 300))
    source = write(tmp_path / "late-error.pubtator", good + "999|t|only a title\n")
    out = tmp_path / "pred.pubtator"
    with pytest.raises(InputError, match="no abstract line"):
        predict(source, out, model=str(model_dir), batch_size=8)
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["late-error.pubtator"]


def test_a_failed_run_keeps_an_existing_output_file_unchanged(model_dir, tmp_path):
    out = write(tmp_path / "pred.jsonl", "previous\n")
    source = tmp_path / "bad.jsonl"
    source.write_bytes(b'{"text": "ketamine"}\n' * 200 + b'{"text": "\xff"}\n')
    with pytest.raises(InputError, match=":201: not UTF-8"):
        predict(source, out, model=str(model_dir))
    assert out.read_text(encoding="utf-8") == "previous\n"


@pytest.mark.parametrize("content", ["", "\n\n  \n"])
def test_empty_input_writes_empty_output_without_loading_the_model(tmp_path, content, monkeypatch):
    def no_loading(model):
        raise AssertionError("the model was loaded for empty input")

    monkeypatch.setattr("bioner.tagging.load_pipeline", no_loading)
    monkeypatch.setattr("spacy.util.is_package", lambda name: name == DEFAULT_MODEL_PACKAGE)
    out = tmp_path / "out.jsonl"
    summary = predict(write(tmp_path / "empty.txt", content), out)
    assert summary.empty_input and summary.documents == 0
    assert out.read_text(encoding="utf-8") == ""
    assert "empty input" in summary.format()


def test_empty_input_gives_an_empty_bioc_collection_not_a_broken_file(model_dir, tmp_path):
    from bioner.formats import read_documents

    out = tmp_path / "out.xml"
    summary = predict(write(tmp_path / "empty.txt", ""), out, model=str(model_dir), output_format="bioc")
    assert summary.empty_input
    assert list(read_documents(out, "bioc")) == []


def test_empty_documents_among_others_are_kept_so_ids_line_up(model_dir, tmp_path):
    source = write(tmp_path / "docs.jsonl", '{"id": "a", "text": ""}\n{"id": "b", "text": "ketamine"}\n')
    out = tmp_path / "out.jsonl"
    summary = predict(source, out, model=str(model_dir))
    assert [r["id"] for r in read_jsonl(out)] == ["a", "b"]
    assert summary.documents == 2 and not summary.empty_input


def test_unknown_output_format_is_refused_before_anything_is_read(model_dir, tmp_path):
    with pytest.raises(BionerError, match="unknown output format 'xlsx'"):
        predict(tmp_path / "missing.txt", None, model=str(model_dir), output_format="xlsx")


def test_missing_input_is_an_error_naming_it(model_dir, tmp_path):
    with pytest.raises(BionerError, match="missing.txt: no such file"):
        predict(tmp_path / "missing.txt", None, model=str(model_dir))


def test_output_into_a_missing_folder_is_an_error(model_dir, tmp_path):
    source = write(tmp_path / "a.txt", "ketamine")
    with pytest.raises(BionerError, match="does not exist"):
        predict(source, tmp_path / "no" / "out.jsonl", model=str(model_dir))


def test_a_document_of_several_megabytes_is_tagged_not_refused(model_dir, tmp_path):
    paragraph = "Ketamine was given for depression and the mood disorders improved in most patients. "
    text = paragraph * (3_000_000 // len(paragraph) + 1)
    assert len(text) > spacy.blank("en").max_length * 3
    out = tmp_path / "out.jsonl"
    summary = predict(write(tmp_path / "big.txt", text), out, model=str(model_dir))
    repeats = text.count(paragraph)
    assert summary.entities == {"Chemical": repeats, "Disease": 2 * repeats}
    last_paragraph = len(text) - len(paragraph)
    assert read_jsonl(out)[0]["entities"][-1]["end"] == last_paragraph + paragraph.index("mood disorders") + 14


def test_two_processes_give_the_same_output_as_one(model_dir, tmp_path):
    source = write(
        tmp_path / "gold.pubtator",
        "".join(f"{i}|t|Ketamine and TRD {i}\n{i}|a|Serotonin in schizophrenia.\n\n" for i in range(1, 40)),
    )
    one, two = tmp_path / "one.pubtator", tmp_path / "two.pubtator"
    predict(source, one, model=str(model_dir), n_process=1, batch_size=4)
    summary = predict(source, two, model=str(model_dir), n_process=2, batch_size=4)
    assert two.read_text(encoding="utf-8") == one.read_text(encoding="utf-8")
    assert summary.documents == 39


def test_summary_reports_documents_words_entities_and_speed():
    summary = PredictionSummary(documents=2, words=1000, seconds=0.5)
    summary.entities.update({"Chemical": 3, "Disease": 1})
    assert summary.words_per_second == 2000
    text = summary.format()
    assert "2 documents" in text and "1,000 words" in text and "2,000 words/s" in text
    assert "Chemical 3" in text and "Disease 1" in text
    assert summary.to_dict()["entities"] == {"Chemical": 3, "Disease": 1}


# --- the examples users bring -----------------------------------------------------------------


EXAMPLE_TEXTS = sorted(p.name for p in EXAMPLES.glob("*.txt"))


@pytest.mark.parametrize("name", EXAMPLE_TEXTS)
def test_every_example_text_is_tagged_with_valid_offsets(model_dir, tmp_path, name):
    out = tmp_path / "out.jsonl"
    summary = predict(EXAMPLES / name, out, model=str(model_dir))
    [record] = read_jsonl(out)
    assert record["text"] == (EXAMPLES / name).read_text(encoding="utf-8").rstrip("\n")
    assert summary.entities["Chemical"] > 0 and summary.entities["Disease"] > 0
    for entity in record["entities"]:
        assert record["text"][entity["start"] : entity["end"]] == entity["text"]


def test_the_example_folder_is_tagged_as_one_document_per_text_file(model_dir, tmp_path):
    out = tmp_path / "tagged.pubtator"
    summary = predict(EXAMPLES, out, model=str(model_dir))
    assert summary.documents == len(EXAMPLE_TEXTS) == 4
    assert summary.output_format == "pubtator"
    from bioner.formats.pubtator import read_pubtator

    assert [d.id for d in read_pubtator(out)] == [Path(n).stem for n in EXAMPLE_TEXTS]


def test_the_pubtator3_example_is_retagged_with_its_mesh_annotations_replaced(model_dir, tmp_path):
    from bioner.formats.pubtator import read_pubtator

    out = tmp_path / "pred.pubtator"
    predict(EXAMPLES / "pubtator3-37424412.pubtator", out, model=str(model_dir))
    [document] = read_pubtator(out)
    assert document.id == "37424412"
    assert all(m.identifier in ("", "-1") for m in document.mentions)
    assert document.relations == []
    texts = {m.text.lower() for m in document.mentions}
    assert {"glutamate", "treatment-resistant depression", "trd", "ketamine", "mood disorders"} <= texts
    assert "selective serotonin reuptake drugs" not in texts  # a gold mention our ruler does not make


# --- the round trip through the evaluator -----------------------------------------------------


def test_pubtator_predictions_score_the_same_as_evaluating_the_model_directly(model_dir, tmp_path):
    from bioner.evaluation import evaluate_files

    gold = tmp_path / "gold.pubtator"
    gold.write_text(
        PUBTATOR_GOLD + (EXAMPLES / "pubtator3-37424412.pubtator").read_text(encoding="utf-8"), encoding="utf-8"
    )
    predictions = tmp_path / "pred.pubtator"
    predict(gold, predictions, model=str(model_dir))

    from_file = evaluate_files(gold, predictions_path=predictions).to_json()
    from_model = evaluate_files(gold, model=str(model_dir)).to_json()
    assert from_file == from_model
    strict = from_file["strict"]["micro"]
    assert strict["tp"] > 0 and strict["fp"] + strict["fn"] > 0  # a real comparison, not 0 = 0
    assert from_file["documents"] == 3


def test_the_output_file_gets_ordinary_permissions_not_a_temporary_files(model_dir, tmp_path):
    import os
    import stat

    umask = os.umask(0o022)
    try:
        out = tmp_path / "out.jsonl"
        predict(write(tmp_path / "a.txt", "ketamine"), out, model=str(model_dir))
    finally:
        os.umask(umask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o644


def test_output_over_the_input_file_is_refused_before_tagging(model_dir, tmp_path):
    path = write(tmp_path / "data.pubtator", PUBTATOR_GOLD)
    with pytest.raises(BionerError, match="--output would write over the input"):
        predict(path, path, model=str(model_dir))
    (tmp_path / "alias.pubtator").symlink_to(path)
    with pytest.raises(BionerError, match="--output would write over the input"):
        predict(path, tmp_path / "alias.pubtator", model=str(model_dir))
    assert path.read_text() == PUBTATOR_GOLD


def test_iob_output_reads_back_with_the_predicted_mentions_and_documents(model_dir, tmp_path):
    from bioner.formats.iob import read_iob

    gold = write(tmp_path / "gold.pubtator", PUBTATOR_GOLD)
    predict(gold, tmp_path / "pred.jsonl", model=str(model_dir))
    predict(gold, tmp_path / "pred.iob", model=str(model_dir))  # the extension chooses iob
    expected = [[(e["text"], e["label"]) for e in record["entities"]] for record in read_jsonl(tmp_path / "pred.jsonl")]
    documents = read_iob(tmp_path / "pred.iob")
    assert len(documents) == 2 and expected[0]
    # IOB text is the tokens joined by spaces: mention texts and labels survive, offsets do not.
    assert [[(m.text, m.label) for m in d.sorted_mentions()] for d in documents] == expected
    assert (tmp_path / "pred.iob").read_text(encoding="utf-8").startswith("-DOCSTART-\tO\n\nKetamine\tB-Chemical\n")
