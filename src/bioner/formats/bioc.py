"""BioC, XML or JSON: the format of PubTator3's and many corpora's exports.

Parsing is the `bioc` package's; this module maps its objects to ours and checks them as the
PubTator reader does. BioC offsets are document-level, as ours are: passages keep their offsets
(their `type` infon becomes `Passage.kind`) and an annotation's single location is its span.
An annotation with several locations (a discontinuous mention) cannot be expressed in our model:
it is a mention-level problem, an error unless reading leniently.
"""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO, TextIO, cast

import bioc
from bioc import biocjson, biocxml
from bioc.biocjson import decoder as biocjson_decoder
from lxml import etree

from ..document import Document, Mention, Passage, Relation
from ..errors import BionerError, InputError, InputProblem
from ._io import Source, open_destination, read_text, source_name

BIOC_FORMATS = ("xml", "json")
_LABEL_KEYS = ("type", "label", "Type")
_IDENTIFIER_KEYS = ("identifier", "MESH", "Identifier")
_RELATION_TYPE_KEYS = ("type", "relation", "Type")


def read_bioc(
    source: Source,
    *,
    format: str | None = None,
    lenient: bool = False,
    problems: list[InputProblem] | None = None,
) -> list[Document]:
    return list(iter_bioc(source, format=format, lenient=lenient, problems=problems))


def iter_bioc(
    source: Source,
    *,
    format: str | None = None,
    lenient: bool = False,
    problems: list[InputProblem] | None = None,
) -> Iterator[Document]:
    """Documents from BioC XML (streamed) or BioC JSON (read whole).

    `format` is "xml" or "json", or None to tell from the extension or the first character.
    With `lenient`, a bad annotation (discontinuous, offsets outside the text, text that differs
    from the text at its offsets, no label) is skipped and recorded in `problems`; a file that does
    not parse, or a document without id or with overlapping passages, always raises.
    """
    name = source_name(source)
    format = format or detect_bioc_format(source)
    if format not in BIOC_FORMATS:
        raise BionerError(f"unknown BioC format {format!r}; expected one of {', '.join(BIOC_FORMATS)}")
    seen: set[str] = set()
    raw = _xml_documents(source, name) if format == "xml" else _json_documents(source, name)
    for index, bioc_document in enumerate(raw):
        document = _document(bioc_document, index, name, lenient, problems)
        if document.id in seen:
            raise InputError(name, None, f"document id {document.id!r} appears more than once in the file")
        seen.add(document.id)
        yield document


def detect_bioc_format(source: Source) -> str:
    """"xml" or "json" from a path's extension, else from the first non-blank character."""
    if isinstance(source, (str, Path)) and str(source) != "-":
        suffix = Path(source).suffix.lower()
        if suffix == ".xml":
            return "xml"
        if suffix == ".json":
            return "json"
        path = Path(source)
        if not path.is_file():
            raise BionerError(f"{path}: no such file")
        with path.open("rb") as handle:
            head = handle.read(4096)
        return _sniff(head, source_name(source))
    raise BionerError(f"{source_name(source)}: say whether this BioC stream is 'xml' or 'json'")


def _sniff(head: bytes, name: str) -> str:
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"<"):
        return "xml"
    if stripped[:1] in (b"{", b"["):
        return "json"
    raise InputError(name, 1, "neither BioC XML (starts with '<') nor BioC JSON (starts with '{')")


def _xml_documents(source: Source, name: str) -> Iterator[bioc.BioCDocument]:
    handle: BinaryIO | str
    if isinstance(source, (str, Path)):
        if str(source) == "-":
            handle = io.BytesIO(sys.stdin.buffer.read())
        else:
            path = Path(source)
            if not path.is_file():
                raise BionerError(f"{path}: no such file")
            handle = str(path)
    elif hasattr(source, "encoding"):  # a text stream: lxml wants bytes
        handle = io.BytesIO(cast(TextIO, source).read().encode("utf-8"))
    else:
        handle = source
    try:
        reader = biocxml.BioCXMLDocumentReader(handle)
        yield from reader
        reader.get_collection_info()
    except etree.XMLSyntaxError as error:
        raise InputError(name, error.lineno or None, f"not well-formed XML: {error.msg}") from None
    except AttributeError:
        raise InputError(name, None, "no BioC <collection> element") from None
    except (ValueError, TypeError, KeyError) as error:
        raise InputError(name, None, f"not valid BioC XML: {error}") from None


