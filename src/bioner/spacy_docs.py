"""Moving documents between our data model and spaCy `Doc`s.

A `Doc` made here carries its document id in `doc.user_data["id"]`, which `DocBin` keeps
(`store_user_data=True`), so scores and predictions can be joined back to their documents.
Relations travel as plain dicts in `doc._.bioner_relations` (`names.RELATIONS_EXTENSION`), which
`DocBin` keeps the same way: the relation component writes them, tagging and conversion read them.
"""

from __future__ import annotations

import struct
import tempfile
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy
import srsly
from spacy.tokens import Doc, DocBin
from spacy.vocab import Vocab

from .atomic import atomic_path
from .document import Document, Mention, Relation
from .errors import BionerError
from .names import RELATIONS_EXTENSION

ID_KEY = "id"


def doc_id(doc: Doc) -> str:
    return str(doc.user_data.get(ID_KEY, ""))


def doc_to_document(doc: Doc, *, fallback_id: str = "") -> Document:
    """A document whose mentions are the `Doc`'s entities and whose relations are its
    `doc._.bioner_relations`, at character offsets."""
    document = Document.from_text(doc_id(doc) or fallback_id, doc.text)
    document.mentions = [Mention(ent.start_char, ent.end_char, ent.text, ent.label_) for ent in doc.ents]
    document.relations = doc_relations(doc)
    return document


def ensure_relations_extension() -> None:
    """Register `Doc._.bioner_relations` unless the relation component (or anyone) has already."""
    if not Doc.has_extension(RELATIONS_EXTENSION):
        Doc.set_extension(RELATIONS_EXTENSION, default=None)


def doc_relations(doc: Doc, offset: int = 0) -> list[Relation]:
    """The relations in `doc._.bioner_relations` as `Relation`s, support shifted by `offset` (the
    position of a piece's text in its document). A value that is not the agreed shape is an error
    naming it: a component that writes something else must not lose relations quietly."""
    ensure_relations_extension()
    raw = getattr(doc._, RELATIONS_EXTENSION)
    if raw is None:
        return []
    if not isinstance(raw, (list, tuple)):
        raise BionerError(f"doc._.{RELATIONS_EXTENSION} must be a list of relations, found {type(raw).__name__}")
    return [_relation_from_dict(item, offset) for item in raw]


def _relation_from_dict(item: object, offset: int) -> Relation:
    if not isinstance(item, dict) or not isinstance(item.get("type"), str):
        raise BionerError(f'doc._.{RELATIONS_EXTENSION}: each relation must be a dict with a "type", found {item!r}')
    arguments = item.get("arguments")
    if not isinstance(arguments, (list, tuple)) or not all(isinstance(a, str) for a in arguments):
        raise BionerError(f'doc._.{RELATIONS_EXTENSION}: "arguments" must be a list of ids, found {arguments!r}')
    score = item.get("score")
    if score is not None and (isinstance(score, bool) or not isinstance(score, (int, float))):
        raise BionerError(f'doc._.{RELATIONS_EXTENSION}: "score" must be a number or null, found {score!r}')
    support = []
    for pair in item.get("support") or []:
        if (
            not isinstance(pair, (list, tuple))
            or len(pair) != 4
            or not all(isinstance(v, int) and not isinstance(v, bool) for v in pair)
        ):
            raise BionerError(
                f'doc._.{RELATIONS_EXTENSION}: each "support" item must be [start1, end1, start2, end2], found {pair!r}'
            )
        s1, e1, s2, e2 = pair
        support.append((s1 + offset, e1 + offset, s2 + offset, e2 + offset))
    return Relation(item["type"], list(arguments), None if score is None else float(score), support)


def relation_to_dict(relation: Relation) -> dict:
    """A `Relation` as the plain dict `doc._.bioner_relations` holds (what DocBin can store)."""
    return {
        "type": relation.type,
        "arguments": list(relation.arguments),
        "score": relation.score,
        "support": [list(pair) for pair in relation.support],
    }


def set_doc_relations(doc: Doc, relations: Iterable[Relation]) -> None:
    ensure_relations_extension()
    setattr(doc._, RELATIONS_EXTENSION, [relation_to_dict(r) for r in relations])


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


def write_docbin(docs: Iterable[Doc], path: str | Path, *, option: str = "--output") -> int:
    """Write docs as one DocBin file, streaming: memory stays flat however many docs.

    spaCy's `DocBin` holds every doc's arrays until it serialises them all at once (about
    125 KB a BC5CDR abstract at its peak). Here docs go into a small `DocBin` a batch at a
    time, whose token and space arrays are spooled to a temporary file; the file written at the
    end is the msgpack map `DocBin.to_bytes` makes, compressed as it streams, so
    `DocBin().from_disk` reads it as any other. The write is atomic (`bioner.atomic`).
    """
    # Spooling inside the atomic write: a full disk there is the same one-line error.
    with (
        atomic_path(path, option) as temporary,
        tempfile.TemporaryFile(dir=temporary.parent) as tokens,
        tempfile.TemporaryFile(dir=temporary.parent) as spaces,
    ):
        batch = DocBin(store_user_data=True)
        attrs = batch.attrs
        lengths: list[int] = []
        strings: set[str] = set()
        rest: dict[str, list] = {"cats": [], "flags": [], "span_groups": [], "user_data": []}

        def spool() -> None:
            for array in batch.tokens:
                tokens.write(array.tobytes("C"))
            for array in batch.spaces:
                spaces.write(array.tobytes("C"))
            lengths.extend(len(array) for array in batch.tokens)
            strings.update(batch.strings)
            for key, values in rest.items():
                values.extend(getattr(batch, key))

        for doc in docs:
            batch.add(doc)
            if len(batch) >= _SPOOL_BATCH:
                spool()
                batch = DocBin(store_user_data=True)
        spool()
        with open(temporary, "wb") as out:
            compressor = zlib.compressobj()
            head = {"version": batch.version, "attrs": attrs}
            out.write(compressor.compress(_map_header(len(head) + 8)))
            for key, value in head.items():
                out.write(compressor.compress(srsly.msgpack_dumps(key) + srsly.msgpack_dumps(value)))
            for key, spooled in (("tokens", tokens), ("spaces", spaces)):
                out.write(compressor.compress(srsly.msgpack_dumps(key) + _bin_header(spooled.tell())))
                spooled.seek(0)
                while chunk := spooled.read(1 << 20):
                    out.write(compressor.compress(chunk))
            tail = {
                "lengths": numpy.asarray(lengths, dtype="int32").tobytes("C"),
                "strings": sorted(strings),
                "cats": rest["cats"],
                "flags": rest["flags"],
                "span_groups": rest["span_groups"],
                "user_data": rest["user_data"],
            }
            for key, value in tail.items():
                out.write(compressor.compress(srsly.msgpack_dumps(key) + srsly.msgpack_dumps(value)))
            out.write(compressor.flush())
    return len(lengths)


_SPOOL_BATCH = 256


def _map_header(size: int) -> bytes:
    return bytes([0x80 | size]) if size < 16 else b"\xde" + struct.pack(">H", size)


def _bin_header(size: int) -> bytes:
    """msgpack bin 32: the spooled arrays can pass 64 KB."""
    return b"\xc6" + struct.pack(">I", size)
