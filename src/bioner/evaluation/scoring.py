"""Scoring predicted mentions against gold mentions: pure functions on `Document`s.

Strict matching is the BioCreative V CDR rule: a mention is the tuple
(document id, start, end, label) in character offsets into `Document.text`, and each distinct
tuple counts once on either side (a mention listed twice is one mention). Then, per label,

    TP = |gold ∩ predicted|,  FP = |predicted − gold|,  FN = |gold − predicted|.

Lenient matching pairs a predicted mention with a gold mention of the same label whose span
overlaps it (half-open intervals `[start, end)` share at least one character), each distinct gold
and each distinct predicted mention used at most once; TP is the size of a maximum such
pairing, FP = predicted − TP, FN = gold − TP.

Precision = TP / (TP + FP), recall = TP / (TP + FN), F1 = 2PR / (P + R); whenever a
denominator is 0 the value is defined as 0.0 (so an empty gold set with no predictions scores
0.0, not 1.0). Micro scores pool TP/FP/FN over labels; macro precision, recall and F1 are the
unweighted means of the per-label values (macro F1 is the mean of per-label F1s, not the F1 of
macro P and R), and its TP/FP/FN are the pooled totals. Per-label counts are kept in a dict
keyed by label, so two labels with equal counts stay two labels.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from ..document import Document
from ..errors import BionerError

MICRO = "micro"
MACRO = "macro"
RESERVED_LABELS = frozenset({MICRO, MACRO})

Span = tuple[int, int, str]
"""(start, end, label) of a mention inside one document."""


def safe_ratio(numerator: float, denominator: float) -> float:
    """`numerator / denominator`, or 0.0 when the denominator is 0."""
    return numerator / denominator if denominator else 0.0


def f1_score(precision: float, recall: float) -> float:
    return safe_ratio(2 * precision * recall, precision + recall)


@dataclass(frozen=True)
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    @property
    def precision(self) -> float:
        return safe_ratio(self.tp, self.tp + self.fp)

    @property
    def recall(self) -> float:
        return safe_ratio(self.tp, self.tp + self.fn)

    @property
    def f1(self) -> float:
        return f1_score(self.precision, self.recall)

    def prf(self) -> PRF:
        return PRF(self.tp, self.fp, self.fn, self.precision, self.recall, self.f1)


@dataclass(frozen=True)
class PRF:
    """Counts with precision, recall and F1 as fractions in [0, 1]."""

    tp: int
    fp: int
    fn: int
    precision: float
    recall: float
    f1: float

    def to_json(self) -> dict[str, Any]:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
        }

    @classmethod
    def from_json(cls, data: Any, where: str) -> PRF:
        """The inverse of `to_json`, checked: counts are integers, measures fractions in [0, 1]."""
        if not isinstance(data, dict):
            raise BionerError(f"{where} must be an object with tp, fp, fn, precision, recall and f1")
        for key in ("tp", "fp", "fn"):
            if not isinstance(data.get(key), int) or isinstance(data[key], bool) or data[key] < 0:
                raise BionerError(f"{where}.{key} must be a count (an integer >= 0)")
        for key in ("precision", "recall", "f1"):
            value = data.get(key)
            if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0.0 <= value <= 1.0:
                raise BionerError(f"{where}.{key} must be a fraction in [0, 1], not {value!r}")
        return cls(data["tp"], data["fp"], data["fn"], data["precision"], data["recall"], data["f1"])


@dataclass(frozen=True)
class Scores:
    """One matching mode: a `PRF` per label plus micro and macro averages."""

    labels: dict[str, PRF]
    micro: PRF
    macro: PRF

    @classmethod
    def from_counts(cls, counts: Mapping[str, Counts]) -> Scores:
        labels = {label: counts[label].prf() for label in counts}
        total = sum(counts.values(), Counts())
        n = len(labels)
        macro = PRF(
            total.tp,
            total.fp,
            total.fn,
            safe_ratio(sum(s.precision for s in labels.values()), n),
            safe_ratio(sum(s.recall for s in labels.values()), n),
            safe_ratio(sum(s.f1 for s in labels.values()), n),
        )
        return cls(labels, total.prf(), macro)

    def __getitem__(self, key: str) -> PRF:
        if key == MICRO:
            return self.micro
        if key == MACRO:
            return self.macro
        return self.labels[key]

    def to_json(self) -> dict[str, Any]:
        payload = {label: prf.to_json() for label, prf in self.labels.items()}
        payload[MICRO] = self.micro.to_json()
        payload[MACRO] = self.macro.to_json()
        return payload

    @classmethod
    def from_json(cls, data: Any, where: str) -> Scores:
        """The inverse of `to_json`: per-label scores plus `micro` and `macro`."""
        if not isinstance(data, dict) or MICRO not in data or MACRO not in data:
            raise BionerError(f"{where} must hold per-label, micro and macro scores")
        labels = {
            key: PRF.from_json(value, f"{where}.{key}") for key, value in data.items() if key not in RESERVED_LABELS
        }
        return cls(
            labels, PRF.from_json(data[MICRO], f"{where}.{MICRO}"), PRF.from_json(data[MACRO], f"{where}.{MACRO}")
        )


# --- aligning the two sides -------------------------------------------------------------------


def align_documents(gold: Sequence[Document], predicted: Sequence[Document]) -> tuple[list[Document], list[Document]]:
    """Gold and predicted documents paired one to one, gold order first.

    As the BioCreative V CDR scorer, which counts (document, start, end, type) tuples of any
    PMID by their offsets:

    - a gold document without a prediction gets an empty one (it predicts nothing);
    - a predicted document whose id the gold lacks is paired with an empty gold document after
      the gold ones (its mentions are false positives);
    - a predicted document whose text differs from the gold text is scored by its offsets: it is
      paired with a copy holding the gold passages, its mentions' text taken from the gold text
      (`oddities` counts the difference).

    An id repeated on either side is an error.
    """
    gold_by_id: dict[str, Document] = {}
    for document in gold:
        if document.id in gold_by_id:
            raise BionerError(f"gold: document id {document.id!r} appears more than once")
        gold_by_id[document.id] = document
    predicted_by_id: dict[str, Document] = {}
    extra: list[Document] = []
    for document in predicted:
        if document.id in predicted_by_id:
            raise BionerError(f"predictions: document id {document.id!r} appears more than once")
        reference = gold_by_id.get(document.id)
        if reference is None:
            extra.append(document)
        elif not same_text(reference.text, document.text):
            document = on_gold_text(document, reference)
        predicted_by_id[document.id] = document
    pairs_gold = list(gold) + [Document(d.id, list(d.passages), line=d.line) for d in extra]
    pairs_predicted = [
        predicted_by_id.get(document.id) or Document(document.id, list(document.passages)) for document in gold
    ] + extra
    return pairs_gold, pairs_predicted


def same_text(gold_text: str, predicted_text: str) -> bool:
    """The same text, or the same once line breaks are spaces (PubTator writes them so; offsets agree)."""
    return gold_text == predicted_text or _one_line(gold_text) == _one_line(predicted_text)


def first_difference(gold_text: str, predicted_text: str) -> int:
    """The first character offset where two texts differ (the shorter length if one extends the other)."""
    return next(
        (i for i, (a, b) in enumerate(zip(gold_text, predicted_text, strict=False)) if a != b),
        min(len(gold_text), len(predicted_text)),
    )


def on_gold_text(predicted: Document, gold: Document) -> Document:
    """`predicted`'s annotations on `gold`'s passages, mention text read from the gold text at their offsets."""
    text = gold.text
    mentions = [
        replace(m, text=text[m.start : m.end]) if 0 <= m.start < m.end <= len(text) else m for m in predicted.mentions
    ]
    return Document(
        predicted.id, list(gold.passages), mentions, list(predicted.relations), gold.content, line=predicted.line
    )


def _one_line(text: str) -> str:
    return text.replace("\r", " ").replace("\n", " ")


def mention_spans(document: Document, side: str = "predictions") -> set[Span]:
    """The distinct (start, end, label) of a document's mentions.

    Gold mentions must lie inside the text. Predicted ones are counted whatever their offsets, as
    the BioCreative scorer counts them (an empty span or one past the text is a false positive).
    """
    length = len(document.text)
    spans: set[Span] = set()
    for mention in document.mentions:
        if side == "gold" and not (0 <= mention.start < mention.end <= length):
            raise BionerError(
                f"{side}: document {document.id!r}: mention {mention.start}-{mention.end} "
                f"{mention.label} falls outside the text ({length} characters)"
            )
        if mention.label in RESERVED_LABELS:
            raise BionerError(
                f"{side}: document {document.id!r}: label {mention.label!r} is reserved "
                "for averages in the report; rename it"
            )
        spans.add(mention.key())
    return spans


# --- matching --------------------------------------------------------------------------------


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Half-open spans share at least one character (an empty or reversed span shares none)."""
    return max(a[0], b[0]) < min(a[1], b[1])


