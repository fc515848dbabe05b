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

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..document import Document
from ..errors import BionerError

if TYPE_CHECKING:  # pragma: no cover
    from .analysis import ErrorRecord
    from .bootstrap import BootstrapResult
    from .concepts import LinkingAccuracy

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

    def __add__(self, other: "Counts") -> "Counts":
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

    def prf(self) -> "PRF":
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


@dataclass(frozen=True)
class Scores:
    """One matching mode: a `PRF` per label plus micro and macro averages."""

    labels: dict[str, PRF]
    micro: PRF
    macro: PRF

    @classmethod
    def from_counts(cls, counts: Mapping[str, Counts]) -> "Scores":
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


@dataclass
class Evaluation:
    """Everything `bioner evaluate` reports. `to_json` gives the documented JSON shape."""

    strict: Scores
    lenient: Scores
    documents: int
    labels: list[str]
    gold_mentions: dict[str, int] = field(default_factory=dict)
    """Distinct gold mentions per label."""
    predicted_mentions: dict[str, int] = field(default_factory=dict)
    """Distinct predicted mentions per label."""
    duplicates: dict[str, int] = field(default_factory=dict)
    """Mentions listed more than once and counted once: {"gold": n, "predictions": n}."""
    gold: list[Document] = field(default_factory=list, repr=False)
    predicted: list[Document] = field(default_factory=list, repr=False)
    """Predictions aligned with `gold`: one document per gold document, in the same order."""
    errors: list["ErrorRecord"] | None = field(default=None, repr=False)
    """Every strict FP and FN (see `analysis`); None until analysed."""
    bootstrap: "BootstrapResult | None" = None
    concepts: Scores | None = None
    """Concept-level scores (see `concepts`): per document, distinct (label, identifier) pairs;
    None when no gold mention carries an identifier."""
    linking: "LinkingAccuracy | None" = None
    """Linking accuracy on gold mentions, when asked for (`bioner evaluate --gold-mentions`)."""
    cross_corpus: list[Any] | None = None
    """`cross_corpus.CorpusScore`s of other corpora's held-out parts, when asked for."""

    def to_json(self, *, include_errors: bool = False) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "strict": self.strict.to_json(),
            "lenient": self.lenient.to_json(),
            **({"concepts": self.concepts.to_json()} if self.concepts is not None else {}),
            "documents": self.documents,
            "labels": list(self.labels),
            "gold": {"mentions": sum(self.gold_mentions.values()), "by_label": dict(self.gold_mentions),
                     "duplicates": self.duplicates.get("gold", 0)},
            "predictions": {"mentions": sum(self.predicted_mentions.values()),
                            "by_label": dict(self.predicted_mentions),
                            "duplicates": self.duplicates.get("predictions", 0)},
        }
        if self.errors is not None:
            from .analysis import errors_by_kind

            payload["errors_by_kind"] = errors_by_kind(self.errors)
        if include_errors and self.errors is not None:
            payload["errors"] = [error.to_json() for error in self.errors]
        if self.bootstrap is not None:
            payload["bootstrap"] = self.bootstrap.to_json()
        if self.cross_corpus is not None:
            payload["cross_corpus"] = {result.name: result.to_json() for result in self.cross_corpus}
        if self.linking is not None:
            payload["linking"] = self.linking.to_json()
        return payload


# --- aligning the two sides -------------------------------------------------------------------


def align_documents(gold: Sequence[Document], predicted: Sequence[Document]) -> list[Document]:
    """The predicted document for each gold document, in gold order.

    A gold document without a prediction gets an empty one (it predicts nothing). A predicted
    document whose id the gold lacks, or whose text differs from the gold text, is an error, as
    is an id repeated on either side.
    """
    gold_by_id: dict[str, Document] = {}
    for document in gold:
        if document.id in gold_by_id:
            raise BionerError(f"gold: document id {document.id!r} appears more than once")
        gold_by_id[document.id] = document
    predicted_by_id: dict[str, Document] = {}
    for document in predicted:
        if document.id in predicted_by_id:
            raise BionerError(f"predictions: document id {document.id!r} appears more than once")
        reference = gold_by_id.get(document.id)
        if reference is None:
            raise BionerError(
                f"predictions: document {document.id!r} is not in the gold file; predictions must "
                "be made on the gold documents (same ids)"
            )
        _check_same_text(reference, document)
        predicted_by_id[document.id] = document
    return [
        predicted_by_id.get(document.id) or Document(document.id, list(document.passages))
        for document in gold
    ]


