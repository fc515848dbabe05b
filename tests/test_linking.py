"""The bioner_linker component on a tiny knowledge base made here: candidates, ranker, storage."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import spacy

from bioner.linking import candidates as candidates_module
from bioner.linking.linker import (
    NO_ID,
    EntityLinker,
    KnowledgeBase,
    Linker,
    head_rewritten,
    normalise,
    read_kb,
    split_composite,
    write_kb,
)
from bioner.linking.ranker import FEATURES, Ranker
from bioner.pipeline.tokenizer import make_tokenizer_pipeline

ENTRIES = [
    # (label, name, id, how often annotators chose it, listed by a vocabulary)
    ("Chemical", "doxorubicin", "D004317", 5, 1),
    ("Chemical", "DOX", "D999999", 3, 0),  # an ambiguous short form: a defined long form must win
    ("Chemical", "alpha-tocopherol", "D024502", 1, 1),
    ("Disease", "cardiomyopathy", "D009202", 3, 1),
    ("Disease", "renal failure", "D051437", 2, 1),
    ("Disease", "liver failure", "D017093", 2, 1),
    ("Disease", "hepatic failure", "D017093", 2, 1),
    ("Disease", "hepatic failure", "D000001", 1, 0),  # chosen less often by annotators: loses
    ("Disease", "nephrotoxicity", "D000002", 0, 1),  # listed, never annotated
    ("Disease", "neurotoxicity", "D000003", 40, 1),  # annotated often, but a different name
    ("Chemical", "diethylnitrosamine", "D004052", 0, 1),
]
CONCEPTS = {
    "D004317": ("descriptor", "Chemical"),
    "D024502": ("descriptor", "Chemical"),
    "D009202": ("descriptor", "Disease"),
    "D051437": ("descriptor", "Disease"),
    "D017093": ("descriptor", "Disease"),
    "D000002": ("descriptor", "Disease"),
    "D000003": ("descriptor", "Disease"),
    "D004052": ("descriptor", "Chemical"),
}


@pytest.fixture(scope="module")
def linker() -> Linker:
    return Linker.build(KnowledgeBase(list(ENTRIES), CONCEPTS))


def link(linker: Linker, text: str, label: str) -> str:
    return linker.link_document([(text, label)])[0]


def test_normalisation_ignores_case_hyphens_plurals_greek_and_word_order():
    assert normalise("Cardiomyopathies") == normalise("cardiomyopathy")
    assert normalise("α-Tocopherol") == normalise("alpha tocopherol")
    assert normalise("failure, renal") == normalise("Renal failures")
    assert normalise("failure of the kidney") == normalise("kidney failure")
    assert normalise("Pregnenolone sulphate") == normalise("pregnenolone sulfate")


def test_plurals_in_es_meet_their_singular():
    for plural, singular in [("Heart Diseases", "heart disease"), ("kinases", "kinase"), ("abscesses", "abscess")]:
        assert normalise(plural) == normalise(singular)
    assert normalise("viruses") == normalise("virus") and normalise("boxes") == normalise("box")


def test_exact_match_after_normalisation(linker):
    assert link(linker, "Doxorubicin", "Chemical") == "D004317"
    assert link(linker, "α-tocopherol", "Chemical") == "D024502"
    assert link(linker, "failure, renal", "Disease") == "D051437"
    assert link(linker, "cardiomyopathies", "Disease") == "D009202"


def test_a_name_of_two_concepts_goes_to_the_one_annotators_chose_more_often(linker):
    assert link(linker, "hepatic failure", "Disease") == "D017093"


def test_label_restricts_the_names(linker):
    assert link(linker, "doxorubicin", "Disease") == NO_ID


def test_composite_mention_gets_each_part(linker):
    assert split_composite("renal and hepatic failure") == ["renal failure", "hepatic failure"]
    assert split_composite("renal failure") == []
    assert link(linker, "renal and hepatic failure", "Disease") == "D051437|D017093"


def test_near_miss_is_chosen_over_a_frequent_wrong_name(linker):
    # "nephrotoxicty" (misspelt) is nearer "nephrotoxicity" (never annotated) than
    # "neurotoxicity" (annotated 40 times): similarity must outweigh the count.
    assert link(linker, "nephrotoxicty", "Disease") == "D000002"
    assert link(linker, "dilated cardiomyopathy", "Disease") == "D009202"


def test_nothing_near_enough_is_nil_and_a_high_threshold_makes_near_names_nil(linker):
    assert link(linker, "aspirin", "Chemical") == NO_ID
    assert link(linker, "xylophone syndrome", "Disease") == NO_ID
    strict = Linker.build(KnowledgeBase(list(ENTRIES), CONCEPTS), threshold=0.9)
    assert strict.link_document([("nephrotoxicty", "Disease")]) == [NO_ID]
    assert strict.link_document([("nephrotoxicity", "Disease")]) == ["D000002"]  # exact stays


def test_a_descriptive_disease_phrase_takes_the_concept_its_rewritten_head_names(monkeypatch):
    entries = [
        *ENTRIES,
        ("Disease", "Heart Diseases", "D006331", 0, 1),
        ("Disease", "Cardiac Diseases", "D006331", 0, 1),
        ("Disease", "Liver Neoplasms", "D008113", 0, 1),
    ]
    concepts = {**CONCEPTS, "D006331": ("descriptor", "Disease"), "D008113": ("descriptor", "Disease")}
    assert head_rewritten("cardiac damage") == normalise("cardiac disease")
    assert head_rewritten("damage") is None and head_rewritten("kidney injury") is None
    rewriting = Linker.build(KnowledgeBase(entries, concepts))
    assert link(rewriting, "cardiac damage", "Disease") == "D006331"
    assert link(rewriting, "liver tumours", "Disease") == "D008113"
    assert link(rewriting, "cardiac damage", "Chemical") == NO_ID  # Disease heads only
    monkeypatch.setattr("bioner.linking.linker.HEAD_REWRITES", {})
    plain = Linker.build(KnowledgeBase(entries, concepts))
    assert link(plain, "cardiac damage", "Disease") == NO_ID  # no near name is near enough


def test_long_form_first_and_same_string_same_id_in_a_document(linker):
    ids = linker.link_document(
        [("doxorubicin", "Chemical"), ("DOX", "Chemical"), ("DOX", "Chemical")], {"DOX": "doxorubicin"}
    )
    assert ids == ["D004317"] * 3
    assert linker.link_document([("DOX", "Chemical")]) == ["D999999"]  # no definition: the KB's own


def test_short_form_without_definition_takes_the_concept_of_the_mention_it_abbreviates(linker):
    mentions = [("diethylnitrosamine", "Chemical"), ("DEN", "Chemical")]
    assert linker.link_document(mentions) == ["D004052", "D004052"]
    assert linker.link_document([("DEN", "Chemical")]) == [NO_ID]  # alone, nothing to expand it


HOMONYM_ENTRIES = [
    *ENTRIES,
    ("Chemical", "MA", "C027451", 30, 1),  # a short form annotators gave another concept, often
    ("Chemical", "methamphetamine", "D008694", 2, 1),
    ("Chemical", "phlorizin", "D010695", 1, 1),
    ("Chemical", "PZ", "D999998", 5, 0),
]
HOMONYM_CONCEPTS = {
    **CONCEPTS,
    "C027451": ("supplementary", "Chemical"),
    "D008694": ("descriptor", "Chemical"),
    "D010695": ("descriptor", "Chemical"),
    "D999998": ("descriptor", "Chemical"),
}


def test_a_defined_short_form_takes_its_long_forms_id_over_a_homonym():
    homonyms = Linker.build(KnowledgeBase(list(HOMONYM_ENTRIES), HOMONYM_CONCEPTS))
    assert homonyms.link_document([("MA", "Chemical")]) == ["C027451"]  # undefined: its own name
    defined = [("methamphetamine", "Chemical"), ("MA", "Chemical")]
    assert homonyms.link_document(defined, {"MA": "methamphetamine"}) == ["D008694", "D008694"]
    # The long form need not be tagged itself: it is linked for the short form.
    assert homonyms.link_document([("MA", "Chemical")], {"MA": "methamphetamine"}) == ["D008694"]


class _DoubtsAllButExactNames(Ranker):
    """A trained ranker's doubt about a short form known only through the mention it abbreviates."""

    def probabilities(self, matrix: np.ndarray) -> np.ndarray:
        probabilities = super().probabilities(matrix)
        probabilities[matrix[:, FEATURES.index("exact")] == 0] = 0.1
        return probabilities


