"""Scoring rules on hand-made cases (counts worked out in comments) and on BC5CDR test."""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import pytest

from bioner.document import Document, Mention
from bioner.errors import BionerError
from bioner.evaluation.result import score
from bioner.evaluation.scoring import max_overlap_matching, overlaps

TEXT = "Aspirin caused severe headache and nausea after cisplatin therapy."
#       0         1         2         3         4         5         6
#       0123456789012345678901234567890123456789012345678901234567890123456
# Aspirin 0-7, headache 22-30, severe headache 15-30, nausea 35-41, cisplatin 48-57


def doc(doc_id: str, spans: list[tuple[int, int, str]], text: str = TEXT) -> Document:
    document = Document.from_text(doc_id, text)
    document.mentions = [Mention(s, e, text[s:e], label) for s, e, label in spans]
    return document


GOLD = [doc("d1", [(0, 7, "Chemical"), (22, 30, "Disease"), (35, 41, "Disease"), (48, 57, "Chemical")])]


def counts(evaluation, mode: str, key: str) -> tuple[int, int, int]:
    prf = getattr(evaluation, mode)[key]
    return prf.tp, prf.fp, prf.fn


def test_exact_hits_are_true_positives_with_perfect_scores():
    # every gold mention predicted exactly: Chemical 2 TP, Disease 2 TP, nothing else
    evaluation = score(
        GOLD, [doc("d1", [(0, 7, "Chemical"), (22, 30, "Disease"), (35, 41, "Disease"), (48, 57, "Chemical")])]
    )
    assert counts(evaluation, "strict", "Chemical") == (2, 0, 0)
    assert counts(evaluation, "strict", "Disease") == (2, 0, 0)
    assert counts(evaluation, "strict", "micro") == (4, 0, 0)
    assert evaluation.strict.micro.f1 == 1.0 and evaluation.strict.macro.f1 == 1.0


def test_boundary_error_is_fp_and_fn_strictly_but_a_hit_leniently():
    # predicted "severe headache" 15-30 vs gold "headache" 22-30: strict Disease FP 1, FN 1, and
    # "nausea" right: TP 1. Lenient: 15-30 overlaps 22-30 -> Disease TP 2, FP 0, FN 0.
    evaluation = score(
        GOLD, [doc("d1", [(0, 7, "Chemical"), (15, 30, "Disease"), (35, 41, "Disease"), (48, 57, "Chemical")])]
    )
    assert counts(evaluation, "strict", "Disease") == (1, 1, 1)
    assert counts(evaluation, "lenient", "Disease") == (2, 0, 0)
    # strict Disease: P = 1/2, R = 1/2, F1 = 1/2
    assert evaluation.strict["Disease"].precision == pytest.approx(0.5)
    assert evaluation.strict["Disease"].f1 == pytest.approx(0.5)
    # strict micro: TP 3 FP 1 FN 1 -> P = R = F1 = 3/4
    assert counts(evaluation, "strict", "micro") == (3, 1, 1)
    assert evaluation.strict.micro.f1 == pytest.approx(0.75)


def test_label_swap_is_an_fp_in_one_label_and_an_fn_in_the_other_even_leniently():
    # cisplatin 48-57 predicted Disease: Chemical TP 1 FN 1; Disease TP 2 FP 1. Lenient needs the
    # same label, so the same counts.
    evaluation = score(
        GOLD, [doc("d1", [(0, 7, "Chemical"), (22, 30, "Disease"), (35, 41, "Disease"), (48, 57, "Disease")])]
    )
    for mode in ("strict", "lenient"):
        assert counts(evaluation, mode, "Chemical") == (1, 0, 1)
        assert counts(evaluation, mode, "Disease") == (2, 1, 0)


