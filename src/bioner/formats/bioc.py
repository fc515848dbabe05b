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
import re
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
from ._io import SNIFF_BYTES, Source, open_destination, open_input, read_text, source_name
from .sniff import sniff_format

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
    text_mismatches: list[InputProblem] | None = None,
) -> list[Document]:
    return list(iter_bioc(source, format=format, lenient=lenient, problems=problems, text_mismatches=text_mismatches))


def iter_bioc(
    source: Source,
    *,
    format: str | None = None,
    lenient: bool = False,
    problems: list[InputProblem] | None = None,
    text_mismatches: list[InputProblem] | None = None,
) -> Iterator[Document]:
    """Documents from BioC XML (streamed) or BioC JSON (read whole).

    `format` is "xml" or "json", or None to tell from the extension or the first character.
    With `lenient`, a bad annotation (discontinuous, offsets outside the text, text that differs
    from the text at its offsets, no label) is skipped and recorded in `problems`; a file that does
    not parse, or a document without id or with overlapping passages, always raises. With
    `text_mismatches` (a list), an annotation whose text differs from the text at its offsets is
    read by its offsets and noted there.
    """
    name = source_name(source)
    format = format or detect_bioc_format(source)
    if format not in BIOC_FORMATS:
        raise BionerError(f"unknown BioC format {format!r}; expected one of {', '.join(BIOC_FORMATS)}")
    seen: set[str] = set()
    raw = _xml_documents(source, name) if format == "xml" else _json_documents(source, name)
    for index, bioc_document in enumerate(raw):
        document = _document(bioc_document, index, name, lenient, problems, text_mismatches)
        if document.id in seen:
            raise InputError(name, None, f"document id {document.id!r} appears more than once in the file")
        seen.add(document.id)
        yield document


def detect_bioc_format(source: Source) -> str:
    """ "xml" or "json" from a path's extension, else from the first non-blank character."""
    if isinstance(source, (str, Path)) and str(source) != "-":
        suffix = Path(source).suffix.lower()
        if suffix == ".xml":
            return "xml"
        if suffix == ".json":
            return "json"
        path = Path(source)
        if not path.is_file():
            raise BionerError(f"{path}: no such file")
        with open_input(path) as handle:
            sniffed = sniff_format(handle.read(SNIFF_BYTES))
        if sniffed == "bioc":
            return "xml"
        if sniffed in ("bioc-json", "jsonl"):
            return "json"
        raise InputError(source_name(source), 1, "neither BioC XML (starts with '<') nor BioC JSON (starts with '{')")
    raise BionerError(f"{source_name(source)}: say whether this BioC stream is 'xml' or 'json'")


def _xml_documents(source: Source, name: str) -> Iterator[bioc.BioCDocument]:
    handle: BinaryIO | str
    if isinstance(source, (str, Path)):
        if str(source) == "-":
            handle = io.BytesIO(sys.stdin.buffer.read())
        else:
            handle = open_input(source)
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
    finally:
        if handle is not source and hasattr(handle, "close"):
            handle.close()


def _json_documents(source: Source, name: str) -> Iterator[bioc.BioCDocument]:
    text = read_text(source)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(name, error.lineno, f"not valid JSON: {error.msg} at column {error.colno}") from None
    except RecursionError:
        raise InputError(name, None, "JSON nested too deeply to be BioC") from None
    for index, obj in enumerate(_json_document_objects(data, name)):
        if not isinstance(obj, dict):
            raise InputError(name, None, f"document {index + 1}: expected a JSON object")
        _check_json_types(obj, f"document {index + 1}", name)
        try:
            yield biocjson_decoder.parse_doc(_with_defaults(obj))
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            what = f"missing key {error}" if isinstance(error, KeyError) else str(error)
            raise InputError(name, None, f"document {index + 1}: not valid BioC JSON: {what}") from None


