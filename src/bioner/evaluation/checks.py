"""Refusing evaluations that would score 0.00 for a reason other than the tagger's quality.

A prediction file that is empty, or predictions whose labels are all different from the gold's
(`chemical` against `Chemical`, `CHEMICAL` from another tool), used to give a table of zeros
and exit 0. These are input mistakes: said in one line, before any report is written.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import BionerError
from ..formats import SNIFF_BYTES
from ..formats._io import open_input
from .result import Evaluation


def check_predictions_file(path: str | Path) -> None:
    """An empty prediction file is a mistake (a run that failed, a wrong path), not a score of 0."""
    path = Path(path)
    if path.is_file() and path.suffix != ".spacy" and not _head(path).strip():
        raise BionerError(f"{path}: the prediction file is empty; nothing to score")


def _head(path: Path) -> bytes:
    with open_input(path) as handle:
        return handle.read(SNIFF_BYTES)


def check_comparable(evaluation: Evaluation, *, predictions: str | None = None) -> list[str]:
    """Raise when no predicted label is a gold label; return warnings for what may be meant."""
    gold = {label for label, n in evaluation.gold_mentions.items() if n}
    predicted = {label for label, n in evaluation.predicted_mentions.items() if n}
    source = f"predictions {predictions}" if predictions else "the model's predictions"
    if gold and predicted and not gold & predicted:
        folded = {label.casefold(): label for label in gold}
        hints = [
            f"{label!r} is {folded[label.casefold()]!r}" for label in sorted(predicted) if label.casefold() in folded
        ]
        hint = f" (labels are case-sensitive: {', '.join(hints)})" if hints else ""
        raise BionerError(
            f"no label of the {source} ({', '.join(sorted(predicted))}) is a gold label "
            f"({', '.join(sorted(gold))}){hint}; every score would be 0"
        )
    warnings = []
    oddities = evaluation.oddities
    if oddities is not None and oddities.total:
        n = oddities.total
        warnings.append(
            f"{n:,} odd prediction{'s' if n != 1 else ''} in {source} ({oddities.summary()}), scored by offsets "
            f"as the BioCreative scorer counts them; first: {oddities.first}"
        )
    if not predicted:
        warnings.append(f"{source} hold no mention in the {evaluation.documents} gold documents; every score is 0")
    if not gold:
        warnings.append("the gold holds no mention; recall is 0 and every prediction is a false positive")
    return warnings
