"""The format table: every format bioner reads or writes, once, with its reader, writer and
file extensions. `read_documents`, `write_documents`, format detection, `convert`, `ner-predict`,
`tag-pubmed` and `evaluate` all ask this table, and so do the format tables of README.md and
docs/formats.md (`markdown_tables`, rewritten by `scripts/doc_tables.py`): adding a format is a
row here plus its module and its tests.

Readers and writers are called through one signature each (`ReadOptions`; a title for pages),
so the table needs no per-format branches elsewhere. The DocBin reader and the IOB writer (the
project tokenizer) bring spaCy in; trafilatura, for HTML pages, loads only when a page is read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from ..doc_tables import markdown_table
from ..document import Document
from ..errors import BionerError, InputProblem
from ..spacy_docs import read_docbin_documents
from ._io import Source
from .bioc import iter_bioc, write_bioc
from .html import iter_html
from .html_view import write_html
from .iob import iter_iob, project_tokenize, write_iob
from .jsonl import iter_jsonl, write_jsonl
from .pubmed import iter_pubmed
from .pubtator import iter_pubtator, write_pubtator
from .text import iter_text_documents

Destination = str | Path | TextIO


@dataclass(frozen=True)
class ReadOptions:
    """How to read: options a reader ignores when they do not apply to its format."""

    lenient: bool = False
    """Annotated formats: skip a bad mention into `problems` instead of failing."""
    problems: list[InputProblem] | None = None
    lines: bool = False
    """Text: one document per non-empty line."""
    text_mismatches: list[InputProblem] | None = None
    """Annotated formats: read a mention whose text differs from its offsets' by its offsets, noted here."""
    keep_boilerplate: bool = False
    """Text and HTML: all of the text is content (for a page, all its visible text, no extraction)."""


Reader = Callable[[Source, ReadOptions], Iterator[Document]]
Writer = Callable[[Iterable[Document], Destination, str], int]
"""(documents, destination, title) -> how many were written; `-` is stdout. Only a page uses the title."""


@dataclass(frozen=True)
class Format:
    name: str
    read: Reader | None = None
    write: Writer | None = None
    extensions: tuple[str, ...] = ()
    """Extensions `detect_format` reads as this format."""
    output_extensions: tuple[str, ...] = ()
    """Extensions that choose this format for `ner-predict -o FILE`; the first names a tag-pubmed shard."""
    streams: bool = False
    """Read a document at a time: memory stays flat however large the file."""
    shards: bool = False
    """tag-pubmed writes its shards in it: a record per document, ids and offsets kept."""
    content: bool = False
    """Text as people bring it: its content regions are found on reading (`bioner.content`)."""
    output_rank: int = 0
    """Where it stands among output formats in help and messages (the defaults first)."""
    relations: bool = True
    """Its writer writes relations (`ner-predict` runs the relation component only for such a one)."""
    note: str = ""
    """A few words for option help (`bioc (XML)`), when the name does not say it all."""
    title: str = ""
    """What it is, for the documentation's tables: `BioC XML`."""
    read_by: str = "yes"
    """Which commands read it, for the tables: `yes` (every command that reads documents) or a list."""
    written_by: str = ""
    """Which commands write it, for the tables; default: `ner-predict` for an output format, and
    `tag-pubmed` for a shard format."""
    found_by: str = ""
    """How it is told when its extensions do not say it all (`detected from content`), for the tables."""

    def described(self) -> str:
        return f"{self.name} ({self.note})" if self.note else self.name

    @property
    def input(self) -> bool:
        return self.read is not None

    @property
    def output(self) -> bool:
        return self.write is not None

    def writers(self) -> str:
        """Which commands write it, as the tables say it."""
        if self.written_by:
            return self.written_by
        if not self.output:
            return "no"
        return "`ner-predict`, `tag-pubmed`" if self.shards else "`ner-predict`"

    def recognised(self) -> str:
        """Its extensions and how else it is told, as the tables say it."""
        extensions = ", ".join(f"`{extension}`" for extension in self.extensions)
        return "; ".join(part for part in (extensions, self.found_by) if part) or "-"


# --- readers and writers, one signature each ---------------------------------------------------