def test_an_undefined_short_form_the_ranker_leaves_unlinked_takes_the_id_of_the_mention_it_abbreviates():
    doubting = Linker.build(KnowledgeBase(list(HOMONYM_ENTRIES), HOMONYM_CONCEPTS))
    default = Ranker.default()
    doubting.ranker = _DoubtsAllButExactNames(default.coefficients, default.intercept, default.threshold)
    assert doubting.link_document([("DEN", "Chemical")]) == [NO_ID]
    assert doubting.link_document([("diethylnitrosamine", "Chemical"), ("DEN", "Chemical")]) == ["D004052"] * 2
    # A short form with an id of its own keeps it when nothing defines it ("NO", "5-HT" are right alone).
    assert doubting.link_document([("phlorizin", "Chemical"), ("PZ", "Chemical")]) == ["D010695", "D999998"]


def test_ranker_round_trips_through_json_and_rejects_unknown_features():
    ranker = Ranker.default()
    again = Ranker.from_json(ranker.to_json())
    assert again.coefficients.tolist() == ranker.coefficients.tolist() and again.threshold == ranker.threshold
    data = ranker.to_json()
    data["features"] = [*FEATURES[:-1], "something new"]
    with pytest.raises(ValueError, match="something new"):
        Ranker.from_json(data)


