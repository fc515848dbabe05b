"""Moving documents between our data model and spaCy `Doc`s.

A `Doc` made here carries its document id in `doc.user_data["id"]`, which `DocBin` keeps
(`store_user_data=True`), so scores and predictions can be joined back to their documents.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from spacy.tokens import Doc, DocBin
from spacy.vocab import Vocab

from .document import Document, Mention
from .errors import BionerError

ID_KEY = "id"


def doc_id(doc: Doc) -> str:
    return str(doc.user_data.get(ID_KEY, ""))


def doc_to_document(doc: Doc, *, fallback_id: str = "") -> Document:
    """A document whose mentions are the `Doc`'s entities, at character offsets."""
    document = Document.from_text(doc_id(doc) or fallback_id, doc.text)
    document.mentions = [
        Mention(ent.start_char, ent.end_char, ent.text, ent.label_) for ent in doc.ents
    ]
    return document


def read_docbin(path: str | Path, vocab: Vocab | None = None) -> Iterator[Doc]:
    path = Path(path)
    if not path.exists():
        raise BionerError(f"{path}: no such file")
    try:
        docbin = DocBin(store_user_data=True).from_disk(path)
    except Exception as error:  # DocBin raises a mix of msgpack and zlib errors
        raise BionerError(f"{path}: not a spaCy DocBin file ({error})") from None
    return docbin.get_docs(vocab or Vocab())


def read_docbin_documents(path: str | Path) -> list[Document]:
    return [doc_to_document(doc, fallback_id=f"{Path(path).name}:{i}") for i, doc in enumerate(read_docbin(path))]


def write_docbin(docs: Iterable[Doc], path: str | Path) -> int:
    docbin = DocBin(store_user_data=True)
    for doc in docs:
        docbin.add(doc)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    docbin.to_disk(path)
    return len(docbin)