def _read_pubtator(source: Source, options: ReadOptions) -> Iterator[Document]:
    return iter_pubtator(
        source, lenient=options.lenient, problems=options.problems, text_mismatches=options.text_mismatches
    )


def _read_pubmed(source: Source, options: ReadOptions) -> Iterator[Document]:
    return iter_pubmed(source)


def _read_bioc(source: Source, options: ReadOptions) -> Iterator[Document]:
    # A file: XML or JSON told by its extension or first character; a stream is XML.
    bioc_format = "xml" if not isinstance(source, (str, Path)) or str(source) == "-" else None
    return iter_bioc(
        source,
        format=bioc_format,
        lenient=options.lenient,
        problems=options.problems,
        text_mismatches=options.text_mismatches,
    )


def _read_bioc_json(source: Source, options: ReadOptions) -> Iterator[Document]:
    return iter_bioc(
        source,
        format="json",
        lenient=options.lenient,
        problems=options.problems,
        text_mismatches=options.text_mismatches,
    )


def _read_iob(source: Source, options: ReadOptions) -> Iterator[Document]:
    return iter_iob(source, lenient=options.lenient, problems=options.problems)


def _read_jsonl(source: Source, options: ReadOptions) -> Iterator[Document]:
    return iter_jsonl(
        source, lenient=options.lenient, problems=options.problems, text_mismatches=options.text_mismatches
    )


def _read_text(source: Source, options: ReadOptions) -> Iterator[Document]:
    return iter_text_documents(source, lines=options.lines)


def _read_html(source: Source, options: ReadOptions) -> Iterator[Document]:
    return iter_html(source, article=not options.keep_boilerplate)


def _read_docbin(source: Source, options: ReadOptions) -> Iterator[Document]:
    if not isinstance(source, (str, Path)) or str(source) == "-":
        raise BionerError("docbin is read from a file path, not a stream")
    return iter(read_docbin_documents(source))


def _write_pubtator(documents: Iterable[Document], destination: Destination, title: str) -> int:
    return write_pubtator(documents, destination)


def _write_bioc(documents: Iterable[Document], destination: Destination, title: str) -> int:
    return write_bioc(documents, destination, format="xml")


def _write_bioc_json(documents: Iterable[Document], destination: Destination, title: str) -> int:
    return write_bioc(documents, destination, format="json")


def _write_iob(documents: Iterable[Document], destination: Destination, title: str) -> int:
    # Tokens of the project tokenizer, cut at mention edges so that every mention is kept exactly.
    return write_iob(documents, destination, project_tokenize(), split=True, docstart=True).documents


def _write_jsonl(documents: Iterable[Document], destination: Destination, title: str) -> int:
    return write_jsonl(documents, destination)


def _write_html(documents: Iterable[Document], destination: Destination, title: str) -> int:
    return write_html(documents, destination, title=title)


# --- the table ---------------------------------------------------------------------------------

