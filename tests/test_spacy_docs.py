"""`bioner.spacy_docs.write_docbin`: streamed, yet the same DocBin spaCy would write."""

from __future__ import annotations

import zlib

import pytest
import spacy
import srsly
from spacy.tokens import DocBin

from bioner.document import Relation
from bioner.errors import BionerError
from bioner.pipeline.tokenizer import make_tokenizer_pipeline
from bioner.spacy_docs import (
    _SPOOL_BATCH,
    doc_relations,
    doc_to_document,
    ensure_relations_extension,
    set_doc_relations,
    write_docbin,
)


def test_streamed_docbin_holds_what_spacy_would_write_and_loads(tmp_path):
    nlp = make_tokenizer_pipeline()
    docs = []
    for i in range(_SPOOL_BATCH * 2 + 7):  # more than one spooled batch, and a partial one
        doc = nlp.make_doc(f"Ketamine {i} relieved depression. " * (1 + i % 3))
        doc.set_ents([doc.char_span(0, 8, label="Chemical")])
        doc.user_data["id"] = str(i)
        docs.append(doc)
    assert write_docbin(iter(docs), tmp_path / "out.spacy") == len(docs)
    ours = srsly.msgpack_loads(zlib.decompress((tmp_path / "out.spacy").read_bytes()))
    theirs = srsly.msgpack_loads(zlib.decompress(DocBin(store_user_data=True, docs=docs).to_bytes()))
    assert ours == theirs
    back = list(DocBin().from_disk(tmp_path / "out.spacy").get_docs(nlp.vocab))
    assert [d.text for d in back] == [d.text for d in docs]
    assert back[300].user_data == {"id": "300"} and [e.label_ for e in back[300].ents] == ["Chemical"]


# --- relations on Docs -------------------------------------------------------------------------


def test_relations_set_on_a_doc_read_back_as_relations_shifted_by_an_offset():
    doc = spacy.blank("en")("Aspirin and asthma.")
    set_doc_relations(doc, [Relation("CID", ["D1", "D2"], 0.5, [(0, 7, 12, 18)])])
    assert doc_relations(doc) == [Relation("CID", ["D1", "D2"], 0.5, [(0, 7, 12, 18)])]
    assert doc_relations(doc, 100)[0].support == [(100, 107, 112, 118)]


def test_a_doc_without_relations_has_none():
    assert doc_relations(spacy.blank("en")("Aspirin.")) == []


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ({"type": "CID"}, "must be a list of relations"),
        ([{"arguments": ["D1", "D2"]}], 'must be a dict with a "type"'),
        ([{"type": "CID", "arguments": "D1 D2"}], '"arguments" must be a list of ids'),
        ([{"type": "CID", "arguments": ["D1", "D2"], "score": "high"}], '"score" must be a number'),
        ([{"type": "CID", "arguments": ["D1", "D2"], "support": [[0, 7]]}], "[start1, end1, start2, end2]"),
    ],
)
def test_a_component_writing_another_shape_is_an_error_naming_it(value, fragment):
    doc = spacy.blank("en")("Aspirin.")
    ensure_relations_extension()
    doc._.bioner_relations = value
    with pytest.raises(BionerError) as raised:
        doc_relations(doc)
    assert fragment in str(raised.value)


def test_doc_to_document_carries_the_doc_relations():
    doc = spacy.blank("en")("Aspirin and asthma.")
    set_doc_relations(doc, [Relation("CID", ["D1", "D2"])])
    assert doc_to_document(doc).relations == [Relation("CID", ["D1", "D2"])]
