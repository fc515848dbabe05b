"""Prediction files the BioCreative V CDR scorer counts although they look wrong: scored as the kit
scores them (by offsets), each oddity counted, one warning."""

from __future__ import annotations

import pytest

from bioner.evaluation import evaluate_files
from bioner.evaluation.checks import check_comparable
from bioner.evaluation.oddities import Oddities

GOLD = """\
1|t|Aspirin and headache.
1|a|Cisplatin caused nausea in rats.
1\t0\t7\tAspirin\tChemical\tD001241
1\t12\t20\theadache\tDisease\tD006261
1\t22\t31\tCisplatin\tChemical\tD002945
1\t39\t45\tnausea\tDisease\tD009325

2|t|Nausea after aspirin.
2|a|No headache was seen.
2\t0\t6\tNausea\tDisease\tD009325
2\t13\t20\taspirin\tChemical\tD001241
"""
# Document 1's text is 54 characters ("Aspirin and headache. Cisplatin caused nausea in rats.").

PREDICTIONS = """\
1|t|Aspirin and headache.
1|a|Cisplatin caused nausea in rats.
1\t0\t7\tAspirin\tChemical\t-1
1\t0\t7\tAspirin\tChemical\t-1
1\t12\t20\teadache\tDisease\t-1
1\t30\t30\tK\tChemical\t-1
1\t50\t99\trats\tDisease\t-1
1\t45\t39\tnausea\tDisease\t-1

2|t|Nausea after ASPIRIN.
2|a|No headache was seen.
2\t13\t20\tASPIRIN\tChemical\t-1
2\t25\t33\theadache\tDisease\t-1

3|t|Not in gold.
3|a|Aspirin.
3\t13\t20\tAspirin\tChemical\t-1
"""
# The kit's rule: a mention is the distinct tuple (document, start, end, type), by offsets only.
#   line 3  (1, 0, 7, Chemical)    TP
#   line 4  the same tuple again    counted once
#   line 5  (1, 12, 20, Disease)   TP (its text column "eadache" is not compared)
#   line 6  (1, 30, 30, Chemical)  FP, an empty span inside the text
#   line 7  (1, 50, 99, Disease)   FP, past the end of the 54 characters
#   line 8  (1, 45, 39, Disease)   FP, start after end
#   line 10 title "ASPIRIN" where gold has "aspirin": the offsets still count
#   line 12 (2, 13, 20, Chemical)  TP
#   line 13 (2, 25, 33, Disease)   FP (gold d2 has no Disease there)
#   line 17 (3, 13, 20, Chemical)  FP, document 3 is not in gold
# Gold not predicted: (1, 22, 31, Chemical), (1, 39, 45, Disease), (2, 0, 6, Disease).
# Chemical: TP 2, FP 2 (lines 6, 17), FN 1.  Disease: TP 1, FP 3 (lines 7, 8, 13), FN 2.
# Micro: TP 3, FP 5, FN 3.


@pytest.fixture
def evaluation(tmp_path):
    gold, predictions = tmp_path / "gold.txt", tmp_path / "pred.txt"
    gold.write_text(GOLD, encoding="utf-8")
    predictions.write_text(PREDICTIONS, encoding="utf-8")
    return evaluate_files(gold, predictions_path=predictions), predictions


def test_every_oddity_is_scored_with_the_counts_of_the_biocreative_scorer(evaluation):
    result, _ = evaluation
    assert (result.strict["Chemical"].tp, result.strict["Chemical"].fp, result.strict["Chemical"].fn) == (2, 2, 1)
    assert (result.strict["Disease"].tp, result.strict["Disease"].fp, result.strict["Disease"].fn) == (1, 3, 2)
    assert (result.strict.micro.tp, result.strict.micro.fp, result.strict.micro.fn) == (3, 5, 3)
    assert result.documents == 2  # gold documents
    assert result.duplicates["predictions"] == 1


def test_each_kind_of_oddity_is_counted_in_the_json(evaluation):
    result, predictions = evaluation
    assert result.to_json()["oddities"] == {
        "total": 6,
        "empty_spans": 1,
        "reversed_spans": 1,
        "outside_text": 1,
        "text_mismatches": 1,
        "document_text_mismatches": 1,
        "documents_not_in_gold": 1,
        "first": f"{predictions}:5: mention text 'eadache' does not equal the text at offsets 12-20: 'headache'",
    }
    assert result.to_json()["predictions"]["text_mismatches"] == 1


def test_the_oddities_make_one_warning_naming_the_count_and_the_first_line(evaluation):
    result, predictions = evaluation
    warnings = [w for w in check_comparable(result, predictions=str(predictions)) if "odd" in w]
    assert len(warnings) == 1
    assert warnings[0].startswith(f"6 odd predictions in predictions {predictions} (1 empty span, 1 start after end, ")
    assert warnings[0].endswith(
        f"first: {predictions}:5: mention text 'eadache' does not equal the text at offsets 12-20: 'headache'"
    )


def test_the_oddity_counts_read_back_from_the_json(evaluation):
    result, _ = evaluation
    again = Oddities.from_json(result.oddities.to_json(), "oddities")
    assert again.counts == result.oddities.counts and again.first == result.oddities.first


def test_bioc_predictions_with_an_empty_span_and_one_past_the_text_are_counted(tmp_path):
    from bioner.document import Document, Mention
    from bioner.formats import write_documents

    gold, predictions = tmp_path / "gold.txt", tmp_path / "pred.xml"
    gold.write_text(GOLD, encoding="utf-8")
    document = Document.from_title_abstract("1", "Aspirin and headache.", "Cisplatin caused nausea in rats.")
    # (1, 0, 7, Chemical) TP; (1, 30, 30, Chemical) and (1, 50, 99, Disease) FP
    document.mentions = [
        Mention(0, 7, "Aspirin", "Chemical"),
        Mention(30, 30, "K", "Chemical"),
        Mention(50, 99, "rats", "Disease"),
    ]
    write_documents([document], predictions, "bioc")
    result = evaluate_files(gold, predictions_path=predictions)
    assert (result.strict["Chemical"].tp, result.strict["Chemical"].fp) == (1, 1)
    assert (result.strict["Disease"].tp, result.strict["Disease"].fp) == (0, 1)
    assert result.oddities is not None
    assert (result.oddities.counts["empty_spans"], result.oddities.counts["outside_text"]) == (1, 1)
