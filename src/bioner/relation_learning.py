"""Training the `bioner_relations` component (`bioner relations`): from annotated documents whose
relation lines name concept ids that their mentions carry (BC5CDR's `CID`), a `RelationModel`.

Every relation read is either a training positive or listed in the report with the reason (no
mention of the document carries an argument's id; wrong number of arguments; argument labels
other than the type's). Each relation type's argument labels are the most frequent labels its
arguments carry in the data, so PubTator3's `Association` or any other type trains with the same
command. Priors (how often the training documents related a concept when they named it) are
counted leave-one-document-out for the training rows, as they will look on a new document.
The second stage learns from the first stage's out-of-fold probabilities (as a new document gets
them), and the threshold is chosen on its own document-level cross-validated predictions; both
stages are then fitted on every document.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix

from .document import Document
from .linking.learn import export_trees
from .pipeline.relations import (
    DocumentView,
    LexicalModel,
    Mention,
    Priors,
    RelationModel,
    RelationType,
    Where,
    candidate_pairs,
    document_features,
    mention_ids,
    mention_pair_words,
    mention_role_words,
    pair_features,
    pair_key,
)
from .vocabularies import descriptor_label, read_vocabulary_folder, strip_mesh_prefix

FOLDS = 5
MIN_POSITIVES = 10
"""Fewer positives of a type than this: the type is reported and not trained."""


@dataclass
class TrainingDocument:
    id: str
    view: DocumentView
    relations: dict[str, set[tuple[str, str]]]
    """Per type, the (first, second) concept pairs annotated."""


@dataclass
class RelationReport:
    """What happened to every relation read."""

    documents: int = 0
    read: int = 0
    kept: int = 0
    dropped: list[dict[str, Any]] = field(default_factory=list)
    types: dict[str, dict[str, Any]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        reasons = Counter(d["reason"] for d in self.dropped)
        return {
            "documents": self.documents,
            "relations": {
                "read": self.read,
                "kept": self.kept,
                "dropped": len(self.dropped),
                "by_reason": dict(reasons),
            },
            "types": self.types,
            "dropped": self.dropped,
        }


def _view(document: Document) -> DocumentView:
    mentions = [Mention(m.start, m.end, m.label, mention_ids(m.identifier)) for m in document.mentions]
    breaks = [p.offset for p in document.passages]
    return DocumentView.build(document.text, [m for m in mentions if m.ids], breaks)


def _signatures(documents: Sequence[tuple[Document, DocumentView]]) -> dict[str, tuple[str, str]]:
    """Each type's argument labels: the most frequent (label of argument 1, label of argument 2)."""
    seen: dict[str, Counter[tuple[str, str]]] = defaultdict(Counter)
    for document, view in documents:
        for relation in document.relations:
            ids = [mention_ids(a) for a in relation.arguments]
            if len(ids) == 2 and all(len(i) == 1 and i[0] in view.label_of for i in ids):
                labels = tuple(view.label_of[i[0]].most_common(1)[0][0] for i in ids)
                seen[relation.type][(labels[0], labels[1])] += 1
    return {name: counts.most_common(1)[0][0] for name, counts in seen.items()}


def prepare(documents: Iterable[Document]) -> tuple[list[TrainingDocument], dict[str, tuple[str, str]], RelationReport]:
    """Training documents with their annotated pairs, the types' argument labels, and the report."""
    report = RelationReport()
    read = [(document, _view(document)) for document in documents]
    signatures = _signatures(read)
    out = []
    for document, view in read:
        report.documents += 1
        pairs: dict[str, set[tuple[str, str]]] = defaultdict(set)
        for relation in document.relations:
            report.read += 1
            where = {
                "document": document.id,
                "line": relation.line,
                "type": relation.type,
                "arguments": relation.arguments,
            }
            ids = [mention_ids(a) for a in relation.arguments]
            if len(ids) != 2 or any(len(i) != 1 for i in ids):
                report.dropped.append({**where, "reason": "not two concept ids"})
                continue
            first, second = ids[0][0], ids[1][0]
            missing = [a for a in (first, second) if a not in view.label_of]
            if missing:
                report.dropped.append({**where, "reason": f"no mention of the document carries {', '.join(missing)}"})
                continue
            labels = (view.label_of[first].most_common(1)[0][0], view.label_of[second].most_common(1)[0][0])
            if relation.type not in signatures or labels != signatures[relation.type]:
                report.dropped.append(
                    {
                        **where,
                        "reason": f"argument labels {labels[0]}, {labels[1]} are not the type's {signatures.get(relation.type)}",
                    }
                )
                continue
            report.kept += 1
            pairs[relation.type].add((first, second))
        out.append(TrainingDocument(document.id, view, dict(pairs)))
    return out, signatures, report


