"""`bioner.tagging.core`: the one tagging path, in spaCy memory zones so that long runs do not grow."""

from __future__ import annotations

import pytest
import spacy

import fake_relations
from bioner.document import Document
from bioner.regions import Content, Skip, whole_text
from bioner.tagging import tag_documents

WORDS = ["Zorvastatin", "Quelamide", "Brintoxol", "Pelvorin", "Dextrafen"]


@pytest.fixture
def nlp():
    nlp = spacy.blank("en")
    nlp.add_pipe("entity_ruler").add_patterns([{"label": "Chemical", "pattern": "aspirin"}])
    return nlp


def documents() -> list[Document]:
    return [Document.from_text(f"d{i}", f"{word} and aspirin, dose {i}.") for i, word in enumerate(WORDS)]


def test_strings_a_document_adds_are_freed_after_its_zone(nlp):
    if not hasattr(nlp, "memory_zone"):
        pytest.skip("spaCy < 3.8 has no memory zones")
    tagged = list(tag_documents(nlp, documents(), zone=2))
    assert [[m.text for m in d.mentions] for d in tagged] == [["aspirin"]] * len(WORDS)
    assert not any(word in nlp.vocab.strings for word in WORDS)  # a run over PubMed would keep them all


def test_zones_do_not_change_what_is_tagged(nlp):
    by_one = [(d.id, [(m.start, m.end, m.label) for m in d.mentions]) for d in tag_documents(nlp, documents(), zone=1)]
    at_once = [
        (d.id, [(m.start, m.end, m.label) for m in d.mentions]) for d in tag_documents(nlp, documents(), zone=100)
    ]
    assert by_one == at_once
    assert [doc_id for doc_id, _ in by_one] == [f"d{i}" for i in range(len(WORDS))]


# --- relations ---------------------------------------------------------------------------------


@pytest.fixture
def relation_nlp():
    nlp = spacy.blank("en")
    nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"}).add_patterns(
        [{"label": "Chemical", "pattern": "aspirin"}]
        + [{"label": "Disease", "pattern": word} for word in ("asthma", "ulcer")]
    )
    return fake_relations.add_relations(nlp)


def test_relations_of_the_component_become_document_relations_at_document_offsets(relation_nlp):
    (tagged,) = tag_documents(relation_nlp, [Document.from_title_abstract("1", "Aspirin asthma.", "An ulcer.")])
    assert [(r.type, r.arguments, r.score) for r in tagged.relations] == [
        ("CID", ["D001241", "D001249"], 0.1),
        ("CID", ["D001241", "D014456"], 0.1),
    ]
    text = tagged.text
    (s1, e1, s2, e2) = tagged.relations[1].support[0]
    assert (text[s1:e1], text[s2:e2]) == ("Aspirin", "ulcer")


def test_a_long_document_tagged_in_pieces_gets_one_relation_per_pair_with_the_best_score_and_all_support(
    relation_nlp,
):
    paragraphs = ["Aspirin and asthma.", "Aspirin, aspirin and asthma again."]
    document = Document.from_text("long", "\n\n".join(paragraphs))
    (tagged,) = tag_documents(relation_nlp, [document], max_chars=40)
    (relation,) = tagged.relations
    assert relation.arguments == ["D001241", "D001249"]
    assert relation.score == 0.2  # the second piece's two pairs
    text = tagged.text
    assert [(text[a:b], text[c:d]) for a, b, c, d in relation.support] == [
        ("Aspirin", "asthma"),
        ("Aspirin", "asthma"),
        ("aspirin", "asthma"),
    ]
    assert relation.support[1][0] == len(paragraphs[0]) + 2  # shifted by the piece's offset


def test_relation_arguments_get_the_id_prefix_as_mentions_do(relation_nlp):
    (tagged,) = tag_documents(relation_nlp, [Document.from_text("1", "Aspirin asthma.")], id_prefix="MESH:")
    assert tagged.relations[0].arguments == ["MESH:D001241", "MESH:D001249"]


def test_relations_off_disables_the_component_and_reports_none(relation_nlp):
    fake_relations.CALLS.clear()
    (tagged,) = tag_documents(relation_nlp, [Document.from_text("1", "Aspirin asthma.")], relations=False)
    assert tagged.relations == [] and [m.text for m in tagged.mentions] == ["Aspirin", "asthma"]
    assert fake_relations.CALLS == []  # not run at all, not only not read
    (tagged,) = tag_documents(relation_nlp, [Document.from_text("1", "Aspirin asthma.")])
    assert fake_relations.CALLS == ["Aspirin asthma."] and len(tagged.relations) == 1


def test_a_relation_whose_only_support_is_in_a_skipped_citation_is_not_reported(relation_nlp):
    document = Document.from_text("1", "Aspirin helps (Asthma, 2020) in ulcer.")
    document.content = Content(whole_text(document.text).regions, [Skip(14, 28, "citation", inline=True)])
    (tagged,) = tag_documents(relation_nlp, [document])
    assert [m.text for m in tagged.mentions] == ["Aspirin", "ulcer"]
    assert [r.arguments for r in tagged.relations] == [["D001241", "D014456"]]


def test_relations_come_back_from_worker_processes(relation_nlp):
    documents = [Document.from_text(f"d{i}", f"Aspirin and asthma {i}.") for i in range(4)]
    tagged = list(tag_documents(relation_nlp, documents, n_process=2, batch_size=1))
    assert [[r.arguments for r in d.relations] for d in tagged] == [[["D001241", "D001249"]]] * 4
