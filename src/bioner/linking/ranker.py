"""The linker's ranker: features of a (mention, candidate concept) pair and a linear score.

Candidates come from `candidates` (exact names of the mention and of its abbreviation's long
form, else near names); each concept is described by how well its names match, how often
annotators chose it for that name, what kind of record it is, whether its label agrees with the
mention's, and whether the document names it elsewhere. Gradient-boosted trees (trained by
`learn.train_ranker`, stored as node arrays in JSON; a logistic regression's coefficients also
work, and a hand-set one serves knowledge bases made without gold) turn that into the
probability that the candidate is right; the best candidate is kept when that probability reaches the threshold,
otherwise the mention gets `-1` (NIL). Only numpy at run time: this module is copied into
packaged models.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

KINDS = ("descriptor", "supplementary", "ctd", "corpus")
LABELS = ("Chemical", "Disease")
FEATURES = (
    "similarity",
    "similarity_long_form",
    "exact",
    "exact_long_form",
    "log_count",
    "share",
    "listed",
    "log_prior",
    "descriptor",
    "supplementary",
    "ctd",
    "corpus",
    "omim",
    "label_agrees",
    "label_unknown",
    "log_ambiguity",
    "in_document",
    "short_exact",
    "composite_id",
    "similarity_gap",
    "most_chosen",
    "long_form_in_document",
)
INDEX = {name: i for i, name in enumerate(FEATURES)}


@dataclass
class Evidence:
    """What the candidate index says about one concept for one mention (merged over its names)."""

    similarity: float = 0.0
    similarity_long_form: float = 0.0
    exact: bool = False
    exact_long_form: bool = False
    count: int = 0
    key_total: int = 0
    listed: bool = False
    ambiguity: int = 1
    implicit: bool = False
    """The long form is another mention of the document that the short form abbreviates (no definition)."""


@dataclass
class ConceptInfo:
    identifier: str
    kind: str
    label: str | None
    prior: int


def features(
    mention: str,
    label: str,
    evidence: Mapping[int, Evidence],
    concepts: Any,
    in_document: Mapping[int, bool],
) -> tuple[list[int], np.ndarray]:
    """(concept indices, feature matrix) for one mention's candidates; `concepts[i]` is a `ConceptInfo`."""
    ids = list(evidence)
    matrix = np.zeros((len(ids), len(FEATURES)), dtype=np.float32)
    if not ids:
        return ids, matrix
    best = max(max(e.similarity, e.similarity_long_form) for e in evidence.values())
    most = max(e.count for e in evidence.values())
    short = len(mention) <= 5
    for row, concept in enumerate(ids):
        e = evidence[concept]
        info = concepts[concept]
        values = matrix[row]
        values[INDEX["similarity"]] = e.similarity
        values[INDEX["similarity_long_form"]] = e.similarity_long_form
        values[INDEX["exact"]] = e.exact
        values[INDEX["exact_long_form"]] = e.exact_long_form
        values[INDEX["log_count"]] = math.log1p(e.count)
        values[INDEX["share"]] = e.count / e.key_total if e.key_total else 0.0
        values[INDEX["listed"]] = e.listed
        values[INDEX["log_prior"]] = math.log1p(info.prior)
        values[INDEX[info.kind]] = 1.0
        values[INDEX["omim"]] = info.identifier.startswith("OMIM")
        values[INDEX["label_agrees"]] = info.label == label
        values[INDEX["label_unknown"]] = info.label is None
        values[INDEX["log_ambiguity"]] = math.log(max(1, e.ambiguity))
        values[INDEX["in_document"]] = in_document.get(concept, False)
        values[INDEX["short_exact"]] = short and (e.exact or e.exact_long_form)
        values[INDEX["composite_id"]] = "|" in info.identifier
        values[INDEX["similarity_gap"]] = max(e.similarity, e.similarity_long_form) - best
        values[INDEX["most_chosen"]] = e.count > 0 and e.count == most
        values[INDEX["long_form_in_document"]] = e.implicit
    return ids, matrix


