"""Reading and writing documents in every format the project knows, by name.

Names: `pubtator`; `pubmed` (MEDLINE/PubMed XML, gzip or plain, read only; told from BioC XML by
its root element); `bioc` (XML or JSON, told apart by extension or first character; written as
XML) and `bioc-json` (JSON both ways); `iob` (token TAB tag); `jsonl`; `text` (one document per
file, or per line with `lines=True`); `html` (in: a web page, its article text; out: a
self-contained displaCy page); `docbin` (spaCy's binary `.spacy`, read only). Each is one row of
`registry.TABLE`; this module detects formats and reads and writes through that table.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TextIO

from ..content import mark_content
from ..document import Document
from ..errors import BionerError, InputProblem
from ._io import SNIFF_BYTES, Source, open_input
from .pubmed import is_pubmed_head, read_head
from .registry import (
    CONTENT_FORMATS,
    EXTENSIONS,
    INPUT_FORMATS,
    OUTPUT_FORMATS,
    RELATION_FORMATS,
    SHARD_FORMATS,
    TABLE,
    Format,
    ReadOptions,
    get_format,
    output_format_for,
    shard_suffix,
)
from .sniff import sniff_format

FORMATS = INPUT_FORMATS
WRITE_FORMATS = OUTPUT_FORMATS


def check_format(format: str, known: tuple[str, ...] = FORMATS) -> str:
    """The format's canonical name, or a BionerError listing the known ones."""
    return get_format(format, known).name


def detect_format(path: str | Path) -> str:
    """A format name from the file's extension, or from its first lines when that says nothing.

    `.txt` is what PubTator files (BC5CDR, NCBI disease) and plain text both use, so it is
    sniffed: PubTator if it starts with an `ID|t|` line, IOB if with `token<TAB>tag`, else text.
    """
    path = Path(path)
    if str(path) == "-":
        raise BionerError(f"cannot tell the format of standard input; name it with --format ({', '.join(FORMATS)})")
    if not path.exists():
        raise BionerError(f"{path}: no such file")
    if path.is_dir():
        raise BionerError(f"{path}: is a folder, expected a file")
    suffix = path.suffix.lower()
    if suffix in (".xml", ".gz"):  # MEDLINE/PubMed XML (often gzipped) or BioC XML: by content
        if is_pubmed_head(read_head(path)):
            return "pubmed"
        if suffix == ".gz":
            raise BionerError(
                f"{path}: a .gz file is read only as MEDLINE/PubMed XML, and this one is not "
                "(or is not a readable gzip); decompress it first"
            )
    if suffix in EXTENSIONS:
        return EXTENSIONS[suffix]
    with open_input(path) as handle:
        return sniff_format(handle.read(SNIFF_BYTES))


def read_documents(
    source: Source,
    format: str | None = None,
    *,
    lenient: bool = False,
    problems: list[InputProblem] | None = None,
    lines: bool = False,
    text_mismatches: list[InputProblem] | None = None,
    keep_boilerplate: bool = False,
) -> Iterator[Document]:
    """Documents from `source` in `format` (detected from the path when None).

    `lenient` and `problems` apply to the annotated formats: bad mentions are skipped and noted
    instead of raising; with `text_mismatches` (a list) a mention whose text differs from the text
    at its offsets is read by its offsets and noted there. `lines` applies to text: one document
    per non-empty line. Text and HTML documents carry their content regions (`bioner.content`),
    unless `keep_boilerplate`: then all of the text (of a page, all its visible text) is content.
    """
    if format is None:
        if not isinstance(source, (str, Path)):
            raise BionerError(f"cannot tell the format of a stream; name it ({', '.join(FORMATS)})")
        format = detect_format(source)
    entry = get_format(format)
    assert entry.read is not None  # every input format has a reader
    options = ReadOptions(
        lenient=lenient,
        problems=problems,
        lines=lines,
        text_mismatches=text_mismatches,
        keep_boilerplate=keep_boilerplate,
    )
    documents = entry.read(source, options)
    if entry.content and not keep_boilerplate:
        return map(mark_content, documents)
    return documents


def write_documents(
    documents: Iterable[Document], destination: str | Path | TextIO, format: str, *, title: str = "Tagged documents"
) -> int:
    """Write documents in `format` (one of WRITE_FORMATS); `-` is stdout. Returns how many.
    `title` is the heading of an HTML page."""
    entry = get_format(format, WRITE_FORMATS)
    assert entry.write is not None
    return entry.write(documents, destination, title)


__all__ = [
    "CONTENT_FORMATS",
    "FORMATS",
    "Format",
    "OUTPUT_FORMATS",
    "RELATION_FORMATS",
    "SHARD_FORMATS",
    "TABLE",
    "SNIFF_BYTES",
    "WRITE_FORMATS",
    "check_format",
    "detect_format",
    "output_format_for",
    "read_documents",
    "shard_suffix",
    "sniff_format",
    "write_documents",
]
