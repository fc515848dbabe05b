"""Predictions the BioCreative V CDR scorer counts although they look wrong, listed for a warning.

The official scorer reads a prediction file by its offsets only: a mention is the distinct tuple
(document, start, end, type), whatever its text column, whether the span is empty or past the
text, whatever title and abstract the file carries, and for any PMID. `bioner evaluate
--predictions` counts the same way (`scoring.align_documents`), so such a file scores as the kit
scores it; this module finds what is odd about it, so that the user sees one warning line with
the count and the first `FILE:LINE` instead of a silently strange figure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..document import Document
from ..errors import BionerError, InputProblem
from .scoring import first_difference, same_text

EMPTY_SPANS = "empty_spans"
REVERSED_SPANS = "reversed_spans"
OUTSIDE_TEXT = "outside_text"
TEXT_MISMATCHES = "text_mismatches"
DOCUMENT_TEXT_MISMATCHES = "document_text_mismatches"
DOCUMENTS_NOT_IN_GOLD = "documents_not_in_gold"
KINDS = (EMPTY_SPANS, REVERSED_SPANS, OUTSIDE_TEXT, TEXT_MISMATCHES, DOCUMENT_TEXT_MISMATCHES, DOCUMENTS_NOT_IN_GOLD)
DESCRIPTIONS = {
    EMPTY_SPANS: "empty span",
    REVERSED_SPANS: "start after end",
    OUTSIDE_TEXT: "offsets outside the text",
    TEXT_MISMATCHES: "mention text differs from the text at its offsets",
    DOCUMENT_TEXT_MISMATCHES: "title or abstract differs from the gold",
    DOCUMENTS_NOT_IN_GOLD: "document not in the gold",
}


@dataclass(frozen=True)
class Oddity:
    kind: str
    where: str
    """`FILE:LINE`, or `FILE` when the line is not known."""
    message: str
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass
class Oddities:
    """Counts per kind (`KINDS`) and the first oddity in file order."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    first: str = ""

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def summary(self) -> str:
        """`2 empty span, 1 offsets outside the text`-style breakdown of the non-zero kinds."""
        return ", ".join(f"{n:,} {DESCRIPTIONS.get(kind, kind)}" for kind, n in self.counts.items() if n)

    def to_json(self) -> dict[str, Any]:
        return {"total": self.total, **self.counts, "first": self.first}

    @classmethod
    def from_json(cls, data: Any, where: str) -> Oddities:
        if not isinstance(data, dict):
            raise BionerError(f"{where} must be an object of counts per kind")
        counts = {}
        for key, value in data.items():
            if key in ("total", "first"):
                continue
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise BionerError(f"{where}.{key} must be a count, not {value!r}")
            counts[key] = value
        return cls({**dict.fromkeys(KINDS, 0), **counts}, str(data.get("first", "")))


def find_oddities(
    gold: Sequence[Document],
    predicted: Sequence[Document],
    source: str,
    text_mismatches: Sequence[InputProblem] = (),
) -> Oddities:
    """What is odd in `predicted` (as read from `source`) against `gold`; `text_mismatches` are the
    reader's notes of mention text columns that differ from the text at their offsets."""
    found: list[Oddity] = [
        Oddity(TEXT_MISMATCHES, _where(p.source, p.line), p.message, p.line) for p in text_mismatches
    ]
    gold_by_id = {document.id: document for document in gold}
    for document in predicted:
        reference = gold_by_id.get(document.id)
        if reference is None:
            n = len(document.mentions)
            found.append(
                Oddity(
                    DOCUMENTS_NOT_IN_GOLD,
                    _where(source, document.line),
                    f"document {document.id!r} is not in the gold file; its {n} mention{'s' if n != 1 else ''} "
                    "count as false positives",
                    document.line,
                )
            )
            text = document.text
        else:
            text = reference.text
            if not same_text(text, document.text):
                at = first_difference(text, document.text)
                line = document.line
                if line is not None and document.title and at > len(document.title):
                    line += 1  # the abstract line
                found.append(
                    Oddity(
                        DOCUMENT_TEXT_MISMATCHES,
                        _where(source, line),
                        f"the text of document {document.id!r} differs from the gold text at character {at} "
                        f"(gold {text[at : at + 30]!r}, predicted {document.text[at : at + 30]!r}); "
                        "its mentions are scored by their offsets into the gold text",
                        line,
                    )
                )
        for mention in document.mentions:
            kind = _span_kind(mention.start, mention.end, len(text))
            if kind is not None:
                found.append(
                    Oddity(
                        kind,
                        _where(source, mention.line),
                        f"{DESCRIPTIONS[kind]}: {mention.start}-{mention.end} {mention.label} in document "
                        f"{document.id!r} ({len(text)} characters); counted as a mention, as the BioCreative scorer does",
                        mention.line,
                    )
                )
    oddities = Oddities()
    for oddity in found:
        oddities.counts[oddity.kind] += 1
    if found:
        oddities.first = str(min(found, key=lambda o: (o.line is None, o.line or 0)))
    return oddities


def _span_kind(start: int, end: int, length: int) -> str | None:
    if start == end:
        return EMPTY_SPANS
    if start > end:
        return REVERSED_SPANS
    if start < 0 or end > length:
        return OUTSIDE_TEXT
    return None


def _where(source: str, line: int | None) -> str:
    return f"{source}:{line}" if line is not None else source
