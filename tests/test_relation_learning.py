"""Training the relation model: relations kept or reported, thresholds from cross-validation, and a
trained model that relates what the training documents relate."""

import json
import subprocess
import sys

from bioner.document import Document, Mention, Relation
from bioner.formats.pubtator import write_pubtator
from bioner.pipeline.relations import DocumentView, predict_views
from bioner.pipeline.relations import Mention as RelationMention
from bioner.relation_learning import choose_threshold, prepare, train_relations
from relation_corpus import CHEMICALS, DISEASES, relation_documents


def test_relations_whose_ids_no_mention_carries_are_listed_with_the_reason():
    document = Document.from_title_abstract("1", "Lithium toxicity.", "Lithium caused tremor.")
    document.mentions = [
        Mention(0, 7, "Lithium", "Chemical", "D008094"),
        Mention(8, 16, "toxicity", "Disease", "D064420"),
    ]
    document.relations = [
        Relation("CID", ["D008094", "D064420"], line=5),
        Relation("CID", ["D008094", "D014202"], line=6),
        Relation("CID", ["D008094"], line=7),
    ]
    prepared, signatures, report = prepare([document])
    assert signatures == {"CID": ("Chemical", "Disease")}
    assert prepared[0].relations == {"CID": {("D008094", "D064420")}}
    assert (report.read, report.kept) == (3, 1)
    reasons = {d["line"]: d["reason"] for d in report.dropped}
    assert reasons == {6: "no mention of the document carries D014202", 7: "not two concept ids"}


def test_threshold_maximises_f1_and_counts_gold_pairs_outside_the_candidates_as_missed():
    import numpy as np

    scores = np.array([0.9, 0.8, 0.3, 0.1])
    y = np.array([1, 1, 0, 1])
    where = [(0, "a", "b")] * 4
    threshold, scores_at = choose_threshold(scores, where, y, gold_total=4)
    # Top two: P 1.0, R 0.5, F1 0.667; all four: P 0.75, R 0.75, F1 0.75 (the best).
    assert threshold == 0.1
    assert scores_at["f1"] == 75.0


def test_trained_model_relates_the_chemical_that_induces_and_not_the_one_that_treats():
    train = relation_documents(60, seed=1)
    model, report = train_relations(train, folds=3)
    assert report.kept == 60 and not report.dropped
    (cid,) = model.types
    assert cid.labels == ("Chemical", "Disease")
    assert cid.info["cross_validated"]["f1"] > 90
    assert cid.document_trees is not None and cid.info["first_stage"]["cross_validated"]["f1"] > 90
    text = "Haloperidol-induced seizures in rats. Nothing else was seen. Lithium reduced depression in the same rats."
    mentions = [
        RelationMention(0, 11, "Chemical", (CHEMICALS["haloperidol"],)),
        RelationMention(20, 28, "Disease", (DISEASES["seizures"],)),
        RelationMention(61, 68, "Chemical", (CHEMICALS["lithium"],)),
        RelationMention(77, 87, "Disease", (DISEASES["depression"],)),
    ]
    (relations,) = predict_views(model, [DocumentView.build(text, mentions, breaks=[37])])
    assert [r["arguments"] for r in relations] == [[CHEMICALS["haloperidol"], DISEASES["seizures"]]]
    assert relations[0]["support"] == [[0, 11, 20, 28]]