Counts = tuple[Counter[str], Counter[str], Counter[str], Counter[str]]
"""One document's counts: concepts named, concepts related, pairs named, pairs related."""


def _contributions(doc: TrainingDocument, name: str, labels: tuple[str, str]) -> Counts:
    named: Counter[str] = Counter()
    related: Counter[str] = Counter()
    pair_named: Counter[str] = Counter()
    pair_related: Counter[str] = Counter()
    firsts, seconds = doc.view.concepts(labels[0]), doc.view.concepts(labels[1])
    gold = doc.relations.get(name, set())
    for c in firsts:
        named["1\t" + c] += 1
    for c in seconds:
        named["2\t" + c] += 1
    for c in {a for a, _ in gold}:
        related["1\t" + c] += 1
    for c in {b for _, b in gold}:
        related["2\t" + c] += 1
    for a in firsts:
        for b in seconds:
            pair_named[pair_key(a, b)] += 1
    for a, b in gold:
        pair_related[pair_key(a, b)] += 1
    return named, related, pair_named, pair_related


def count_priors(
    documents: Sequence[TrainingDocument], name: str, labels: tuple[str, str]
) -> tuple[Priors, list[Counts]]:
    """The priors over all documents, and each document's own counts (to leave it out)."""
    totals: list[Counter[str]] = [Counter(), Counter(), Counter(), Counter()]
    own: list[Counts] = []
    for doc in documents:
        parts = _contributions(doc, name, labels)
        own.append(parts)
        for total, part in zip(totals, parts, strict=True):
            total.update(part)
    return Priors(*(dict(t) for t in totals)), own


def _without(priors: Priors, own: Counts) -> Priors:
    """The priors as a document unseen in training would find them: its own counts taken out."""
    tables = []
    for table, mine in zip((priors.named, priors.related, priors.pair_named, priors.pair_related), own, strict=True):
        changed = {key: table[key] - n for key, n in mine.items()}
        tables.append(_Overlay(table, changed))
    return Priors(*tables)


class _Overlay(dict):
    """A read-only view of `base` with some keys changed, without copying `base`."""

    def __init__(self, base: dict[str, int], changed: dict[str, int]) -> None:
        super().__init__()
        self.base, self.changed = base, changed

    def get(self, key: str, default: Any = None) -> Any:
        if key in self.changed:
            return self.changed[key]
        return self.base.get(key, default)


def lexical_instances(
    documents: Sequence[TrainingDocument], name: str, labels: tuple[str, str]
) -> tuple[list[list[str]], list[int], list[Where]]:
    """Every mention pair of a candidate concept pair inside one sentence, labelled as its concept pair."""
    words, y, where = [], [], []
    for number, doc in enumerate(documents):
        gold = doc.relations.get(name, set())
        view = doc.view
        for first, second in candidate_pairs(view, labels):
            for i in view.by_concept[first]:
                for j in view.by_concept[second]:
                    if i != j and view.sentence_of[i] == view.sentence_of[j]:
                        words.append(mention_pair_words(view, i, j))
                        y.append(int((first, second) in gold))
                        where.append((number, first, second))
    return words, y, where


def _fit_lexical(words: Sequence[list[str]], y: Sequence[int], min_count: int = 2) -> LexicalModel:
    from sklearn.linear_model import LogisticRegression

    counts = Counter(w for instance in words for w in set(instance))
    vocabulary = {w: n for n, w in enumerate(sorted(w for w, c in counts.items() if c >= min_count))}
    indptr, indices = [0], []
    for instance in words:
        indices.extend(sorted({vocabulary[w] for w in instance if w in vocabulary}))
        indptr.append(len(indices))
    matrix = csr_matrix((np.ones(len(indices)), indices, indptr), shape=(len(words), len(vocabulary)))
    model = LogisticRegression(C=0.3, solver="liblinear", max_iter=1000, random_state=0)
    model.fit(matrix, np.asarray(y))
    names = sorted(vocabulary, key=vocabulary.__getitem__)
    weights = {w: round(float(c), 5) for w, c in zip(names, model.coef_[0], strict=True) if abs(c) >= 1e-4}
    return LexicalModel(weights, float(model.intercept_[0]))


