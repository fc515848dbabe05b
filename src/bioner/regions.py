"""What of a document's text is tagged: content regions, skipped spans, and for a web page the
map back to the page's own text. Plain data, so that `document` can hold it and `content` (which
finds it) and `formats.html` (which makes the map) both depend on this module, not on each other.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from dataclasses import dataclass, field


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


@dataclass(frozen=True)
class Region:
    """A part of the text to tag: `text[start:end]`; `kind` is title, abstract, keywords or text."""

    start: int
    end: int
    kind: str = "text"


@dataclass(frozen=True)
class Skip:
    """A part of the text left untagged and why (`references`, `banner`, `url`, ...)."""

    start: int
    end: int
    reason: str
    inline: bool = False
    """A span inside a kept region (a URL in a sentence): read by the model, no entity reported."""

    def to_dict(self) -> dict:
        return {"start": self.start, "end": self.end, "reason": self.reason}


@dataclass
class Content:
    """The regions of a text to tag and the skipped parts, in text order."""

    regions: list[Region]
    skipped: list[Skip] = field(default_factory=list)
    page: str = "text"
    """What the text was recognised as: `pubmed-page` or `text`."""
    source: SourceMap | None = None
    """For text extracted from HTML: the page's own text and the map into it (`formats.html`)."""

    def keeps(self, start: int, end: int) -> bool:
        """Whether an entity at [start, end) lies in a region and outside every skipped span."""
        if not any(r.start <= start and end <= r.end for r in self.regions):
            return False
        return not any(s.start < end and start < s.end for s in self.skipped)

    def skipped_characters(self) -> int:
        return sum(s.end - s.start for s in self.skipped)


def whole_text(text: str) -> Content:
    """Everything is content (`--keep-boilerplate`)."""
    return Content([Region(0, len(text))] if text.strip() else [])
