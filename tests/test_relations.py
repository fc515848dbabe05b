"""The bioner_relations component: features read the document, the extension survives DocBin and
to_disk, the model round-trips and refuses features it was not trained on."""

import json

import numpy as np
import pytest
import spacy
from spacy.tokens import DocBin

from bioner.linking.ranker import Trees
from bioner.pipeline.relations import (
    DOCUMENT_FEATURES,
    EXTENSION,
    FEATURES,
    DocumentView,
    LexicalModel,
    Mention,
    RelationModel,
    candidate_pairs,
    document_features,
    mention_ids,
    mention_role_words,
    pair_features,
    predict_views,
)
from bioner.relation_learning import train_relations
from relation_corpus import CHEMICALS, DISEASES, relation_documents

TEXT = "Cisplatin-induced nephrotoxicity in rats. Magnesium did not prevent it; lithium reduced seizures."


@pytest.fixture(scope="module")
def model():
    trained, _ = train_relations(relation_documents(60, seed=2), folds=3)
    return trained


def tagged(nlp, text, spans):
    doc = nlp.make_doc(text)
    ents = []
    for start, end, label, identifier in spans:
        span = doc.char_span(start, end, label=label, kb_id=identifier)
        assert span is not None
        ents.append(span)
    doc.ents = ents
    return doc


def test_mention_ids_drop_mesh_prefix_and_nil():
    assert mention_ids("MESH:D001|D002") == ("D001", "D002")
    assert mention_ids("-1") == ()
    assert mention_ids("") == ()


def test_features_see_the_attached_trigger_and_the_treatment_words():
    mentions = [
        Mention(0, 9, "Chemical", ("C1",)),
        Mention(18, 32, "Disease", ("D1",)),
        Mention(42, 51, "Chemical", ("C2",)),
        Mention(72, 79, "Chemical", ("C3",)),
        Mention(88, 96, "Disease", ("D2",)),
    ]
    view = DocumentView.build(TEXT, mentions, breaks=[42])
    assert candidate_pairs(view, ("Chemical", "Disease")) == [
        ("C1", "D1"), ("C1", "D2"), ("C2", "D1"), ("C2", "D2"), ("C3", "D1"), ("C3", "D2"),
    ]  # fmt: skip
    model = RelationModel()
    induced = dict(zip(FEATURES, pair_features(view, "C1", "D1", model, None, "CID"), strict=True))
    assert induced["attached_trigger_near"] == 1.0
    assert induced["sentences_both"] == 1.0 and induced["both_title"] == 1.0
    assert induced["min_word_distance"] == 1.0  # "induced"
    treated = dict(zip(FEATURES, pair_features(view, "C3", "D2", model, None, "CID"), strict=True))
    assert treated["treat_between"] == 1.0 and treated["attached_trigger_near"] == 0.0
    across = dict(zip(FEATURES, pair_features(view, "C1", "D2", model, None, "CID"), strict=True))
    assert across["sentences_both"] == 0.0 and across["min_sentence_distance"] == 1.0


def test_a_condition_of_the_patients_a_treated_disease_and_a_pretreatment_read_from_the_words_before():
    text = (
        "Patients with renal impairment received lithium. Lithium caused tremor. "
        "Pretreatment with naloxone blocked tremor. Carrageenan-induced edema was treated with lithium."
    )
    spans = [
        ("renal impairment", "Disease", "D1"), ("lithium", "Chemical", "C1"), ("Lithium", "Chemical", "C1"),
        ("tremor", "Disease", "D2"), ("naloxone", "Chemical", "C2"), ("tremor", "Disease", "D2"),
        ("Carrageenan", "Chemical", "C3"), ("edema", "Disease", "D3"), ("lithium", "Chemical", "C1"),
    ]  # fmt: skip
    mentions, cursor = [], 0
    for name, label, identifier in spans:
        start = text.index(name, cursor)
        mentions.append(Mention(start, start + len(name), label, (identifier,)))
        cursor = start + len(name)
    view = DocumentView.build(text, mentions)
    model = RelationModel()

    def features(first: str, second: str) -> dict[str, float]:
        return dict(zip(FEATURES, pair_features(view, first, second, model, None, "CID"), strict=True))

    assert features("C1", "D1")["preexisting_2"] == 1.0  # "Patients with renal impairment"
    assert features("C1", "D2")["preexisting_2"] == 0.0
    assert features("C2", "D2")["pretreat_1"] == 1.0  # "Pretreatment with naloxone"
    assert features("C1", "D2")["pretreat_1"] == 0.0
    assert features("C2", "D2")["treated_2"] == 0.5  # "blocked tremor": one of its two mentions
    assert features("C1", "D3")["owned_by_other_2"] == 1.0  # edema is carrageenan's
    assert features("C3", "D3")["owned_by_other_2"] == 0.0
    assert features("C1", "D3")["role_max_1"] == -1.0  # no role model: no evidence


