"""Bootstrap confidence intervals for F1, resampling documents with replacement.

Each of `samples` replicates draws as many documents as there are, with replacement, from a
`numpy.random.default_rng(seed)` generator; a document drawn k times contributes its counts k
times. F1 is recomputed from the pooled counts of each replicate (micro: pooled over labels;
per label; macro: mean of per-label F1s), and the interval is the percentile interval
(2.5th and 97.5th percentiles for 95%). The same seed gives the same intervals.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..document import Document
from ..errors import BionerError
from .scoring import MACRO, MICRO, DocumentCounts, Scores, document_counts

DEFAULT_SEED = 0
DEFAULT_CONFIDENCE = 0.95
_CHUNK = 500


@dataclass(frozen=True)
class Interval:
    f1: float
    """F1 on the documents as they are."""
    low: float
    high: float

    def to_json(self) -> dict[str, float]:
        return {"f1": self.f1, "low": self.low, "high": self.high}

    @classmethod
    def from_json(cls, data: Any, where: str) -> Interval:
        values = [data.get(key) if isinstance(data, dict) else None for key in ("f1", "low", "high")]
        if not all(isinstance(v, (int, float)) and not isinstance(v, bool) and 0.0 <= v <= 1.0 for v in values):
            raise BionerError(f"{where} must hold f1, low and high as fractions in [0, 1]")
        return cls(data["f1"], data["low"], data["high"])


@dataclass(frozen=True)
class BootstrapResult:
    samples: int
    seed: int
    confidence: float
    strict: dict[str, Interval]
    """Keyed by label, `micro` and `macro`."""
    lenient: dict[str, Interval]

    def to_json(self) -> dict[str, Any]:
        return {
            "samples": self.samples,
            "seed": self.seed,
            "confidence": self.confidence,
            "strict": {key: interval.to_json() for key, interval in self.strict.items()},
            "lenient": {key: interval.to_json() for key, interval in self.lenient.items()},
        }

    @classmethod
    def from_json(cls, data: Any, where: str) -> BootstrapResult:
        if not isinstance(data, dict) or not all(isinstance(data.get(k), dict) for k in ("strict", "lenient")):
            raise BionerError(f"{where} must hold strict and lenient intervals")
        intervals = {
            mode: {key: Interval.from_json(value, f"{where}.{mode}.{key}") for key, value in data[mode].items()}
            for mode in ("strict", "lenient")
        }
        return cls(
            data.get("samples", 0),
            data.get("seed", DEFAULT_SEED),
            data.get("confidence", DEFAULT_CONFIDENCE),
            intervals["strict"],
            intervals["lenient"],
        )


def counts_array(per_document: Sequence[DocumentCounts], labels: Sequence[str], mode: str) -> np.ndarray:
    """Array (documents, labels, 3) of TP, FP, FN."""
    array = np.zeros((len(per_document), len(labels), 3), dtype=np.int64)
    for i, document in enumerate(per_document):
        counts = getattr(document, mode)
        for j, label in enumerate(labels):
            c = counts[label]
            array[i, j] = (c.tp, c.fp, c.fn)
    return array


def _f1(tp: np.ndarray, fp: np.ndarray, fn: np.ndarray) -> np.ndarray:
    """F1 = 2TP / (2TP + FP + FN), 0.0 where the denominator is 0 (equal to 2PR/(P+R))."""
    denominator = 2 * tp + fp + fn
    return np.divide(2 * tp, denominator, out=np.zeros(tp.shape, dtype=float), where=denominator > 0)


def replicate_f1(array: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-label, micro and macro F1 for each row of `weights` (replicates x documents)."""
    totals = np.einsum("rd,dlc->rlc", weights, array)  # replicates x labels x 3
    per_label = _f1(totals[..., 0], totals[..., 1], totals[..., 2])
    pooled = totals.sum(axis=1)
    micro = _f1(pooled[:, 0], pooled[:, 1], pooled[:, 2])
    macro = per_label.mean(axis=1) if per_label.shape[1] else np.zeros(len(weights))
    return per_label, micro, macro


def bootstrap(
    per_document: Sequence[DocumentCounts],
    labels: Sequence[str],
    point: dict[str, Scores],
    *,
    samples: int,
    seed: int = DEFAULT_SEED,
    confidence: float = DEFAULT_CONFIDENCE,
) -> BootstrapResult:
    """Percentile intervals for micro, macro and per-label F1, for each mode in `point`
    (`strict`, `lenient`; their scores on the full data)."""
    labels = list(labels)
    arrays = {mode: counts_array(per_document, labels, mode) for mode in point}
    intervals = count_intervals(arrays, labels, point, samples=samples, seed=seed, confidence=confidence)
    return BootstrapResult(samples, seed, confidence, intervals["strict"], intervals["lenient"])


def count_intervals(
    arrays: dict[str, np.ndarray],
    labels: Sequence[str],
    point: dict[str, Scores],
    *,
    samples: int,
    seed: int = DEFAULT_SEED,
    confidence: float = DEFAULT_CONFIDENCE,
) -> dict[str, dict[str, Interval]]:
    """Intervals keyed by label, `micro` and `macro`, for each named array (documents, labels, 3)
    of TP/FP/FN: the same resampled documents for every array, so modes (or relation settings)
    are compared on the same draws. Relation scoring uses it with relation types as labels."""
    if samples < 1:
        raise ValueError("the bootstrap needs at least one sample")
    labels = list(labels)
    n = next(iter(arrays.values())).shape[0] if arrays else 0
    values: dict[str, tuple[list[np.ndarray], ...]] = {mode: ([], [], []) for mode in arrays}
    rng = np.random.default_rng(seed)
    done = 0
    while done < samples:
        size = min(_CHUNK, samples - done)
        draws = rng.integers(0, n, size=(size, n)) if n else np.zeros((size, 0), dtype=np.int64)
        weights = np.zeros((size, n), dtype=np.int64)
        for row in range(size):
            weights[row] = np.bincount(draws[row], minlength=n)
        for mode, array in arrays.items():
            for bucket, result in zip(values[mode], replicate_f1(array, weights), strict=True):
                bucket.append(result)
        done += size
    tail = (1 - confidence) / 2 * 100
    intervals: dict[str, dict[str, Interval]] = {}
    for mode, (per_label, micro, macro) in values.items():
        per_label_all = np.concatenate(per_label) if labels else np.zeros((samples, 0))
        scores = point[mode]

        def interval(sample: np.ndarray, f1: float) -> Interval:
            low, high = np.percentile(sample, [tail, 100 - tail])
            return Interval(f1, float(low), float(high))

        found = {label: interval(per_label_all[:, j], scores.labels[label].f1) for j, label in enumerate(labels)}
        found[MICRO] = interval(np.concatenate(micro), scores.micro.f1)
        found[MACRO] = interval(np.concatenate(macro), scores.macro.f1)
        intervals[mode] = found
    return intervals


def bootstrap_evaluation(
    gold: Sequence[Document],
    predicted: Sequence[Document],
    labels: Sequence[str],
    scores: dict[str, Scores],
    *,
    samples: int,
    seed: int = DEFAULT_SEED,
    confidence: float = DEFAULT_CONFIDENCE,
) -> BootstrapResult:
    """Bootstrap intervals around `scores` ({"strict": ..., "lenient": ...}) of aligned documents."""
    per_document = document_counts(gold, predicted, labels)
    return bootstrap(per_document, labels, scores, samples=samples, seed=seed, confidence=confidence)
