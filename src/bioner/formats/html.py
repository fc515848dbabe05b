"""HTML pages: the article text, extracted with trafilatura, and a map back to the page's text.

A saved web page is mostly not the article: menus, share buttons, related links, footers,
scripts. trafilatura (a maintained extraction library, the best-scoring open one in published
comparisons of main-text extraction) finds the article; its text, paragraphs separated by blank
lines, is the document's text, and entity offsets count in it. `bioner.content` then skips the
reference list, DOIs and URLs inside it, as for any text.

The page's own text (every visible text node, a line per block element, whitespace collapsed)
is kept beside it with a map from each character of the extracted text to the same character in
the page's text (`SourceMap`), so that the HTML view can show the entities in the page as a
reader saw it. A paragraph that trafilatura rewrote so that it no longer occurs in the page text
(rare) is left unmapped: its entities are reported, only not placed in the page view. When
trafilatura finds no article, the whole page text is the document, content detected as usual.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..document import Document
from ..errors import BionerError
from ._io import Source, source_name

BLOCK_TAGS = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "br",
        "button",
        "caption",
        "dd",
        "details",
        "dialog",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "option",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    }
)
HIDDEN_TAGS = frozenset(
    {"script", "style", "noscript", "template", "head", "svg", "iframe", "object", "canvas", "select"}
)
_SPACES = re.compile(r"[^\S\n]+")


@dataclass
class SourceMap:
    """The page's visible text and where each character of the extracted text sits in it."""

    text: str
    extracted: array = field(default_factory=lambda: array("l"))
    """Offsets in the extracted text of mapped non-space characters, ascending."""
    page: array = field(default_factory=lambda: array("l"))
    """The offset in `text` of each of those characters."""

    def locate(self, start: int, end: int) -> tuple[int, int] | None:
        """The page-text span of extracted-text span [start, end), or None when it is not mapped."""
        first = bisect_left(self.extracted, start)
        last = bisect_left(self.extracted, end - 1)
        if first >= len(self.extracted) or self.extracted[first] != start:
            return None
        if last >= len(self.extracted) or self.extracted[last] != end - 1:
            return None
        return self.page[first], self.page[last] + 1


def iter_html(source: Source) -> Iterator[Document]:
    """One document per HTML file: the extracted article text, with `content` and its source map."""
    from ..content import find_content

    name = source_name(source)
    raw = _read_bytes(source)
    page = page_text(raw, name)
    extracted = extract_text(raw)
    if not extracted.strip():
        text, mapping = page, _identity_map(page)
    else:
        text, mapping = _map_paragraphs(extracted, page)
    content = find_content(text)
    content.source = mapping
    stem = name.strip("<>") if name.startswith("<") else Path(name).stem
    document = Document.from_text(stem, text)
    document.content = content
    yield document


def extract_text(raw: bytes) -> str:
    """The article's text as trafilatura finds it (headings, paragraphs, lists, tables), or ""."""
    import trafilatura

    text = trafilatura.extract(
        raw, include_comments=False, include_tables=True, include_images=False, deduplicate=False, output_format="txt"
    )
    return text or ""


def page_text(raw: bytes, name: str = "<html>") -> str:
    """Every visible text node of the page, a line per block element, whitespace collapsed."""
    import lxml.html
    from lxml import etree

    try:
        root = lxml.html.fromstring(raw)
    except (etree.ParserError, ValueError) as error:
        raise BionerError(f"{name}: cannot be read as HTML ({error})") from None
    pieces: list[str] = []
    hidden = 0
    for event, element in etree.iterwalk(root, events=("start", "end")):
        tag = element.tag.lower() if isinstance(element.tag, str) else ""
        if event == "start":
            if tag in HIDDEN_TAGS or not tag:
                hidden += 1
                continue
            if hidden:
                continue
            if tag in BLOCK_TAGS:
                pieces.append("\n")
            if element.text:
                pieces.append(element.text)
            continue
        if tag in HIDDEN_TAGS or not tag:
            hidden -= 1
        elif not hidden and tag in BLOCK_TAGS:
            pieces.append("\n")
        if not hidden and element.tail and element is not root:
            pieces.append(element.tail)
    lines = (_SPACES.sub(" ", line).strip() for line in "".join(pieces).split("\n"))
    return "\n".join(line for line in lines if line)


def _map_paragraphs(extracted: str, page: str) -> tuple[str, SourceMap]:
    """The extracted paragraphs joined by blank lines, each found in the page text in order."""
    paragraphs = [_SPACES.sub(" ", line).strip() for line in extracted.split("\n")]
    paragraphs = [p for p in paragraphs if p]
    mapping = SourceMap(page)
    cursor = 0
    offset = 0
    for paragraph in paragraphs:
        found, skip = _find(page, paragraph, cursor)
        if found >= 0:
            length = len(paragraph) - skip
            for i in range(length):
                if not paragraph[skip + i].isspace():
                    mapping.extracted.append(offset + skip + i)
                    mapping.page.append(found + i)
            cursor = found + length
        offset += len(paragraph) + 2
    return "\n\n".join(paragraphs), mapping


def _find(page: str, paragraph: str, cursor: int) -> tuple[int, int]:
    """Where a paragraph (or it without a list bullet trafilatura added) is in the page, from cursor on."""
    candidates = [(paragraph, 0)]
    bullet = re.match(r"^[-*•] ", paragraph)
    if bullet:
        candidates.append((paragraph[bullet.end() :], bullet.end()))
    for start in (cursor, 0):
        for candidate, skip in candidates:
            found = page.find(candidate, start)
            if found >= 0:
                return found, skip
    return -1, 0


def _identity_map(text: str) -> SourceMap:
    positions = array("l", (i for i, ch in enumerate(text) if not ch.isspace()))
    return SourceMap(text, positions, array("l", positions))


def _read_bytes(source: Source) -> bytes:
    import sys

    if isinstance(source, (str, Path)):
        if str(source) == "-":
            return sys.stdin.buffer.read()
        path = Path(source)
        if not path.is_file():
            raise BionerError(f"{path}: no such file")
        return path.read_bytes()
    data = source.read()
    return data.encode("utf-8") if isinstance(data, str) else data