def test_a_prediction_listed_twice_counts_once_as_the_biocreative_scorer_does():
    # Aspirin predicted three times (one distinct tuple) and a spurious "caused" 8-14 twice:
    # Chemical TP 1, FP 1 (the distinct spurious), FN 1 (cisplatin). Not FP 3.
    predicted = doc("d1", [(0, 7, "Chemical")] * 3 + [(8, 14, "Chemical")] * 2)
    evaluation = score(GOLD, [predicted])
    assert counts(evaluation, "strict", "Chemical") == (1, 1, 1)
    assert counts(evaluation, "lenient", "Chemical") == (1, 1, 1)
    assert evaluation.duplicates == {"gold": 0, "predictions": 3}
    assert evaluation.predicted_mentions["Chemical"] == 2


def test_a_gold_mention_listed_twice_counts_once():
    # gold Aspirin twice, predicted once: TP 1, FN 0 (not FN 1)
    gold = [doc("d1", [(0, 7, "Chemical"), (0, 7, "Chemical")])]
    evaluation = score(gold, [doc("d1", [(0, 7, "Chemical")])])
    assert counts(evaluation, "strict", "Chemical") == (1, 0, 0)
    assert evaluation.duplicates["gold"] == 1


def test_empty_predictions_give_all_false_negatives_and_zero_scores():
    # nothing predicted: TP 0, FP 0, FN 2 per label; P = 0/0 defined as 0.0, R = 0/2 = 0, F1 = 0.0
    evaluation = score(GOLD, [doc("d1", [])])
    assert counts(evaluation, "strict", "Chemical") == (0, 0, 2)
    assert counts(evaluation, "strict", "Disease") == (0, 0, 2)
    prf = evaluation.strict.micro
    assert (prf.precision, prf.recall, prf.f1) == (0.0, 0.0, 0.0)


def test_a_gold_document_without_a_prediction_counts_as_predicting_nothing():
    # d2 has gold Aspirin and no predicted document: Chemical FN +1
    gold = GOLD + [doc("d2", [(0, 7, "Chemical")])]
    evaluation = score(gold, [GOLD[0]])
    assert counts(evaluation, "strict", "Chemical") == (2, 0, 1)
    assert evaluation.documents == 2


def test_empty_gold_gives_all_false_positives_and_zero_scores():
    # gold has no mentions, two predictions: FP 2; P = 0/2 = 0, R = 0/0 defined as 0.0, F1 = 0.0
    evaluation = score([doc("d1", [])], [doc("d1", [(0, 7, "Chemical"), (22, 30, "Disease")])])
    assert counts(evaluation, "strict", "micro") == (0, 2, 0)
    prf = evaluation.strict.micro
    assert (prf.precision, prf.recall, prf.f1) == (0.0, 0.0, 0.0)


def test_nothing_on_either_side_scores_zero_not_one():
    evaluation = score([doc("d1", [])], [])
    assert evaluation.labels == []
    assert evaluation.strict.micro.to_json() == {"tp": 0, "fp": 0, "fn": 0, "precision": 0.0, "recall": 0.0, "f1": 0.0}
    assert evaluation.strict.macro.f1 == 0.0


def test_two_labels_with_identical_counts_stay_two_labels_in_micro_totals():
    # Regression for scispaCy's scorer, which sums per-label (tp, fp, fn) inside a set: equal
    # tuples collapse and micro counts one label only. Here Chemical and Disease both have
    # TP 1 (Aspirin / headache), FP 1 (caused / and), FN 1 (cisplatin / nausea).
    predicted = doc("d1", [(0, 7, "Chemical"), (8, 14, "Chemical"), (22, 30, "Disease"), (31, 34, "Disease")])
    evaluation = score(GOLD, [predicted])
    assert counts(evaluation, "strict", "Chemical") == (1, 1, 1)
    assert counts(evaluation, "strict", "Disease") == (1, 1, 1)
    assert counts(evaluation, "strict", "micro") == (2, 2, 2)
    assert counts(evaluation, "strict", "macro") == (2, 2, 2)