def test_role_words_mask_the_mention_itself_and_name_the_others_by_label():
    text = "Cisplatin-induced nephrotoxicity in rats."
    view = DocumentView.build(text, [Mention(0, 9, "Chemical", ("C1",)), Mention(18, 32, "Disease", ("D1",))])
    words = mention_role_words(view, 1)
    assert "l1:induced" in words and "r1:in" in words and "t:1" in words
    assert "l:CHEMICAL" in words and "s:CHEMICAL" in words
    assert not any("nephrotoxicity" in w for w in words)


def test_a_disease_that_is_a_mesh_ancestor_of_another_in_the_document_is_marked():
    mentions = [
        Mention(0, 9, "Chemical", ("C1",)),
        Mention(18, 32, "Disease", ("D1",)),
        Mention(88, 96, "Disease", ("D2",)),
    ]
    view = DocumentView.build(TEXT, mentions)
    model = RelationModel(trees={"D1": ["C12.777"], "D2": ["C12.777.419"], "C1": ["D02.1"]})
    general = dict(zip(FEATURES, pair_features(view, "C1", "D1", model, None, "CID"), strict=True))
    specific = dict(zip(FEATURES, pair_features(view, "C1", "D2", model, None, "CID"), strict=True))
    assert general["ancestor_of_other_2"] == 1.0 and general["descendant_of_other_2"] == 0.0
    assert specific["descendant_of_other_2"] == 1.0 and specific["tree_1_D02"] == 1.0


def test_component_writes_relations_that_survive_docbin_and_to_disk(model, tmp_path):
    nlp = spacy.blank("en")
    component = nlp.add_pipe("bioner_relations")
    component.set_model(model)
    text = "Haloperidol-induced seizures in rats. Lithium reduced depression in the same rats."
    doc = tagged(
        nlp, text,
        [(0, 11, "Chemical", CHEMICALS["haloperidol"]), (20, 28, "Disease", DISEASES["seizures"]),
         (38, 45, "Chemical", CHEMICALS["lithium"]), (54, 64, "Disease", "MESH:" + DISEASES["depression"])],
    )  # fmt: skip
    doc = nlp.get_pipe("bioner_relations")(doc)
    relations = doc._.get(EXTENSION)
    assert [(r["type"], r["arguments"]) for r in relations] == [
        ("CID", [CHEMICALS["haloperidol"], DISEASES["seizures"]])
    ]
    assert relations[0]["support"] == [[0, 11, 20, 28]] and 0.5 <= relations[0]["score"] <= 1.0
    # Plain data: DocBin keeps it (msgpack gives lists back as tuples).
    restored = next(DocBin(docs=[doc], store_user_data=True).get_docs(spacy.blank("en").vocab))
    assert json.loads(json.dumps(restored._.get(EXTENSION))) == relations
    nlp.to_disk(tmp_path / "pipeline")
    loaded = spacy.load(tmp_path / "pipeline")
    again = loaded.get_pipe("bioner_relations")(
        tagged(loaded, text, [(s.start_char, s.end_char, s.label_, s.kb_id_) for s in doc.ents])
    )
    assert again._.get(EXTENSION) == relations


def test_pipe_batches_give_what_one_document_at_a_time_gives(model):
    nlp = spacy.blank("en")
    component = nlp.add_pipe("bioner_relations")
    component.set_model(model)
    texts = [(0, "Cisplatin-induced nephrotoxicity."), (1, "Clozapine-induced seizures. Ketamine reduced depression.")]
    spans = {
        0: [(0, 9, "Chemical", CHEMICALS["cisplatin"]), (18, 32, "Disease", DISEASES["nephrotoxicity"])],
        1: [(0, 9, "Chemical", CHEMICALS["clozapine"]), (18, 26, "Disease", DISEASES["seizures"]),
            (28, 36, "Chemical", CHEMICALS["ketamine"]), (45, 55, "Disease", DISEASES["depression"])],
    }  # fmt: skip
    one = [component(tagged(nlp, t, spans[n]))._.get(EXTENSION) for n, t in texts]
    batched = [d._.get(EXTENSION) for d in component.pipe(tagged(nlp, t, spans[n]) for n, t in texts)]
    assert one == batched
    assert [r["arguments"] for r in one[1]] == [[CHEMICALS["clozapine"], DISEASES["seizures"]]]