def test_cli_trains_from_pubtator_and_writes_the_report(tmp_path):
    corpus = tmp_path / "train.pubtator"
    documents = relation_documents(40)
    documents[0].relations.append(Relation("CID", ["D999999", documents[0].relations[0].arguments[1]]))
    write_pubtator(documents, corpus)
    model, report = tmp_path / "relations.json", tmp_path / "report.json"
    result = subprocess.run(
        [sys.executable, "-m", "bioner.cli", "relations", str(corpus), "--output", str(model), "--report", str(report)],
        capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "41 relations read, 40 kept, 1 listed in the report" in result.stderr
    data = json.loads(report.read_text())
    assert data["relations"]["by_reason"] == {"no mention of the document carries D999999": 1}
    assert json.loads(model.read_text())["types"][0]["name"] == "CID"


def test_cli_without_relations_is_a_clear_error(tmp_path):
    corpus = tmp_path / "plain.pubtator"
    documents = relation_documents(5)
    for document in documents:
        document.relations = []
    write_pubtator(documents, corpus)
    result = subprocess.run(
        [sys.executable, "-m", "bioner.cli", "relations", str(corpus), "--output", str(tmp_path / "r.json")],
        capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    assert result.returncode == 1
    assert "error: no relation type has enough annotated pairs" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "r.json").exists()


def test_a_type_every_training_document_relates_keeps_each_documents_best_pair():
    import numpy as np

    model, _ = train_relations(relation_documents(60, seed=3), folds=3)
    (cid,) = model.types
    assert cid.at_least_one and cid.info["at_least_one"]
    # Only a treatment is stated: below threshold, yet the document's best pair is kept.
    text = "Nothing else was seen. Lithium reduced depression in the same rats."
    mentions = [
        RelationMention(23, 30, "Chemical", (CHEMICALS["lithium"],)),
        RelationMention(39, 49, "Disease", (DISEASES["depression"],)),
    ]
    view = DocumentView.build(text, mentions)
    cid.at_least_one, cid.floor = False, 0.0
    assert predict_views(model, [view]) == [[]]
    cid.at_least_one = True
    (relations,) = predict_views(model, [view])
    assert [r["arguments"] for r in relations] == [[CHEMICALS["lithium"], DISEASES["depression"]]]
    assert relations[0]["score"] < cid.threshold
    # Below the learned floor even the best pair is not kept: text unlike the training documents.
    cid.floor = relations[0]["score"] + 0.001  # the score is written to 4 decimals
    assert predict_views(model, [view]) == [[]]
    # With the rule, the threshold is chosen counting each document's best pair as predicted.
    scores, y = np.array([0.9, 0.2, 0.1, 0.05]), np.array([1, 0, 1, 0])
    where = [(0, "a", "b"), (0, "a", "c"), (1, "d", "e"), (1, "d", "f")]
    assert choose_threshold(scores, where, y, gold_total=2, at_least_one=True)[1]["f1"] == 100.0
    assert choose_threshold(scores, where, y, gold_total=2)[1]["f1"] < 100.0


def test_the_floor_is_the_highest_that_costs_at_most_half_a_point_of_f1():
    import numpy as np

    from bioner.relation_learning import choose_floor

    # Two documents above threshold 0.5; two whose best pair (0.4 right, 0.1 wrong) is kept by the rule.
    scores = np.array([0.9, 0.8, 0.4, 0.1])
    y = np.array([1, 1, 1, 0])
    where = [(0, "a", "b"), (1, "c", "d"), (2, "e", "f"), (3, "g", "h")]
    floor, f1 = choose_floor(scores, where, y, gold_total=3, threshold=0.5)
    # Every best pair: P 3/4, R 1 (85.71); without the wrong 0.1 pair: P 1, R 1 (100): the floor rises
    # past 0.1, and not past 0.4, which would drop a right pair.
    assert 0.1 < floor <= 0.4 and f1 == 100.0


def test_a_type_some_training_documents_do_not_relate_keeps_only_pairs_above_threshold():
    documents = relation_documents(60, seed=4)
    for document in documents[::3]:
        document.relations = []
    model, _ = train_relations(documents, folds=3)
    assert model.types[0].at_least_one is False


def test_role_models_read_a_concepts_context_and_round_trip_with_the_model():
    from bioner.pipeline.relations import RelationModel, role_evidence

    model, _ = train_relations(relation_documents(60, seed=3), folds=3)
    roles = model.roles["CID"]
    assert set(roles) == {"1", "2"}
    text = "Haloperidol-induced seizures in rats. Lithium reduced depression in the same rats."
    view = DocumentView.build(
        text,
        [
            RelationMention(0, 11, "Chemical", (CHEMICALS["haloperidol"],)),
            RelationMention(20, 28, "Disease", (DISEASES["seizures"],)),
            RelationMention(38, 45, "Chemical", (CHEMICALS["lithium"],)),
            RelationMention(54, 64, "Disease", (DISEASES["depression"],)),
        ],
        breaks=[37],
    )
    induced = role_evidence(view, DISEASES["seizures"], roles["2"])
    treated = role_evidence(view, DISEASES["depression"], roles["2"])
    assert induced[0] > treated[0]
    loaded = RelationModel.from_json(json.loads(json.dumps(model.to_json())))
    assert role_evidence(view, DISEASES["seizures"], loaded.roles["CID"]["2"]) == induced