def test_macro_is_the_mean_of_per_label_scores_and_micro_pools_counts():
    # Chemical: Aspirin and cisplatin right -> P = R = F1 = 1.
    # Disease: headache right, nausea missed, "and" 31-34 and "therapy" 58-65 spurious:
    #   TP 1, FP 2, FN 1 -> P = 1/3, R = 1/2, F1 = 2*(1/3)(1/2)/(5/6) = 2/5.
    # macro P = (1 + 1/3)/2 = 2/3, R = (1 + 1/2)/2 = 3/4, F1 = (1 + 2/5)/2 = 7/10.
    # micro: TP 3, FP 2, FN 1 -> P = 3/5, R = 3/4, F1 = 2*(3/5)(3/4)/(27/20) = 2/3.
    predicted = doc(
        "d1", [(0, 7, "Chemical"), (48, 57, "Chemical"), (22, 30, "Disease"), (31, 34, "Disease"), (58, 65, "Disease")]
    )
    evaluation = score(GOLD, [predicted])
    assert evaluation.strict["Disease"].f1 == pytest.approx(2 / 5)
    assert evaluation.strict.macro.precision == pytest.approx(2 / 3)
    assert evaluation.strict.macro.recall == pytest.approx(3 / 4)
    assert evaluation.strict.macro.f1 == pytest.approx(7 / 10)
    assert evaluation.strict.micro.precision == pytest.approx(3 / 5)
    assert evaluation.strict.micro.recall == pytest.approx(3 / 4)
    assert evaluation.strict.micro.f1 == pytest.approx(2 / 3)


def test_a_label_only_predicted_is_scored_with_its_false_positives():
    # "Gene" at "caused" 8-14: Gene TP 0, FP 1, FN 0; macro now averages three labels
    evaluation = score(GOLD, [doc("d1", [(8, 14, "Gene")])])
    assert evaluation.labels == ["Chemical", "Disease", "Gene"]
    assert counts(evaluation, "strict", "Gene") == (0, 1, 0)


def test_labels_argument_ignores_other_labels_on_both_sides():
    # only Chemical scored: the Disease mentions and the Gene prediction are ignored
    evaluation = score(GOLD, [doc("d1", [(0, 7, "Chemical"), (8, 14, "Gene")])], labels=["Chemical"])
    assert list(evaluation.strict.labels) == ["Chemical"]
    assert counts(evaluation, "strict", "micro") == (1, 0, 1)


def test_lenient_matches_each_gold_and_each_prediction_at_most_once():
    # gold Disease "headache" 22-30; predictions 15-30 and 22-26 both overlap it: one TP, one FP.
    # And one prediction 22-41 spanning headache and nausea matches only one of them: FN 1.
    gold = [doc("d1", [(22, 30, "Disease")])]
    evaluation = score(gold, [doc("d1", [(15, 30, "Disease"), (22, 26, "Disease")])])
    assert counts(evaluation, "lenient", "Disease") == (1, 1, 0)
    gold = [doc("d1", [(22, 30, "Disease"), (35, 41, "Disease")])]
    evaluation = score(gold, [doc("d1", [(22, 41, "Disease")])])
    assert counts(evaluation, "lenient", "Disease") == (1, 0, 1)


def test_lenient_finds_the_largest_pairing_not_a_greedy_one():
    # gold A = 0-10, B = 12-20; p1 = 8-14 overlaps A and B, p2 = 2-5 overlaps only A.
    # Pairing p1 with A first would leave p2 unmatched (TP 1); the best pairing is p1-B, p2-A: TP 2.
    text = "x" * 30
    gold = [doc("d", [(0, 10, "Chemical"), (12, 20, "Chemical")], text)]
    evaluation = score(gold, [doc("d", [(8, 14, "Chemical"), (2, 5, "Chemical")], text)])
    assert counts(evaluation, "lenient", "Chemical") == (2, 0, 0)
    assert max_overlap_matching([(0, 10), (12, 20)], [(8, 14), (2, 5)]) == [(0, 1), (1, 0)]


def _brute_force_matching(gold, predicted) -> int:
    best = 0
    for k in range(min(len(gold), len(predicted)), 0, -1):
        for gs in itertools.combinations(range(len(gold)), k):
            for ps in itertools.permutations(range(len(predicted)), k):
                if all(
                    gold[g][0] < predicted[p][1] and predicted[p][0] < gold[g][1] for g, p in zip(gs, ps, strict=True)
                ):
                    return k
    return best


