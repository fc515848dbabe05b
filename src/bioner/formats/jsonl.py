"""JSON lines: one document a line, the shape other tools read our predictions in.

    {"id": "123", "text": "...", "entities": [{"start": 0, "end": 9, "label": "Chemical", "text": "Ketamine"}]}

On input `entities` is optional (unannotated text to tag), `id` defaults to `stem:line`, an entity's
`text` is checked against the text at its offsets when present, and `"title"`/`"abstract"` keys
in place of `"text"` make a title-and-abstract document (offsets into `title + " " + abstract`,
as in PubTator). The writer writes exactly `id`, `text` and `entities` (`start`, `end`, `label`,
`text`, and `id`, the concept identifier such as `D008094` or `-1`, when the mention has one);
downstream tools depend on those key names. An entity's `id` (or `identifier`) is read back.
A document with relations adds `"relations": [{"type", "arguments", "score", "mentions"}]`: the
concept ids related (`["D008094", "D006333"]`), the model's score (null for an annotated one) and
the supporting mention pairs as `[[start1, end1], [start2, end2]]`; it is read back the same way.
Text input adds `"skipped": [{"start", "end", "reason"}]`, the parts left untagged
(`bioner.content`; `"inline": true` for a URL, DOI or citation inside a tagged sentence).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

from ..document import Document, Mention, Relation
from ..errors import InputError, InputProblem
from ._io import Source, iter_lines, open_destination, source_name


def read_jsonl(source: Source, *, lenient: bool = False, problems: list[InputProblem] | None = None) -> list[Document]:
    return list(iter_jsonl(source, lenient=lenient, problems=problems))


def iter_jsonl(
    source: Source,
    *,
    lenient: bool = False,
    problems: list[InputProblem] | None = None,
    text_mismatches: list[InputProblem] | None = None,
) -> Iterator[Document]:
    """Stream documents from JSON lines; blank lines are skipped.

    With `lenient`, a bad entity is skipped and recorded in `problems`; a line that is not a JSON
    object or has no text always raises. With `text_mismatches` (a list), an entity whose "text"
    differs from the text at its offsets is read by its offsets and noted there.
    """
    name = source_name(source)
    stem = Path(name).stem if not name.startswith("<") else name.strip("<>")
    seen: dict[str, int] = {}
    for number, line in iter_lines(source):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise InputError(name, number, f"not valid JSON: {error.msg} at column {error.colno}") from None
        except RecursionError:
            raise InputError(name, number, "JSON nested too deeply to be a document") from None
        if not isinstance(record, dict):
            raise InputError(name, number, f"expected a JSON object, found {type(record).__name__}")
        document = _document(record, f"{stem}:{number}", name, number)
        if document.id in seen:
            raise InputError(
                name,
                number,
                f"document id {document.id!r} appears more than once in the file (first at line {seen[document.id]})",
            )
        seen[document.id] = number
        for index, entity in enumerate(record.get("entities") or []):
            try:
                document.mentions.append(
                    _mention(entity, index, document.text, name, number, document.id, text_mismatches)
                )
            except InputError as error:
                if not lenient:
                    raise
                if problems is not None:
                    problems.append(InputProblem(name, number, document.id, error.message))
        for index, item in enumerate(record.get("relations") or []):
            try:
                document.relations.append(_relation(item, index, len(document.text), name, number))
            except InputError as error:
                if not lenient:
                    raise
                if problems is not None:
                    problems.append(InputProblem(name, number, document.id, error.message))
        yield document


def _document(record: dict[str, Any], default_id: str, name: str, number: int) -> Document:
    doc_id = record.get("id", default_id)
    if not isinstance(doc_id, (str, int)) or isinstance(doc_id, bool):
        raise InputError(name, number, f'"id" must be a string or a number, found {doc_id!r}')
    doc_id = str(doc_id)
    if not doc_id.strip():
        raise InputError(name, number, '"id" is empty; give each document an id (or leave "id" out)')
    entities = record.get("entities")
    if entities is not None and not isinstance(entities, list):
        raise InputError(name, number, f'"entities" must be a list, found {type(entities).__name__}')
    relations = record.get("relations")
    if relations is not None and not isinstance(relations, list):
        raise InputError(name, number, f'"relations" must be a list, found {type(relations).__name__}')
    if "text" in record:
        if not isinstance(record["text"], str):
            raise InputError(name, number, f'"text" must be a string, found {type(record["text"]).__name__}')
        return Document.from_text(doc_id, record["text"])
    if "title" in record or "abstract" in record:
        title, abstract = record.get("title", ""), record.get("abstract", "")
        if not isinstance(title, str) or not isinstance(abstract, str):
            raise InputError(name, number, '"title" and "abstract" must be strings')
        return Document.from_title_abstract(doc_id, title, abstract)
    raise InputError(name, number, 'no "text" (or "title"/"abstract") in the object')


_LABEL = re.compile(r"[^\s\x00-\x1f\x7f-\x9f]+(?: [^\s\x00-\x1f\x7f-\x9f]+)*")
"""A label as a name: printable words separated by single spaces (a DocBin keeps any string)."""


def _mention(
    entity: Any,
    index: int,
    text: str,
    name: str,
    number: int,
    doc_id: str | None = None,
    text_mismatches: list[InputProblem] | None = None,
) -> Mention:
    where = f"entity {index + 1}"
    if not isinstance(entity, dict):
        raise InputError(name, number, f"{where}: expected an object, found {type(entity).__name__}")
    missing = [key for key in ("start", "end", "label") if key not in entity]
    if missing:
        raise InputError(name, number, f"{where}: missing {', '.join(repr(k) for k in missing)}")
    start, end, label = entity["start"], entity["end"], entity["label"]
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (start, end)):
        raise InputError(name, number, f"{where}: offsets must be whole numbers, found {start!r} and {end!r}")
    if isinstance(label, str):
        label = label.strip()  # "Chemical " is Chemical, not a new label
    if not isinstance(label, str) or not label:
        raise InputError(name, number, f"{where}: label must be a non-empty string, found {label!r}")
    if not _LABEL.fullmatch(label):
        raise InputError(
            name,
            number,
            f"{where}: label {label!r} holds a control character, a tab, a line break or a double space; "
            "a label is words separated by single spaces",
        )
    if not (0 <= start < end <= len(text)):
        raise InputError(name, number, f"{where}: offsets {start}-{end} fall outside the text ({len(text)} characters)")
    if "text" in entity and entity["text"] != text[start:end]:
        message = (
            f"{where}: text {entity['text']!r} does not equal the text at offsets {start}-{end}: {text[start:end]!r}"
        )
        if text_mismatches is None:
            raise InputError(name, number, message)
        text_mismatches.append(InputProblem(name, number, doc_id, message))
    identifier = entity.get("id", entity.get("identifier", ""))
    return Mention(start, end, text[start:end], label, str(identifier or ""), line=number)


def _relation(item: Any, index: int, length: int, name: str, number: int) -> Relation:
    """`{"type", "arguments", "score", "mentions": [[[s1, e1], [s2, e2]], ...]}` as a Relation."""
    where = f"relation {index + 1}"
    if not isinstance(item, dict):
        raise InputError(name, number, f"{where}: expected an object, found {type(item).__name__}")
    kind, arguments, score = item.get("type"), item.get("arguments"), item.get("score")
    if not isinstance(kind, str) or not kind.strip():
        raise InputError(name, number, f'{where}: "type" must be a non-empty string, found {kind!r}')
    if not isinstance(arguments, list) or not all(isinstance(a, str) and a.strip() for a in arguments):
        raise InputError(name, number, f'{where}: "arguments" must be a list of concept ids, found {arguments!r}')
    if score is not None and (isinstance(score, bool) or not isinstance(score, (int, float))):
        raise InputError(name, number, f'{where}: "score" must be a number or null, found {score!r}')
    support = []
    for pair in item.get("mentions") or []:
        flat = [v for span in pair for v in span] if _is_pair(pair) else []
        if len(flat) != 4 or not all(isinstance(v, int) and not isinstance(v, bool) for v in flat):
            raise InputError(
                name, number, f'{where}: each of "mentions" must be [[start1, end1], [start2, end2]], found {pair!r}'
            )
        s1, e1, s2, e2 = flat
        if not (0 <= s1 < e1 <= length and 0 <= s2 < e2 <= length):
            raise InputError(
                name, number, f"{where}: mention pair {pair!r} falls outside the text ({length} characters)"
            )
        support.append((s1, e1, s2, e2))
    return Relation(
        kind.strip(), [a.strip() for a in arguments], None if score is None else float(score), support, number
    )


def _is_pair(value: Any) -> bool:
    return isinstance(value, list) and len(value) == 2 and all(isinstance(span, list) for span in value)


def format_jsonl(document: Document) -> str:
    """One document as one JSON line (without the newline)."""
    text = document.text
    record = {
        "id": document.id,
        "text": text,
        "entities": [
            {
                "start": m.start,
                "end": m.end,
                "label": m.label,
                "text": text[m.start : m.end],
                **({"id": m.identifier} if m.identifier else {}),
            }
            for m in document.sorted_mentions()
        ],
    }
    if document.relations:
        record["relations"] = [
            {
                "type": r.type,
                "arguments": list(r.arguments),
                "score": r.score,
                "mentions": [[[s1, e1], [s2, e2]] for s1, e1, s2, e2 in r.support],
            }
            for r in document.relations
        ]
    if document.content is not None and document.content.skipped:  # text input: what was not tagged
        record["skipped"] = [
            {**s.to_dict(), **({"inline": True} if s.inline else {})} for s in document.content.skipped
        ]
    return json.dumps(record, ensure_ascii=False)


def write_jsonl(documents: Iterable[Document], destination: str | Path | TextIO) -> int:
    """Write documents as JSON lines; returns how many were written. `-` writes to stdout."""
    count = 0
    with open_destination(destination) as handle:
        for document in documents:
            handle.write(format_jsonl(document))
            handle.write("\n")
            count += 1
    return count