TABLE: tuple[Format, ...] = (
    Format(
        "pubtator",
        _read_pubtator,
        _write_pubtator,
        extensions=(".pubtator",),
        output_extensions=(".pubtator",),
        streams=True,
        shards=True,
        output_rank=1,
        title="PubTator (BC5CDR, NCBI disease, PubTator3 exports)",
        found_by="a `.txt` that looks like PubTator",
    ),
    Format(
        "pubmed",  # .xml or .xml.gz, told from BioC XML by its root element
        _read_pubmed,
        streams=True,
        note="MEDLINE XML, .xml or .xml.gz",
        title="MEDLINE/PubMed XML (NLM baseline and update files)",
        read_by="`ner-predict`, `tag-pubmed`",
        found_by="`.xml`, `.xml.gz`, detected from content",
    ),
    Format(
        "bioc",
        _read_bioc,
        _write_bioc,
        extensions=(".xml", ".bioc"),
        output_extensions=(".xml",),
        streams=True,
        output_rank=3,
        note="XML",
        title="BioC XML",
    ),
    Format(
        "bioc-json",
        _read_bioc_json,
        _write_bioc_json,
        extensions=(".json",),
        output_extensions=(".json",),
        output_rank=4,
        title="BioC JSON",
    ),
    Format(
        "iob",
        _read_iob,
        _write_iob,
        extensions=(".tsv", ".conll", ".iob", ".bio"),
        output_extensions=(".iob", ".conll"),
        streams=True,
        output_rank=6,
        relations=False,  # tokens and tags only
        note="token TAB tag, for other trainers",
        title="CoNLL/IOB, `token<TAB>tag` a line",
        written_by="`ner-predict` (to train other taggers on)",
    ),
    Format(
        "jsonl",
        _read_jsonl,
        _write_jsonl,
        extensions=(".jsonl",),
        output_extensions=(".jsonl",),
        streams=True,
        shards=True,
        output_rank=2,
        title='JSON lines, one `{"id", "text", ...}` a line',
    ),
    Format(
        "text",  # .txt is sniffed: PubTator, IOB or text
        _read_text,
        streams=True,
        content=True,
        title="plain text",
        read_by="`ner-predict`",
        found_by="`.txt`, a folder of `.txt`, stdin",
    ),
    Format(
        "html",
        _read_html,
        _write_html,
        extensions=(".html", ".htm", ".xhtml"),
        output_extensions=(".html", ".htm"),
        content=True,
        output_rank=5,
        note="a web page in; a displaCy page out",
        title="HTML page",
        read_by="`ner-predict`",
        written_by="`ner-predict` (a self-contained displaCy page)",
        found_by="a file that starts like an HTML page",
    ),
    Format(
        "docbin",
        _read_docbin,
        extensions=(".spacy",),
        title="spaCy DocBin",
        read_by="`evaluate`, `ner-predict`",
        written_by="`convert`, `multi-corpus`",
    ),
)

BY_NAME = {entry.name: entry for entry in TABLE}
INPUT_FORMATS = tuple(entry.name for entry in TABLE if entry.input)
OUTPUT_FORMATS = tuple(entry.name for entry in sorted((e for e in TABLE if e.output), key=lambda e: e.output_rank))
SHARD_FORMATS = tuple(name for name in OUTPUT_FORMATS if BY_NAME[name].shards)
RELATION_FORMATS = tuple(name for name in OUTPUT_FORMATS if BY_NAME[name].relations)
"""Output formats that hold relations."""
CONTENT_FORMATS = tuple(entry.name for entry in TABLE if entry.content)
EXTENSIONS = {extension: entry.name for entry in TABLE for extension in entry.extensions}
OUTPUT_EXTENSIONS = {extension: entry.name for entry in TABLE for extension in entry.output_extensions}


def get_format(name: str, known: tuple[str, ...] = INPUT_FORMATS) -> Format:
    """The table's row for `name` (case and spaces aside), or a BionerError listing `known`."""
    canonical = name.strip().lower()
    if canonical not in known:
        raise BionerError(f"unknown format {name!r}; known formats: {', '.join(known)}")
    return BY_NAME[canonical]


def output_format_for(path: str | Path) -> str | None:
    """The output format a file name asks for by its extension, or None."""
    return OUTPUT_EXTENSIONS.get(Path(path).suffix.lower())


def shard_suffix(name: str) -> str:
    """The extension of a tag-pubmed shard in format `name` (`.pubtator`, `.jsonl`)."""
    return BY_NAME[name].output_extensions[0]


def describe(names: tuple[str, ...]) -> str:
    """`a, b (note) or c`: the formats for an option's help."""
    described = [BY_NAME[name].described() for name in names]
    return ", ".join(described[:-1]) + " or " + described[-1] if len(described) > 1 else "".join(described)


def markdown_tables() -> dict[str, str]:
    """The format tables of the documentation, by region name (`bioner.doc_tables`): README's
    (format, name, read, written) and docs/formats.md's (with the extensions)."""
    rows = [[entry.title or entry.name, f"`{entry.name}`", entry.read_by, entry.writers()] for entry in TABLE]
    full = [[*row, entry.recognised()] for row, entry in zip(rows, TABLE, strict=True)]
    return {
        "formats-table:summary": markdown_table(["format", "`--format` name", "read", "written"], rows),
        "formats-table:full": markdown_table(["format", "name", "read", "written", "extensions"], full),
    }
