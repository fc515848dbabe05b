"""PubTator: the format of BC5CDR, NCBI disease and PubTator3 exports.

A document is a block of lines: `ID|t|title`, `ID|a|abstract`, then one tab-separated line per
mention (`ID start end text label identifier [composite parts]`) or relation (`ID type arg arg`),
and a blank line. Offsets count into `title + " " + abstract`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TextIO

from ..document import Document, Mention, Relation
from ..errors import BionerError, InputError, InputProblem
from ._io import Source, iter_lines, open_destination, source_name

_TEXT_LINE = re.compile(r"^([^|\t]+)\|([ta])\|(.*)$", re.DOTALL)
_NO_IDENTIFIER = "-1"


def read_pubtator(
    source: Source,
    *,
    lenient: bool = False,
    problems: list[InputProblem] | None = None,
    text_mismatches: list[InputProblem] | None = None,
) -> list[Document]:
    return list(iter_pubtator(source, lenient=lenient, problems=problems, text_mismatches=text_mismatches))


def iter_pubtator(
    source: Source,
    *,
    lenient: bool = False,
    problems: list[InputProblem] | None = None,
    text_mismatches: list[InputProblem] | None = None,
) -> Iterator[Document]:
    """Stream documents from a PubTator file.

    With `lenient`, a bad mention line is skipped and recorded in `problems` instead of raising;
    problems with the file's structure (missing title or abstract, repeated id, bad encoding)
    always raise. A document repeated word for word (NCBI disease's training set holds one) is
    read once; the copy is noted in `problems`. A repeated id with different content raises.
    With `text_mismatches` (a list), a mention whose text column differs from the text at its
    offsets is read by its offsets, as the BioCreative scorer counts, and noted there.
    """
    name = source_name(source)
    seen: dict[str, tuple[int, int]] = {}
    block: list[tuple[int, str]] = []
    for number, line in iter_lines(source):
        if line.strip():
            block.append((number, line))
        elif block:
            document = _parse_block(block, name, seen, lenient, problems, text_mismatches)
            if document is not None:
                yield document
            block = []
    if block:
        document = _parse_block(block, name, seen, lenient, problems, text_mismatches)
        if document is not None:
            yield document


def _parse_block(
    block: list[tuple[int, str]],
    name: str,
    seen: dict[str, tuple[int, int]],
    lenient: bool,
    problems: list[InputProblem] | None,
    text_mismatches: list[InputProblem] | None = None,
) -> Document | None:
    """The block's document, or None for an exact copy of a document read before."""
    title: str | None = None
    abstract: str | None = None
    doc_id: str | None = None
    first_line = block[0][0]
    annotation_lines: list[tuple[int, list[str]]] = []
    for number, line in block:
        match = _TEXT_LINE.match(line)
        if match:
            line_id, kind, text = match.groups()
            if annotation_lines:
                raise InputError(
                    name,
                    number,
                    f"a '|{kind}|' line after annotation lines; title and abstract must come first in a document",
                )
            if doc_id is not None and line_id != doc_id:
                raise InputError(
                    name,
                    number,
                    f"document id {line_id!r} in the middle of document "
                    f"{doc_id!r}; separate documents with a blank line",
                )
            doc_id = line_id
            if kind == "t":
                if title is not None:
                    raise InputError(name, number, f"second title line for document {doc_id!r}")
                title = text
            else:
                if title is None:
                    raise InputError(name, number, f"abstract line before the title line of document {doc_id!r}")
                if abstract is not None:
                    raise InputError(name, number, f"second abstract line for document {doc_id!r}")
                abstract = text
        elif "\t" in line:
            annotation_lines.append((number, line.split("\t")))
        else:
            raise InputError(
                name,
                number,
                f"expected 'ID|t|title', 'ID|a|abstract' or a tab-separated annotation line, found {_shorten(line)!r}",
            )
    if title is None:
        raise InputError(name, first_line, "document has no title line ('ID|t|title')")
    if abstract is None:
        raise InputError(name, first_line, f"document {doc_id!r} has no abstract line ('ID|a|abstract')")
    assert doc_id is not None
    content = hash(tuple(line for _, line in block))
    if doc_id in seen:
        earlier_line, earlier_content = seen[doc_id]
        if content != earlier_content:
            raise InputError(
                name,
                first_line,
                f"document id {doc_id!r} appears more than once in the file "
                f"(first at line {earlier_line}) with different content",
            )
        if problems is not None:
            problems.append(
                InputProblem(
                    name,
                    first_line,
                    doc_id,
                    f"document {doc_id!r} repeats the one at line {earlier_line} word for word; the copy was skipped",
                )
            )
        return None
    seen[doc_id] = (first_line, content)

    document = Document.from_title_abstract(doc_id, title, abstract, line=first_line)
    text = document.text
    for number, columns in annotation_lines:
        try:
            item = _parse_annotation(columns, text, doc_id, name, number, text_mismatches)
        except InputError as error:
            if not lenient or _is_structural(columns, doc_id):
                raise
            if problems is not None:
                problems.append(InputProblem(name, number, doc_id, error.message))
            continue
        if isinstance(item, Relation):
            document.relations.append(item)
        else:
            document.mentions.append(item)
    return document


def _is_structural(columns: list[str], doc_id: str) -> bool:
    """An annotation line that belongs to another document breaks the file, not one mention."""
    return columns[0] != doc_id


def _parse_annotation(
    columns: list[str],
    text: str,
    doc_id: str,
    name: str,
    number: int,
    text_mismatches: list[InputProblem] | None = None,
) -> Mention | Relation:
    if columns[0] != doc_id:
        raise InputError(
            name,
            number,
            f"annotation for document {columns[0]!r} inside document {doc_id!r}; separate documents with a blank line",
        )
    if _is_relation(columns):
        return _parse_relation(columns, name, number, doc_id)
    if len(columns) not in (5, 6, 7):
        raise InputError(
            name,
            number,
            f"expected 6 or 7 tab-separated columns for a mention (or 4 for a relation), found {len(columns)}",
        )
    try:
        start, end = int(columns[1]), int(columns[2])
    except ValueError:
        raise InputError(
            name, number, f"offsets must be whole numbers, found start {columns[1]!r} and end {columns[2]!r}"
        ) from None
    mention_text, label = columns[3], columns[4].strip()  # "Chemical " is Chemical, not a new label
    if not label:
        raise InputError(name, number, "empty label (5th column); every mention needs one")
    inside = 0 <= start < end <= len(text)
    if not inside and text_mismatches is None:
        raise InputError(name, number, _bad_offsets(start, end, doc_id, len(text)))
    # Predictions (`text_mismatches` given): the BioCreative scorer counts any whole-number offsets,
    # an empty span or one past the text too, as a mention; so does the evaluator, which notes them
    # (`bioner.evaluation.oddities`). Their text column stays as written.
    if inside and text[start:end] != mention_text:
        # NCBI disease has a mention whose text column carries trailing spaces beyond its offsets:
        # a difference of surrounding whitespace only is the column's, the offsets win. So does a
        # line break or tab written as a space (the writer's `_one_line`).
        if text[start:end].strip() != mention_text.strip() and _spaced(text[start:end]) != mention_text:
            message = (
                f"mention text {mention_text!r} does not equal the text at offsets {start}-{end}: {text[start:end]!r}"
            )
            if text_mismatches is None:
                raise InputError(name, number, message)
            text_mismatches.append(InputProblem(name, number, doc_id, message))
        mention_text = text[start:end]
    identifier = columns[5] if len(columns) > 5 else ""
    parts = [p for p in columns[6].split("|") if p] if len(columns) > 6 else []
    return Mention(start, end, mention_text, label, identifier, parts, line=number)


def _is_relation(columns: list[str]) -> bool:
    """`ID type arg arg [...]`: the second column names a type (a letter first, where a mention has
    its start offset), and the third is not an offset as a mention's would be."""
    return columns[1].strip()[:1].isalpha() and not (len(columns) >= 6 and columns[2].strip().lstrip("-").isdigit())


def _score(extra: list[str]) -> float | None:
    """A relation line's fifth column when it is a number (a system's score), else None."""
    try:
        return float(extra[0]) if extra else None
    except ValueError:
        return None


def _bad_offsets(start: int, end: int, doc_id: str, length: int) -> str:
    if start == end:
        return f"offsets {start}-{end} make an empty mention in document {doc_id!r} (the end offset is one past its last character)"
    if start > end:
        return f"start offset {start} is after end offset {end} in document {doc_id!r}"
    return f"offsets {start}-{end} fall outside the text of document {doc_id!r} ({length} characters)"


def _parse_relation(columns: list[str], name: str, number: int, doc_id: str) -> Relation:
    """`ID type arg1 arg2`, as BC5CDR writes CID relations; any type is read (types come from data).
    The BioCreative scorer reads these four columns and ignores the rest (its sample predictions add
    a score as a fifth, BioRED a novelty flag)."""
    kind = columns[1].strip()
    if len(columns) < 4:
        raise InputError(
            name,
            number,
            f"relation line {kind!r} has {len(columns)} tab-separated columns; a relation needs 4 (document id, "
            f"type, first argument id, second argument id, as '{doc_id}<TAB>CID<TAB>D008094<TAB>D006331')",
        )
    arguments = [column.strip() for column in columns[2:4]]
    for position, argument in enumerate(arguments, start=1):
        if not argument:
            raise InputError(name, number, f"relation {kind!r}: argument {position} (column {position + 2}) is empty")
    return Relation(kind, arguments, score=_score(columns[4:]), line=number)


def _shorten(line: str, limit: int = 60) -> str:
    return line if len(line) <= limit else line[:limit] + "..."


def format_pubtator(document: Document) -> str:
    """One document as a PubTator block (without the blank line after it).

    An id PubTator cannot hold (empty, or with `|`, a tab or a line break) is an error rather than
    a file that does not read back; line breaks in the text are written as spaces (offsets kept).
    """
    check_pubtator_id(document.id)
    title, abstract = (_one_line(text) for text in _title_and_abstract(document))
    lines = [f"{document.id}|t|{title}", f"{document.id}|a|{abstract}"]
    for mention in document.mentions:
        columns = [
            document.id,
            str(mention.start),
            str(mention.end),
            _spaced(mention.text),
            mention.label,
            mention.identifier or _NO_IDENTIFIER,
        ]
        if mention.parts:
            columns.append("|".join(mention.parts))
        lines.append("\t".join(columns))
    for relation in document.relations:  # after the mentions, as BC5CDR writes them
        fields = [relation.type, *relation.arguments]
        if len(relation.arguments) != 2 or any(not f or any(c in f for c in "\t\r\n") for f in fields):
            raise BionerError(
                f"document {document.id!r}: relation {fields!r} cannot be written as PubTator (a relation "
                "line holds a type and two argument ids, each non-empty, without tabs or line breaks)"
            )
        lines.append("\t".join([document.id, *fields]))
    return "\n".join(lines)


def _one_line(text: str) -> str:
    """Line breaks as spaces: a PubTator title or abstract is one line, and one character for
    one keeps every offset (a plain-text document of several lines stays valid PubTator)."""
    return text.replace("\r", " ").replace("\n", " ")


def _spaced(text: str) -> str:
    """A mention's text for its column: tabs and line breaks as spaces, one for one."""
    return _one_line(text).replace("\t", " ")


def check_pubtator_id(doc_id: str) -> None:
    if not doc_id or any(c in doc_id for c in "|\t\r\n"):
        raise BionerError(
            f"document id {doc_id!r} cannot be written as PubTator (an id must be non-empty, without "
            "'|', tabs or line breaks); give the documents other ids, or write "
            "JSONL or BioC"
        )


def _title_and_abstract(document: Document) -> tuple[str, str]:
    """Title and abstract such that `title + " " + abstract` is the document's text.

    A document that is not a title and an abstract (plain text, BioC with other passages) is
    written as one title line with an empty abstract, which keeps every offset valid.
    """
    title, abstract = document.title, document.abstract
    if title + " " + abstract == document.text:
        return title, abstract
    return document.text, ""


def write_pubtator(documents: Iterable[Document], destination: str | Path | TextIO) -> int:
    """Write documents as PubTator; returns how many were written. `-` writes to stdout."""
    count = 0
    with open_destination(destination) as handle:
        for document in documents:
            handle.write(format_pubtator(document))
            handle.write("\n\n")
            count += 1
    return count