def test_lenient_matching_size_equals_brute_force_on_random_cases():
    rng = random.Random(7)
    for _ in range(300):

        def spans(n):
            out = []
            for _ in range(n):
                s = rng.randrange(0, 20)
                out.append((s, s + rng.randrange(1, 6)))
            return out

        gold, predicted = spans(rng.randrange(0, 5)), spans(rng.randrange(0, 5))
        pairs = max_overlap_matching(gold, predicted)
        assert len(pairs) == _brute_force_matching(gold, predicted)
        assert len({g for g, _ in pairs}) == len({p for _, p in pairs}) == len(pairs)
        assert all(overlaps(gold[g], predicted[p]) for g, p in pairs)


def test_adjacent_spans_do_not_overlap():
    # [0, 7) and [7, 10) share no character: lenient FP 1, FN 1
    gold = [doc("d1", [(0, 7, "Chemical")])]
    evaluation = score(gold, [doc("d1", [(7, 10, "Chemical")])])
    assert counts(evaluation, "lenient", "Chemical") == (0, 1, 1)


def test_a_predicted_document_the_gold_lacks_counts_its_mentions_as_false_positives():
    # The BioCreative scorer counts predictions of any PMID: d9's Aspirin is Chemical FP +1;
    # gold d1 has nothing predicted: Chemical FN 2, Disease FN 2.
    evaluation = score(GOLD, [doc("d9", [(0, 7, "Chemical")])])
    assert counts(evaluation, "strict", "Chemical") == (0, 1, 2)
    assert counts(evaluation, "strict", "Disease") == (0, 0, 2)
    assert evaluation.documents == 1  # gold documents


def test_a_predicted_text_that_differs_from_the_gold_is_scored_by_offsets():
    # "aspirin" for "Aspirin": the offsets 0-7 still equal the gold mention's: Chemical TP 1, FN 1
    evaluation = score(GOLD, [doc("d1", [(0, 7, "Chemical")], "aspirin" + TEXT[7:])])
    assert counts(evaluation, "strict", "Chemical") == (1, 0, 1)
    assert evaluation.predicted[0].text == TEXT  # the aligned prediction reads the gold text


@pytest.mark.parametrize(
    "span", [(60, 90), (30, 30), (30, 22), (-3, -1)], ids=["past", "empty", "reversed", "negative"]
)
def test_a_predicted_span_the_text_cannot_hold_is_a_false_positive(span):
    # counted as the tuple it is, like the BioCreative scorer: Chemical FP 1 beside the 2 FN
    evaluation = score(GOLD, [doc("d1", [(*span, "Chemical")])])
    assert counts(evaluation, "strict", "Chemical") == (0, 1, 2)
    assert counts(evaluation, "lenient", "Chemical") == (0, 1, 2)  # an empty span overlaps nothing


def test_a_gold_mention_outside_the_text_is_an_error():
    with pytest.raises(BionerError, match="gold: document 'd1': mention 60-90 Chemical falls outside the text"):
        score([doc("d1", [(60, 90, "Chemical")])], [])


def test_json_has_the_documented_shape():
    evaluation = score(GOLD, [GOLD[0]])
    payload = evaluation.to_json()
    assert {"strict", "lenient", "documents"} <= set(payload)
    assert payload["documents"] == 1
    for mode in ("strict", "lenient"):
        assert set(payload[mode]) == {"Chemical", "Disease", "micro", "macro"}
        for entry in payload[mode].values():
            assert set(entry) == {"tp", "fp", "fn", "precision", "recall", "f1"}
            assert all(0.0 <= entry[k] <= 1.0 for k in ("precision", "recall", "f1"))
    assert payload["strict"]["Chemical"] == {"tp": 2, "fp": 0, "fn": 0, "precision": 1.0, "recall": 1.0, "f1": 1.0}


# --- BC5CDR ----------------------------------------------------------------------------------


