"""`bioner evaluate` end to end, with PubTator/DocBin files and a tiny rule-based pipeline."""

from __future__ import annotations

import json

import pytest
import spacy
from spacy.tokens import DocBin
from typer.testing import CliRunner

import bioner.cli.evaluate  # noqa: F401  (registers the command)
from bioner.cli import _register, app
from bioner.document import Document, Mention
from bioner.errors import BionerError
from bioner.formats import write_documents
from bioner.formats.pubtator import write_pubtator

_register()  # all subcommands, so `app` is a group and `evaluate` is named as users type it
runner = CliRunner()

TITLE_1, ABSTRACT_1 = "Aspirin and headache.", "Cisplatin caused nausea in rats."
TITLE_2, ABSTRACT_2 = "Nausea after aspirin.", "No headache was seen."
# d1 text "Aspirin and headache. Cisplatin caused nausea in rats."
#   Aspirin 0-7, headache 12-20, Cisplatin 22-31, nausea 39-45
# d2 text "Nausea after aspirin. No headache was seen."
#   Nausea 0-6, aspirin 13-20, headache 25-33


def pubtator_doc(doc_id, title, abstract, spans):
    document = Document.from_title_abstract(doc_id, title, abstract)
    text = document.text
    document.mentions = [Mention(s, e, text[s:e], label) for s, e, label in spans]
    return document


GOLD = [
    pubtator_doc(
        "d1", TITLE_1, ABSTRACT_1, [(0, 7, "Chemical"), (12, 20, "Disease"), (22, 31, "Chemical"), (39, 45, "Disease")]
    ),
    pubtator_doc("d2", TITLE_2, ABSTRACT_2, [(0, 6, "Disease"), (13, 20, "Chemical"), (25, 33, "Disease")]),
]


@pytest.fixture
def gold_file(tmp_path):
    path = tmp_path / "gold.txt"
    write_pubtator(GOLD, path)
    return path


@pytest.fixture
def ruler_model(tmp_path):
    """A pipeline that tags lower-case "aspirin" and "headache" only (case-sensitive ORTH)."""
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns(
        [
            {"label": "Chemical", "pattern": "aspirin"},
            {"label": "Disease", "pattern": "headache"},
            {"label": "Disease", "pattern": "rats"},
        ]
    )
    path = tmp_path / "model"
    nlp.to_disk(path)
    return path


# What the ruler predicts: d1 headache 12-20 (TP), rats 49-53 Disease (FP, spurious);
# d2 aspirin 13-20 (TP), headache 25-33 (TP).
# Chemical: TP 1, FP 0, FN 2 (Aspirin, Cisplatin)  -> P 1, R 1/3, F1 1/2
# Disease:  TP 2, FP 1, FN 2 (nausea, Nausea)      -> P 2/3, R 1/2, F1 4/7
# micro:    TP 3, FP 1, FN 4                        -> P 3/4, R 3/7, F1 6/11
RULER_PREDICTIONS = [
    pubtator_doc("d1", TITLE_1, ABSTRACT_1, [(12, 20, "Disease"), (49, 53, "Disease")]),
    pubtator_doc("d2", TITLE_2, ABSTRACT_2, [(13, 20, "Chemical"), (25, 33, "Disease")]),
]


def invoke(*args):
    return runner.invoke(app, ["evaluate", *map(str, args)])


def test_model_run_over_gold_text_gives_the_worked_out_counts(gold_file, ruler_model, tmp_path):
    out = tmp_path / "scores.json"
    result = invoke("--gold", gold_file, "--model", ruler_model, "--json", out)
    assert result.exit_code == 0, result.output
    payload = json.loads(out.read_text())
    strict = payload["strict"]
    assert {k: strict["Chemical"][k] for k in ("tp", "fp", "fn")} == {"tp": 1, "fp": 0, "fn": 2}
    assert {k: strict["Disease"][k] for k in ("tp", "fp", "fn")} == {"tp": 2, "fp": 1, "fn": 2}
    assert strict["Disease"]["f1"] == pytest.approx(4 / 7)
    assert strict["micro"]["f1"] == pytest.approx(6 / 11)
    assert payload["documents"] == 2


