"""MEDLINE/PubMed XML: NLM's yearly baseline and daily update files (`pubmed26n0001.xml.gz`).

A baseline file holds ~30,000 citations, so it is streamed: read in chunks and fed to an
`lxml.etree.XMLPullParser`, and each citation is cleared (and dropped from the root) once read, so
memory stays flat however long the file. Gzip is recognised by its magic bytes, whatever the file is
called.

A file that is not well-formed raises `InputError` after the citations the parser completed before the
error have been read (and yielded), so the message names the last complete citation however much the
parser had buffered. The reader drives the pull parser itself rather than use `iterparse`: since
lxml 6.2, `iterparse` drops the events parsed from the chunk holding an error and raises at once, so
the citations just before the error were never seen; a pull parser keeps them for `read_events()`.

One `Document` per `PubmedArticle` (and `PubmedBookArticle`): id = PMID, title passage =
`ArticleTitle` (`BookTitle` for a book, `VernacularTitle` when the English title is empty),
abstract passage = the `AbstractText` sections in order, joined with single spaces and without
their labels (BACKGROUND, METHODS, ...). A citation without an abstract is its title alone.
Whitespace inside a passage is collapsed to single spaces (PubTator writes a passage on one line).
Inline markup (`<i>`, `<sup>`, MathML) keeps its text and loses its tags.

`DeleteCitation` entries (update files) are not documents: their PMIDs are collected in
`PubmedReader.deleted` (or the `deleted` list given to `iter_pubmed`), for the caller to report.
"""

from __future__ import annotations

import gzip
import io
import sys
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO, TextIO, cast

from lxml import etree

from ..document import Document
from ..errors import BionerError, InputError
from ._io import Source, source_name

ROOT_TAGS = ("PubmedArticleSet", "MedlineCitationSet", "PubmedBookArticleSet")
"""Root elements of MEDLINE/PubMed XML, by which `sniff_pubmed` recognises it."""
_CITATION_TAGS = ("PubmedArticle", "PubmedBookArticle", "MedlineCitation", "DeleteCitation")
_GZIP_MAGIC = b"\x1f\x8b"
_CHUNK_SIZE = 1 << 15
"""Bytes read and fed to the parser at a time (as `iterparse` does): the tree holds what one chunk completes."""


def is_pubmed_head(head: bytes) -> bool:
    """Whether the first bytes of a file (decompressed) look like MEDLINE/PubMed XML."""
    text = head[:8192].decode("utf-8", errors="replace")
    return any(f"<{tag}" in text or f"DOCTYPE {tag}" in text for tag in ROOT_TAGS)


def read_head(path: str | Path, size: int = 8192) -> bytes:
    """The first `size` bytes of a file, decompressed when it is gzip (an unreadable gzip: b"")."""
    with Path(path).open("rb") as handle:
        head = handle.read(size)
    if head.startswith(_GZIP_MAGIC):
        try:
            with gzip.open(path, "rb") as handle:
                return handle.read(size)
        except (OSError, EOFError, zlib.error):
            return b""
    return head