def _check_json_types(document: dict[str, Any], where: str, name: str) -> None:
    """The types the `bioc` decoder assumes without checking, each error with its position
    (`document 2, passage 1, annotation 3`): an id is a string, offsets and lengths whole numbers,
    texts strings, infons objects, lists lists."""

    def fail(position: str, key: str, expected: str, value: Any) -> None:
        raise InputError(name, None, f"{position}: {key!r} must be {expected}, found {json.dumps(value)[:40]}")

    def check(obj: Any, position: str, fields: dict[str, tuple[type, ...]], optional: tuple[str, ...] = ()) -> None:
        if not isinstance(obj, dict):
            raise InputError(name, None, f"{position}: expected a JSON object, found {json.dumps(obj)[:40]}")
        for key, types in fields.items():
            if key not in obj:
                continue
            value = obj[key]
            if value is None and key in optional:
                continue
            if not isinstance(value, types) or (int in types and isinstance(value, bool)):
                fail(position, key, _TYPE_NAMES[types], value)

    def annotations(items: Any, position: str) -> None:
        for number, annotation in enumerate(items if isinstance(items, list) else [], start=1):
            at = f"{position}, annotation {number}"
            check(annotation, at, {"id": (str,), "infons": (dict,), "text": (str,), "locations": (list,)}, ("text",))
            for count, location in enumerate(annotation.get("locations", []), start=1):
                check(location, f"{at}, location {count}", {"offset": (int,), "length": (int,)})
        for number, relation in enumerate(document.get("relations", []) if position == where else [], start=1):
            check(relation, f"{position}, relation {number}", {"id": (str,), "infons": (dict,), "nodes": (list,)})

    check(
        document,
        where,
        {"id": (str,), "infons": (dict,), "passages": (list,), "annotations": (list,), "relations": (list,)},
    )
    if "id" not in document:
        raise InputError(name, None, f'{where}: has no "id"')
    where = f"{where} ({document['id']!r})"
    for number, passage in enumerate(document.get("passages", []), start=1):
        at = f"{where}, passage {number}"
        check(
            passage,
            at,
            {
                "offset": (int,),
                "text": (str,),
                "infons": (dict,),
                "sentences": (list,),
                "annotations": (list,),
                "relations": (list,),
            },
            ("text",),
        )
        if "offset" not in passage:
            raise InputError(name, None, f'{at}: has no "offset"')
        annotations(passage.get("annotations", []), at)
        for count, sentence in enumerate(passage.get("sentences", []), start=1):
            check(
                sentence,
                f"{at}, sentence {count}",
                {"offset": (int,), "text": (str,), "infons": (dict,), "annotations": (list,)},
                ("text",),
            )
            annotations(sentence.get("annotations", []), f"{at}, sentence {count}")
    annotations(document.get("annotations", []), where)


