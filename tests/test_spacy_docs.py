"""`bioner.spacy_docs.write_docbin`: streamed, yet the same DocBin spaCy would write."""

from __future__ import annotations

import zlib

import srsly
from spacy.tokens import DocBin

from bioner.pipeline.tokenizer import make_tokenizer_pipeline
from bioner.spacy_docs import _SPOOL_BATCH, write_docbin


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