class PubmedReader:
    """Iterate the documents of one MEDLINE/PubMed XML source; `deleted` collects the PMIDs of
    `DeleteCitation` entries as they are met, `citations` counts the citations read so far."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.name = source_name(source)
        self.deleted: list[str] = []
        self.citations = 0
        self.root: etree._Element | None = None
        """The document root while parsing: it never holds more than the citation being read."""
        self._last_pmid: str | None = None

    def __iter__(self) -> Iterator[Document]:
        handle, opened = _open_binary(self.source, self.name)
        try:
            yield from self._parse(handle)
        finally:
            for item in opened:
                item.close()

    def _parse(self, handle: BinaryIO) -> Iterator[Document]:
        parser = etree.XMLPullParser(
            events=("end",),
            tag=_CITATION_TAGS,
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=True,
            remove_comments=True,
        )
        root: etree._Element | None = None
        try:
            while data := handle.read(_CHUNK_SIZE):
                failure = _feed(parser, data)
                yield from self._completed(parser)  # those before an error in this chunk too
                if failure is not None:
                    raise failure
            root, failure = _close(parser)
            if failure is not None:
                # The file ends inside a citation (or the root): every end tag in it was parsed when
                # its '>' was fed. The events queued by close() are the parser closing what the file
                # left open (lxml >= 6.2 reports them), not citations the file completed.
                raise failure
            yield from self._completed(parser)
        except etree.XMLSyntaxError as error:
            line, column = error.position if error.position else (error.lineno, None)
            where = f" (column {column})" if column else ""
            raise InputError(
                self.name, line or None, f"not well-formed XML{where}: {error.msg}{self._after()}"
            ) from None
        except (EOFError, zlib.error, gzip.BadGzipFile) as error:
            raise InputError(
                self.name,
                None,
                f"the gzip stream is truncated or corrupt ({error}){self._after()}; download the file again",
            ) from None
        except OSError as error:
            raise InputError(self.name, None, f"cannot read the file: {error}{self._after()}") from None
        if self.root is None:
            if root is None:
                raise InputError(self.name, None, "empty file: no MEDLINE/PubMed XML in it")
            self.root = root
            self._check_root(root)

    def _completed(self, parser: etree.XMLPullParser) -> Iterator[Document]:
        """The documents of the citations the parser has completed since the last call."""
        for _, element in parser.read_events():
            parent = element.getparent()
            if parent is None or parent.getparent() is not None:
                continue  # a MedlineCitation inside a PubmedArticle: read with its article
            if self.root is None:
                self.root = parent
                self._check_root(parent)
            if _local(element.tag) == "DeleteCitation":
                self.deleted.extend(pmid for pmid in (_text(p) for p in element.iter("PMID")) if pmid)
                _release(element)
                continue
            document = self._document(element, _local(element.tag))
            self.citations += 1
            self._last_pmid = document.id
            _release(element)
            yield document

    def _check_root(self, root: etree._Element) -> None:
        tag = _local(root.tag)
        if tag not in ROOT_TAGS:
            raise InputError(
                self.name,
                root.sourceline,
                f"not MEDLINE/PubMed XML: the root element is <{tag}>, expected <PubmedArticleSet>",
            )

    def _after(self) -> str:
        """Where the reading stopped: after the last citation completed, or before any was."""
        if self._last_pmid is None:
            return ", before the end of the first citation"
        plural = "" if self.citations == 1 else "s"
        return f", after {self.citations:,} citation{plural} (the last PMID {self._last_pmid})"

    def _document(self, element: etree._Element, tag: str) -> Document:
        citation = element.find("MedlineCitation") if tag == "PubmedArticle" else element
        if tag == "PubmedBookArticle":
            citation = element.find("BookDocument")
        if citation is None:
            raise InputError(self.name, element.sourceline, f"<{tag}> without its citation element")
        pmid = _text(citation.find("PMID"))
        if not pmid:
            raise InputError(self.name, element.sourceline, f"<{tag}> without a PMID")
        article = citation.find("Article") if citation.find("Article") is not None else citation
        title = _text(article.find("ArticleTitle"))
        if not title and tag == "PubmedBookArticle":
            title = _text(citation.find("Book/BookTitle"))
        if not title:
            title = _text(article.find("VernacularTitle"))
        abstract_element = article.find("Abstract")
        if abstract_element is None:
            abstract_element = citation.find("Abstract")
        sections = [] if abstract_element is None else [_text(s) for s in abstract_element.findall("AbstractText")]
        return Document.from_title_abstract(pmid, title, " ".join(s for s in sections if s))


def iter_pubmed(source: Source, *, deleted: list[str] | None = None) -> Iterator[Document]:
    """Documents of a MEDLINE/PubMed XML file (gzip or plain), a binary stream, or `-` (stdin).

    The PMIDs of `DeleteCitation` entries are appended to `deleted` when given. A file that is not
    well-formed (or a truncated gzip) raises `InputError` naming the file, the line and column
    when the parser knows them, and the last citation read.
    """
    reader = PubmedReader(source)
    try:
        yield from reader
    finally:
        if deleted is not None:
            deleted.extend(reader.deleted)


def read_pubmed(source: Source) -> tuple[list[Document], list[str]]:
    """All documents of a source and the PMIDs its `DeleteCitation` entries delete."""
    reader = PubmedReader(source)
    return list(reader), reader.deleted


def _open_binary(source: Source, name: str) -> tuple[BinaryIO, list[BinaryIO]]:
    """A binary handle on the source, decompressing gzip; and the handles we opened, to close."""
    opened: list[BinaryIO] = []
    if isinstance(source, (str, Path)):
        if str(source) == "-":
            raw: BinaryIO = sys.stdin.buffer
        else:
            path = Path(source)
            if not path.exists():
                raise BionerError(f"{path}: no such file")
            if path.is_dir():
                raise BionerError(f"{path}: is a folder, expected a file")
            raw = path.open("rb")
            opened.append(raw)
    elif hasattr(source, "encoding"):  # a text stream: lxml wants bytes
        return io.BytesIO(cast(TextIO, source).read().encode("utf-8")), []
    else:
        raw = source
    buffered = cast(io.BufferedReader, raw if hasattr(raw, "peek") else io.BufferedReader(cast(Any, raw)))
    if buffered.peek(2)[:2] == _GZIP_MAGIC:
        unzipped = cast(BinaryIO, gzip.GzipFile(fileobj=buffered, mode="rb"))
        return unzipped, [unzipped, *opened]
    return cast(BinaryIO, buffered), opened


def _feed(parser: etree.XMLPullParser, data: bytes) -> etree.XMLSyntaxError | None:
    """Feed a chunk to the parser; the syntax error it raises is returned, to be raised once the
    citations completed before it have been read."""
    try:
        parser.feed(data)
    except etree.XMLSyntaxError as error:
        return error
    return None


def _close(parser: etree.XMLPullParser) -> tuple[etree._Element | None, etree.XMLSyntaxError | None]:
    """End the parse: the root, or the syntax error (a truncated file) to raise after the last events."""
    try:
        return parser.close(), None
    except etree.XMLSyntaxError as error:
        return None, error


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _text(element: etree._Element | None) -> str:
    """The element's text with inline markup's text included, whitespace collapsed."""
    if element is None:
        return ""
    return " ".join("".join(element.itertext()).split())


def _release(element: etree._Element) -> None:
    """Free a finished citation and whatever the root still holds before it."""
    element.clear(keep_tail=False)
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


__all__ = ["ROOT_TAGS", "PubmedReader", "is_pubmed_head", "iter_pubmed", "read_head", "read_pubmed"]
