"""Training the linker's ranker on gold mentions (scikit-learn; not part of packaged models).

Every gold mention of the training corpora is linked the way the pipeline links it (long forms
from the abbreviation detector, exact names, else near names), except that the document's own
annotations are taken out of the counts and priors it sees (and names only it gave are
dropped): otherwise each training mention would find its own answer in the knowledge base and
the ranker would learn to trust counts more than they deserve. A classifier is fitted on
(candidate is the gold id) over all candidates: gradient-boosted trees (scikit-learn's
HistGradientBoostingClassifier, exported as node arrays) beat a logistic regression on BC5CDR
dev gold mentions by about 2 points of accuracy, as similarity matters most where no name is
exact and counts where one is (a logistic regression for toy corpora); the NIL threshold is the probability that
maximises concept-level F1 over those same held-out-counts mentions.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import spacy

from ..document import Document
from ..pipeline.components import AbbreviationPropagator
from ..pipeline.tokenizer import create_biomedical_tokenizer
from .candidates import normalise
from .gold import corpus_entries, label_mapping, mention_ids
from .linker import KnowledgeBase, Linker
from .ranker import FEATURES, INDEX, Ranker, Trees

NIL = "-1"
MIN_TREE_ROWS = 200
"""Fewer candidate rows than this (a toy corpus) train a logistic regression: trees need data."""


def _long_forms(documents: Sequence[Document]) -> list[dict[str, str]]:
    nlp = spacy.blank("en")
    nlp.tokenizer = create_biomedical_tokenizer()(nlp)
    detector = AbbreviationPropagator(nlp)
    result = []
    for document in documents:
        doc = nlp.make_doc(document.text)
        result.append({short.text: long.text for long, shorts in detector.definitions(doc) for short in shorts})
    return result


def _gold(document: Document, labels: Mapping[str, str]) -> dict[tuple[str, str], str]:
    """(text, label) -> the id annotators gave it most often in this document (`-1` when none)."""
    votes: dict[tuple[str, str], Counter] = {}
    for mention in document.mentions:
        label = labels.get(mention.label)
        if label is None:
            continue
        ids = mention_ids(mention)
        votes.setdefault((mention.text, label), Counter())["|".join(ids) if ids else NIL] += 1
    return {key: counter.most_common(1)[0][0] for key, counter in votes.items()}


def training_rows(
    linker: Linker, documents: Sequence[Document], labels: Mapping[str, str]
) -> tuple[np.ndarray, np.ndarray, list[tuple[int, str, list[str], int]]]:
    """Feature rows, targets, and per mention (first row, gold id, candidate ids, document number)."""
    position = {identifier: i for i, identifier in enumerate(linker.concepts.identifiers)}
    matrices: list[np.ndarray] = []
    targets: list[np.ndarray] = []
    mentions: list[tuple[int, str, list[str], int]] = []
    rows = 0
    for number, (document, long_forms) in enumerate(zip(documents, _long_forms(documents), strict=True)):
        gold = _gold(document, labels)
        if not gold:
            continue
        exclude: Counter = Counter()
        prior: Counter = Counter()
        for (label, name, identifier), n in corpus_entries([document], labels).items():
            index = linker.indexes.get(label)
            concept = position.get(identifier)
            row = index.exact(normalise(name)) if index is not None else -1
            if concept is not None and row >= 0:
                exclude[(label, row, concept)] += n
                prior[identifier] += n
        keys = list(gold)
        for (text, label), (ids, matrix, _) in zip(
            keys, linker.candidates_for_training(keys, long_forms, exclude), strict=True
        ):
            for i, identifier in enumerate(ids):
                if prior[identifier]:
                    own = int(linker.concepts.priors[position[identifier]]) - prior[identifier]
                    matrix[i, INDEX["log_prior"]] = math.log1p(max(0, own))
            answer = gold[(text, label)]
            matrices.append(matrix)
            targets.append(np.array([identifier == answer for identifier in ids], dtype=np.int8))
            mentions.append((rows, answer, ids, number))
            rows += len(ids)
    if not matrices:
        return np.zeros((0, len(FEATURES)), np.float32), np.zeros(0, np.int8), []
    return np.vstack(matrices), np.concatenate(targets), mentions


def choose_threshold(probabilities: np.ndarray, mentions: Sequence[tuple[int, str, list[str], int]]) -> float:
    """The NIL threshold with the best concept-level F1 (distinct (document, id) pairs, as the
    BioCreative scorer counts) over the training mentions: a wrong id costs precision, `-1` only
    recall."""
    tops: list[tuple[int, float, str | None, str]] = []  # (document, probability, best id, gold)
    for start, answer, ids, document in mentions:
        if ids:
            top = int(np.argmax(probabilities[start : start + len(ids)]))
            tops.append((document, float(probabilities[start + top]), ids[top], answer))
        else:
            tops.append((document, 0.0, None, answer))
    gold = {(d, i) for d, _, _, answer in tops if answer != NIL for i in answer.split("|")}
    best, best_f1 = 0.5, -1.0
    for threshold in np.arange(0.05, 0.96, 0.05):
        predicted = {(d, i) for d, p, top, _ in tops if top is not None and p >= threshold for i in top.split("|")}
        tp = len(gold & predicted)
        f1 = 2 * tp / (len(gold) + len(predicted)) if gold or predicted else 0.0
        if f1 > best_f1:
            best, best_f1 = float(threshold), f1
    return round(best, 2)


def export_trees(model: Any) -> Trees:
    """A fitted binary `HistGradientBoostingClassifier` as flat node arrays (see `ranker.Trees`)."""
    feature: list[int] = []
    threshold: list[float] = []
    left: list[int] = []
    right: list[int] = []
    value: list[float] = []
    roots: list[int] = []
    depth = 0
    for (predictor,) in model._predictors:
        nodes = predictor.nodes
        base = len(feature)
        roots.append(base)
        for i, node in enumerate(nodes):
            leaf = bool(node["is_leaf"])
            feature.append(0 if leaf else int(node["feature_idx"]))
            threshold.append(np.inf if leaf else float(node["num_threshold"]))
            left.append(base + i if leaf else base + int(node["left"]))
            right.append(base + i if leaf else base + int(node["right"]))
            value.append(float(node["value"]) if leaf else 0.0)
            depth = max(depth, int(node["depth"]))
    return Trees(
        np.array(feature, dtype=np.int32),
        np.array(threshold, dtype=np.float64),
        np.array(left, dtype=np.int32),
        np.array(right, dtype=np.int32),
        np.array(value, dtype=np.float64),
        np.array(roots, dtype=np.int32),
        depth,
        float(np.ravel(model._baseline_prediction)[0]),
    )


def train_ranker(
    kb: KnowledgeBase,
    documents: Iterable[Document],
    *,
    labels: Mapping[str, str] | None = None,
    seed: int = 0,
    linker: Linker | None = None,
) -> dict[str, Any] | None:
    """The ranker (as stored in the knowledge base file) fitted on the documents' gold mentions;
    None when they give no positive and negative example. `linker`: one already built from `kb`."""
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression

    mapping = label_mapping(labels)
    documents = list(documents)
    linker = linker or Linker.build(kb)
    x, y, mentions = training_rows(linker, documents, mapping)
    if len(set(y.tolist())) < 2:
        return None
    ranker: Ranker
    if len(y) >= MIN_TREE_ROWS:
        model = HistGradientBoostingClassifier(
            max_iter=200, learning_rate=0.1, max_leaf_nodes=15, early_stopping=False, random_state=seed
        )
        from threadpoolctl import threadpool_limits  # noqa: PLC0415  (scikit-learn's dependency, not bioner's: only with it)

        with threadpool_limits(1):  # OpenMP threads on a shared machine cost more than they bring here
            model.fit(x, y)
        ranker = Ranker(np.zeros(len(FEATURES), dtype=np.float32), 0.0, trees=export_trees(model))
        kind = "gradient-boosted trees"
    else:
        model = LogisticRegression(C=1.0, max_iter=2000, random_state=seed)
        model.fit(x, y)
        ranker = Ranker(model.coef_[0].astype(np.float32), float(model.intercept_[0]))
        kind = "logistic regression"
    ranker.threshold = choose_threshold(model.predict_proba(x)[:, 1], mentions)
    ranker.info = {"trained": True, "model": kind, "mentions": len(mentions), "candidates": int(len(y))}
    return ranker.to_json()
