"""Terminal table and HTML report."""

from __future__ import annotations

import re

from bioner.document import Document, Mention
from bioner.evaluation import evaluate_documents, format_table, render_html
from bioner.evaluation.report import sample_errors

TEXT = "Aspirin caused severe headache and nausea after cisplatin therapy."


def doc(doc_id: str, spans, text: str = TEXT) -> Document:
    document = Document.from_text(doc_id, text)
    document.mentions = [Mention(s, e, text[s:e], label) for s, e, label in spans]
    return document


GOLD = [doc("d1", [(0, 7, "Chemical"), (22, 30, "Disease"), (35, 41, "Disease"), (48, 57, "Chemical")])]
PREDICTED = [doc("d1", [(0, 7, "Chemical"), (15, 30, "Disease"), (48, 57, "Disease"), (8, 14, "Chemical")])]
# strict: Chemical TP 1 FP 1 FN 1; Disease TP 0 FP 2 FN 2; micro TP 1 FP 3 FN 3


def test_table_lists_each_label_micro_and_macro_with_counts_and_percentages():
    table = format_table(evaluate_documents(GOLD, PREDICTED))
    lines = table.splitlines()
    chemical = next(line for line in lines if line.startswith("Chemical"))
    assert chemical.split() == ["Chemical", "1", "1", "1", "50.00", "50.00", "50.00"]
    micro = next(line for line in lines if line.startswith("micro"))
    assert micro.split()[:4] == ["micro", "1", "3", "3"]
    assert "Strict" in table and "Lenient" in table
    assert "FP boundary 1, label 1, spurious 1" in table


def test_table_shows_confidence_intervals_with_bootstrap():
    table = format_table(evaluate_documents(GOLD, PREDICTED, bootstrap=20))
    assert "95% CI" in table
    assert re.search(r"^micro .*\[\s*\d+\.\d\d,\s+\d+\.\d\d\]$", table, re.MULTILINE)


def test_html_is_self_contained_with_tables_kinds_and_displacy_samples():
    page = render_html(evaluate_documents(GOLD, PREDICTED))
    assert page.startswith("<!DOCTYPE html>")
    assert "<script" not in page and "<link" not in page and "src=" not in page
    assert page.count("<table>") == 3  # strict, lenient, error kinds
    assert page.count('class="sample"') == 6  # all six errors fit in the sample
    assert page.count('class="entities"') == 12  # gold and predicted for each
    assert '<mark class="entity"' in page
    assert "#ff8a80" in page  # the error itself is highlighted


def test_html_escapes_document_ids_labels_and_text():
    text = "<script>alert(1)</script> & aspirin"
    gold = [doc("<b>id</b>", [(28, 35, "Chem<i>")], text)]
    predicted = [doc("<b>id</b>", [(0, 8, "Chem<i>")], text)]
    page = render_html(evaluate_documents(gold, predicted), title="<title>")
    assert "<script>" not in page and "<b>id</b>" not in page and "Chem<i>" not in page
    assert "&lt;script&gt;" in page and "&lt;b&gt;id&lt;/b&gt;" in page and "Chem&lt;i&gt;" in page


def test_html_draws_overlapping_mentions_once_and_lists_the_rest():
    # gold has nested 15-30 and 22-30 Disease; displaCy cannot draw both
    gold = [doc("d1", [(15, 30, "Disease"), (22, 30, "Disease")])]
    page = render_html(evaluate_documents(gold, [doc("d1", [])]))
    assert "overlapping, not drawn" in page


def test_error_sample_is_seeded_and_spreads_over_kinds():
    evaluation = evaluate_documents(
        GOLD * 1 + [doc("d2", [(0, 7, "Chemical")])],
        PREDICTED + [doc("d2", [(8, 14, "Chemical"), (15, 21, "Chemical")])],
    )
    errors = evaluation.errors
    sample = sample_errors(errors, 3, seed=1)
    assert len(sample) == 3
    assert len({(e.type, e.kind) for e in sample}) == 3  # round-robin over kinds
    assert sample == sample_errors(errors, 3, seed=1)


def test_html_and_json_show_the_variant_and_species_confusion_rates():
    from bioner.evaluation.cross_corpus import CorpusScore

    evaluation = evaluate_documents(GOLD, PREDICTED)
    evaluation.cross_corpus = [
        CorpusScore("tmvar3-test", 71, ("Variant",), overlap_label="Variant", mentions=200, tagged=5),
        CorpusScore("species-test", 160, ("Species",), overlap_label="Species", mentions=739, tagged=0),
    ]
    page = render_html(evaluation)
    assert "2.5% of 200 variant mentions overlapped" in page and "0.0% of 739 species mentions" in page
    payload = evaluation.to_json()["cross_corpus"]
    assert payload["tmvar3-test"]["variant_rate"] == 0.025 and payload["species-test"]["species_mentions"] == 739
