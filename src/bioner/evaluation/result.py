"""`Evaluation`, what scoring predictions gives, and its JSON (`bioner evaluate --json`).

`score` makes one from gold and predicted documents with the counting rules of `scoring`;
`Evaluation.from_json` and `read_evaluation` read one back (packaging copies its test figures
into the model card), checking every figure it restores.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..document import Document
from ..errors import BionerError
from .analysis import ErrorRecord, errors_by_kind
from .bootstrap import BootstrapResult
from .concepts import LinkingAccuracy, concept_scores
from .oddities import Oddities
from .relations import RelationEvaluation
from .scoring import (
    RESERVED_LABELS,
    Scores,
    align_documents,
    collect_labels,
    document_counts,
    mention_spans,
    sum_counts,
)


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
    errors: list[ErrorRecord] | None = field(default=None, repr=False)
    """Every strict FP and FN (see `analysis`); None until analysed."""
    bootstrap: BootstrapResult | None = None
    concepts: Scores | None = None
    """Concept-level scores (see `concepts`): per document, distinct (label, identifier) pairs;
    None when no gold mention carries an identifier."""
    linking: LinkingAccuracy | None = None
    """Linking accuracy on gold mentions, when asked for (`bioner evaluate --gold-mentions`)."""
    cross_corpus: list[Any] | None = None
    """`cross_corpus.CorpusScore`s of other corpora's held-out parts, when asked for."""
    text_mismatches: int = 0
    """Predicted mentions whose text column differs from the text at their offsets: scored by
    their offsets, as the BioCreative scorer counts."""
    oddities: Oddities | None = None
    """What the BioCreative scorer counts although it looks wrong in a prediction file (empty
    spans, offsets past the text, texts that differ, documents not in the gold; see `oddities`);
    None when the predictions come from a model."""
    relations: RelationEvaluation | None = None
    """Relation scores (see `relations`) when the gold has relations; None otherwise."""
    notes: list[str] = field(default_factory=list)
    """What was asked for but not scored, and why (printed under the table, JSON `notes`)."""

    def to_json(self, *, include_errors: bool = False) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "strict": self.strict.to_json(),
            "lenient": self.lenient.to_json(),
            **({"concepts": self.concepts.to_json()} if self.concepts is not None else {}),
            "documents": self.documents,
            "labels": list(self.labels),
            "gold": {
                "mentions": sum(self.gold_mentions.values()),
                "by_label": dict(self.gold_mentions),
                "duplicates": self.duplicates.get("gold", 0),
            },
            "predictions": {
                "mentions": sum(self.predicted_mentions.values()),
                "by_label": dict(self.predicted_mentions),
                "duplicates": self.duplicates.get("predictions", 0),
                "text_mismatches": self.text_mismatches,
            },
        }
        if self.errors is not None:
            payload["errors_by_kind"] = errors_by_kind(self.errors)
        if include_errors and self.errors is not None:
            payload["errors"] = [error.to_json() for error in self.errors]
        if self.bootstrap is not None:
            payload["bootstrap"] = self.bootstrap.to_json()
        if self.cross_corpus is not None:
            payload["cross_corpus"] = {result.name: result.to_json() for result in self.cross_corpus}
        if self.linking is not None:
            payload["linking"] = self.linking.to_json()
        if self.oddities is not None:
            payload["oddities"] = self.oddities.to_json()
        if self.relations is not None:
            payload["relations"] = self.relations.to_json()
        if self.notes:
            payload["notes"] = list(self.notes)
        return payload

    @classmethod
    def from_json(cls, data: Any, where: str = "evaluation") -> Evaluation:
        """The scores of `to_json` back, checked (a fraction out of [0, 1] names its key).

        Documents, error records and cross-corpus scores are not restored: the JSON keeps only
        their counts.
        """
        if not isinstance(data, dict) or "strict" not in data:
            raise BionerError(f'{where}: not an evaluation written by `bioner evaluate --json` (no "strict" scores)')
        strict = Scores.from_json(data["strict"], "strict")
        if "lenient" not in data:
            raise BionerError(f'{where}: no "lenient" scores (`bioner evaluate --json` writes both)')
        sides: dict[str, dict[str, Any]] = {
            side: data[side] if isinstance(data.get(side), dict) else {} for side in ("gold", "predictions")
        }
        documents = data.get("documents", 0)
        if not isinstance(documents, int) or isinstance(documents, bool) or documents < 0:
            raise BionerError(f'{where}: "documents" must be a count, not {documents!r}')
        return cls(
            strict=strict,
            lenient=Scores.from_json(data["lenient"], "lenient"),
            documents=documents,
            labels=list(data.get("labels", strict.labels)),
            gold_mentions=dict(sides["gold"].get("by_label", {})),
            predicted_mentions=dict(sides["predictions"].get("by_label", {})),
            duplicates={side: sides[side].get("duplicates", 0) for side in sides},
            text_mismatches=_count(sides["predictions"].get("text_mismatches", 0), f"{where}: text_mismatches"),
            bootstrap=BootstrapResult.from_json(data["bootstrap"], "bootstrap") if "bootstrap" in data else None,
            concepts=Scores.from_json(data["concepts"], "concepts") if "concepts" in data else None,
            linking=LinkingAccuracy.from_json(data["linking"], "linking") if "linking" in data else None,
            oddities=Oddities.from_json(data["oddities"], "oddities") if "oddities" in data else None,
            relations=RelationEvaluation.from_json(data["relations"]) if data.get("relations") else None,
        )


def read_evaluation(path: str | Path) -> Evaluation:
    """An evaluation JSON file (`bioner evaluate --json`); errors name the file and the key."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise BionerError(f"{path}: cannot read the evaluation JSON: {error}") from None
    try:
        return Evaluation.from_json(data, str(path))
    except BionerError as error:
        message = str(error)
        raise BionerError(message if message.startswith(str(path)) else f"{path}: {message}") from None


def score(
    gold: Sequence[Document],
    predicted: Sequence[Document],
    *,
    labels: Sequence[str] | None = None,
) -> Evaluation:
    """Strict and lenient scores of `predicted` against `gold` (see `scoring`).

    `labels` restricts scoring to those labels (mentions of others are ignored on both sides);
    by default every label seen in gold or predictions is scored, so a label only predicted
    shows up with its false positives. Error records and bootstrap intervals are added by
    `evaluate_documents`.
    """
    gold_documents = len(gold)
    gold, aligned = align_documents(gold, predicted)
    if labels is None:
        labels = collect_labels(gold, aligned)
    labels = list(labels)
    for label in labels:
        if label in RESERVED_LABELS:
            raise BionerError(f"label {label!r} is reserved for averages in the report; rename it")
    per_document = document_counts(gold, aligned, labels)
    strict = Scores.from_counts(sum_counts((d.strict for d in per_document), labels))
    lenient = Scores.from_counts(sum_counts((d.lenient for d in per_document), labels))

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
        documents=gold_documents,
        labels=labels,
        gold_mentions={label: gold_mentions.get(label, 0) for label in labels},
        predicted_mentions={label: predicted_mentions.get(label, 0) for label in labels},
        duplicates=duplicates,
        gold=gold,
        predicted=aligned,
        concepts=concepts,
    )


def _count(value: Any, where: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise BionerError(f"{where} must be a count, not {value!r}")
    return value
