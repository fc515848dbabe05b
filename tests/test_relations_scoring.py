"""Relation scoring (`evaluation/relations.py`): the BioCreative V CDR kit's `relation CID` counts,
the within/across-sentence split, the co-occurrence baseline, and the relation step on gold
mentions; counts worked out in comments."""

from __future__ import annotations

import json

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc
from typer.testing import CliRunner

from bioner.cli import _register, app
from bioner.document import Document, Mention, Relation
from bioner.errors import BionerError
from bioner.evaluation import evaluate_documents, render_html
from bioner.evaluation.relations import (
    cooccurrence_relations,
    evaluate_relations,
    normalise_id,
    relations_on_gold_mentions,
    score_relations,
)
from bioner.evaluation.scoring import align_documents

TITLE = "Cisplatin caused nephrotoxicity."
ABSTRACT = "Aspirin was given. Later, headache occurred."
TEXT = TITLE + " " + ABSTRACT
# Sentences: 0 "Cisplatin caused nephrotoxicity." 1 "Aspirin was given." 2 "Later, headache occurred."
NAMES = [
    ("Cisplatin", "Chemical", "D002945"),
    ("nephrotoxicity", "Disease", "D007674"),
    ("Aspirin", "Chemical", "D001241"),
    ("headache", "Disease", "D006261"),
]


def span(name: str) -> tuple[int, int]:
    start = TEXT.index(name)
    return start, start + len(name)


def mentions(names=NAMES) -> list[Mention]:
    return [Mention(*span(name), name, label, identifier) for name, label, identifier in names]


def document(doc_id: str = "d1", relations=(), names=NAMES) -> Document:
    return Document.from_title_abstract(doc_id, TITLE, ABSTRACT, mentions=mentions(names), relations=list(relations))


GOLD = [
    document(
        relations=[
            Relation("CID", ["D002945", "D007674"]),  # cisplatin - nephrotoxicity: sentence 0, within
            Relation("CID", ["D001241", "D006261"]),  # aspirin (1) - headache (2): across
        ]
    )
]


def triple(prf) -> tuple[int, int, int]:
    return prf.tp, prf.fp, prf.fn


def test_ids_with_and_without_the_mesh_prefix_are_one_concept():
    assert normalise_id("MESH:D001241") == normalise_id("D001241") == "D001241"
    assert normalise_id("CHEBI:32875") == "CHEBI:32875"


def test_distinct_tuples_count_once_and_the_split_follows_the_sentences():
    predicted = [
        document(
            relations=[
                Relation("CID", ["MESH:D002945", "D007674"]),  # TP, within (gold mentions in sentence 0)
                Relation("CID", ["D002945", "MESH:D007674"]),  # the same tuple again: not counted twice
                Relation("CID", ["D001241", "D007674"]),  # FP; both ids in gold: aspirin (1), nephro (0): across
                # FP; D999999 has no gold mention: classified by its support, both spans in sentence 2: within
                Relation("CID", ["D999999", "D006261"], support=[(*span("Later"), *span("headache"))]),
            ]
        )
    ]
    # FN: aspirin - headache (across). TP 1, FP 2, FN 1.
    scores = score_relations(GOLD, predicted)
    assert triple(scores.micro) == (1, 2, 1)
    assert triple(scores.within_sentence) == (1, 1, 0)
    assert triple(scores.across_sentences) == (0, 1, 1)
    assert set(scores.per_type) == {"CID"}


def test_a_predicted_pair_without_gold_mentions_or_support_is_classified_by_the_predicted_mentions():
    # D999999 is tagged on "Later" (sentence 2) beside headache (sentence 2): within.
    names = [*NAMES, ("Later", "Chemical", "MESH:D999999")]
    predicted = [document(relations=[Relation("CID", ["D999999", "D006261"])], names=names)]
    scores = score_relations(GOLD, predicted, baseline=False)
    assert triple(scores.within_sentence) == (0, 1, 1)  # the FP, and the gold cisplatin pair missed
    assert triple(scores.across_sentences) == (0, 0, 1)