def test_stored_index_loads_without_rebuilding(linker, tmp_path, monkeypatch):
    linker.save(tmp_path / "index")

    def no_build(*args, **kwargs):
        raise AssertionError("the index was rebuilt at load")

    monkeypatch.setattr(candidates_module, "build_label_index", no_build)
    monkeypatch.setattr("bioner.linking.linker.build_label_index", no_build)
    loaded = Linker.load(tmp_path / "index")
    texts = [("nephrotoxicty", "Disease"), ("renal and hepatic failure", "Disease"), ("DOX", "Chemical")]
    assert loaded.link_document(texts, {"DOX": "doxorubicin"}) == linker.link_document(texts, {"DOX": "doxorubicin"})


def _pipeline(tmp_path, threshold: float | None = None):
    kb = tmp_path / "kb.json.gz"
    write_kb(ENTRIES, kb, concepts=CONCEPTS)
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    nlp.add_pipe("bioner_abbreviations")
    nlp.add_pipe("bioner_linker", config={"threshold": threshold})
    nlp.initialize()
    ruler.add_patterns(
        [
            {"label": "Chemical", "pattern": "doxorubicin"},
            {"label": "Chemical", "pattern": "DOX"},
            {"label": "Disease", "pattern": "cardiomyopathie"},
            {"label": "Chemical", "pattern": "aspirin"},
        ]
    )
    nlp.get_pipe("bioner_linker").initialize(kb_path=str(kb))
    return nlp


TEXT = "Treatment with doxorubicin (DOX) caused cardiomyopathie; DOX and aspirin were stopped."


def test_component_sets_kb_ids_with_abbreviation_long_forms(tmp_path):
    nlp = _pipeline(tmp_path)
    doc = nlp(TEXT)
    assert [(e.text, e.kb_id_) for e in doc.ents] == [
        ("doxorubicin", "D004317"),
        ("DOX", "D004317"),
        ("cardiomyopathie", "D009202"),
        ("DOX", "D004317"),
        ("aspirin", NO_ID),
    ]


def test_component_round_trips_through_disk_with_its_index(tmp_path):
    nlp = _pipeline(tmp_path, threshold=0.7)
    (tmp_path / "kb.json.gz").unlink()  # the pipeline folder must carry its own index
    nlp.to_disk(tmp_path / "pipeline")
    stored = {p.name for p in (tmp_path / "pipeline" / "bioner_linker").iterdir()}
    assert "kb.json.gz" not in stored and {"ranker.json", "names-Disease.npz"} <= stored
    loaded = spacy.load(tmp_path / "pipeline")
    assert isinstance(loaded.get_pipe("bioner_linker"), EntityLinker)
    assert loaded.get_pipe("bioner_linker").threshold == 0.7
    assert [e.kb_id_ for e in loaded(TEXT).ents] == [e.kb_id_ for e in nlp(TEXT).ents]