def strict_counts(gold: set[Span], predicted: set[Span], labels: Iterable[str]) -> dict[str, Counts]:
    counts: dict[str, Counts] = {}
    for label in labels:
        g = {s for s in gold if s[2] == label}
        p = {s for s in predicted if s[2] == label}
        tp = len(g & p)
        counts[label] = Counts(tp, len(p) - tp, len(g) - tp)
    return counts


def max_overlap_matching(
    gold: Sequence[tuple[int, int]], predicted: Sequence[tuple[int, int]]
) -> list[tuple[int, int]]:
    """A maximum set of (gold index, predicted index) pairs of overlapping spans, each index once.

    Kuhn's algorithm with breadth-first search for augmenting paths (no recursion, so long
    documents cannot exhaust the stack).
    """
    adjacency = [[g for g, gold_span in enumerate(gold) if overlaps(gold_span, pred_span)] for pred_span in predicted]
    gold_partner: list[int | None] = [None] * len(gold)
    pred_partner: list[int | None] = [None] * len(predicted)
    for root in range(len(predicted)):
        reached_from: dict[int, int] = {}  # gold index -> predicted index it was reached from
        queue = [root]
        found: int | None = None
        while queue and found is None:
            p = queue.pop(0)
            for g in adjacency[p]:
                if g in reached_from:
                    continue
                reached_from[g] = p
                partner = gold_partner[g]
                if partner is None:
                    found = g
                    break
                queue.append(partner)
        node = found
        while node is not None:  # flip the augmenting path: root ... -> found
            p = reached_from[node]
            previous = pred_partner[p]
            gold_partner[node], pred_partner[p] = p, node
            node = previous
    return [(g, p) for g, p in enumerate(gold_partner) if p is not None]