def test_relation_types_come_from_the_data():
    gold = [document(relations=[Relation("CID", ["D002945", "D007674"]), Relation("Treats", ["D001241", "D006261"])])]
    predicted = [document(relations=[Relation("Treats", ["D001241", "D006261"]), Relation("Causes", ["A", "B"])])]
    scores = score_relations(gold, predicted, baseline=False)
    assert {name: triple(prf) for name, prf in scores.per_type.items()} == {
        "CID": (0, 0, 1),
        "Causes": (0, 1, 0),
        "Treats": (1, 0, 0),
    }
    assert triple(scores.micro) == (1, 1, 1)


def test_a_relation_predicted_in_a_document_the_gold_lacks_is_a_false_positive():
    gold, predicted = align_documents(GOLD, [document("d9", relations=[Relation("CID", ["D002945", "D007674"])])])
    scores = score_relations(gold, predicted, baseline=False)
    assert triple(scores.micro) == (0, 1, 2)


def test_cooccurrence_pairs_every_chemical_id_with_every_disease_id():
    names = [
        ("Cisplatin", "Chemical", "D002945|MESH:D001241"),  # a composite: both ids
        ("nephrotoxicity", "Disease", "-1"),  # no id: skipped
        ("Aspirin", "Chemical", "-"),
        ("headache", "Disease", "D006261"),
    ]
    pairs = {tuple(r.arguments) for r in cooccurrence_relations(document(names=names), "CID")}
    assert pairs == {("D001241", "D006261"), ("D002945", "D006261")}


def test_the_baseline_is_scored_beside_the_model_on_the_same_mentions():
    # Predicted mentions = the gold's: 2 chemicals x 2 diseases = 4 pairs, 2 of them gold: TP 2, FP 2.
    scores = score_relations(GOLD, [document()])
    assert triple(scores.micro) == (0, 0, 2)
    assert scores.cooccurrence is not None
    assert triple(scores.cooccurrence.micro) == (2, 2, 0)
    assert scores.to_json()["cooccurrence"]["tp"] == 2


def test_the_interval_comes_from_the_document_bootstrap_and_holds_the_point():
    gold = [document(f"d{i}", GOLD[0].relations) for i in range(10)]
    predicted = [document(f"d{i}", GOLD[0].relations if i % 2 else []) for i in range(10)]
    first = score_relations(gold, predicted, bootstrap=200, seed=3)
    again = score_relations(gold, predicted, bootstrap=200, seed=3)
    assert first.interval is not None and first.interval == again.interval
    assert first.interval.low < first.micro.f1 < first.interval.high


# --- the relation component on gold mentions ----------------------------------------------------


@Language.component("test_fake_relations")
def fake_relations(doc: Doc) -> Doc:
    """Relates every Chemical entity's kb_id to every Disease entity's in the same sentence,
    sentences cut at '. ' (and records what it was given, for the test)."""
    if not Doc.has_extension("bioner_relations"):
        Doc.set_extension("bioner_relations", default=None)
    seen.append([(ent.text, ent.label_, ent.kb_id_) for ent in doc.ents])

    def sentence(ent) -> int:
        return doc.text[: ent.start_char].count(". ")

    found = []
    for chemical in (e for e in doc.ents if e.label_ == "Chemical"):
        for disease in (e for e in doc.ents if e.label_ == "Disease"):
            if sentence(chemical) == sentence(disease):
                support = [(chemical.start_char, chemical.end_char, disease.start_char, disease.end_char)]
                found.append(
                    {"type": "CID", "arguments": [chemical.kb_id_, disease.kb_id_], "score": 0.9, "support": support}
                )
    doc._.bioner_relations = found
    return doc


seen: list = []


def pipeline(with_relations: bool = True) -> Language:
    nlp = spacy.blank("en")
    if with_relations:
        nlp.add_pipe("test_fake_relations", name="bioner_relations")
    return nlp