def test_a_threshold_set_in_the_saved_config_wins_over_the_stored_one(tmp_path):
    _pipeline(tmp_path, threshold=0.7).to_disk(tmp_path / "pipeline")
    config = tmp_path / "pipeline" / "config.cfg"
    config.write_text(
        config.read_text(encoding="utf-8").replace("threshold = 0.7", "threshold = 0.2"), encoding="utf-8"
    )
    assert spacy.load(tmp_path / "pipeline").get_pipe("bioner_linker").threshold == 0.2


def test_a_pipeline_folder_of_the_first_format_still_loads(tmp_path):
    nlp = _pipeline(tmp_path)
    nlp.to_disk(tmp_path / "pipeline")
    folder = tmp_path / "pipeline" / "bioner_linker"
    for path in folder.iterdir():
        path.unlink()
    (folder / "cfg.json").write_text('{"threshold": 0.8}', encoding="utf-8")
    write_kb([e[:4] for e in ENTRIES], folder / "kb.json.gz")
    loaded = spacy.load(tmp_path / "pipeline")
    assert [e.kb_id_ for e in loaded(TEXT).ents][:2] == ["D004317", "D004317"]


def test_knowledge_base_file_keeps_listed_flags_concepts_and_ranker(tmp_path):
    write_kb(ENTRIES, tmp_path / "kb.json.gz", concepts=CONCEPTS, ranker=Ranker.default().to_json())
    kb = read_kb(tmp_path / "kb.json.gz")
    assert sorted(kb.entries) == sorted(ENTRIES)
    assert kb.concepts == CONCEPTS
    assert kb.ranker == Ranker.default().to_json()
    (tmp_path / "bad.json.gz").write_bytes(b"not gzip")
    with pytest.raises(ValueError, match="bad.json.gz"):
        read_kb(tmp_path / "bad.json.gz")


def test_uninitialised_linker_links_nothing():
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    nlp.add_pipe("bioner_linker")
    nlp.initialize()
    ruler.add_patterns([{"label": "Chemical", "pattern": "doxorubicin"}])
    assert [e.kb_id_ for e in nlp("doxorubicin").ents] == [NO_ID]


DEPRESSION_ENTRIES = [
    ("Disease", "depression", "D003866", 5, 1),
    ("Disease", "treatment-resistant depression", "D061218", 1, 1),
    ("Disease", "breast cancer", "D001943", 5, 1),
]
DEPRESSION_CONCEPTS = {i: ("descriptor", "Disease") for i in ("D003866", "D061218", "D001943")}
DEPRESSION_TEXT = (
    "Glutamate in Treatment-resistant Depression. Patients with treatment-resistant depression (TRD) "
    "or metastatic breast cancer (MBC) got ketamine; TRD eased."
)


def _ruled_pipeline(
    kb, config: dict, patterns: list[tuple[str, str]], *, abbreviations: bool = False, project_tokenizer: bool = False
):
    """A blank pipeline (or the project's tokenizer alone): an entity ruler tagging `patterns` ((label,
    text)), then (the abbreviation component and) `bioner_linker` with `config`, its index built from
    the knowledge base `kb`."""
    nlp = make_tokenizer_pipeline() if project_tokenizer else spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    if abbreviations:
        nlp.add_pipe("bioner_abbreviations")
    nlp.add_pipe("bioner_linker", config=config)
    nlp.initialize()
    ruler.add_patterns([{"label": label, "pattern": text} for label, text in patterns])
    nlp.get_pipe("bioner_linker").initialize(kb_path=str(kb))
    return nlp


def _descriptor_kb(tmp_path, entries: list[tuple]) -> Path:
    """A knowledge base of `entries` ((label, name, id, count, listed)), each id a descriptor of its label."""
    kb = tmp_path / "kb.json.gz"
    write_kb(entries, kb, concepts={e[2]: ("descriptor", e[0]) for e in entries})
    return kb


def _depression_pipeline(tmp_path, whole_long_forms: bool):
    kb = tmp_path / "kb.json.gz"
    write_kb(DEPRESSION_ENTRIES, kb, concepts=DEPRESSION_CONCEPTS)
    patterns = [("Disease", p) for p in ("depression", "Depression", "breast cancer")]
    return _ruled_pipeline(kb, {"whole_long_forms": whole_long_forms}, patterns, abbreviations=True)