def lenient_counts(gold: set[Span], predicted: set[Span], labels: Iterable[str]) -> dict[str, Counts]:
    counts: dict[str, Counts] = {}
    for label in labels:
        g = sorted((s, e) for s, e, lab in gold if lab == label)
        p = sorted((s, e) for s, e, lab in predicted if lab == label)
        tp = len(max_overlap_matching(g, p))
        counts[label] = Counts(tp, len(p) - tp, len(g) - tp)
    return counts


@dataclass(frozen=True)
class DocumentCounts:
    """Per-document counts, the unit the bootstrap resamples."""

    id: str
    strict: dict[str, Counts]
    lenient: dict[str, Counts]


def document_counts(
    gold: Sequence[Document], predicted: Sequence[Document], labels: Sequence[str]
) -> list[DocumentCounts]:
    """Strict and lenient counts per aligned document pair (see `align_documents`)."""
    result = []
    for g_doc, p_doc in zip(gold, predicted, strict=True):
        g = {s for s in mention_spans(g_doc, "gold") if s[2] in labels}
        p = {s for s in mention_spans(p_doc) if s[2] in labels}
        result.append(DocumentCounts(g_doc.id, strict_counts(g, p, labels), lenient_counts(g, p, labels)))
    return result


def sum_counts(per_document: Iterable[Mapping[str, Counts]], labels: Sequence[str]) -> dict[str, Counts]:
    totals: dict[str, Counts] = {label: Counts() for label in labels}
    for counts in per_document:
        for label in labels:
            totals[label] = totals[label] + counts[label]
    return totals


def collect_labels(gold: Iterable[Document], predicted: Iterable[Document]) -> list[str]:
    labels = {m.label for d in gold for m in d.mentions}
    labels |= {m.label for d in predicted for m in d.mentions}
    return sorted(labels)