def _aggregate(scores: Iterable[tuple[Where, float]]) -> dict[Where, tuple[float, float, float]]:
    grouped: dict[Where, list[float]] = defaultdict(list)
    for key, score in scores:
        grouped[key].append(score)
    return {key: (max(v), sum(v) / len(v), float(len(v))) for key, v in grouped.items()}


def lexical_out_of_fold(
    documents: Sequence[TrainingDocument], name: str, labels: tuple[str, str], folds: int
) -> tuple[dict[Where, tuple[float, float, float]], LexicalModel | None]:
    """Each candidate's lexical evidence scored by a model that did not see its document, and the
    model fitted on every document."""
    words, y, where = lexical_instances(documents, name, labels)
    if len(set(y)) < 2:
        return {}, None
    fold_of = [hash_fold(documents[n].id, folds) for n, _, _ in where]
    scored = [(where[k], score) for k, score in _lexical_out_of_fold(words, y, fold_of, folds)]
    return _aggregate(scored), _fit_lexical(words, y)


def _lexical_out_of_fold(
    words: Sequence[list[str]], y: Sequence[int], fold_of: Sequence[int], folds: int
) -> list[tuple[int, float]]:
    """(instance, score) of every instance, scored by a logistic regression fitted on the other folds."""
    scored: list[tuple[int, float]] = []
    for fold in range(folds):
        train = [k for k, f in enumerate(fold_of) if f != fold]
        test = [k for k, f in enumerate(fold_of) if f == fold]
        if not test or len({y[k] for k in train}) < 2:
            continue
        model = _fit_lexical([words[k] for k in train], [y[k] for k in train])
        scored.extend((k, model.score(words[k])) for k in test)
    return scored


RoleKey = tuple[int, str, str]
"""(document number, argument position "1" or "2", concept)."""


def role_out_of_fold(
    documents: Sequence[TrainingDocument], name: str, labels: tuple[str, str], folds: int
) -> tuple[dict[RoleKey, tuple[float, float]], dict[str, LexicalModel]]:
    """Each concept's role evidence (`mention_role_words`) scored by models that did not see its document, and
    the models fitted on every document: per argument position, every mention of a concept of that label,
    labelled by whether its document relates the concept in that position."""
    evidence: dict[RoleKey, tuple[float, float]] = {}
    fitted: dict[str, LexicalModel] = {}
    for position, label in (("1", labels[0]), ("2", labels[1])):
        words, y, where = [], [], []
        for number, doc in enumerate(documents):
            gold = doc.relations.get(name, set())
            related = {pair[int(position) - 1] for pair in gold}
            for concept in doc.view.concepts(label):
                for n in doc.view.by_concept[concept]:
                    words.append(mention_role_words(doc.view, n))
                    y.append(int(concept in related))
                    where.append((number, position, concept))
        if len(set(y)) < 2:
            continue
        fold_of = [hash_fold(documents[n].id, folds) for n, _, _ in where]
        scored = _aggregate((where[k], score) for k, score in _lexical_out_of_fold(words, y, fold_of, folds))
        evidence.update({key: (best, mean) for key, (best, mean, _) in scored.items()})
        fitted[position] = _fit_lexical(words, y)
    return evidence, fitted


def rows(
    documents: Sequence[TrainingDocument],
    model: RelationModel,
    name: str,
    labels: tuple[str, str],
    leave_out: bool = True,
    lexical: dict[Where, tuple[float, float, float]] | None = None,
    roles: dict[RoleKey, tuple[float, float]] | None = None,
) -> tuple[np.ndarray, np.ndarray, list[Where]]:
    priors, own = count_priors(documents, name, labels)
    x, y, where = [], [], []
    for number, doc in enumerate(documents):
        doc_priors = _without(priors, own[number]) if leave_out else priors
        gold = doc.relations.get(name, set())
        for first, second in candidate_pairs(doc.view, labels):
            evidence = lexical.get((number, first, second), (-1.0, -1.0, 0.0)) if lexical is not None else None
            role = None
            if roles is not None:
                missing = (-1.0, -1.0)
                role = (roles.get((number, "1", first), missing), roles.get((number, "2", second), missing))
            x.append(pair_features(doc.view, first, second, model, doc_priors, name, evidence, role))
            y.append(int((first, second) in gold))
            where.append((number, first, second))
    width = len(x[0]) if x else 0
    return (np.vstack(x) if x else np.zeros((0, width))), np.array(y, dtype=np.int8), where


