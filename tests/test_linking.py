"""The bioner_linker component on a tiny knowledge base made here."""

from __future__ import annotations

import pytest
import spacy

from bioner.linking.linker import (
    NO_ID,
    EntityLinker,
    Linker,
    normalise,
    read_kb,
    split_composite,
    write_kb,
)

ENTRIES = [
    ("Chemical", "doxorubicin", "D004317", 5),
    ("Chemical", "DOX", "D999999", 1),  # an ambiguous short form: the long form must win
    ("Chemical", "alpha-tocopherol", "D024502", 1),
    ("Disease", "cardiomyopathy", "D009202", 3),
    ("Disease", "renal failure", "D051437", 2),
    ("Disease", "liver failure", "D017093", 2),
    ("Disease", "hepatic failure", "D017093", 2),
    ("Disease", "hepatic failure", "D000001", 1),  # chosen less often by annotators: loses
]


@pytest.fixture(scope="module")
def linker() -> Linker:
    return Linker(ENTRIES, threshold=0.6)


def link(linker: Linker, text: str, label: str) -> str:
    return linker.link_document([(text, label)])[0]


def test_normalisation_ignores_case_hyphens_plurals_greek_and_word_order():
    assert normalise("Cardiomyopathies") == normalise("cardiomyopathy")
    assert normalise("α-Tocopherol") == normalise("alpha tocopherol")
    assert normalise("failure, renal") == normalise("Renal failures")
    assert normalise("failure of the kidney") == normalise("kidney failure")


def test_exact_match_after_normalisation(linker):
    assert link(linker, "Doxorubicin", "Chemical") == "D004317"
    assert link(linker, "α-tocopherol", "Chemical") == "D024502"
    assert link(linker, "failure, renal", "Disease") == "D051437"
    assert link(linker, "cardiomyopathies", "Disease") == "D009202"


def test_label_restricts_the_names(linker):
    assert link(linker, "doxorubicin", "Disease") == NO_ID


def test_composite_mention_gets_each_part(linker):
    assert split_composite("renal and hepatic failure") == ["renal failure", "hepatic failure"]
    assert split_composite("renal failure") == []
    assert link(linker, "renal and hepatic failure", "Disease") == "D051437|D017093"


def test_fuzzy_match_above_threshold_and_minus_one_below(linker):
    assert link(linker, "cardiomyopathie", "Disease") == "D009202"  # misspelt, near
    assert link(linker, "dilated cardiomyopathy", "Disease") == "D009202"
    assert link(linker, "aspirin", "Chemical") == NO_ID  # nothing near enough
    assert Linker(ENTRIES, threshold=1.01).link_document([("cardiomyopathie", "Disease")]) == [NO_ID]


def test_long_form_first_and_same_string_same_id_in_a_document(linker):
    ids = linker.link_document(
        [("doxorubicin", "Chemical"), ("DOX", "Chemical"), ("DOX", "Chemical")], {"DOX": "doxorubicin"}
    )
    assert ids == ["D004317"] * 3
    assert linker.link_document([("DOX", "Chemical")]) == ["D999999"]  # no definition: the KB's own


def _pipeline(tmp_path, threshold: float = 0.6):
    kb = tmp_path / "kb.json.gz"
    write_kb(ENTRIES, kb)
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


def test_component_round_trips_through_disk_with_its_knowledge_base(tmp_path):
    nlp = _pipeline(tmp_path, threshold=0.7)
    (tmp_path / "kb.json.gz").unlink()  # the pipeline folder must carry its own copy
    nlp.to_disk(tmp_path / "pipeline")
    loaded = spacy.load(tmp_path / "pipeline")
    assert isinstance(loaded.get_pipe("bioner_linker"), EntityLinker)
    assert loaded.get_pipe("bioner_linker").threshold == 0.7
    assert [e.kb_id_ for e in loaded(TEXT).ents] == [e.kb_id_ for e in nlp(TEXT).ents]
    assert sorted(read_kb(tmp_path / "pipeline" / "bioner_linker" / "kb.json.gz")) == sorted(ENTRIES)


def test_uninitialised_linker_links_nothing():
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    nlp.add_pipe("bioner_linker")
    nlp.initialize()
    ruler.add_patterns([{"label": "Chemical", "pattern": "doxorubicin"}])
    assert [e.kb_id_ for e in nlp("doxorubicin").ents] == [NO_ID]
