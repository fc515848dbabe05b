"""Error listing: kinds, context windows, TSV."""

from __future__ import annotations

import io

from bioner.document import Document, Mention
from bioner.evaluation import evaluate_documents
from bioner.evaluation.analysis import TSV_COLUMNS, errors_by_kind, find_errors, write_errors_tsv

TEXT = "Aspirin caused severe headache and nausea after cisplatin therapy."
# Aspirin 0-7, caused 8-14, severe headache 15-30, headache 22-30, nausea 35-41, cisplatin 48-57


def doc(doc_id: str, spans, text: str = TEXT) -> Document:
    document = Document.from_text(doc_id, text)
    document.mentions = [Mention(s, e, text[s:e], label) for s, e, label in spans]
    return document


GOLD = doc("d1", [(0, 7, "Chemical"), (22, 30, "Disease"), (35, 41, "Disease"), (48, 57, "Chemical")])


def kinds(errors):
    return sorted((e.type, e.kind, e.start, e.end, e.label) for e in errors)


def test_each_error_gets_its_kind():
    # Aspirin right; headache predicted as 15-30 (boundary FP + boundary FN);
    # cisplatin predicted Disease (label FP + label FN); nausea missed; "caused" spurious.
    predicted = doc("d1", [(0, 7, "Chemical"), (15, 30, "Disease"), (48, 57, "Disease"), (8, 14, "Chemical")])
    errors = find_errors([GOLD], [predicted])
    assert kinds(errors) == [
        ("FN", "boundary", 22, 30, "Disease"),
        ("FN", "label", 48, 57, "Chemical"),
        ("FN", "missed", 35, 41, "Disease"),
        ("FP", "boundary", 15, 30, "Disease"),
        ("FP", "label", 48, 57, "Disease"),
        ("FP", "spurious", 8, 14, "Chemical"),
    ]
    assert errors_by_kind(errors) == {
        "fp": {"boundary": 1, "label": 1, "spurious": 1},
        "fn": {"boundary": 1, "label": 1, "missed": 1},
    }


def test_error_counts_agree_with_strict_fp_and_fn():
    predicted = doc("d1", [(0, 7, "Chemical"), (15, 30, "Disease"), (48, 57, "Disease"), (8, 14, "Chemical")])
    evaluation = evaluate_documents([GOLD], [predicted])
    assert sum(e.type == "FP" for e in evaluation.errors) == evaluation.strict.micro.fp == 3
    assert sum(e.type == "FN" for e in evaluation.errors) == evaluation.strict.micro.fn == 3


def test_an_overlap_with_another_label_only_is_not_a_boundary_error():
    # predicted Chemical 15-30 overlaps gold Disease 22-30 only: spurious, and the gold is missed
    errors = find_errors([doc("d1", [(22, 30, "Disease")])], [doc("d1", [(15, 30, "Chemical")])])
    assert kinds(errors) == [("FN", "missed", 22, 30, "Disease"), ("FP", "spurious", 15, 30, "Chemical")]


def test_same_span_other_label_is_a_label_error_even_when_a_same_label_mention_overlaps():
    # gold Chemical 15-30 and Disease 22-30; predicted Disease 15-30: same span as the gold
    # Chemical (label error) takes precedence over its overlap with the gold Disease.
    gold = doc("d1", [(15, 30, "Chemical"), (22, 30, "Disease")])
    errors = find_errors([gold], [doc("d1", [(15, 30, "Disease")])])
    fp = [e for e in errors if e.type == "FP"]
    assert [(e.kind, e.related) for e in fp] == [("label", ((15, 30, "Chemical"),))]


def test_duplicated_predictions_give_one_error_row():
    errors = find_errors([doc("d1", [])], [doc("d1", [(8, 14, "Chemical")] * 3)])
    assert len(errors) == 1 and errors[0].kind == "spurious"


def test_context_window_is_cut_at_the_text_edges():
    errors = find_errors([doc("d1", [(0, 7, "Chemical")])], [doc("d1", [])], window=10)
    (error,) = errors
    assert (error.text, error.left, error.right) == ("Aspirin", "", " caused se")
    errors = find_errors([doc("d1", [])], [doc("d1", [(48, 57, "Chemical")])], window=10)
    assert (errors[0].left, errors[0].right) == ("sea after ", " therapy.")


def test_tsv_has_a_header_and_one_row_per_error_with_tabs_and_newlines_flattened():
    text = "Tab\there and a\nnewline aspirin"
    gold = doc("d\t1", [(23, 30, "Chemical")], text)
    errors = find_errors([gold], [doc("d\t1", [(0, 8, "Chemical")], text)])
    out = io.StringIO()
    assert write_errors_tsv(errors, out) == 2
    lines = out.getvalue().splitlines()
    assert lines[0].split("\t") == TSV_COLUMNS
    assert len(lines) == 3
    rows = [line.split("\t") for line in lines[1:]]
    assert all(len(row) == len(TSV_COLUMNS) for row in rows)
    fp = next(row for row in rows if row[1] == "FP")
    assert fp[0] == "d 1" and fp[6] == "Tab here" and fp[2] == "spurious"


def test_tsv_file_is_written_as_utf8(tmp_path):
    text = "Ça β-blocker"
    errors = find_errors([doc("d1", [(3, 12, "Chemical")], text)], [doc("d1", [], text)])
    path = tmp_path / "sub" / "errors.tsv"
    write_errors_tsv(errors, path)
    assert "β-blocker" in path.read_text(encoding="utf-8")
