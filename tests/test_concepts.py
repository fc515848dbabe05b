"""Concept-level scoring and linking accuracy on hand-counted cases."""

from __future__ import annotations

import json

from bioner.document import Document, Mention
from bioner.evaluation import evaluate_documents, format_table, render_html
from bioner.evaluation.concepts import (
    concept_counts,
    document_concepts,
    format_concept_row,
    heldout_concept_scores,
    linking_accuracy,
    mention_identifiers,
)

TEXT = "Renal and hepatic failure after cisplatin; renal failure and cisplatin again, and aspirin."
#       0         1         2         3         4         5         6         7         8
#       0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890


def doc(doc_id: str, mentions: list[tuple[int, int, str, str]]) -> Document:
    document = Document.from_text(doc_id, TEXT)
    document.mentions = [Mention(s, e, TEXT[s:e], label, identifier) for s, e, label, identifier in mentions]
    return document


GOLD = doc(
    "d1",
    [
        (0, 25, "Disease", "D051437|D017093"),  # composite: renal failure + liver failure
        (32, 41, "Chemical", "D002945"),  # cisplatin
        (43, 56, "Disease", "D051437"),  # renal failure again: same concept, counted once
        (61, 70, "Chemical", "D002945"),  # cisplatin again
        (82, 89, "Chemical", "-1"),  # aspirin without an id: ignored
    ],
)


def test_composites_split_duplicates_once_and_minus_one_ignored():
    assert document_concepts(GOLD) == {("Disease", "D051437"), ("Disease", "D017093"), ("Chemical", "D002945")}


def test_concept_counts_hand_counted():
    predicted = doc(
        "d1",
        [
            (0, 5, "Disease", "D051437"),  # only renal failure, wrong span: concepts ignore offsets
            (32, 41, "Chemical", "MESH:D002945"),  # PubTator3 prefix equals BC5CDR's bare id
            (61, 70, "Chemical", "D002945"),  # duplicate concept in the document: once
            (82, 89, "Chemical", "D001241"),  # aspirin linked, but gold has -1: a false positive
            (43, 56, "Disease", "-1"),  # unlinked: contributes nothing
        ],
    )
    counts = concept_counts([GOLD], [predicted], ["Chemical", "Disease"])
    # Chemical: gold {D002945}; predicted {D002945, D001241} -> TP 1, FP 1, FN 0
    assert (counts["Chemical"].tp, counts["Chemical"].fp, counts["Chemical"].fn) == (1, 1, 0)
    # Disease: gold {D051437, D017093}; predicted {D051437} -> TP 1, FP 0, FN 1
    assert (counts["Disease"].tp, counts["Disease"].fp, counts["Disease"].fn) == (1, 0, 1)


def test_same_id_under_another_label_is_not_a_match():
    predicted = doc("d1", [(32, 41, "Disease", "D002945")])
    counts = concept_counts([GOLD], [predicted], ["Chemical", "Disease"])
    assert (counts["Chemical"].tp, counts["Chemical"].fn) == (0, 1)
    assert (counts["Disease"].fp, counts["Disease"].fn) == (1, 2)


def test_concepts_counted_per_document_not_per_corpus():
    other = Document.from_text("d2", TEXT)
    other.mentions = [Mention(32, 41, "cisplatin", "Chemical", "D002945")]
    # d2 predicts nothing: its cisplatin is a false negative even though d1 found it
    counts = concept_counts([GOLD, other], [GOLD, Document.from_text("d2", TEXT)], ["Chemical"])
    assert (counts["Chemical"].tp, counts["Chemical"].fp, counts["Chemical"].fn) == (1, 0, 1)


def test_evaluation_reports_concepts_in_table_json_and_html():
    predicted = doc("d1", [(32, 41, "Chemical", "D002945"), (0, 25, "Disease", "D051437")])
    evaluation = evaluate_documents([GOLD], [predicted])
    payload = json.loads(json.dumps(evaluation.to_json()))
    assert payload["concepts"]["Disease"]["tp"] == 1 and payload["concepts"]["Disease"]["fn"] == 1
    assert payload["concepts"]["micro"]["tp"] == 2
    assert "Concepts:" in format_table(evaluation)
    assert "Concepts:" in render_html(evaluation)


def test_linking_accuracy_needs_the_whole_identifier_set():
    linked = doc(
        "d1",
        [
            (0, 25, "Disease", "D051437"),  # composite with one part: wrong
            (32, 41, "Chemical", "D002945"),  # right
            (43, 56, "Disease", "D051437"),  # right
            (61, 70, "Chemical", "-1"),  # unlinked: wrong
            (82, 89, "Chemical", "D001241"),  # gold -1: not counted
        ],
    )
    accuracy = linking_accuracy([GOLD], [linked])
    assert accuracy.total == {"Chemical": 2, "Disease": 2}
    assert accuracy.accuracy("Chemical") == 0.5 and accuracy.accuracy("Disease") == 0.5
    assert accuracy.accuracy() == 0.5


def test_no_concept_block_when_gold_has_no_identifiers():
    bare = doc("d1", [(32, 41, "Chemical", "")])
    evaluation = evaluate_documents([bare], [bare])
    assert evaluation.concepts is None and "concepts" not in evaluation.to_json()


def test_ncbi_plus_joined_ids_are_separate_concepts():
    mention = Mention(0, 5, "x", "Disease", "D007674+D006222")
    assert mention_identifiers(mention) == ["D007674", "D006222"]


def test_heldout_concept_scores_align_by_document_and_skip_gold_without_ids():
    gold = [
        Document("1", [], [Mention(0, 3, "abc", "Disease", "D1"), Mention(4, 7, "def", "Disease", "OMIM:2")]),
        Document("2", [], [Mention(0, 3, "ghi", "Disease", "D3")]),
    ]
    predicted = [Document("2", [], [Mention(0, 3, "ghi", "Disease", "D3")]), Document("1", [], [])]
    scores = heldout_concept_scores(gold, predicted, ["Disease"])
    assert scores is not None
    assert (scores.labels["Disease"].precision, scores.labels["Disease"].recall) == (1.0, 1 / 3)
    row = format_concept_row("ncbi-disease-dev", scores, "Disease")
    assert row.startswith("ncbi-disease-dev    Disease    100.00  33.33  50.00") and row.endswith("(document, id)")
    no_ids = [Document("1", [], [Mention(0, 3, "abc", "Disease", "-1")])]
    assert heldout_concept_scores(no_ids, no_ids, ["Disease"]) is None