def test_whole_long_forms_make_a_known_long_form_one_mention_wherever_it_occurs(tmp_path):
    doc = _depression_pipeline(tmp_path, whole_long_forms=True)(DEPRESSION_TEXT)
    assert [(e.text, e.kb_id_) for e in doc.ents if e.text != "MBC"] == [
        ("Treatment-resistant Depression", "D061218"),
        ("treatment-resistant depression", "D061218"),
        ("TRD", "D061218"),
        ("breast cancer", "D001943"),  # "metastatic breast cancer" is no name in the knowledge base
        ("TRD", "D061218"),
    ]


def test_without_whole_long_forms_the_entity_inside_a_long_form_stays_as_tagged(tmp_path):
    doc = _depression_pipeline(tmp_path, whole_long_forms=False)(DEPRESSION_TEXT)
    assert [(e.text, e.kb_id_) for e in doc.ents][:3] == [
        ("Depression", "D003866"),
        ("depression", "D003866"),
        ("TRD", "D061218"),
    ]


def test_whole_long_forms_survive_a_save_and_load(tmp_path):
    _depression_pipeline(tmp_path, whole_long_forms=True).to_disk(tmp_path / "pipeline")
    assert spacy.load(tmp_path / "pipeline").get_pipe("bioner_linker").whole_long_forms is True


def _modifier_pipeline(tmp_path, known_modifiers: int, labels: list[str]):
    kb = tmp_path / "kb.json.gz"
    entries = [*DEPRESSION_ENTRIES, ("Disease", "damage to muscle", "D009135", 1, 1)]
    write_kb(entries, kb, concepts={**DEPRESSION_CONCEPTS, "D009135": ("descriptor", "Disease")})
    patterns = [("Disease", p) for p in ("depression", "the depression", "breast cancer", "muscle damage")]
    return _ruled_pipeline(kb, {"known_modifiers": known_modifiers, "modifier_labels": labels}, patterns)


MODIFIER_TEXT = (
    "Ketamine helps treatment-resistant depression, metastatic breast cancer and the depression; next to muscle damage."
)


def test_known_modifiers_join_words_before_a_mention_that_make_a_known_name(tmp_path):
    doc = _modifier_pipeline(tmp_path, 2, ["Disease"])(MODIFIER_TEXT)
    assert [e.text for e in doc.ents] == [
        "treatment-resistant depression",
        "breast cancer",  # "metastatic breast cancer" is no name
        "the depression",
        "muscle damage",  # "to muscle damage" is keyed as "damage to muscle", but "to" is no modifier
    ]
    assert doc.ents[0].kb_id_ == "D061218"


def test_known_modifiers_leave_mentions_of_other_labels_and_zero_leaves_all(tmp_path):
    for modifiers, labels in [(2, ["Chemical"]), (0, ["Disease"])]:
        doc = _modifier_pipeline(tmp_path, modifiers, labels)(MODIFIER_TEXT)
        assert doc.ents[0].text == "depression"


NEUROPATHY_ENTRIES = [
    ("Disease", "optic neuropathy", "D009901", 2, 1),
    ("Disease", "peripheral neuropathy", "D010523", 3, 1),
    ("Disease", "subarachnoid hemorrhage", "D013345", 2, 1),
    ("Disease", "cerebral hemorrhage", "D002543", 2, 1),
    ("Disease", "diabetes", "D003920", 5, 1),
]
NEUROPATHY_TEXT = (
    "Diabetes, optic and peripheral neuropathy; renal and peripheral neuropathy; subarachnoid, and cerebral hemorrhage."
)


def _coordinated_pipeline(tmp_path, labels: list[str]):
    kb = _descriptor_kb(tmp_path, NEUROPATHY_ENTRIES)
    patterns = [("Disease", p) for p in ("Diabetes", "peripheral neuropathy", "cerebral hemorrhage")]
    return _ruled_pipeline(kb, {"coordinated_labels": labels}, patterns)


def test_coordinated_modifiers_that_make_known_names_join_the_mention_and_each_part_is_linked(tmp_path):
    doc = _coordinated_pipeline(tmp_path, ["Disease"])(NEUROPATHY_TEXT)
    assert [(e.text, e.kb_id_) for e in doc.ents] == [
        ("Diabetes", "D003920"),  # an entity of its own, so not taken into the next one
        ("optic and peripheral neuropathy", "D009901|D010523"),
        ("peripheral neuropathy", "D010523"),  # "renal neuropathy" is no name here
        ("subarachnoid, and cerebral hemorrhage", "D013345|D002543"),
    ]