def _json_documents(source: Source, name: str) -> Iterator[bioc.BioCDocument]:
    text = read_text(source)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(name, error.lineno, f"not valid JSON: {error.msg} at column {error.colno}") from None
    for index, obj in enumerate(_json_document_objects(data, name)):
        if not isinstance(obj, dict):
            raise InputError(name, None, f"document {index + 1}: expected a JSON object")
        try:
            yield biocjson_decoder.parse_doc(_with_defaults(obj))
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            what = f"missing key {error}" if isinstance(error, KeyError) else str(error)
            raise InputError(name, None, f"document {index + 1}: not valid BioC JSON: {what}") from None


def _json_document_objects(data: Any, name: str) -> list[Any]:
    """A collection's documents; also a bare list of documents, one document, or PubTator3's
    `{"PubTator3": [...]}` wrapping."""
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        if isinstance(data.get("documents"), list):
            return data["documents"]
        if isinstance(data.get("PubTator3"), list):
            return data["PubTator3"]
        if "passages" in data:
            return [data]
    raise InputError(name, None, "not BioC JSON: expected a collection with \"documents\", "
                     "a list of documents or one document")


def _with_defaults(obj: dict[str, Any]) -> dict[str, Any]:
    """Fill the keys the `bioc` decoder insists on but exporters leave out when empty."""
    obj = dict(obj)
    obj.setdefault("infons", {})
    obj.setdefault("annotations", [])
    obj.setdefault("relations", [])
    passages = []
    for passage in obj.get("passages", []):
        if isinstance(passage, dict):
            passage = dict(passage)
            for key in ("infons",):
                passage.setdefault(key, {})
            for key in ("sentences", "annotations", "relations"):
                passage.setdefault(key, [])
            passage["annotations"] = [_annotation_defaults(a) for a in passage["annotations"]]
            passage["relations"] = [_relation_defaults(r) for r in passage["relations"]]
            for sentence in passage["sentences"]:
                if isinstance(sentence, dict):
                    sentence.setdefault("infons", {})
                    sentence.setdefault("annotations", [])
                    sentence.setdefault("relations", [])
        passages.append(passage)
    obj["passages"] = passages
    obj["annotations"] = [_annotation_defaults(a) for a in obj["annotations"]]
    obj["relations"] = [_relation_defaults(r) for r in obj["relations"]]
    return obj


def _annotation_defaults(obj: Any) -> Any:
    if isinstance(obj, dict):
        obj = {"id": "", "infons": {}, "text": None, "locations": [], **obj}
    return obj


def _relation_defaults(obj: Any) -> Any:
    if isinstance(obj, dict):
        obj = {"id": "", "infons": {}, "nodes": [], **obj}
    return obj


def _document(
    bioc_document: bioc.BioCDocument,
    index: int,
    name: str,
    lenient: bool,
    problems: list[InputProblem] | None,
) -> Document:
    doc_id = (bioc_document.id or "").strip()
    if not doc_id:
        raise InputError(name, None, f"document {index + 1} has no id")
    passages = [
        Passage(_passage_text(p), int(p.offset), str(p.infons.get("type") or "text"))
        for p in bioc_document.passages
    ]
    document = Document(doc_id, passages)
    try:
        text = document.text
    except ValueError as error:
        raise InputError(name, None, str(error)) from None

    annotations = list(_all_annotations(bioc_document))
    by_id: dict[str, Mention] = {}
    for annotation in annotations:
        try:
            mention = _mention(annotation, text)
        except ValueError as error:
            message = f"document {doc_id!r}, annotation {annotation.id or '(no id)'}: {error}"
            if not lenient:
                raise InputError(name, None, message) from None
            if problems is not None:
                problems.append(InputProblem(name, None, doc_id, message))
            continue
        document.mentions.append(mention)
        if annotation.id:
            by_id[annotation.id] = mention
    for relation in _all_relations(bioc_document):
        document.relations.append(_relation(relation, by_id))
    return document


def _passage_text(passage: bioc.BioCPassage) -> str:
    """The passage's text, or its sentences laid out at their (document-level) offsets."""
    if passage.text:
        return passage.text
    if not passage.sentences:
        return ""
    pieces: list[str] = []
    length = passage.offset
    for sentence in sorted(passage.sentences, key=lambda s: s.offset):
        if sentence.offset > length:
            pieces.append(" " * (sentence.offset - length))
            length = sentence.offset
        pieces.append(sentence.text or "")
        length += len(sentence.text or "")
    return "".join(pieces)


def _all_annotations(document: bioc.BioCDocument) -> Iterator[bioc.BioCAnnotation]:
    for passage in document.passages:
        yield from passage.annotations
        for sentence in passage.sentences:
            yield from sentence.annotations
    yield from document.annotations