@pytest.fixture
def bc5cdr_test_file(shared_corpus) -> Path:
    return shared_corpus("bc5cdr", "CDR_TestSet.PubTator.txt") / "CDR_TestSet.PubTator.txt"


def test_bc5cdr_test_set_against_itself_is_perfect(bc5cdr_test_file):
    from bioner.evaluation import evaluate_files

    path = bc5cdr_test_file
    evaluation = evaluate_files(path, predictions_path=path)
    assert evaluation.documents == 500
    assert counts(evaluation, "strict", "Chemical") == (5385, 0, 0)
    assert counts(evaluation, "strict", "Disease") == (4424, 0, 0)
    for mode in ("strict", "lenient"):
        for key in ("Chemical", "Disease", "micro", "macro"):
            prf = getattr(evaluation, mode)[key]
            assert (prf.precision, prf.recall, prf.f1) == (1.0, 1.0, 1.0)


def _pubtator_blocks(text: str) -> list[list[str]]:
    return [block.split("\n") for block in text.strip("\n").split("\n\n") if block.strip()]


def _mention_tuples(blocks: list[list[str]]) -> set[tuple[str, int, int, str]]:
    """(document, start, end, label) of every mention line, parsed by hand, as a set."""
    tuples = set()
    for block in blocks:
        for line in block:
            columns = line.split("\t")
            if len(columns) >= 6 and columns[1].isdigit():
                tuples.add((columns[0], int(columns[1]), int(columns[2]), columns[4]))
    return tuples


def test_bc5cdr_perturbed_copy_scores_as_the_biocreative_set_rule_implies(tmp_path, bc5cdr_test_file):
    from bioner.evaluation import evaluate_files

    path = bc5cdr_test_file
    blocks = _pubtator_blocks(path.read_text(encoding="utf-8"))
    perturbed_blocks = []
    n = 0
    for b, block in enumerate(blocks):
        if b % 97 == 13:
            continue  # no predicted document at all: all its gold mentions are FN
        title = block[0].split("|t|", 1)[1]
        abstract = block[1].split("|a|", 1)[1]
        text = title + " " + abstract
        out = block[:2]
        for line in block[2:]:
            columns = line.split("\t")
            if not (len(columns) >= 6 and columns[1].isdigit()):
                out.append(line)  # relations
                continue
            n += 1
            start, end = int(columns[1]), int(columns[2])
            if n % 10 == 3:
                continue  # dropped
            if n % 10 == 5 and end + 1 <= len(text):  # shifted one character right
                columns[1], columns[2], columns[3] = str(start + 1), str(end + 1), text[start + 1 : end + 1]
            if n % 10 == 9:  # label swapped
                columns[4] = {"Chemical": "Disease", "Disease": "Chemical"}[columns[4]]
            out.append("\t".join(columns))
            if n % 10 == 7:  # listed twice
                out.append("\t".join(columns))
            if n % 50 == 1:  # a spurious one-character mention at the start of the title
                out.append("\t".join([columns[0], "0", "1", text[0], "Chemical", "-1"]))
        perturbed_blocks.append(out)
    copy = tmp_path / "perturbed.PubTator.txt"
    copy.write_text("\n\n".join("\n".join(block) for block in perturbed_blocks) + "\n\n", encoding="utf-8")

    gold = _mention_tuples(blocks)
    predicted = _mention_tuples(perturbed_blocks)
    evaluation = evaluate_files(path, predictions_path=copy)
    for label in ("Chemical", "Disease"):
        g = {t for t in gold if t[3] == label}
        p = {t for t in predicted if t[3] == label}
        expected = (len(g & p), len(p - g), len(g - p))
        assert counts(evaluation, "strict", label) == expected
        assert expected[1] > 100 and expected[2] > 100  # the perturbation really bites
        lenient = evaluation.lenient[label]
        assert lenient.tp >= expected[0] and lenient.tp + lenient.fn == len(g) and lenient.tp + lenient.fp == len(p)
    g_all, p_all = len(gold), len(predicted)
    tp_all = len(gold & predicted)
    assert counts(evaluation, "strict", "micro") == (tp_all, p_all - tp_all, g_all - tp_all)