def best_per_document(scores: np.ndarray, where: Sequence[Where], y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each document's best candidate score and whether that candidate is right (documents in id order)."""
    documents = sorted({n for n, _, _ in where})
    position = {n: k for k, n in enumerate(documents)}
    best_score = np.full(len(documents), -1.0)
    best_label = np.zeros(len(documents))
    for k in np.argsort(scores, kind="stable"):
        document = position[where[k][0]]
        best_score[document], best_label[document] = scores[k], y[k]
    return best_score, best_label


def choose_threshold(
    scores: np.ndarray,
    where: Sequence[Where],
    y: np.ndarray,
    gold_total: int,
    *,
    at_least_one: bool = False,
) -> tuple[float, dict[str, float]]:
    """The threshold that maximises pair F1, counting gold pairs that are not candidates as missed;
    with `at_least_one`, a document's best pair counts as predicted whatever its score."""
    best_score, best_label = best_per_document(scores, where, y)
    best = (0.5, {"precision": 0.0, "recall": 0.0, "f1": 0.0})
    best_f1 = -1.0
    for threshold in np.unique(scores):
        chosen = scores >= threshold
        tp, predicted = float(y[chosen].sum()), float(chosen.sum())
        if at_least_one:
            lacking = best_score < threshold
            tp += float(best_label[lacking].sum())
            predicted += float(lacking.sum())
        precision = tp / predicted if predicted else 0.0
        recall = tp / gold_total if gold_total else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        if f1 > best_f1:
            best_f1 = f1
            best = (
                float(threshold),
                {"precision": round(100 * precision, 2), "recall": round(100 * recall, 2), "f1": round(100 * f1, 2)},
            )
    return best


FLOOR_TOLERANCE = 0.5
"""F1 points of cross-validation a floor may cost (`choose_floor`)."""


def choose_floor(
    scores: np.ndarray, where: Sequence[Where], y: np.ndarray, gold_total: int, threshold: float
) -> tuple[float, float]:
    """The score below which a document's best pair is not kept after all: the highest floor whose
    cross-validated F1 stays within `FLOOR_TOLERANCE` points of keeping every best pair. A text unlike
    the training documents (a web page) then gets no relation from the rule when nothing in it reads
    like one. Returns the floor and its F1 (in points)."""
    best_score, best_label = best_per_document(scores, where, y)
    chosen = scores >= threshold

    def f1(floor: float) -> float:
        lacking = (best_score < threshold) & (best_score >= floor)
        tp = float(y[chosen].sum()) + float(best_label[lacking].sum())
        predicted = float(chosen.sum()) + float(lacking.sum())
        precision = tp / predicted if predicted else 0.0
        recall = tp / gold_total if gold_total else 0.0
        return 200 * precision * recall / (precision + recall) if precision + recall else 0.0

    every = f1(0.0)
    floor, at = 0.0, every
    for candidate in np.linspace(0.0, threshold, 21)[1:]:
        value = f1(float(candidate))
        if value >= every - FLOOR_TOLERANCE:
            floor, at = float(candidate), value
    return round(floor, 4), round(at, 2)


def _fit(x: np.ndarray, y: np.ndarray, seed: int) -> Any:
    from sklearn.ensemble import HistGradientBoostingClassifier
    from threadpoolctl import threadpool_limits  # noqa: PLC0415  (scikit-learn's dependency)

    # Depth 5: the component walks every tree level by level, so depth is its cost; deeper trees scored
    # no better on BC5CDR dev (64.3 at depth 5, 64.4 unbounded, 64.0 at 6; gold mentions).
    model = HistGradientBoostingClassifier(
        max_iter=300, learning_rate=0.05, max_leaf_nodes=15, max_depth=5, min_samples_leaf=20, l2_regularization=1.0,
        early_stopping=False, random_state=seed,
    )  # fmt: skip
    with threadpool_limits(1):
        model.fit(x, y)
    return model


def _out_of_fold(x: np.ndarray, y: np.ndarray, fold_of: np.ndarray, folds: int, seed: int) -> np.ndarray:
    """Each row's probability from trees fitted on the other folds' documents."""
    scores = np.zeros(len(y))
    for fold in range(folds):
        test = fold_of == fold
        if test.any() and (~test).any() and len(set(y[~test].tolist())) == 2:
            scores[test] = _fit(x[~test], y[~test], seed).predict_proba(x[test])[:, 1]
    return scores


def train_relations(
    documents: Iterable[Document], *, trees: dict[str, list[str]] | None = None, seed: int = 0, folds: int = FOLDS
) -> tuple[RelationModel, RelationReport]:
    """A relation model for every type with enough annotated pairs, and the report of what was used."""
    prepared, signatures, report = prepare(documents)
    model = RelationModel(trees=trees or {})
    for name, labels in sorted(signatures.items()):
        gold_total = sum(len(d.relations.get(name, ())) for d in prepared)
        lexical, lexical_model = lexical_out_of_fold(prepared, name, labels, folds)
        roles, role_models = role_out_of_fold(prepared, name, labels, folds)
        x, y, where = rows(prepared, model, name, labels, lexical=lexical, roles=roles)
        candidates = int(y.sum())
        info: dict[str, Any] = {
            "documents": len(prepared),
            "gold_pairs": gold_total,
            "candidate_pairs": len(y),
            "gold_among_candidates": candidates,
        }
        if candidates < MIN_POSITIVES or candidates == len(y):
            report.types[name] = {
                **info,
                "trained": False,
                "why": f"fewer than {MIN_POSITIVES} positive and negative candidate pairs",
            }
            continue
        fold_of = np.array([hash_fold(prepared[n].id, folds) for n, _, _ in where])
        first_scores = _out_of_fold(x, y, fold_of, folds, seed)
        # The second stage learns from first-stage scores as a new document gets them: out of fold.
        stacked = np.hstack([x, document_features(first_scores, where, model.trees)])
        scores = _out_of_fold(stacked, y, fold_of, folds, seed)
        # Learned, not assumed: does every training document with candidates relate some pair?
        with_candidates = {n for n, _, _ in where}
        at_least_one = all(prepared[n].relations.get(name) for n in with_candidates)
        threshold, cross_validated = choose_threshold(scores, where, y, gold_total, at_least_one=at_least_one)
        first_threshold, first_stage = choose_threshold(first_scores, where, y, gold_total, at_least_one=at_least_one)
        floor, floor_f1 = choose_floor(scores, where, y, gold_total, threshold) if at_least_one else (0.0, None)
        fitted, document_fitted = _fit(x, y, seed), _fit(stacked, y, seed)
        priors, _ = count_priors(prepared, name, labels)
        model.priors[name] = priors
        if lexical_model is not None:
            model.lexical[name] = lexical_model
        if role_models:
            model.roles[name] = role_models
        info.update(
            {
                "trained": True,
                "labels": list(labels),
                "threshold": round(threshold, 4),
                "at_least_one": at_least_one,
                "floor": floor,
                "cross_validated_f1_at_floor": floor_f1,
                "cross_validated": cross_validated,
                "first_stage": {"threshold": round(first_threshold, 4), "cross_validated": first_stage},
            }
        )
        model.types.append(
            RelationType(
                name, labels, export_trees(fitted), threshold, info, at_least_one, floor, export_trees(document_fitted)
            )
        )
        report.types[name] = info
    model.info = {"types": {t.name: t.info for t in model.types}, "seed": seed}
    return model, report


def hash_fold(document_id: str, folds: int) -> int:
    """A stable fold for a document (Python's str hash changes per process)."""
    return int.from_bytes(document_id.encode("utf-8"), "little") % 1_000_003 % folds


def read_trees(folders: Iterable[str | Path]) -> dict[str, list[str]]:
    """MeSH tree numbers of every Chemical and Disease concept the vocabularies hold (MeSH
    descriptors, CTD's diseases): the disease hierarchy tells a general disease from a specific
    one, the chemical tree a drug class from a drug."""
    trees: dict[str, list[str]] = {}
    for folder in folders:
        for concept in read_vocabulary_folder(folder):
            numbers = [t for t in concept.tree_numbers if descriptor_label([t]) is not None]
            if numbers:
                key = strip_mesh_prefix(concept.identifier)
                trees[key] = sorted(set(trees.get(key, [])) | set(numbers))
    return trees