def test_gold_mentions_go_to_the_relation_component_as_entities_with_their_first_id():
    names = [*NAMES[:3], ("headache", "Disease", "-1")]
    seen.clear()
    (result,) = relations_on_gold_mentions(pipeline(), [document(names=names)])
    assert seen == [
        [
            ("Cisplatin", "Chemical", "D002945"),
            ("nephrotoxicity", "Disease", "D007674"),
            ("Aspirin", "Chemical", "D001241"),
            ("headache", "Disease", "-1"),
        ]
    ]
    assert result.relations == [
        Relation("CID", ["D002945", "D007674"], 0.9, [(*span("Cisplatin"), *span("nephrotoxicity"))])
    ]


def test_gold_mentions_setting_scores_the_component_and_a_pipeline_without_one_is_a_note():
    # The fake finds cisplatin-nephrotoxicity (TP) only; aspirin-headache is across sentences (FN).
    evaluation = evaluate_relations(GOLD, [document()], nlp=pipeline())
    assert evaluation.gold_mentions is not None
    assert triple(evaluation.gold_mentions.micro) == (1, 0, 1)
    assert evaluation.notes == []
    without = evaluate_relations(GOLD, [document()], nlp=pipeline(with_relations=False))
    assert without.gold_mentions is None
    assert without.notes == [
        "gold mentions: not scored (the pipeline has no bioner_relations component; its pipes: none)"
    ]


def test_a_component_that_writes_no_relations_extension_is_a_clear_error():
    @Language.component("test_silent_relations")
    def silent(doc: Doc) -> Doc:
        return doc

    nlp = spacy.blank("en")
    nlp.add_pipe("test_silent_relations", name="bioner_relations")
    if Doc.has_extension("bioner_relations"):
        Doc.remove_extension("bioner_relations")
    with pytest.raises(BionerError, match="did not set doc._.bioner_relations"):
        relations_on_gold_mentions(nlp, GOLD)


# --- the evaluation, its JSON, table and report ---------------------------------------------------


def test_the_evaluation_json_has_both_settings_and_the_documented_keys():
    evaluation = evaluate_documents(
        GOLD, [document(relations=[Relation("CID", ["D002945", "D007674"])])], nlp=pipeline()
    )
    payload = evaluation.to_json()["relations"]
    assert payload["types"] == ["CID"]
    assert payload["gold"] == {"total": 2, "within_sentence": 1, "across_sentences": 1}
    for setting in ("end_to_end", "gold_mentions"):
        keys = set(payload[setting])
        assert {"tp", "fp", "fn", "precision", "recall", "f1", "interval"} <= keys
        assert {"within_sentence", "across_sentences", "per_type", "cooccurrence"} <= keys
    assert (payload["end_to_end"]["tp"], payload["end_to_end"]["fn"]) == (1, 1)


def test_the_html_report_lists_relation_errors_with_their_evidence_sentences():
    evaluation = evaluate_documents(GOLD, [document(relations=[Relation("CID", ["D001241", "D007674"])])])
    page = render_html(evaluation)
    # FP aspirin - nephrotoxicity: no sentence holds both, so each argument's first sentence
    assert "FP · CID · document d1 · D001241 <code>Aspirin</code>, D007674 <code>nephrotoxicity</code>" in page
    assert "<li>Cisplatin caused nephrotoxicity.</li><li>Aspirin was given.</li>" in page
    # FN cisplatin - nephrotoxicity: the sentence holding both
    assert "FN · CID · document d1 · D002945 <code>Cisplatin</code>" in page