def _all_relations(document: bioc.BioCDocument) -> Iterator[bioc.BioCRelation]:
    for passage in document.passages:
        yield from passage.relations
        for sentence in passage.sentences:
            yield from sentence.relations
    yield from document.relations


def _infon(infons: dict[str, Any], keys: tuple[str, ...]) -> str:
    for key in keys:
        value = infons.get(key)
        if value:
            return str(value)
    return ""


def _mention(annotation: bioc.BioCAnnotation, text: str) -> Mention:
    """Raises ValueError with the reason when the annotation cannot be one mention."""
    if not annotation.locations:
        raise ValueError("has no location")
    if len(annotation.locations) > 1:
        spans = ", ".join(f"{loc.offset}+{loc.length}" for loc in annotation.locations)
        raise ValueError(f"is discontinuous ({spans}); only single-location annotations are read")
    location = annotation.locations[0]
    start, end = int(location.offset), int(location.offset) + int(location.length)
    if not (0 <= start < end <= len(text)):
        raise ValueError(f"offsets {start}-{end} fall outside the document text ({len(text)} characters)")
    if annotation.text and annotation.text != text[start:end]:  # an absent <text> reads as ''
        raise ValueError(f"text {annotation.text!r} does not equal the text at offsets {start}-{end}: "
                         f"{text[start:end]!r}")
    label = _infon(annotation.infons, _LABEL_KEYS)
    if not label:
        raise ValueError("has no 'type' infon to give its label")
    return Mention(start, end, text[start:end], label, _infon(annotation.infons, _IDENTIFIER_KEYS))


def _relation(relation: bioc.BioCRelation, mentions: dict[str, Mention]) -> Relation:
    """Nodes name annotations: an argument is the annotation's identifier where it has one (as in
    PubTator relations), else the node's refid. A relation without nodes takes its arguments from
    its other infons in order (BC5CDR's `Chemical`/`Disease`, our own `arg1`, `arg2`)."""
    kind = _infon(relation.infons, _RELATION_TYPE_KEYS)
    if relation.nodes:
        arguments = []
        for node in relation.nodes:
            mention = mentions.get(node.refid)
            arguments.append(mention.identifier if mention is not None and mention.identifier else node.refid)
    else:
        arguments = [str(v) for k, v in relation.infons.items() if k not in _RELATION_TYPE_KEYS and v]
    return Relation(kind, arguments)


def to_bioc_document(document: Document) -> bioc.BioCDocument:
    """Our document as BioC: one passage per passage, each annotation in the passage holding it."""
    text = document.text
    bioc_document = bioc.BioCDocument()
    bioc_document.id = document.id
    bioc_passages = []
    for passage in document.passages:
        bioc_passage = bioc.BioCPassage()
        bioc_passage.offset = passage.offset
        bioc_passage.text = passage.text
        bioc_passage.infons["type"] = passage.kind
        bioc_document.add_passage(bioc_passage)
        bioc_passages.append((passage, bioc_passage))
    for number, mention in enumerate(document.sorted_mentions()):
        annotation = bioc.BioCAnnotation()
        annotation.id = str(number)
        annotation.infons["type"] = mention.label
        if mention.identifier:
            annotation.infons["identifier"] = mention.identifier
        annotation.text = text[mention.start:mention.end]
        annotation.add_location(bioc.BioCLocation(mention.start, mention.end - mention.start))
        holder = next(
            (b for p, b in bioc_passages if p.offset <= mention.start and mention.end <= p.offset + len(p.text)),
            None,
        )
        (holder or bioc_document).add_annotation(annotation)
    for number, relation in enumerate(document.relations):
        bioc_relation = bioc.BioCRelation()
        bioc_relation.id = f"R{number}"
        bioc_relation.infons["type"] = relation.type
        for position, argument in enumerate(relation.arguments, start=1):
            bioc_relation.infons[f"arg{position}"] = argument
        bioc_document.add_relation(bioc_relation)
    return bioc_document


def write_bioc(documents: Iterable[Document], destination: str | Path | TextIO, *, format: str = "xml") -> int:
    """Write documents as one BioC collection (source "bioner"); returns how many were written."""
    if format not in BIOC_FORMATS:
        raise BionerError(f"unknown BioC format {format!r}; expected one of {', '.join(BIOC_FORMATS)}")
    collection = bioc.BioCCollection()
    collection.source = "bioner"
    for document in documents:
        collection.add_document(to_bioc_document(document))
    with open_destination(destination) as handle:
        if format == "xml":
            handle.write(biocxml.dumps(collection))
        else:
            biocjson.dump(collection, handle, indent=2, ensure_ascii=False)
            handle.write("\n")
    return len(collection.documents)