def test_model_and_predictions_file_give_identical_scores(gold_file, ruler_model, tmp_path):
    predictions = tmp_path / "pred.txt"
    write_pubtator(RULER_PREDICTIONS, predictions)
    by_model, by_file = tmp_path / "model.json", tmp_path / "file.json"
    assert invoke("--gold", gold_file, "--model", ruler_model, "--json", by_model).exit_code == 0
    assert invoke("--gold", gold_file, "--predictions", predictions, "--json", by_file).exit_code == 0
    model_json, file_json = json.loads(by_model.read_text()), json.loads(by_file.read_text())
    assert model_json["strict"]["micro"]["tp"] == 3
    assert model_json == file_json


def test_docbin_predictions_are_read_and_joined_by_document_id(gold_file, tmp_path):
    nlp = spacy.blank("en")
    docbin = DocBin(store_user_data=True)
    for document in reversed(RULER_PREDICTIONS):  # order does not matter, ids do
        doc = nlp(document.text)
        doc.ents = [doc.char_span(m.start, m.end, label=m.label) for m in document.mentions]
        doc.user_data["id"] = document.id
        docbin.add(doc)
    path = tmp_path / "pred.spacy"
    docbin.to_disk(path)
    out = tmp_path / "scores.json"
    result = invoke("--gold", gold_file, "--predictions", path, "--json", out)
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text())["strict"]["micro"]["tp"] == 3


def test_table_is_printed_and_errors_and_html_written(gold_file, tmp_path):
    predictions = tmp_path / "pred.txt"
    write_pubtator(RULER_PREDICTIONS, predictions)
    errors, page = tmp_path / "errors.tsv", tmp_path / "report.html"
    result = invoke("--gold", gold_file, "--predictions", predictions, "--errors", errors, "--html", page)
    assert result.exit_code == 0, result.output
    assert any(line.split()[:4] == ["micro", "3", "1", "4"] for line in result.stdout.splitlines())
    rows = errors.read_text(encoding="utf-8").splitlines()[1:]
    assert len(rows) == 5  # FP 1 + FN 4
    assert sorted(row.split("\t")[2] for row in rows) == ["missed"] * 4 + ["spurious"]
    assert 'class="entities"' in page.read_text(encoding="utf-8")


def test_bootstrap_adds_intervals_to_json(gold_file, tmp_path):
    predictions = tmp_path / "pred.txt"
    write_pubtator(RULER_PREDICTIONS, predictions)
    out = tmp_path / "scores.json"
    result = invoke("--gold", gold_file, "--predictions", predictions, "--json", out, "--bootstrap", 30)
    assert result.exit_code == 0, result.output
    boot = json.loads(out.read_text())["bootstrap"]
    assert boot["samples"] == 30
    assert set(boot["strict"]) == {"Chemical", "Disease", "micro", "macro"}


@pytest.mark.parametrize("extra", [[], ["--model", "x", "--predictions", "y"]])
def test_exactly_one_of_model_and_predictions_is_required(gold_file, extra):
    result = invoke("--gold", gold_file, *extra)
    assert result.exit_code == 2
    words = " ".join(result.output.replace("│", " ").split())  # unwrap Rich's error box
    assert "give exactly one of --model and --predictions" in words


def test_a_predicted_document_the_gold_lacks_is_scored_and_warned_about(gold_file, tmp_path):
    # As the BioCreative scorer: d3's Aspirin is a Chemical FP; d1 and d2 predict nothing.
    predictions = tmp_path / "pred.txt"
    write_pubtator([pubtator_doc("d3", TITLE_1, ABSTRACT_1, [(0, 7, "Chemical")])], predictions)
    out = tmp_path / "scores.json"
    result = invoke("--gold", gold_file, "--predictions", predictions, "--json", out)
    assert result.exit_code == 0, result.output
    payload = json.loads(out.read_text())
    assert payload["strict"]["Chemical"]["fp"] == 1
    assert payload["oddities"]["documents_not_in_gold"] == 1
    assert f"first: {predictions}:1: document 'd3' is not in the gold file" in result.stderr


def test_the_same_id_with_different_text_is_scored_by_offsets_with_one_warning(gold_file, tmp_path):
    predictions = tmp_path / "pred.txt"
    write_pubtator([pubtator_doc("d1", TITLE_1, ABSTRACT_1.upper(), [(0, 7, "Chemical")])], predictions)
    out = tmp_path / "scores.json"
    result = invoke("--gold", gold_file, "--predictions", predictions, "--json", out)
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text())["strict"]["Chemical"]["tp"] == 1
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1
    # the abstract differs (upper case), so the line named is the abstract's, line 2
    assert (
        f"first: {predictions}:2: the text of document 'd1' differs from the gold text at character 23" in warnings[0]
    )