def test_evaluate_scores_the_relation_lines_of_a_prediction_file(tmp_path):
    _register()
    gold, predictions, out = tmp_path / "gold.txt", tmp_path / "pred.txt", tmp_path / "e.json"
    mention_lines = "".join(f"d1\t{s}\t{e}\t{n}\t{label}\t{i}\n" for n, label, i in NAMES for s, e in [span(n)])
    head = f"d1|t|{TITLE}\nd1|a|{ABSTRACT}\n{mention_lines}"
    gold.write_text(head + "d1\tCID\tD002945\tD007674\nd1\tCID\tD001241\tD006261\n\n", encoding="utf-8")
    # TP cisplatin pair (MESH: prefix, listed twice, a score column); FP aspirin-nephrotoxicity;
    # FP in d2, a document the gold lacks. FN aspirin-headache. TP 1, FP 2, FN 1.
    predictions.write_text(
        head
        + "d1\tCID\tMESH:D002945\tMESH:D007674\t0.9\nd1\tCID\tD002945\tD007674\nd1\tCID\tD001241\tD007674\n\n"
        + "d2|t|Other.\nd2|a|Text.\nd2\tCID\tD1\tD2\n\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        app, ["evaluate", "--gold", str(gold), "--predictions", str(predictions), "--json", str(out)]
    )
    assert result.exit_code == 0, result.output
    relations = json.loads(out.read_text())["relations"]
    assert (relations["end_to_end"]["tp"], relations["end_to_end"]["fp"], relations["end_to_end"]["fn"]) == (1, 2, 1)
    assert relations["gold_mentions"] is None
    assert "Relations (CID)" in result.output and "co-occurrence baseline" in result.output
    assert "note: gold mentions: not scored (needs --model and --gold-mentions)" in result.output


def test_evaluate_refuses_a_relation_line_with_too_few_columns_naming_its_line(tmp_path):
    _register()
    gold, predictions = tmp_path / "gold.txt", tmp_path / "pred.txt"
    gold.write_text(f"d1|t|{TITLE}\nd1|a|{ABSTRACT}\nd1\tCID\tD002945\tD007674\n\n", encoding="utf-8")
    predictions.write_text(f"d1|t|{TITLE}\nd1|a|{ABSTRACT}\nd1\tCID\tD002945\n\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["evaluate", "--gold", str(gold), "--predictions", str(predictions)])
    assert isinstance(result.exception, BionerError)
    assert str(result.exception).startswith(
        f"{predictions}:3: relation line 'CID' has 3 tab-separated columns; a relation needs 4"
    )


def test_evaluate_gold_mentions_scores_the_relation_component_of_a_pipeline_without_linker(tmp_path):
    _register()
    gold, out = tmp_path / "gold.txt", tmp_path / "e.json"
    mention_lines = "".join(f"d1\t{s}\t{e}\t{n}\t{label}\t{i}\n" for n, label, i in NAMES for s, e in [span(n)])
    gold.write_text(
        f"d1|t|{TITLE}\nd1|a|{ABSTRACT}\n{mention_lines}d1\tCID\tD002945\tD007674\nd1\tCID\tD001241\tD006261\n\n",
        encoding="utf-8",
    )
    pipeline().to_disk(tmp_path / "model")
    result = CliRunner().invoke(
        app,
        ["evaluate", "--gold", str(gold), "--model", str(tmp_path / "model"), "--json", str(out), "--gold-mentions"],
    )
    assert result.exit_code == 0, result.output
    on_gold = json.loads(out.read_text())["relations"]["gold_mentions"]
    # the fake relates cisplatin-nephrotoxicity (one sentence): TP 1; aspirin-headache missed: FN 1
    assert (on_gold["tp"], on_gold["fp"], on_gold["fn"]) == (1, 0, 1)
    assert (on_gold["within_sentence"]["tp"], on_gold["across_sentences"]["fn"]) == (1, 1)
    assert "gold mentions" in result.output
    assert "note: linking accuracy on gold mentions: not scored (the pipeline has no bioner_linker component)" in (
        result.output
    )
    without_flag = CliRunner().invoke(
        app, ["evaluate", "--gold", str(gold), "--model", str(tmp_path / "model"), "--json", str(out)]
    )
    assert without_flag.exit_code == 0, without_flag.output
    assert json.loads(out.read_text())["relations"]["gold_mentions"] is None


def test_a_long_list_of_relation_errors_shows_false_positives_and_false_negatives_alike():
    from bioner.evaluation.report import _relations_html

    # 1 FP (aspirin-nephrotoxicity) and 2 FN in document order; a limit of 2 shows one of each.
    evaluation = evaluate_relations(GOLD, [document(relations=[Relation("CID", ["D001241", "D007674"])])])
    page = _relations_html(evaluation, limit=2)
    assert "Relation errors, end to end (2 of 3)" in page
    assert page.count("FP · CID") == 1 and page.count("FN · CID") == 1
