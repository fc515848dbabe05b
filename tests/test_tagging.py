"""`bioner.tagging.core`: the one tagging path, in spaCy memory zones so that long runs do not grow."""

from __future__ import annotations

import pytest
import spacy

from bioner.document import Document
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