_TYPE_NAMES: dict[tuple[type, ...], str] = {
    (str,): "a string",
    (int,): "a whole number",
    (dict,): "an object",
    (list,): "a list",
}


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
    raise InputError(
        name, None, 'not BioC JSON: expected a collection with "documents", a list of documents or one document'
    )


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
    text_mismatches: list[InputProblem] | None = None,
) -> Document:
    doc_id = (bioc_document.id or "").strip() if isinstance(bioc_document.id, str) else ""
    if not doc_id:
        raise InputError(name, None, f"document {index + 1} has no id")
    where = f"document {index + 1} ({doc_id!r})"
    passages = []
    for number, passage in enumerate(bioc_document.passages, start=1):
        try:
            passages.append(
                Passage(_passage_text(passage), _offset(passage.offset), str(passage.infons.get("type") or "text"))
            )
        except ValueError as error:
            raise InputError(name, None, f"{where}, passage {number}: {error}") from None
    _check_layout(passages, where, name)
    document = Document(doc_id, passages)
    text = document.text

    annotations = list(_all_annotations(bioc_document))
    by_id: dict[str, Mention] = {}
    for annotation in annotations:
        try:
            mention = _mention(annotation, text, strict_text=text_mismatches is None)
        except ValueError as error:
            message = f"{where}, annotation {annotation.id or '(no id)'}: {error}"
            if not lenient:
                raise InputError(name, None, message) from None
            if problems is not None:
                problems.append(InputProblem(name, None, doc_id, message))
            continue
        if annotation.text and annotation.text != mention.text and text_mismatches is not None:
            message = (
                f"{where}, annotation {annotation.id or '(no id)'}: text {annotation.text!r} does not equal "
                f"the text at offsets {mention.start}-{mention.end}: {mention.text!r}"
            )
            text_mismatches.append(InputProblem(name, None, doc_id, message))
        document.mentions.append(mention)
        if annotation.id:
            by_id[annotation.id] = mention
    for number, relation in enumerate(_all_relations(bioc_document), start=1):
        try:
            document.relations.append(_relation(relation, by_id))
        except ValueError as error:
            message = f"{where}, relation {relation.id or number}: {error}"
            if not lenient:
                raise InputError(name, None, message) from None
            if problems is not None:
                problems.append(InputProblem(name, None, doc_id, message))
    return document


MAX_PADDING = 1_000_000
"""Characters of gaps between passages (or sentences) a document may have: BioC offsets are
positions in the original document, so passages may skip text, but a 700-byte file must not make
the reader fill gigabytes with spaces (an offset of 4,000,000,000)."""


