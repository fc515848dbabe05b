"""Cutting long texts into pieces the tagger can take: paragraphs, then lines, then sentences.

A full-text paper is hundreds of thousands of characters. Tagged as one spaCy `Doc` it needs
spaCy's `max_length` raised and memory in proportion to its length (2.9 GB for 1.1 MB of text);
tagged by pieces through `nlp.pipe` it needs the memory of one batch of pieces, whatever its
length. The tagger's context is a few words and the abbreviation rules work within a paragraph, so
cutting at paragraph boundaries loses nothing: a long text gets the entities its paragraphs get
when tagged one by one.

`chunk_spans` leaves a text of at most `max_chars` characters whole (what `ner-predict` always
did), and cuts a longer one (or a region of a longer document) at blank lines into paragraphs; a paragraph still longer is cut
between lines (packed up to `max_chars`, so that hard-wrapped text keeps its sentences), a line
still longer between sentences (packed likewise), a sentence still longer at a space. Pieces are
returned as offsets into the text, whitespace at their edges left out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

DEFAULT_MAX_CHARS = 10_000
"""Longest piece tagged as one Doc: far above a paragraph (about 1,000 characters), far below
where memory matters (a 10,000-character Doc needs about 30 MB)."""

_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n\s*")
_LINE_BREAK = re.compile(r"\n\s*")
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])[\"'”’)\]]?\s+(?=[\"'“‘(\[]?[A-Z0-9])")


def chunk_spans(
    text: str, start: int = 0, end: int | None = None, max_chars: int = DEFAULT_MAX_CHARS, *, split: bool | None = None
) -> list[tuple[int, int]]:
    """The pieces of `text[start:end]` to tag, as (start, end) offsets into `text`.

    `split` cuts into paragraphs even within `max_chars` (True) or never (False: one piece);
    None cuts only a span longer than `max_chars`. A region of a long document is cut with
    `split=True`, so that all of the document is tagged paragraph by paragraph.
    """
    if max_chars < 1:
        raise ValueError(f"max_chars must be at least 1, found {max_chars}")
    end = len(text) if end is None else end
    if split is None:
        split = end - start > max_chars
    if not split:
        return [(start, end)] if start < end else []
    spans: list[tuple[int, int]] = []
    for p_start, p_end in _split(text, start, end, _PARAGRAPH_BREAK):
        if p_end - p_start <= max_chars:
            spans.append((p_start, p_end))
            continue
        for l_start, l_end in _pack(text, _split(text, p_start, p_end, _LINE_BREAK), max_chars):
            if l_end - l_start <= max_chars:
                spans.append((l_start, l_end))
                continue
            for s_start, s_end in _pack(text, _split(text, l_start, l_end, _SENTENCE_BREAK), max_chars):
                spans.extend(_cut_at_spaces(text, s_start, s_end, max_chars))
    return spans


def _split(text: str, start: int, end: int, pattern: re.Pattern[str]) -> Iterator[tuple[int, int]]:
    """The pieces of text[start:end] between matches of `pattern`, stripped of edge whitespace."""
    position = start
    for match in pattern.finditer(text, start, end):
        yield from _stripped(text, position, match.start())
        position = match.end()
    yield from _stripped(text, position, end)


def _stripped(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        yield start, end


def _pack(text: str, pieces: Iterator[tuple[int, int]], max_chars: int) -> Iterator[tuple[int, int]]:
    """Consecutive pieces joined while the joined span stays within `max_chars`."""
    current: tuple[int, int] | None = None
    for start, end in pieces:
        if current is not None and end - current[0] <= max_chars:
            current = (current[0], end)
            continue
        if current is not None:
            yield current
        current = (start, end)
    if current is not None:
        yield current


def _cut_at_spaces(text: str, start: int, end: int, max_chars: int) -> Iterator[tuple[int, int]]:
    """A span longer than `max_chars` cut at the last space before each limit (or at the limit)."""
    while end - start > max_chars:
        limit = start + max_chars
        space = text.rfind(" ", start + 1, limit + 1)
        cut = space if space > start else limit
        yield from _stripped(text, start, cut)
        start = cut
        while start < end and text[start].isspace():
            start += 1
    yield from _stripped(text, start, end)
