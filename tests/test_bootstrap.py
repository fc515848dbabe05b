"""Bootstrap confidence intervals over documents."""

from __future__ import annotations

from bioner.document import Document, Mention
from bioner.evaluation import evaluate_documents

TEXT = "Aspirin caused headache."  # Aspirin 0-7, headache 15-23


def doc(doc_id: str, spans) -> Document:
    document = Document.from_text(doc_id, TEXT)
    document.mentions = [Mention(s, e, TEXT[s:e], label) for s, e, label in spans]
    return document


BOTH = [(0, 7, "Chemical"), (15, 23, "Disease")]


def mixed_corpus(n: int = 20):
    """Even documents predicted perfectly, odd ones with nothing predicted."""
    gold = [doc(f"d{i}", BOTH) for i in range(n)]
    predicted = [doc(f"d{i}", BOTH if i % 2 == 0 else []) for i in range(n)]
    return gold, predicted


def test_same_seed_gives_the_same_intervals_and_another_seed_other_ones():
    gold, predicted = mixed_corpus()
    a = evaluate_documents(gold, predicted, bootstrap=200, seed=1).bootstrap
    b = evaluate_documents(gold, predicted, bootstrap=200, seed=1).bootstrap
    c = evaluate_documents(gold, predicted, bootstrap=200, seed=2).bootstrap
    assert a.to_json() == b.to_json()
    assert a.to_json()["strict"] != c.to_json()["strict"]


def test_intervals_cover_micro_and_each_label_and_contain_the_point_estimate():
    gold, predicted = mixed_corpus()
    evaluation = evaluate_documents(gold, predicted, bootstrap=300, seed=0)
    intervals = evaluation.bootstrap.strict
    assert set(intervals) == {"Chemical", "Disease", "micro", "macro"}
    # point: TP 10, FN 10 per label -> P 1, R 1/2, F1 2/3
    assert intervals["micro"].f1 == evaluation.strict.micro.f1
    for interval in intervals.values():
        assert 0.0 <= interval.low < interval.f1 < interval.high <= 1.0


def test_a_single_document_resamples_to_itself_so_the_interval_is_a_point():
    gold = [doc("d1", BOTH)]
    predicted = [doc("d1", [(0, 7, "Chemical")])]
    # Chemical F1 1; Disease F1 0; micro TP 1, FN 1 -> F1 2/3
    intervals = evaluate_documents(gold, predicted, bootstrap=50).bootstrap.strict
    assert (intervals["Chemical"].low, intervals["Chemical"].high) == (1.0, 1.0)
    assert (intervals["Disease"].low, intervals["Disease"].high) == (0.0, 0.0)
    assert intervals["micro"].low == intervals["micro"].high == intervals["micro"].f1
    assert abs(intervals["micro"].f1 - 2 / 3) < 1e-12


def test_two_documents_resample_to_three_outcomes_whose_tails_are_the_extremes():
    # d1 perfect, d2 nothing predicted. Replicates: {d1,d1} F1 1 (p = 1/4), {d2,d2} F1 0
    # (p = 1/4), {d1,d2} F1 2/3 (p = 1/2); so the 2.5th and 97.5th percentiles are 0 and 1.
    gold = [doc("d1", BOTH), doc("d2", BOTH)]
    predicted = [doc("d1", BOTH), doc("d2", [])]
    intervals = evaluate_documents(gold, predicted, bootstrap=1000, seed=3).bootstrap.strict
    assert (intervals["micro"].low, intervals["micro"].high) == (0.0, 1.0)


def test_bootstrap_json_has_samples_seed_and_intervals():
    gold, predicted = mixed_corpus(4)
    payload = evaluate_documents(gold, predicted, bootstrap=10, seed=5).to_json()
    boot = payload["bootstrap"]
    assert (boot["samples"], boot["seed"], boot["confidence"]) == (10, 5, 0.95)
    assert set(boot["strict"]["micro"]) == {"f1", "low", "high"}
    assert set(boot["lenient"]) == {"Chemical", "Disease", "micro", "macro"}


def test_no_bootstrap_key_without_bootstrap():
    gold, predicted = mixed_corpus(2)
    assert "bootstrap" not in evaluate_documents(gold, predicted).to_json()