def test_a_model_that_cannot_be_loaded_is_a_clear_error(gold_file, tmp_path):
    result = invoke("--gold", gold_file, "--model", tmp_path / "no-such-model")
    assert isinstance(result.exception, BionerError)
    assert "cannot load model" in str(result.exception)


def test_help_names_every_flag():
    result = runner.invoke(app, ["evaluate", "--help"])
    assert result.exit_code == 0
    for flag in ("--gold", "--model", "--predictions", "--json", "--html", "--errors", "--bootstrap"):
        assert flag in result.output


def test_bioc_gold_and_pubtator_predictions_score_like_pubtator_gold(gold_file, tmp_path):
    bioc_gold = tmp_path / "gold.xml"
    write_documents(GOLD, bioc_gold, "bioc")
    predictions = tmp_path / "pred.txt"
    write_pubtator(RULER_PREDICTIONS, predictions)
    from_bioc, from_pubtator = tmp_path / "bioc.json", tmp_path / "pubtator.json"
    assert invoke("--gold", bioc_gold, "--predictions", predictions, "--json", from_bioc).exit_code == 0
    assert invoke("--gold", gold_file, "--predictions", predictions, "--json", from_pubtator).exit_code == 0
    assert json.loads(from_bioc.read_text())["strict"] == json.loads(from_pubtator.read_text())["strict"]


def test_a_plain_text_file_is_refused_as_gold(tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("Aspirin and headache.\n", encoding="utf-8")
    result = invoke("--gold", text, "--predictions", text)
    assert isinstance(result.exception, BionerError)
    assert "not an annotated file" in str(result.exception)


# --- nothing lost at the edges (issue 13) -----------------------------------------------------


def relabelled(documents, rename):
    return [
        pubtator_doc(d.id, d.title, d.abstract, [(m.start, m.end, rename(m.label)) for m in d.mentions])
        for d in documents
    ]


def test_predictions_whose_labels_match_no_gold_label_are_an_error(gold_file, tmp_path):
    predictions = tmp_path / "pred.pubtator"
    write_pubtator(relabelled(RULER_PREDICTIONS, str.lower), predictions)
    result = invoke("--gold", gold_file, "--predictions", predictions)
    assert result.exit_code != 0
    assert isinstance(result.exception, BionerError)
    message = str(result.exception)
    assert "no label of the predictions" in message and "'chemical' is 'Chemical'" in message


def test_an_empty_prediction_file_is_an_error(gold_file, tmp_path):
    predictions = tmp_path / "pred.pubtator"
    predictions.write_text("")
    result = invoke("--gold", gold_file, "--predictions", predictions, "--json", tmp_path / "s.json")
    assert isinstance(result.exception, BionerError) and "prediction file is empty" in str(result.exception)
    assert not (tmp_path / "s.json").exists()


def test_predictions_without_any_mention_warn(gold_file, tmp_path):
    predictions = tmp_path / "pred.pubtator"
    write_pubtator(relabelled(RULER_PREDICTIONS, str)[:1], predictions)
    predictions.write_text("\n".join(line for line in predictions.read_text().splitlines() if "\t" not in line) + "\n")
    result = invoke("--gold", gold_file, "--predictions", predictions)
    assert result.exit_code == 0
    assert "warning: predictions" in result.output and "hold no mention" in result.output


@pytest.mark.parametrize("option", ["--json", "--html", "--errors"])
def test_outputs_over_an_input_or_another_output_or_into_a_folder_are_refused(gold_file, tmp_path, option):
    predictions = tmp_path / "pred.pubtator"
    write_pubtator(RULER_PREDICTIONS, predictions)
    for target, fragment in [
        (gold_file, "would write over the input"),
        (predictions, "would write over the input"),
        (tmp_path, "is a folder"),
    ]:
        result = invoke("--gold", gold_file, "--predictions", predictions, option, target)
        assert isinstance(result.exception, BionerError), result.output
        assert fragment in str(result.exception) and option in str(result.exception)
    other = "--json" if option != "--json" else "--html"
    result = invoke("--gold", gold_file, "--predictions", predictions, option, tmp_path / "x", other, tmp_path / "x")
    assert "would write over the" in str(result.exception)
    assert (
        write_pubtator(GOLD, tmp_path / "check.txt") and gold_file.read_text() == (tmp_path / "check.txt").read_text()
    )


def test_reports_are_written_atomically(gold_file, tmp_path, monkeypatch):
    import bioner.evaluation.report as report

    predictions = tmp_path / "pred.pubtator"
    write_pubtator(RULER_PREDICTIONS, predictions)
    (tmp_path / "r.html").write_text("previous report")

    def unwritable(*args, **kwargs):
        return "<html>a page that fails half-way through writing: \ud800"  # not encodable as UTF-8

    monkeypatch.setattr(report, "render_html", unwritable)
    result = invoke("--gold", gold_file, "--predictions", predictions, "--html", tmp_path / "r.html")
    assert isinstance(result.exception, UnicodeEncodeError)
    assert (tmp_path / "r.html").read_text() == "previous report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gold.txt", "pred.pubtator", "r.html"]