def test_without_a_model_nothing_is_predicted_and_a_threshold_overrides_the_learned_one(model):
    nlp = spacy.blank("en")
    empty = nlp.add_pipe("bioner_relations")
    doc = tagged(
        nlp, "Cisplatin-induced nephrotoxicity.", [(0, 9, "Chemical", "D002945"), (18, 32, "Disease", "D007674")]
    )
    assert empty(doc)._.get(EXTENSION) == []
    strict = spacy.blank("en").add_pipe("bioner_relations", config={"threshold": 1.01, "at_least_one": False})
    strict.set_model(RelationModel.from_json(model.to_json()))
    assert strict(doc)._.get(EXTENSION) == []
    # The learned rule that every document relates some pair still keeps its best pair.
    learned = spacy.blank("en").add_pipe("bioner_relations", config={"threshold": 1.01})
    learned.set_model(RelationModel.from_json(model.to_json()))
    assert [r["arguments"] for r in learned(doc)._.get(EXTENSION)] == [["D002945", "D007674"]]


def test_a_model_trained_on_other_features_is_refused(model):
    data = json.loads(json.dumps(model.to_json()))
    data["features"] = data["features"][:-1]
    with pytest.raises(ValueError, match="other features"):
        RelationModel.from_json(data)
    with pytest.raises(ValueError, match="not a relation model"):
        RelationModel.from_json({"format": "something else"})


def test_document_features_place_a_pair_among_its_documents_pairs_and_its_narrower_disease():
    trees = {"D1": ["C10.228"], "D2": ["C10.228.140"], "C1": ["D02.1"], "C2": ["D02.1.5"]}
    where = [(0, "C1", "D1"), (0, "C1", "D2"), (0, "C2", "D1"), (1, "C1", "D2")]
    scores = np.array([0.2, 0.9, 0.5, 0.95])
    rows = document_features(scores, where, trees)
    general = dict(zip(DOCUMENT_FEATURES, rows[0], strict=True))
    # (C1, D1): third of its document; the same chemical with the narrower D2 scores 0.9; the same
    # disease with the narrower chemical C2 scores 0.5; the other document's 0.95 is not its best.
    assert general["document_best"] == 0.9 and general["rank_in_document"] == 2
    assert general["best_of_first"] == 0.9 and general["rank_for_first"] == 1 and general["pairs_of_first"] == 2
    assert general["best_with_narrower_second"] == 0.9 and general["best_with_broader_second"] == -1.0
    assert general["best_with_narrower_first"] == 0.5 and general["best_with_broader_first"] == -1.0
    specific = dict(zip(DOCUMENT_FEATURES, rows[1], strict=True))
    assert specific["rank_in_document"] == 0 and specific["best_with_broader_second"] == 0.2
    alone = dict(zip(DOCUMENT_FEATURES, rows[3], strict=True))
    assert alone["candidates"] == 1 and alone["share_of_document_best"] == 1.0


def test_the_second_stage_round_trips_and_decides_the_score(model):
    data = json.loads(json.dumps(model.to_json()))
    assert data["types"][0]["document_trees"] is not None
    loaded = RelationModel.from_json(data)
    # A second stage of one tree: +4 for the document's best first-stage pair, -4 for any other.
    rank = len(FEATURES) + DOCUMENT_FEATURES.index("rank_in_document")
    loaded.types[0].document_trees = Trees(
        np.array([rank, 0, 0]), np.array([0.5, np.inf, np.inf]), np.array([1, 1, 2]), np.array([2, 1, 2]),
        np.array([0.0, 4.0, -4.0]), np.array([0]), 1, 0.0,
    )  # fmt: skip
    loaded.types[0].threshold, loaded.types[0].at_least_one = 0.5, False
    text = "Cisplatin-induced nephrotoxicity and haloperidol-induced seizures."
    view = DocumentView.build(
        text,
        [
            Mention(0, 9, "Chemical", ("D002945",)),
            Mention(18, 32, "Disease", ("D007674",)),
            Mention(37, 48, "Chemical", ("D006220",)),
            Mention(57, 65, "Disease", ("D012640",)),
        ],
    )
    (relations,) = predict_views(loaded, [view])
    assert len(relations) == 1 and relations[0]["score"] == round(1 / (1 + np.exp(-4.0)), 4)
    data["document_features"] = data["document_features"][:-1]
    with pytest.raises(ValueError, match="second stage"):
        RelationModel.from_json(data)


def test_a_lexical_score_is_exact_whatever_order_the_words_come_in():
    # Summed in set order, (1e16 + 1) - 1e16 gives 0 or 1 by Python's per-process string hashing, and the
    # trained model with it; the exact sum is 1.
    lexical = LexicalModel({"a": 1e16, "b": 1.0, "c": -1e16}, 0.0)
    expected = 1 / (1 + np.exp(-1.0))
    assert lexical.score(["a", "b", "c"]) == pytest.approx(expected, abs=1e-12)
    assert lexical.score(["c", "b", "a"]) == pytest.approx(expected, abs=1e-12)
