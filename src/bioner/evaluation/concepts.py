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

from collections.abc import Iterable, Sequence
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
    """The mention's identifiers, composites split, `-1` and empty dropped, `MESH:` removed."""
    return [normalise_identifier(i) for i in mention.identifiers]


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
    """Per label: gold mentions with an identifier, and how many the linker got exactly right."""

    total: dict[str, int]
    correct: dict[str, int]

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
            }
            for label in self.total
        }
        payload["micro"] = {
            "mentions": sum(self.total.values()),
            "correct": sum(self.correct.values()),
            "accuracy": self.accuracy(),
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
        return cls({k: v["mentions"] for k, v in labels.items()}, {k: v["correct"] for k, v in labels.items()})


def linking_accuracy(gold: Sequence[Document], linked: Sequence[Document]) -> LinkingAccuracy:
    """Compare identifiers of the same spans: `linked` holds the gold mentions with predicted ids.

    Gold mentions without an identifier (`-1`) are left out; a mention is right when its
    predicted identifier set equals the gold set (a composite needs every part).
    """
    total: dict[str, int] = {}
    correct: dict[str, int] = {}
    for g_doc, p_doc in zip(gold, linked, strict=True):
        predicted = {m.key(): set(mention_identifiers(m)) for m in p_doc.mentions}
        for mention in g_doc.mentions:
            wanted = set(mention_identifiers(mention))
            if not wanted:
                continue
            total[mention.label] = total.get(mention.label, 0) + 1
            if predicted.get(mention.key()) == wanted:
                correct[mention.label] = correct.get(mention.label, 0) + 1
    return LinkingAccuracy(dict(sorted(total.items())), correct)
