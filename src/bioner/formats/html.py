"""HTML pages: the article text, extracted with trafilatura, and a map back to the page's text.

A saved web page is mostly not the article: menus, share buttons, related links, footers,
scripts. trafilatura (a maintained extraction library, the best-scoring open one in published
comparisons of main-text extraction) finds the article; its text, paragraphs separated by blank
lines, is the document's text, and entity offsets count in it. `bioner.content` then skips the
reference list, DOIs and URLs inside it, as for any text (`formats.read_documents` runs it).

The page's own text (every visible text node, a line per block element, whitespace collapsed)
is kept beside it with a map from each character of the extracted text to the same character in
the page's text (`SourceMap`), so that the HTML view can show the entities in the page as a
reader saw it. A paragraph that trafilatura rewrote so that it no longer occurs in the page text
(rare) is left unmapped: its entities are reported, only not placed in the page view. When
trafilatura finds no article, the whole page text is the document, content detected as usual.
"""

from __future__ import annotations

import re
import sys
from array import array
from collections.abc import Iterator
from pathlib import Path

import lxml.html
from lxml import etree

from ..document import Document
from ..errors import BionerError
from ..regions import Content, SourceMap, whole_text
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


def iter_html(source: Source, *, article: bool = True) -> Iterator[Document]:
    """One document per HTML file: the extracted article text, its `content` carrying the source
    map (its regions are found later, by `bioner.content`, as for any text); with `article`
    False, all of the page's visible text, as it is."""
    name = source_name(source)
    raw = _read_bytes(source)
    page = page_text(raw, name)
    stem = name.strip("<>") if name.startswith("<") else Path(name).stem
    if not article:
        yield Document.from_text(stem, page)
        return
    extracted = extract_text(raw)
    if not extracted.strip():
        text, mapping = page, _identity_map(page)
    else:
        text, mapping = _map_paragraphs(extracted, page)
    document = Document.from_text(stem, text)
    document.content = Content(whole_text(text).regions, source=mapping)
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
    if isinstance(source, (str, Path)):
        if str(source) == "-":
            return sys.stdin.buffer.read()
        path = Path(source)
        if not path.is_file():
            raise BionerError(f"{path}: no such file")
        return path.read_bytes()
    data = source.read()
    return data.encode("utf-8") if isinstance(data, str) else data
