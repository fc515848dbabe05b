"""`add_linker`: a knowledge base swapped into a trained pipeline keeps the linker where it was,
with its settings; a new linker goes before the relation component, which reads its ids."""

from __future__ import annotations

import spacy

from bioner.linking.attach import add_linker
from bioner.linking.linker import write_kb


def kb(tmp_path, name: str = "kb.json.gz"):
    path = tmp_path / name
    write_kb([("Chemical", "doxorubicin", "D004317", 2), ("Disease", "renal failure", "D051437", 1)], path)
    return path


def test_new_linker_goes_before_the_relation_component(tmp_path):
    nlp = spacy.blank("en")
    nlp.add_pipe("entity_ruler")
    nlp.add_pipe("bioner_relations")
    add_linker(nlp, kb(tmp_path))
    assert nlp.pipe_names == ["entity_ruler", "bioner_linker", "bioner_relations"]


def test_new_linker_goes_last_without_a_relation_component(tmp_path):
    nlp = spacy.blank("en")
    nlp.add_pipe("entity_ruler")
    add_linker(nlp, kb(tmp_path))
    assert nlp.pipe_names == ["entity_ruler", "bioner_linker"]


def test_replaced_linker_keeps_its_place_and_settings_and_links_with_the_new_knowledge_base(tmp_path):
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": "Chemical", "pattern": "doxorubicin"}])
    old = nlp.add_pipe("bioner_linker", config={"whole_long_forms": True, "known_modifiers": 2})
    old.initialize(kb_path=str(kb(tmp_path, "old.json.gz")))
    nlp.add_pipe("bioner_relations")
    new_kb = tmp_path / "new.json.gz"
    write_kb([("Chemical", "doxorubicin", "D999999", 3)], new_kb)

    add_linker(nlp, new_kb, threshold=0.25)

    assert nlp.pipe_names == ["entity_ruler", "bioner_linker", "bioner_relations"]
    config = nlp.get_pipe_config("bioner_linker")
    assert (config["whole_long_forms"], config["known_modifiers"], config["threshold"]) == (True, 2, 0.25)
    doc = nlp("doxorubicin")
    assert [e.kb_id_ for e in doc.ents] == ["D999999"]