def _check_same_text(gold: Document, predicted: Document) -> None:
    gold_text, predicted_text = gold.text, predicted.text
    if gold_text == predicted_text or _one_line(gold_text) == _one_line(predicted_text):
        return  # PubTator writes a line break as a space: the offsets are the same
    at = next((i for i, (a, b) in enumerate(zip(gold_text, predicted_text)) if a != b),
              min(len(gold_text), len(predicted_text)))
    raise BionerError(
        f"document {gold.id!r}: the predicted text differs from the gold text at character {at} "
        f"(gold {gold_text[at:at + 30]!r}, predicted {predicted_text[at:at + 30]!r}; "
        f"lengths {len(gold_text)} and {len(predicted_text)}); offsets would not be comparable"
    )


def _one_line(text: str) -> str:
    return text.replace("\r", " ").replace("\n", " ")


def mention_spans(document: Document, side: str = "predictions") -> set[Span]:
    """The distinct (start, end, label) of a document's mentions, checked against its text."""
    length = len(document.text)
    spans: set[Span] = set()
    for mention in document.mentions:
        if not (0 <= mention.start < mention.end <= length):
            raise BionerError(
                f"{side}: document {document.id!r}: mention {mention.start}-{mention.end} "
                f"{mention.label} falls outside the text ({length} characters)"
            )
        if mention.label in RESERVED_LABELS:
            raise BionerError(f"{side}: document {document.id!r}: label {mention.label!r} is reserved "
                              "for averages in the report; rename it")
        spans.add(mention.key())
    return spans


# --- matching --------------------------------------------------------------------------------


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Half-open spans share at least one character."""
    return a[0] < b[1] and b[0] < a[1]


def strict_counts(gold: set[Span], predicted: set[Span], labels: Iterable[str]) -> dict[str, Counts]:
    counts: dict[str, Counts] = {}
    for label in labels:
        g = {s for s in gold if s[2] == label}
        p = {s for s in predicted if s[2] == label}
        tp = len(g & p)
        counts[label] = Counts(tp, len(p) - tp, len(g) - tp)
    return counts


def max_overlap_matching(gold: Sequence[tuple[int, int]], predicted: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """A maximum set of (gold index, predicted index) pairs of overlapping spans, each index once.

    Kuhn's algorithm with breadth-first search for augmenting paths (no recursion, so long
    documents cannot exhaust the stack).
    """
    adjacency = [[g for g, gold_span in enumerate(gold) if overlaps(gold_span, pred_span)]
                 for pred_span in predicted]
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
        g = found
        while g is not None:  # flip the augmenting path: root ... -> found
            p = reached_from[g]
            previous = pred_partner[p]
            gold_partner[g], pred_partner[p] = p, g
            g = previous
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


def score(
    gold: Sequence[Document],
    predicted: Sequence[Document],
    *,
    labels: Sequence[str] | None = None,
) -> Evaluation:
    """Strict and lenient scores of `predicted` against `gold` (see the module docstring).

    `labels` restricts scoring to those labels (mentions of others are ignored on both sides);
    by default every label seen in gold or predictions is scored, so a label only predicted
    shows up with its false positives. Error records and bootstrap intervals are added by
    `evaluate_documents`.
    """
    gold = list(gold)
    aligned = align_documents(gold, predicted)
    if labels is None:
        labels = collect_labels(gold, aligned)
    labels = list(labels)
    for label in labels:
        if label in RESERVED_LABELS:
            raise BionerError(f"label {label!r} is reserved for averages in the report; rename it")
    per_document = document_counts(gold, aligned, labels)
    strict = Scores.from_counts(sum_counts((d.strict for d in per_document), labels))
    lenient = Scores.from_counts(sum_counts((d.lenient for d in per_document), labels))
    from .concepts import concept_scores

    # Concept scores only mean something when the gold names concepts (BC5CDR does).
    has_ids = any(m.identifiers for d in gold for m in d.mentions)
    concepts = concept_scores(gold, aligned, labels) if has_ids else None

    gold_mentions: dict[str, int] = defaultdict(int)
    predicted_mentions: dict[str, int] = defaultdict(int)
    duplicates = {"gold": 0, "predictions": 0}
    for side, documents, tally in (("gold", gold, gold_mentions), ("predictions", aligned, predicted_mentions)):
        for document in documents:
            spans = mention_spans(document, side)
            duplicates[side] += len(document.mentions) - len(spans)
            for _, _, label in spans:
                if label in labels:
                    tally[label] += 1
    return Evaluation(
        strict=strict,
        lenient=lenient,
        documents=len(gold),
        labels=labels,
        gold_mentions={label: gold_mentions.get(label, 0) for label in labels},
        predicted_mentions={label: predicted_mentions.get(label, 0) for label in labels},
        duplicates=duplicates,
        gold=gold,
        predicted=aligned,
        concepts=concepts,
    )