def test_coordinated_modifiers_stop_at_the_first_conjunct_that_makes_no_name(tmp_path):
    doc = _coordinated_pipeline(tmp_path, ["Disease"])("In renal, optic or peripheral neuropathy.")
    assert [e.text for e in doc.ents] == ["optic or peripheral neuropathy"]


def test_without_coordinated_labels_the_last_conjunct_stays_as_tagged(tmp_path):
    for labels in ([], ["Chemical"]):
        doc = _coordinated_pipeline(tmp_path, labels)(NEUROPATHY_TEXT)
        assert [e.text for e in doc.ents][1] == "peripheral neuropathy"


SUFFIX_ENTRIES = [
    ("Disease", "migraine", "D008881", 5, 1),
    ("Disease", "migraine without aura", "D020326", 2, 1),
    ("Disease", "cirrhosis of the liver", "D008103", 1, 1),
    ("Disease", "cirrhosis", "D005355", 3, 1),
    ("Disease", "cholestasis", "D002779", 3, 1),
    ("Disease", "diabetes mellitus type 2", "D003924", 3, 1),
]


def _suffix_pipeline(tmp_path, config: dict):
    kb = _descriptor_kb(tmp_path, SUFFIX_ENTRIES)
    patterns = [("Disease", p) for p in ("migraine", "cirrhosis", "cholestasis 3", "haemopericardium and")]
    patterns += [("Disease", "diabetes mellitus type 2"), ("Chemical", "vitamin B 12")]
    return _ruled_pipeline(kb, {"modifier_labels": ["Disease"], **config}, patterns)


SUFFIX_TEXT = (
    "In migraine without aura, cirrhosis of the liver and migraine. Cholestasis 3 weeks later: cholestasis 3 "
    "days on, haemopericardium and death; diabetes mellitus type 2 and vitamin B 12."
)


def test_known_suffixes_join_words_after_a_mention_that_make_a_known_name(tmp_path):
    doc = _suffix_pipeline(tmp_path, {"known_suffixes": 3})(SUFFIX_TEXT)
    assert [(e.text, e.kb_id_) for e in doc.ents][:3] == [
        ("migraine without aura", "D020326"),
        ("cirrhosis of the liver", "D008103"),  # "the" inside a name, never at its end
        ("migraine", "D008881"),  # "migraine." ends the sentence
    ]


def test_without_known_suffixes_the_mention_stays_as_tagged(tmp_path):
    doc = _suffix_pipeline(tmp_path, {"known_suffixes": 0})(SUFFIX_TEXT)
    assert [e.text for e in doc.ents][:2] == ["migraine", "cirrhosis"]


def test_trimming_cuts_function_words_and_numbers_that_make_no_name(tmp_path):
    doc = _suffix_pipeline(tmp_path, {"trim_function_words": ["Disease"], "trim_numbers": ["Disease"]})(SUFFIX_TEXT)
    texts = [e.text for e in doc.ents]
    assert texts[3:] == ["cholestasis", "haemopericardium", "diabetes mellitus type 2", "vitamin B 12"]
    assert doc.ents[3].kb_id_ == "D002779"


def test_without_trimming_for_the_label_the_tagged_words_stay(tmp_path):
    doc = _suffix_pipeline(tmp_path, {"trim_function_words": ["Chemical"], "trim_numbers": ["Chemical"]})(SUFFIX_TEXT)
    assert [e.text for e in doc.ents][3:5] == ["cholestasis 3", "haemopericardium and"]


def test_numbers_are_trimmed_only_for_the_labels_asked(tmp_path):
    doc = _suffix_pipeline(tmp_path, {"trim_function_words": ["Disease"]})(SUFFIX_TEXT)
    assert [e.text for e in doc.ents][3:5] == ["cholestasis 3", "haemopericardium"]


SALT_ENTRIES = [
    ("Chemical", "heparin", "D006493", 5, 1),
    ("Chemical", "sodium", "D012964", 5, 1),
    ("Chemical", "heparin sodium", "D006493", 1, 1),
    ("Chemical", "fluphenazine enanthate", "C017610", 1, 1),
    ("Chemical", "fluphenazine", "D005476", 3, 1),
]
SALT_TEXT = "Heparin and sodium; fluphenazine enanthate later."


