"""Concept-level scores, as the BioCreative V CDR disease-normalisation task counted them.

Per document, each side is the set of (label, identifier) pairs of its mentions: a composite
identifier `D1|D2` gives two pairs, `-1` (and `-`, or empty) gives none, a concept named
several times in a document counts once, and a `MESH:` prefix is dropped so that PubTator3's
`MESH:D008094` equals BC5CDR's `D008094`. Then per label TP = |gold ∩ predicted|,
FP = |predicted − gold|, FN = |gold − predicted|, summed over documents. Offsets play no part:
a concept found anywhere in the abstract counts.

Linking accuracy on gold mentions (`linking_accuracy`) scores the linker apart from NER: the
share of gold mentions with an identifier whose predicted identifier set equals the gold one.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ..document import Document, Mention
from ..errors import BionerError
from .scoring import Counts, Scores, safe_ratio

Concept = tuple[str, str]
"""(label, identifier) of a concept named in one document."""


def normalise_identifier(identifier: str) -> str:
    """`MESH:D008094` -> `D008094`; other prefixes (`OMIM:`) are kept."""
    identifier = identifier.strip()
    return identifier[5:] if identifier.upper().startswith("MESH:") else identifier


def mention_identifiers(mention: Mention) -> list[str]:
    """The mention's identifiers, composites split (`|`, and NCBI disease's `+`), `-1` and empty
    dropped, `MESH:` removed."""
    return [normalise_identifier(i) for raw in mention.identifiers for i in raw.split("+") if i.strip()]


def document_concepts(document: Document, labels: Iterable[str] | None = None) -> set[Concept]:
    wanted = set(labels) if labels is not None else None
    return {
        (mention.label, identifier)
        for mention in document.mentions
        if wanted is None or mention.label in wanted
        for identifier in mention_identifiers(mention)
    }


def concept_counts(gold: Sequence[Document], predicted: Sequence[Document], labels: Sequence[str]) -> dict[str, Counts]:
    """Counts per label over aligned document pairs (see `scoring.align_documents`)."""
    totals = {label: Counts() for label in labels}
    for g_doc, p_doc in zip(gold, predicted, strict=True):
        g = document_concepts(g_doc, labels)
        p = document_concepts(p_doc, labels)
        for label in labels:
            g_label = {c for c in g if c[0] == label}
            p_label = {c for c in p if c[0] == label}
            tp = len(g_label & p_label)
            totals[label] = totals[label] + Counts(tp, len(p_label) - tp, len(g_label) - tp)
    return totals


def concept_scores(gold: Sequence[Document], predicted: Sequence[Document], labels: Sequence[str]) -> Scores:
    return Scores.from_counts(concept_counts(gold, predicted, labels))


@dataclass(frozen=True)
class LinkingAccuracy:
    """Per label: gold mentions with an identifier, how many the linker got exactly right, and
    how many it could not get right because one of their ids is not in its knowledge base."""

    total: dict[str, int]
    correct: dict[str, int]
    absent: dict[str, int] | None = None
    """Gold mentions with an id the knowledge base lacks (None: not known)."""

    def absent_share(self, label: str | None = None) -> float:
        absent = self.absent or {}
        if label is None:
            return safe_ratio(sum(absent.values()), sum(self.total.values()))
        return safe_ratio(absent.get(label, 0), self.total.get(label, 0))

    def accuracy(self, label: str | None = None) -> float:
        if label is None:
            return safe_ratio(sum(self.correct.values()), sum(self.total.values()))
        return safe_ratio(self.correct.get(label, 0), self.total.get(label, 0))

    def to_json(self) -> dict[str, Any]:
        payload: dict[str, Any] = {
            label: {
                "mentions": self.total[label],
                "correct": self.correct.get(label, 0),
                "accuracy": self.accuracy(label),
                **(
                    {"absent_from_kb": self.absent.get(label, 0), "upper_bound": 1 - self.absent_share(label)}
                    if self.absent is not None
                    else {}
                ),
            }
            for label in self.total
        }
        payload["micro"] = {
            "mentions": sum(self.total.values()),
            "correct": sum(self.correct.values()),
            "accuracy": self.accuracy(),
            **(
                {"absent_from_kb": sum(self.absent.values()), "upper_bound": 1 - self.absent_share()}
                if self.absent is not None
                else {}
            ),
        }
        return payload

    @classmethod
    def from_json(cls, data: Any, where: str) -> LinkingAccuracy:
        labels = {k: v for k, v in data.items() if k != "micro"} if isinstance(data, dict) else None
        if labels is None or not all(
            isinstance(v, dict) and isinstance(v.get("mentions"), int) and isinstance(v.get("correct"), int)
            for v in labels.values()
        ):
            raise BionerError(f"{where} must hold mentions and correct counts per label")
        absent = (
            {k: int(v["absent_from_kb"]) for k, v in labels.items()}
            if all("absent_from_kb" in v for v in labels.values())
            else None
        )
        return cls({k: v["mentions"] for k, v in labels.items()}, {k: v["correct"] for k, v in labels.items()}, absent)


def linking_accuracy(
    gold: Sequence[Document], linked: Sequence[Document], known: Collection[str] | None = None
) -> LinkingAccuracy:
    """Compare identifiers of the same spans: `linked` holds the gold mentions with predicted ids.

    Gold mentions without an identifier (`-1`) are left out; a mention is right when its
    predicted identifier set equals the gold set (a composite needs every part). With `known`
    (the knowledge base's ids), mentions with an id outside it are counted as absent: the
    accuracy can reach at most 1 - their share.
    """
    total: dict[str, int] = {}
    correct: dict[str, int] = {}
    absent: dict[str, int] | None = {} if known is not None else None
    known = set(known) if known is not None else None
    for g_doc, p_doc in zip(gold, linked, strict=True):
        predicted = {m.key(): set(mention_identifiers(m)) for m in p_doc.mentions}
        for mention in g_doc.mentions:
            wanted = set(mention_identifiers(mention))
            if not wanted:
                continue
            total[mention.label] = total.get(mention.label, 0) + 1
            if predicted.get(mention.key()) == wanted:
                correct[mention.label] = correct.get(mention.label, 0) + 1
            if absent is not None and known is not None and not wanted <= known:
                absent[mention.label] = absent.get(mention.label, 0) + 1
    return LinkingAccuracy(dict(sorted(total.items())), correct, absent)


def heldout_concept_scores(
    gold: Sequence[Document], predicted: Sequence[Document], labels: Sequence[str]
) -> Scores | None:
    """Concept-level scores of a held-out corpus for the cross-corpus table (NCBI disease dev:
    MeSH and OMIM ids, its classes mapped to Disease beforehand); None when its gold carries no
    identifier. `predicted` is aligned with `gold` by document id."""
    if not any(mention_identifiers(m) for d in gold for m in d.mentions):
        return None
    by_id = {d.id: d for d in predicted}
    aligned = [by_id.get(d.id, Document(d.id, list(d.passages), [])) for d in gold]
    return concept_scores(gold, aligned, labels)


def format_concept_row(name: str, scores: Scores, label: str) -> str:
    """One cross-corpus table row (same columns as its strict rows) for concept-level scores."""
    prf = scores.labels[label]
    return (
        f"{name:<20}{label:<10}{100 * prf.precision:>7.2f}{100 * prf.recall:>7.2f}{100 * prf.f1:>7.2f}"
        f"{'':>12}   concepts: distinct (document, id)"
    )