def _offset(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ValueError(f"offset must be a whole number, found {value!r}")
    try:
        offset = int(value)
    except ValueError:
        raise ValueError(f"offset must be a whole number, found {value!r}") from None
    if offset < 0:
        raise ValueError(f"offset must not be negative, found {offset}")
    return offset


def _check_layout(passages: list[Passage], where: str, name: str) -> None:
    """Passages must not overlap, and their gaps must stay within MAX_PADDING."""
    end = padding = 0
    for number, passage in sorted(enumerate(passages, start=1), key=lambda item: item[1].offset):
        if passage.offset < end:
            raise InputError(
                name,
                None,
                f"{where}, passage {number}: offset {passage.offset} overlaps the "
                f"passage before it (which ends at {end})",
            )
        padding += passage.offset - end
        if padding > MAX_PADDING:
            raise InputError(
                name,
                None,
                f"{where}, passage {number}: offset {passage.offset:,} leaves "
                f"{padding:,} characters between passages (at most {MAX_PADDING:,}); check the offsets",
            )
        end = passage.offset + len(passage.text)


def _passage_text(passage: bioc.BioCPassage) -> str:
    """The passage's text, or its sentences laid out at their (document-level) offsets.

    Sentences that overlap cannot be laid out without moving text off its offsets: an error.
    """
    if passage.text:
        if not isinstance(passage.text, str):
            raise ValueError(f"text must be a string, found {type(passage.text).__name__}")
        return passage.text
    if not passage.sentences:
        return ""
    pieces: list[str] = []
    start = _offset(passage.offset)
    length = start
    sentences = [(_offset(s.offset), number, s) for number, s in enumerate(passage.sentences, start=1)]
    for offset, number, sentence in sorted(sentences, key=lambda item: item[0]):
        if offset < length:
            raise ValueError(
                f"sentence {number} at offset {offset} overlaps the text before it (which ends "
                f"at {length}); sentences must not overlap"
            )
        if offset - start > MAX_PADDING:
            raise ValueError(
                f"sentence {number} at offset {offset:,} lies more than {MAX_PADDING:,} characters "
                "past the passage's start; check the offsets"
            )
        if offset > length:
            pieces.append(" " * (offset - length))
            length = offset
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
        if value and str(value).strip():
            return str(value).strip()  # "Chemical " is Chemical, not a new label
    return ""


def _mention(annotation: bioc.BioCAnnotation, text: str, *, strict_text: bool = True) -> Mention:
    """Raises ValueError with the reason when the annotation cannot be one mention (with
    `strict_text`, also when its offsets are not a span of the text or its text differs from the
    text there)."""
    if not annotation.locations:
        raise ValueError("has no location")
    if len(annotation.locations) > 1:
        spans = ", ".join(f"{loc.offset}+{loc.length}" for loc in annotation.locations)
        raise ValueError(f"is discontinuous ({spans}); only single-location annotations are read")
    location = annotation.locations[0]
    start, end = int(location.offset), int(location.offset) + int(location.length)
    inside = 0 <= start < end <= len(text)
    if not inside and strict_text:
        raise ValueError(f"offsets {start}-{end} fall outside the document text ({len(text)} characters)")
    if strict_text and annotation.text and annotation.text != text[start:end]:  # an absent <text> reads as ''
        raise ValueError(
            f"text {annotation.text!r} does not equal the text at offsets {start}-{end}: {text[start:end]!r}"
        )
    label = _infon(annotation.infons, _LABEL_KEYS)
    if not label:
        raise ValueError("has no 'type' infon to give its label")
    # Predictions (not `strict_text`): the BioCreative scorer counts any offsets, an empty span or
    # one past the text too; so does the evaluator (`bioner.evaluation.oddities` notes them).
    mention_text = text[start:end] if inside else annotation.text or ""
    return Mention(start, end, mention_text, label, _infon(annotation.infons, _IDENTIFIER_KEYS))


_ARGUMENT_KEY = re.compile(r"arg(\d+)")
_SCORE_KEY = "score"


def _relation(relation: bioc.BioCRelation, mentions: dict[str, Mention]) -> Relation:
    """Raises ValueError with the reason when the relation cannot be read.

    Ours (written by `to_bioc_document`) names its arguments in `arg1`, `arg2`, ... infons and its
    supporting mention pairs as nodes, two a pair (a mention of argument 1, then of argument 2),
    with a `score` infon for a predicted one. Other producers' nodes name the arguments'
    annotations: an argument is the annotation's identifier where it has one (as in PubTator
    relations), else the node's refid. A relation without nodes takes its arguments from its other
    infons in order (BC5CDR's `Chemical`/`Disease`)."""
    kind = _infon(relation.infons, _RELATION_TYPE_KEYS)
    score = _score(relation.infons.get(_SCORE_KEY))
    numbered = sorted(
        (int(match.group(1)), str(value).strip())
        for key, value in relation.infons.items()
        if (match := _ARGUMENT_KEY.fullmatch(key)) and value and str(value).strip()
    )
    if numbered:
        arguments = [value for _, value in numbered]
        return Relation(kind, arguments, score, _support(relation, mentions, len(arguments)))
    if relation.nodes:
        arguments = []
        for node in relation.nodes:
            mention = mentions.get(node.refid)
            arguments.append(mention.identifier if mention is not None and mention.identifier else node.refid)
    else:
        arguments = [
            str(v) for k, v in relation.infons.items() if k not in _RELATION_TYPE_KEYS and k != _SCORE_KEY and v
        ]
    return Relation(kind, arguments, score)


def _score(value: Any) -> float | None:
    if value is None or not str(value).strip():
        return None
    try:
        return float(value)
    except ValueError:
        raise ValueError(f"'score' infon must be a number, found {value!r}") from None


def _support(relation: bioc.BioCRelation, mentions: dict[str, Mention], arity: int) -> list[tuple[int, int, int, int]]:
    """Our nodes as mention pairs: each refid must name an annotation of the document."""
    if not relation.nodes:
        return []
    if arity != 2 or len(relation.nodes) % 2:
        raise ValueError(
            f"has {len(relation.nodes)} nodes for {arity} arguments; supporting nodes come in pairs "
            "(a mention of the first argument, then of the second)"
        )
    spans = []
    for node in relation.nodes:
        mention = mentions.get(node.refid)
        if mention is None:
            raise ValueError(f"node refid {node.refid!r} names no annotation of the document")
        spans.append((mention.start, mention.end))
    return [(*spans[i], *spans[i + 1]) for i in range(0, len(spans), 2)]


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
    annotation_at: dict[tuple[int, int], bioc.BioCAnnotation] = {}
    for number, mention in enumerate(document.sorted_mentions()):
        annotation = bioc.BioCAnnotation()
        annotation.id = str(number)
        annotation.infons["type"] = mention.label
        if mention.identifier:
            annotation.infons["identifier"] = mention.identifier
        annotation.text = text[mention.start : mention.end]
        annotation.add_location(bioc.BioCLocation(mention.start, mention.end - mention.start))
        holder = next(
            (b for p, b in bioc_passages if p.offset <= mention.start and mention.end <= p.offset + len(p.text)),
            None,
        )
        (holder or bioc_document).add_annotation(annotation)
        annotation_at.setdefault((mention.start, mention.end), annotation)
    for number, relation in enumerate(document.relations):
        bioc_document.add_relation(_bioc_relation(relation, f"R{number}", annotation_at, document.id))
    return bioc_document


def _bioc_relation(
    relation: Relation, relation_id: str, annotation_at: dict[tuple[int, int], bioc.BioCAnnotation], doc_id: str
) -> bioc.BioCRelation:
    """Type, `score` (when predicted) and `arg1`, `arg2`, ... infons; a node per supporting mention
    (refid: its annotation, role: its label), two a pair."""
    bioc_relation = bioc.BioCRelation()
    bioc_relation.id = relation_id
    bioc_relation.infons["type"] = relation.type
    if relation.score is not None:
        bioc_relation.infons[_SCORE_KEY] = repr(float(relation.score))  # reads back exactly
    for position, argument in enumerate(relation.arguments, start=1):
        bioc_relation.infons[f"arg{position}"] = argument
    for pair in relation.support:
        for start, end in (pair[:2], pair[2:]):
            annotation = annotation_at.get((start, end))
            if annotation is None:
                raise BionerError(
                    f"document {doc_id!r}: relation {relation.type} {relation.arguments} is supported by "
                    f"offsets {start}-{end}, where the document has no mention; BioC nodes must name an annotation"
                )
            bioc_relation.add_node(bioc.BioCNode(annotation.id, annotation.infons["type"]))
    return bioc_relation


def write_bioc(documents: Iterable[Document], destination: str | Path | TextIO, *, format: str = "xml") -> int:
    """Write documents as one BioC collection (source "bioner"); returns how many were written.

    Written as they come, one document at a time, so memory stays flat however many there are;
    the text is what `bioc`'s `dumps`/`dump(indent=2)` would write for the whole collection.
    """
    if format not in BIOC_FORMATS:
        raise BionerError(f"unknown BioC format {format!r}; expected one of {', '.join(BIOC_FORMATS)}")
    collection = bioc.BioCCollection()
    collection.source = "bioner"
    count = 0
    with open_destination(destination) as handle:
        if format == "xml":
            head = biocxml.dumps(collection)
            handle.write(head[: head.rindex("</collection>")])
            for document in documents:
                element = biocxml.encoder.encode_document(to_bioc_document(document))
                etree.indent(element, space="  ", level=1)
                handle.write("  " + etree.tostring(element, encoding="unicode") + "\n")
                count += 1
            handle.write("</collection>\n")
        else:
            head = biocjson.dumps(collection, indent=2, ensure_ascii=False)
            handle.write(head[: head.rindex("[]")] + "[")
            for document in documents:
                encoded = json.dumps(biocjson.toJSON(to_bioc_document(document)), indent=2, ensure_ascii=False)
                handle.write(("," if count else "") + "\n    " + encoded.replace("\n", "\n    "))
                count += 1
            handle.write(("\n  " if count else "") + "]\n}\n")
    return count