def _salt_pipeline(tmp_path, config: dict):
    kb = _descriptor_kb(tmp_path, SALT_ENTRIES)
    patterns = [("Chemical", p) for p in ("Heparin", "sodium", "fluphenazine")]
    return _ruled_pipeline(kb, config, patterns)


def test_known_suffixes_only_for_suffix_labels(tmp_path):
    doc = _salt_pipeline(tmp_path, {"known_suffixes": 1, "suffix_labels": ["Chemical"]})(SALT_TEXT)
    assert [e.text for e in doc.ents][-1] == "fluphenazine enanthate"
    doc = _salt_pipeline(tmp_path, {"known_suffixes": 1, "suffix_labels": ["Disease"]})(SALT_TEXT)
    assert [e.text for e in doc.ents][-1] == "fluphenazine"


def test_known_suffixes_without_suffix_labels_follow_modifier_labels_as_older_pipelines_did(tmp_path):
    # A pipeline saved before `suffix_labels` existed has none in its config.cfg.
    for labels, last in [(["Disease"], "fluphenazine"), (["Chemical"], "fluphenazine enanthate")]:
        doc = _salt_pipeline(tmp_path, {"known_suffixes": 1, "modifier_labels": labels})(SALT_TEXT)
        assert [e.text for e in doc.ents][-1] == last


def _other_names_pipeline(tmp_path, drop_other_names: bool):
    kb = tmp_path / "kb.json.gz"
    entries = [("Chemical", "smoking", "D012906", 2, 0), ("Disease", "cardiomyopathy", "D009202", 3, 1)]
    # MeSH files heredity (G05), cacao (B01) and smoking (F01) outside the Chemical and Disease trees.
    other_names = [normalise(n) for n in ("Heredity", "Cacao", "Smoking")]
    write_kb(entries, kb, concepts={"D009202": ("descriptor", "Disease")}, other_names=other_names)
    patterns = [("Disease", p) for p in ("heredity", "cardiomyopathy", "smoking")]
    patterns += [("Chemical", p) for p in ("Cacao", "cocoa", "Smoking")]
    return _ruled_pipeline(kb, {"drop_other_names": drop_other_names}, patterns)


OTHER_NAMES_TEXT = "Heredity, not cocoa or Cacao, nor Smoking: heredity and smoking in cardiomyopathy."


def test_drop_other_names_drops_what_mesh_files_elsewhere_unless_the_label_has_the_name(tmp_path):
    doc = _other_names_pipeline(tmp_path, True)(OTHER_NAMES_TEXT)
    # "cocoa" is no MeSH name here; "Smoking" is a Chemical name of the knowledge base (BC5CDR's
    # convention) but no Disease name.
    assert [(e.text, e.label_) for e in doc.ents] == [
        ("cocoa", "Chemical"),
        ("Smoking", "Chemical"),
        ("cardiomyopathy", "Disease"),
    ]


def test_other_names_stay_entities_without_the_setting_and_survive_a_save_and_load(tmp_path):
    kept = _other_names_pipeline(tmp_path, False)(OTHER_NAMES_TEXT)
    assert len(kept.ents) == 6
    _other_names_pipeline(tmp_path, True).to_disk(tmp_path / "pipeline")
    loaded = spacy.load(tmp_path / "pipeline")
    assert loaded.get_pipe("bioner_linker").linker.other_names == {"cacao", "heredity", "smoking"}
    assert [e.text for e in loaded(OTHER_NAMES_TEXT).ents] == ["cocoa", "Smoking", "cardiomyopathy"]


def test_drop_unlinked_phrases_drops_a_several_word_mention_of_those_labels_that_no_id_fits(tmp_path):
    kb = _descriptor_kb(tmp_path, [("Chemical", "doxorubicin", "D004317", 5, 1)])
    text = "Doxorubicin, CP 200 and XR9576 caused muscle damage."

    patterns = [*(("Chemical", p) for p in ("Doxorubicin", "CP 200", "XR9576")), ("Disease", "muscle damage")]

    def tagged(labels: list[str]) -> list[tuple[str, str]]:
        nlp = _ruled_pipeline(kb, {"drop_unlinked_phrases": labels}, patterns)
        return [(e.text, e.kb_id_) for e in nlp(text).ents]

    # "CP 200" (several words, -1) goes; one unlinked word and other labels stay
    assert tagged(["Chemical"]) == [("Doxorubicin", "D004317"), ("XR9576", "-1"), ("muscle damage", "-1")]
    assert ("CP 200", "-1") in tagged([])