DEFAULT_WEIGHTS = {
    "similarity": 7.0,
    "similarity_long_form": 7.0,
    "exact": 2.0,
    "exact_long_form": 2.0,
    "log_count": 0.5,
    "share": 1.0,
    "label_agrees": 0.5,
    "similarity_gap": 3.0,
}
"""A hand-set ranker for knowledge bases made without training gold: a near name is accepted from
about 0.8 similarity, exact names always, and annotators' choices settle shared names."""


@dataclass
class Trees:
    """Gradient-boosted regression trees flattened into node arrays: all trees are walked at once,
    one numpy step per level. A leaf points to itself, so walking past it changes nothing."""

    feature: np.ndarray
    threshold: np.ndarray
    left: np.ndarray
    right: np.ndarray
    value: np.ndarray
    roots: np.ndarray
    depth: int
    baseline: float

    def raw(self, matrix: np.ndarray) -> np.ndarray:
        nodes = np.broadcast_to(self.roots, (len(matrix), len(self.roots)))
        rows = np.arange(len(matrix))[:, None]
        for _ in range(self.depth):
            go_left = matrix[rows, self.feature[nodes]] <= self.threshold[nodes]
            nodes = np.where(go_left, self.left[nodes], self.right[nodes])
        return self.baseline + self.value[nodes].sum(axis=1)

    def to_json(self) -> dict[str, Any]:
        return {
            "feature": self.feature.tolist(),
            "threshold": [float(t) for t in self.threshold],
            "left": self.left.tolist(),
            "right": self.right.tolist(),
            "value": [float(v) for v in self.value],
            "roots": self.roots.tolist(),
            "depth": self.depth,
            "baseline": self.baseline,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Trees:
        return cls(
            np.array(data["feature"], dtype=np.int32),
            np.array(data["threshold"], dtype=np.float64),
            np.array(data["left"], dtype=np.int32),
            np.array(data["right"], dtype=np.int32),
            np.array(data["value"], dtype=np.float64),
            np.array(data["roots"], dtype=np.int32),
            int(data["depth"]),
            float(data["baseline"]),
        )


@dataclass
class Ranker:
    """A logistic regression (`coefficients`, `intercept`) or, when `trees` is set, gradient-boosted
    trees over the same features; either gives the probability that a candidate is right."""

    coefficients: np.ndarray
    intercept: float
    threshold: float = 0.5
    info: dict[str, Any] = field(default_factory=dict)
    trees: Trees | None = None

    @classmethod
    def default(cls) -> Ranker:
        weights = np.array([DEFAULT_WEIGHTS.get(name, 0.0) for name in FEATURES], dtype=np.float32)
        return cls(weights, -6.0, 0.5, {"trained": False})

    def probabilities(self, matrix: np.ndarray) -> np.ndarray:
        scores = self.trees.raw(matrix) if self.trees is not None else matrix @ self.coefficients + self.intercept
        return 1.0 / (1.0 + np.exp(-scores))

    def to_json(self) -> dict[str, Any]:
        return {
            "features": list(FEATURES),
            "coefficients": [float(c) for c in self.coefficients],
            "intercept": float(self.intercept),
            "threshold": float(self.threshold),
            "info": self.info,
            **({"trees": self.trees.to_json()} if self.trees is not None else {}),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Ranker:
        """Coefficients by feature name; a feature the file lacks weighs 0 (and one it has extra is an
        error). Trees must use this linker's features in this order."""
        weights = dict(zip(data["features"], data["coefficients"], strict=True))
        unknown = set(weights) - set(FEATURES)
        if unknown:
            raise ValueError(f"ranker features unknown to this linker: {', '.join(sorted(unknown))}")
        trees = None
        if data.get("trees"):
            if list(data["features"]) != list(FEATURES):
                raise ValueError("the ranker's trees were trained on other features than this linker computes")
            trees = Trees.from_json(data["trees"])
        coefficients = np.array([weights.get(name, 0.0) for name in FEATURES], dtype=np.float32)
        return cls(
            coefficients,
            float(data["intercept"]),
            float(data.get("threshold", 0.5)),
            dict(data.get("info", {})),
            trees,
        )
