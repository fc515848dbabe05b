"""Error analysis: every strict false positive and false negative, with its kind and context.

Kinds, decided in this order:

- `label`: a mention on the other side has the same span and another label;
- `boundary`: a mention on the other side with the same label overlaps it;
- `spurious` (a false positive) or `missed` (a false negative): nothing of the above.

A label swap therefore shows as one FP and one FN of kind `label`, a wrong boundary as one FP
and one FN of kind `boundary`. Errors are over distinct (start, end, label) tuples, as scoring is.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from ..document import Document
from .scoring import Span, mention_spans, overlaps

FP = "FP"
FN = "FN"
LABEL = "label"
BOUNDARY = "boundary"
SPURIOUS = "spurious"
MISSED = "missed"
KINDS = {FP: (BOUNDARY, LABEL, SPURIOUS), FN: (BOUNDARY, LABEL, MISSED)}
DEFAULT_WINDOW = 40

TSV_COLUMNS = ["document", "type", "kind", "label", "start", "end", "text", "left", "right", "related"]


@dataclass(frozen=True)
class ErrorRecord:
    document: str
    type: str
    """`FP` (predicted, not in gold) or `FN` (in gold, not predicted)."""
    kind: str
    """`boundary`, `label`, `spurious` (FP only) or `missed` (FN only)."""
    label: str
    start: int
    end: int
    text: str
    left: str
    """Up to `window` characters of text before the mention."""
    right: str
    """Up to `window` characters of text after it."""
    related: tuple[Span, ...] = ()
    """The other side's mentions that make it a `label` or `boundary` error."""

    def to_json(self) -> dict[str, Any]:
        return {
            "document": self.document,
            "type": self.type,
            "kind": self.kind,
            "label": self.label,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "left": self.left,
            "right": self.right,
            "related": [{"start": s, "end": e, "label": lab} for s, e, lab in self.related],
        }


def classify(span: Span, other_side: set[Span], type: str) -> tuple[str, tuple[Span, ...]]:
    """The kind of a strict error `span`, given the mentions on the other side of its document."""
    start, end, label = span
    same_span = tuple(sorted(o for o in other_side if o[0] == start and o[1] == end and o[2] != label))
    if same_span:
        return LABEL, same_span
    overlapping = tuple(sorted(o for o in other_side if o[2] == label and overlaps(o[:2], span[:2])))
    if overlapping:
        return BOUNDARY, overlapping
    return (SPURIOUS if type == FP else MISSED), ()


def document_errors(
    gold: Document, predicted: Document, *, window: int = DEFAULT_WINDOW, labels: Iterable[str] | None = None
) -> list[ErrorRecord]:
    text = gold.text
    g = mention_spans(gold, "gold")
    p = mention_spans(predicted)
    if labels is not None:
        keep = set(labels)
        g = {s for s in g if s[2] in keep}
        p = {s for s in p if s[2] in keep}
    records = []
    for type, mine, theirs in ((FP, p - g, g), (FN, g - p, p)):
        for span in mine:
            kind, related = classify(span, theirs, type)
            start, end, label = span
            records.append(
                ErrorRecord(
                    gold.id,
                    type,
                    kind,
                    label,
                    start,
                    end,
                    text[start:end],
                    text[max(0, start - window) : start],
                    text[end : end + window],
                    related,
                )
            )
    records.sort(key=lambda r: (r.start, r.end, r.label, r.type))
    return records


def find_errors(
    gold: Sequence[Document],
    predicted: Sequence[Document],
    *,
    window: int = DEFAULT_WINDOW,
    labels: Iterable[str] | None = None,
) -> list[ErrorRecord]:
    """All strict errors, in gold document order. `predicted` is aligned with `gold`
    (see `scoring.align_documents`)."""
    labels = list(labels) if labels is not None else None
    records: list[ErrorRecord] = []
    for g_doc, p_doc in zip(gold, predicted, strict=True):
        records.extend(document_errors(g_doc, p_doc, window=window, labels=labels))
    return records


def errors_by_kind(errors: Iterable[ErrorRecord]) -> dict[str, dict[str, int]]:
    """{"fp": {"boundary", "label", "spurious"}, "fn": {"boundary", "label", "missed"}}, counts."""
    counts = {type.lower(): {kind: 0 for kind in kinds} for type, kinds in KINDS.items()}
    for error in errors:
        counts[error.type.lower()][error.kind] += 1
    return counts


def _cell(value: object) -> str:
    return str(value).replace("\t", " ").replace("\r", " ").replace("\n", " ")


def format_related(related: Sequence[Span]) -> str:
    return "; ".join(f"{s}-{e} {lab}" for s, e, lab in related)


def write_errors_tsv(errors: Iterable[ErrorRecord], destination: str | Path | TextIO) -> int:
    """Write one row per error (tabs and newlines inside fields become spaces); returns rows."""
    if isinstance(destination, (str, Path)):
        path = Path(destination)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8", newline="\n") as handle:
            return write_errors_tsv(errors, handle)
    destination.write("\t".join(TSV_COLUMNS) + "\n")
    rows = 0
    for e in errors:
        cells = [
            e.document,
            e.type,
            e.kind,
            e.label,
            e.start,
            e.end,
            e.text,
            e.left,
            e.right,
            format_related(e.related),
        ]
        destination.write("\t".join(_cell(c) for c in cells) + "\n")
        rows += 1
    return rows