def test_drop_unlinked_qualities_drops_a_one_word_quality_of_those_labels_that_no_id_fits(tmp_path):
    kb = _descriptor_kb(tmp_path, [("Disease", "dizziness", "D004244", 5, 1)])
    text = "Symptoms: dizziness, worthlessness, low self-awareness and Happiness."
    patterns = [("Disease", p) for p in ("dizziness", "worthlessness", "self-awareness", "Happiness")]

    def tagged(labels: list[str]) -> list[tuple[str, str]]:
        # A strict threshold: the default ranker takes near names ("worthlessness" ~ "dizziness") on a tiny KB.
        nlp = _ruled_pipeline(kb, {"drop_unlinked_qualities": labels, "threshold": 0.9}, patterns)
        return [(e.text, e.kb_id_) for e in nlp(text).ents]

    # A quality the vocabulary names keeps its id; unnamed ones go; "self-awareness" is no one word.
    assert tagged(["Disease"]) == [("dizziness", "D004244"), ("self-awareness", "-1")]
    assert tagged([]) == [
        ("dizziness", "D004244"),
        ("worthlessness", "-1"),
        ("self-awareness", "-1"),
        ("Happiness", "-1"),
    ]
    assert tagged(["Chemical"]) == tagged([])


def _initials_pipeline(tmp_path, config: dict):
    """The project's tokenizer ("IDDM2" is "IDDM" + "2"), an entity ruler and the linker."""
    kb = _descriptor_kb(
        tmp_path,
        [
            ("Disease", "insulin-dependent diabetes mellitus", "D003922", 5, 1),
            ("Chemical", "blood urea nitrogen", "D001806", 3, 1),
        ],
    )
    patterns = [("Disease", "Insulin-dependent diabetes mellitus"), ("Chemical", "blood urea nitrogen")]
    return _ruled_pipeline(kb, config, patterns, project_tokenizer=True)


INITIALS_TEXT = (
    "Insulin-dependent diabetes mellitus locus (IDDM2) and IDDM. We saw blood urea nitrogen; BUNs and ABC rose."
)


def test_initials_labels_tag_a_word_spelling_a_mentions_initials_with_its_id(tmp_path):
    doc = _initials_pipeline(tmp_path, {"initials_labels": ["Chemical", "Disease"]})(INITIALS_TEXT)
    assert [(e.text, e.label_, e.kb_id_) for e in doc.ents] == [
        ("Insulin-dependent diabetes mellitus", "Disease", "D003922"),
        ("IDDM", "Disease", "D003922"),  # not the "IDDM" of the locus "IDDM2"
        ("blood urea nitrogen", "Chemical", "D001806"),
        ("BUNs", "Chemical", "D001806"),
    ]
    only_disease = _initials_pipeline(tmp_path, {"initials_labels": ["Disease"]})(INITIALS_TEXT)
    assert [e.text for e in only_disease.ents] == ["Insulin-dependent diabetes mellitus", "IDDM", "blood urea nitrogen"]
    assert len(_initials_pipeline(tmp_path, {})(INITIALS_TEXT).ents) == 2


def test_drop_other_names_keeps_a_short_form_whose_long_form_is_a_name_of_its_label(tmp_path):
    kb = tmp_path / "kb.json.gz"
    entries = [("Chemical", "blood urea nitrogen", "D001806", 3, 1)]
    write_kb(entries, kb, concepts={"D001806": ("descriptor", "Chemical")}, other_names=[normalise("BUN")])
    patterns = [("Chemical", "blood urea nitrogen"), ("Chemical", "BUN")]
    nlp = _ruled_pipeline(kb, {"drop_other_names": True}, patterns, abbreviations=True)
    defined = nlp("We measured blood urea nitrogen (BUN). BUN rose.")
    assert [(e.text, e.kb_id_) for e in defined.ents] == [
        ("blood urea nitrogen", "D001806"),
        ("BUN", "D001806"),
        ("BUN", "D001806"),
    ]
    assert [e.text for e in nlp("BUN rose.").ents] == []