def test_help_says_how_the_rule_differs_from_the_biocreative_jar():
    result = invoke("--help")
    assert "jar" in result.output and "no gold mention of that type" in " ".join(result.output.split())


def test_disk_full_writing_the_json_is_one_error_and_leaves_nothing(gold_file, tmp_path, monkeypatch):
    import errno

    import bioner.evaluation as evaluation

    predictions = tmp_path / "pred.pubtator"
    write_pubtator(RULER_PREDICTIONS, predictions)

    def full(evaluation_, path, **kwargs):
        with open(path, "w") as handle:
            handle.write("{")
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(evaluation, "write_json", full)
    result = invoke("--gold", gold_file, "--predictions", predictions, "--json", tmp_path / "s.json")
    assert isinstance(result.exception, BionerError)
    assert "s.json: cannot write: no space left on the device" in str(result.exception)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gold.txt", "pred.pubtator"]


def test_predictions_whose_text_column_differs_are_scored_by_offsets_and_counted(gold_file, tmp_path):
    # As the BioCreative scorer does: (document, start, end, type) counts, the text column does not.
    predictions = tmp_path / "pred.txt"
    shifted = pubtator_doc("d1", TITLE_1, ABSTRACT_1, [(12, 20, "Disease"), (49, 53, "Disease")])
    shifted.mentions[0].text = "eadache"  # the text column of a tool that counts offsets differently
    write_pubtator([shifted, RULER_PREDICTIONS[1]], predictions)
    out = tmp_path / "scores.json"
    result = invoke("--gold", gold_file, "--predictions", predictions, "--json", out)
    assert result.exit_code == 0, result.output
    payload = json.loads(out.read_text())
    assert payload["strict"]["micro"]["tp"] == 3  # headache 12-20 still matches the gold by offsets
    assert payload["predictions"]["text_mismatches"] == 1
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1
    assert "1 odd prediction" in warnings[0] and "'eadache'" in warnings[0] and "by offsets" in warnings[0]


def test_predictions_with_offsets_outside_the_text_are_false_positives(gold_file, tmp_path):
    predictions = tmp_path / "pred.txt"
    predictions.write_text(f"d1|t|{TITLE_1}\nd1|a|{ABSTRACT_1}\nd1\t50\t99\trats\tDisease\t-1\n\n", encoding="utf-8")
    out = tmp_path / "scores.json"
    result = invoke("--gold", gold_file, "--predictions", predictions, "--json", out)
    assert result.exit_code == 0, result.output
    payload = json.loads(out.read_text())
    assert payload["strict"]["Disease"]["fp"] == 1
    assert payload["oddities"]["outside_text"] == 1
    assert f"first: {predictions}:3: offsets outside the text: 50-99 Disease" in result.stderr


def test_predictions_with_offsets_that_are_not_numbers_are_refused_with_their_line(gold_file, tmp_path):
    predictions = tmp_path / "pred.txt"
    predictions.write_text(f"d1|t|{TITLE_1}\nd1|a|{ABSTRACT_1}\nd1\t5o\t9\trats\tDisease\t-1\n\n", encoding="utf-8")
    result = invoke("--gold", gold_file, "--predictions", predictions)
    assert isinstance(result.exception, BionerError)
    assert "pred.txt:3: offsets must be whole numbers, found start '5o'" in str(result.exception)
