"""`bioner_relations`: document-level relations between linked concepts (BC5CDR's `CID`: which
chemical induces which disease), from the mentions and ids the tagger and the linker found.

A relation is concept-level, as BC5CDR annotates it: one (chemical id, disease id) pair per
document however many mentions. About 30% of BC5CDR's pairs are never stated inside one
sentence, so every pair of concepts of the right types in a document is a candidate, described by
features of the whole document (after the feature-based CDR systems, e.g. Gu et al. 2016, Peng
et al. 2016): how often and where each concept is named (title, first sentence, its rank among
the document's concepts), how close their mentions come (same sentence, distance), the words
between them ("-induced", "caused by" against "treatment of", "prevented"), the MeSH tree of each
(chemical classes; disease branches such as C25 "chemically-induced disorders"), whether the
disease is a MeSH ancestor or descendant of another disease of the document (CDR annotates the
most specific disease: Gu et al. 2017), what the words before each mention say of its concept
(a condition of the patients, "patients with renal impairment"; a disease treated; a disease another
chemical induced, "carrageenan-induced edema"; a pretreatment or an anaesthetic), what a document
says of each concept before any pairing (`mention_role_words`: a logistic regression per argument
over the words around its mentions, trained out of fold like the pair's own lexical model), and
how often the training documents related each concept when they named it (priors counted on the
training corpus only; CTD's curated associations are never used: CTD curated the BC5CDR
abstracts themselves). Gradient-boosted
trees (trained by `bioner relations`, `bioner.relation_learning`) turn the features into a
probability; a second stage of trees reads each pair's features again beside the first stage's
probabilities of its document's other pairs (`document_features`: whether the same chemical has
a likelier pair with a narrower disease, how the pair ranks in its document), which scored
1.3-2.0 points of F1 higher than the first stage alone on held-out BC5CDR documents with gold
mentions; pairs at or above the type's threshold are kept.

The component writes `doc._.bioner_relations`, a list of plain dicts, so that the relations
survive `DocBin` and `Doc.to_disk` and a tool that `spacy.load()`s the packaged model reads them
without bioner:

    {"type": "CID", "arguments": ["D008094", "D006333"], "score": 0.91,
     "support": [[s1, e1, s2, e2], ...]}   # character offsets of supporting mention pairs

Relation types and the labels of their arguments come from the training data, not from code.
Only the standard library, numpy and spaCy here: this module is copied into packaged models.
"""

from __future__ import annotations

import json
import math
import re
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc

from .sentences import sentence_index, sentence_spans

try:  # the linker's flattened gradient-boosted trees
    from ..linking import ranker as _ranker
except ImportError:  # the flat copy in a model package, where ranker.py sits beside this file
    from . import ranker as _ranker

EXTENSION = "bioner_relations"
"""Doc extension the component fills: a list of {"type", "arguments", "score", "support"}."""
MODEL_FILE = "relations.json"
FORMAT = "bioner-relations"
NO_IDS = {"", "-", "-1"}

CAUSE = (
    "induc", "caus", "associat", "relat", "toxic", "provok", "elicit", "produc", "develop", "follow", "after",
    "due", "result", "evok", "precipitat", "attribut", "secondary", "complicat", "adverse", "side",
    "risk", "onset", "occur", "exposure", "overdose", "intoxicat", "poison", "abuse",
)  # fmt: skip
"""Word beginnings that state a chemical brought a disease about."""
TREAT = (
    "treat", "therap", "prevent", "protect", "attenuat", "reduc", "inhibit", "ameliorat", "revers", "antagon",
    "block", "improv", "effica", "effective", "manag", "reliev", "alleviat", "suppress", "control", "prophyla",
    "rescue", "benefi", "counteract", "abolish", "decreas",
)  # fmt: skip
"""Word beginnings that state a chemical treats or prevents a disease."""
NEGATION = ("no", "not", "without", "neither", "nor", "absence", "lack", "none", "never", "unlikely")
_AFTER_MENTION = re.compile(r"^[\s-]*(induced|associated|related|evoked|provoked|caused|mediated|dependent|elicited|produced|triggered)\b", re.IGNORECASE)  # fmt: skip
_BEFORE_CAUSE = re.compile(r"\b(induced|caused|provoked|elicited|produced|triggered|precipitated)\s+by\b|\b(due|secondary|attributed|attributable)\s+to\b|\b(after|following|during)\b", re.IGNORECASE)  # fmt: skip
_WORD = re.compile(r"\w+")
_INDUCED_ADJACENT = re.compile(r"^[\s-]*(?:induced|associated|related|evoked|provoked|caused|mediated|elicited|produced|triggered|dependent)\s+(?:\S+\s+){0,3}$", re.IGNORECASE)  # fmt: skip
_ACTIVE_CAUSE = re.compile(r"^\s+(?:\S+\s+){0,2}(?:induced|caused|produced|provoked|elicited|triggered|precipitated|induces|causes|produces|induce|cause|resulted\s+in|results\s+in|led\s+to|leads\s+to)\s+(?:\S+\s+){0,4}$", re.IGNORECASE)  # fmt: skip
_BY_ADJACENT = re.compile(r"^\s*(?:(?:was|were|is|are|being)\s+)?(?:induced|caused|provoked|elicited|produced|triggered|precipitated)\s+by\s+(?:\S+\s+){0,3}$|^\s*(?:due|secondary|attributed|attributable|related)\s+to\s+(?:\S+\s+){0,3}$|^\s*(?:associated\s+with|after|following|during|from)\s+(?:\S+\s+){0,3}$", re.IGNORECASE)  # fmt: skip
_PREEXISTING = re.compile(r"(?:\b(?:patients?|subjects?|individuals?|children|adults?|women|men|people|persons?|cases?|those|rats?|mice|volunteers)\s+(?:who\s+(?:had|have|has)\s+|with\s+(?:a\s+)?(?:history\s+of\s+)?)|\bhistory\s+of\s+|\bsuffering\s+from\s+)(?:\S+\s+){0,3}$", re.IGNORECASE)  # fmt: skip
_TREATED = re.compile(r"\b(?:treatment|therapy|management|prevention|prophylaxis|relief|reversal|control|treating|preventing|reversing|alleviating|relieving)\s+(?:of|for|against)\s+(?:the\s+)?(?:\S+\s+){0,3}$|\b(?:treat|treats|treated|prevent|prevents|prevented|reverse|reverses|reversed|alleviate|alleviates|alleviated|relieve|relieved|attenuate|attenuates|attenuated|antagoni[sz]ed?|blocked|blocks|inhibited|inhibits|abolished|abolishes|ameliorated|ameliorates|protect\w*\s+against)\s+(?:the\s+)?(?:\S+\s+){0,3}$", re.IGNORECASE)  # fmt: skip
_PRETREAT_BEFORE = re.compile(r"\b(?:pre-?treat\w*|pre-?medicat\w*|pre-?administ\w*|anaes?theti[sz]ed|anaes?thesia|co-?administ\w*|co-?treat\w*|protect\w*)\s+(?:with\s+|by\s+)?(?:\S+\s+){0,2}$", re.IGNORECASE)  # fmt: skip
_PRETREAT_AFTER = re.compile(r"^[\s-]*(?:pre-?treatment|pre-?medication|anaes?thesia|anaes?thetized|protect\w*|prevent\w*|reversed|antagoni\w*|attenuat\w*|block\w*|inhibit\w*)\b", re.IGNORECASE)  # fmt: skip
CHEMICAL_TREES = ("D01", "D02", "D03", "D04", "D05", "D06", "D08", "D09", "D10", "D12", "D13", "D20", "D23", "D25", "D26", "D27")  # fmt: skip
DISEASE_TREES = ("C01", "C04", "C05", "C06", "C08", "C10", "C11", "C12", "C14", "C15", "C16", "C17", "C18", "C19", "C20", "C23", "C25", "F03")  # fmt: skip

FEATURES: tuple[str, ...] = (
    "log_mentions_1", "log_mentions_2", "share_1", "share_2", "rank_1", "rank_2", "concepts_1", "concepts_2",
    "title_1", "title_2", "both_title", "first_sentence_1", "first_sentence_2", "position_1", "position_2",
    "sentences_both", "share_sentences_both", "min_sentence_distance", "min_word_distance",
    "cause_between", "treat_between", "negation_between", "cause_in_sentence", "treat_in_sentence",
    "attached_trigger_1", "attached_trigger_near", "caused_by_pattern", "order_first_before",
    "attached_trigger_anywhere_1", "induced_adjacent", "by_adjacent", "active_cause", "ancestor_of_other_2", "descendant_of_other_2", "ancestor_of_other_1",
    "descendant_of_other_1", "has_trees_1", "has_trees_2",
    "preexisting_2", "treated_2", "owned_by_other_2", "pretreat_1", "role_max_1", "role_mean_1", "role_max_2", "role_mean_2",
    "prior_rate_1", "prior_log_documents_1", "prior_rate_2", "prior_log_documents_2", "prior_pair_related",
    "prior_pair_log_documents", "lexical_max", "lexical_mean", "lexical_pairs",
    *(f"tree_1_{t}" for t in CHEMICAL_TREES), *(f"tree_2_{t}" for t in DISEASE_TREES),
)  # fmt: skip
"""Feature names in matrix order; a model stores them and refuses other features."""
_INDEX = {name: i for i, name in enumerate(FEATURES)}
DOCUMENT_FEATURES: tuple[str, ...] = (
    "score", "document_best", "share_of_document_best", "rank_in_document", "candidates", "candidates_above_0_3",
    "best_of_first", "rank_for_first", "pairs_of_first", "best_of_second", "rank_for_second", "pairs_of_second",
    "best_with_narrower_second", "best_with_broader_second", "best_with_narrower_first", "best_with_broader_first",
)  # fmt: skip
"""The second stage's features beside `FEATURES` (`document_features`)."""


@dataclass(frozen=True)
class Mention:
    """What relation features read of a mention: offsets, label and concept ids."""

    start: int
    end: int
    label: str
    ids: tuple[str, ...]


@dataclass
class Priors:
    """Per concept id: training documents that named it and those that related it (by relation type and argument
    position); per concept pair: documents that named both and those that related them."""

    named: dict[str, int] = field(default_factory=dict)
    related: dict[str, int] = field(default_factory=dict)
    pair_named: dict[str, int] = field(default_factory=dict)
    pair_related: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "named": self.named,
            "related": self.related,
            "pair_named": self.pair_named,
            "pair_related": self.pair_related,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Priors:
        return cls(*(dict(data.get(key, {})) for key in ("named", "related", "pair_named", "pair_related")))


@dataclass
class RelationType:
    """One relation type: the labels of its arguments, its trees and threshold."""

    name: str
    labels: tuple[str, str]
    trees: _ranker.Trees | None
    threshold: float = 0.5
    info: dict[str, Any] = field(default_factory=dict)
    at_least_one: bool = False
    """Keep a document's best pair even below the threshold: learned, true when every training document
    with candidates relates one (BC5CDR: every abstract has a CID pair)."""
    floor: float = 0.0
    """...but only when its score reaches this (learned: the highest that costs at most half a point of
    cross-validated F1), so that text unlike the training documents is not given a relation by rule."""
    document_trees: _ranker.Trees | None = None
    """Second stage: trees over `FEATURES` and the first stage's scores of the document's other pairs
    (`document_features`); when present, its probability is the one the threshold applies to."""

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "labels": list(self.labels),
            "threshold": self.threshold,
            "at_least_one": self.at_least_one,
            "floor": self.floor,
            "info": self.info,
            "trees": self.trees.to_json() if self.trees is not None else None,
            "document_trees": self.document_trees.to_json() if self.document_trees is not None else None,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RelationType:
        trees = _ranker.Trees.from_json(data["trees"]) if data.get("trees") else None
        labels = tuple(data["labels"])
        if len(labels) != 2:
            raise ValueError(f"relation type {data.get('name')!r}: two argument labels expected, found {len(labels)}")
        return cls(
            str(data["name"]),
            (labels[0], labels[1]),
            trees,
            float(data.get("threshold", 0.5)),
            dict(data.get("info", {})),
            bool(data.get("at_least_one", False)),
            float(data.get("floor", 0.0)),
            _ranker.Trees.from_json(data["document_trees"]) if data.get("document_trees") else None,
        )


@dataclass
class LexicalModel:
    """A logistic regression over the words of one sentence that holds a mention of each argument
    (`mention_pair_words`): the evidence of one statement, which the trees weigh with the rest."""

    weights: dict[str, float] = field(default_factory=dict)
    intercept: float = 0.0

    def score(self, words: Iterable[str]) -> float:
        # fsum: exact, so the score does not depend on the set's order (which Python's string hashing changes per
        # process) and training is reproducible.
        value = self.intercept + math.fsum(self.weights.get(w, 0.0) for w in set(words))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, value))))

    def to_json(self) -> dict[str, Any]:
        return {"weights": self.weights, "intercept": self.intercept}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> LexicalModel:
        return cls({str(k): float(v) for k, v in data.get("weights", {}).items()}, float(data.get("intercept", 0.0)))


@dataclass
class RelationModel:
    """Everything the component needs: the relation types, the MeSH tree numbers of the concepts, and the priors."""

    types: list[RelationType] = field(default_factory=list)
    trees: dict[str, list[str]] = field(default_factory=dict)
    priors: dict[str, Priors] = field(default_factory=dict)
    """Per relation type."""
    lexical: dict[str, LexicalModel] = field(default_factory=dict)
    """Per relation type."""
    roles: dict[str, dict[str, LexicalModel]] = field(default_factory=dict)
    """Per relation type and argument position ("1", "2"): does a mention's context read as that argument's
    (`mention_role_words`)."""
    info: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": 1,
            "features": list(FEATURES),
            "document_features": list(DOCUMENT_FEATURES),
            "types": [t.to_json() for t in self.types],
            "priors": {name: p.to_json() for name, p in self.priors.items()},
            "lexical": {name: m.to_json() for name, m in self.lexical.items()},
            "roles": {name: {k: m.to_json() for k, m in r.items()} for name, r in self.roles.items()},
            "trees": self.trees,
            "info": self.info,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RelationModel:
        if data.get("format") != FORMAT:
            raise ValueError(f"not a relation model (format {data.get('format')!r}, expected {FORMAT!r})")
        if list(data.get("features", [])) != list(FEATURES):
            raise ValueError("the relation model was trained on other features than this component computes")
        if list(data.get("document_features", DOCUMENT_FEATURES)) != list(DOCUMENT_FEATURES):
            raise ValueError(
                "the relation model's second stage was trained on other features than this component computes"
            )
        return cls(
            [RelationType.from_json(t) for t in data.get("types", [])],
            {k: list(v) for k, v in data.get("trees", {}).items()},
            {name: Priors.from_json(p) for name, p in data.get("priors", {}).items()},
            {name: LexicalModel.from_json(m) for name, m in data.get("lexical", {}).items()},
            {name: {k: LexicalModel.from_json(m) for k, m in r.items()} for name, r in data.get("roles", {}).items()},
            dict(data.get("info", {})),
        )

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_json(), separators=(",", ":")), encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> RelationModel:
        return cls.from_json(json.loads(Path(path).read_text(encoding="utf-8")))


def pair_key(first: str, second: str) -> str:
    return f"{first}\t{second}"


@dataclass
class DocumentView:
    """A document as relation features read it: text, sentences, mentions, concepts by label."""

    text: str
    sentences: list[tuple[int, int]]
    mentions: list[Mention]
    sentence_of: list[int]
    by_concept: dict[str, list[int]]
    label_of: dict[str, Counter[str]]
    _cache: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)
    """What pair features read again for every pair (concepts by label, the words of a sentence,
    tree relations), computed once per document."""

    @classmethod
    def build(cls, text: str, mentions: Sequence[Mention], breaks: Iterable[int] = ()) -> DocumentView:
        sentences = sentence_spans(text, breaks) or [(0, len(text))]
        ordered = sorted(mentions, key=lambda m: (m.start, m.end))
        by_concept: dict[str, list[int]] = defaultdict(list)
        label_of: dict[str, Counter[str]] = defaultdict(Counter)
        for number, mention in enumerate(ordered):
            for identifier in mention.ids:
                by_concept[identifier].append(number)
                label_of[identifier][mention.label] += 1
        return cls(
            text,
            sentences,
            ordered,
            [sentence_index(sentences, m.start) for m in ordered],
            dict(by_concept),
            dict(label_of),
        )

    def label(self, concept: str) -> str:
        key = ("label", concept)
        if key not in self._cache:
            self._cache[key] = self.label_of[concept].most_common(1)[0][0]
        return self._cache[key]

    def concepts(self, label: str) -> list[str]:
        key = ("concepts", label)
        if key not in self._cache:
            self._cache[key] = [c for c in self.label_of if self.label(c) == label]
        return self._cache[key]

    def words(self, sentence: int) -> tuple[list[int], list[int], list[str]]:
        """Starts, ends and lower-cased words of a sentence."""
        key = ("words", sentence)
        if key not in self._cache:
            start, end = self.sentences[sentence]
            found = list(_WORD.finditer(self.text, start, end))
            self._cache[key] = (
                [m.start() for m in found],
                [m.end() for m in found],
                [m.group().lower() for m in found],
            )
        return self._cache[key]

    def words_between(self, sentence: int, start: int, end: int) -> list[str]:
        starts, ends, words = self.words(sentence)
        first = bisect_left(starts, start)
        last = bisect_right(ends, end)
        return words[first:last] if last > first else []

    def sentence_counts(self, sentence: int) -> tuple[float, float]:
        """Cause and treatment words of a sentence."""
        key = ("counts", sentence)
        if key not in self._cache:
            words = self.words(sentence)[2]
            self._cache[key] = (float(_count(words, CAUSE)), float(_count(words, TREAT)))
        return self._cache[key]

    def hierarchy(self, trees: Mapping[str, list[str]], concept: str) -> tuple[bool, bool]:
        """Whether the concept is a MeSH ancestor, and a descendant, of another concept of its label here."""
        key = ("hierarchy", concept)
        if key not in self._cache:
            others = [c for c in self.concepts(self.label(concept)) if c != concept]
            self._cache[key] = (
                any(_related_in_tree(trees, concept, c) for c in others),
                any(_related_in_tree(trees, c, concept) for c in others),
            )
        return self._cache[key]

    def branches(self, trees: Mapping[str, list[str]], concept: str, tops: tuple[str, ...]) -> list[float]:
        """1.0 for each top tree branch the concept sits under."""
        key = ("branches", concept, tops)
        if key not in self._cache:
            numbers = trees.get(concept, ())
            self._cache[key] = [float(any(t.startswith(top) for t in numbers)) for top in tops]
        return self._cache[key]

    def before(self, mention: int) -> str:
        """The mention's sentence up to the mention (at most 80 characters)."""
        start = self.mentions[mention].start
        return self.text[max(self.sentences[self.sentence_of[mention]][0], start - 80) : start]

    def context_share(self, concept: str, pattern: re.Pattern[str], after: re.Pattern[str] | None = None) -> float:
        """The share of the concept's mentions whose words before (or after) match."""
        key = ("context", concept, pattern.pattern, after.pattern if after else None)
        if key not in self._cache:
            numbers = self.by_concept[concept]
            hits = 0
            for n in numbers:
                end = self.mentions[n].end
                if pattern.search(self.before(n)) or (after is not None and after.match(self.text[end : end + 30])):
                    hits += 1
            self._cache[key] = hits / len(numbers) if numbers else 0.0
        return self._cache[key]

    def owned_by_other(self, first: str, second: str) -> float:
        """The share of `second`'s mentions that follow another concept's mention and "-induced" ("carrageenan-induced
        paw edema" belongs to carrageenan, not to the drug tested against it)."""
        key = ("owned", first, second)
        if key not in self._cache:
            numbers = self.by_concept[second]
            hits = 0
            for n in numbers:
                b = self.mentions[n]
                owners = [
                    m for m in self.mentions[max(0, n - 4) : n]
                    if m.end <= b.start and m.label != b.label and first not in m.ids
                    and _INDUCED_ADJACENT.match(self.text[m.end : b.start])
                ]  # fmt: skip
                hits += bool(owners)
            self._cache[key] = hits / len(numbers) if numbers else 0.0
        return self._cache[key]

    def attached(self, mention: int) -> bool:
        """The mention is followed by a cause word ("-induced", "-associated")."""
        key = ("attached", mention)
        if key not in self._cache:
            end = self.mentions[mention].end
            self._cache[key] = bool(_AFTER_MENTION.match(self.text[end : end + 30]))
        return self._cache[key]


def mention_ids(identifier: str) -> tuple[str, ...]:
    """`D1|D2` -> ("D1", "D2"); `MESH:` dropped (BC5CDR writes ids bare); NIL ids give nothing."""
    ids = []
    for part in identifier.split("|"):
        part = part.strip()
        if part.upper().startswith("MESH:"):
            part = part[5:]
        if part and part not in NO_IDS and part not in ids:
            ids.append(part)
    return tuple(ids)


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def _count(words: Sequence[str], stems: tuple[str, ...]) -> int:
    return sum(1 for w in words if w.startswith(stems))


def _related_in_tree(trees: Mapping[str, list[str]], ancestor: str, descendant: str) -> bool:
    return any(d.startswith(a + ".") for a in trees.get(ancestor, ()) for d in trees.get(descendant, ()))


def _prior(priors: Priors | None, key: str) -> tuple[float, float]:
    if priors is None:
        return 0.0, 0.0
    named = priors.named.get(key, 0)
    return (priors.related.get(key, 0) + 0.1) / (named + 1.0), math.log1p(named)


def _distance_bucket(n: int) -> str:
    return str(n) if n <= 5 else "6-10" if n <= 10 else "11-20" if n <= 20 else "21+"


def _units(view: DocumentView, sentence: int) -> list[tuple[int, int, str, int]]:
    """A sentence as (start, end, word, mention number or -1): words outside mentions, and each
    mention as one unit."""
    key = ("units", sentence)
    if key not in view._cache:
        start, end = view.sentences[sentence]
        units: list[tuple[int, int, str, int]] = []
        cursor = start
        inside = sorted((m.start, m.end, n) for n, m in enumerate(view.mentions) if m.start < end and start < m.end)
        for m_start, m_end, number in inside:
            units.extend(
                (w.start(), w.end(), w.group().lower(), -1)
                for w in _WORD.finditer(view.text, cursor, max(cursor, m_start))
            )
            units.append((m_start, m_end, "", number))
            cursor = max(cursor, m_end)
        units.extend((w.start(), w.end(), w.group().lower(), -1) for w in _WORD.finditer(view.text, cursor, end))
        view._cache[key] = units
    return view._cache[key]


def mention_pair_words(view: DocumentView, i: int, j: int) -> list[str]:
    """Lexical features of mentions `i` (first argument) and `j` (second) in one sentence: the words
    between them, the words around, the order and the distance, with mentions masked by their role
    (ARG1, ARG2) or label, so that what is learned is the statement, not the names."""
    a, b = view.mentions[i], view.mentions[j]
    units = _units(view, view.sentence_of[i])

    def token(unit: tuple[int, int, str, int]) -> str:
        number = unit[3]
        if number < 0:
            return unit[2]
        return "ARG1" if number == i else "ARG2" if number == j else view.mentions[number].label.upper()

    left, right = (a, b) if a.start <= b.start else (b, a)
    order = "12" if a.start <= b.start else "21"
    between = [token(u) for u in units if u[0] >= left.end and u[1] <= right.start]
    before = [token(u) for u in units if u[1] <= left.start][-3:]
    after = [token(u) for u in units if u[0] >= right.end][:3]
    out = [f"o:{order}", f"d:{_distance_bucket(len(between))}", f"t:{int(view.sentence_of[i] == 0)}"]
    out += [f"b:{w}" for w in between]
    out += [f"bb:{x}_{y}" for x, y in zip(between, between[1:])]
    out += [f"l:{w}" for w in before] + [f"r:{w}" for w in after]
    if before:
        out.append(f"l1:{before[-1]}")
    if after:
        out.append(f"r1:{after[0]}")
    if len(between) <= 4:
        out.append(f"p:{order}:{' '.join(between)}")
    return out


def mention_role_words(view: DocumentView, n: int) -> list[str]:
    """Lexical features of one mention's context, its own name masked: the words around it, its sentence's
    words and whether it is in the title. What a document says of a concept (the drug suspected, the
    effect observed; the treatment given, the condition treated) before any pairing."""
    mention = view.mentions[n]
    sentence = view.sentence_of[n]
    units = _units(view, sentence)

    def token(unit: tuple[int, int, str, int]) -> str:
        return unit[2] if unit[3] < 0 else "SELF" if unit[3] == n else view.mentions[unit[3]].label.upper()

    before = [token(u) for u in units if u[1] <= mention.start][-4:]
    after = [token(u) for u in units if u[0] >= mention.end][:4]
    out = [f"t:{int(sentence == 0)}"]
    out += [f"l:{w}" for w in before] + [f"r:{w}" for w in after]
    if before:
        out.append(f"l1:{before[-1]}")
    if after:
        out.append(f"r1:{after[0]}")
    if len(before) >= 2:
        out.append(f"l2:{before[-2]}_{before[-1]}")
    if len(after) >= 2:
        out.append(f"r2:{after[0]}_{after[1]}")
    out += [f"s:{token(u)}" for u in units if u[3] != n]
    return out


def role_evidence(view: DocumentView, concept: str, model: LexicalModel | None) -> tuple[float, float]:
    """(max, mean) of the role scores of the concept's mentions; -1 without a model. Computed once per
    document, concept and model: a concept is in many candidate pairs."""
    if model is None:
        return -1.0, -1.0
    key = ("role", concept, id(model))
    if key not in view._cache:
        scores = [model.score(mention_role_words(view, n)) for n in view.by_concept[concept]]
        view._cache[key] = (max(scores), sum(scores) / len(scores))
    return view._cache[key]


def lexical_evidence(
    view: DocumentView, first: str, second: str, lexical: LexicalModel | None
) -> tuple[float, float, float]:
    """(max, mean, number) of the lexical scores of the mention pairs that share a sentence; -1 when none do."""
    if lexical is None:
        return -1.0, -1.0, 0.0
    scores = [
        lexical.score(mention_pair_words(view, i, j))
        for i in view.by_concept[first]
        for j in view.by_concept[second]
        if view.sentence_of[i] == view.sentence_of[j] and i != j
    ]
    if not scores:
        return -1.0, -1.0, 0.0
    return max(scores), sum(scores) / len(scores), float(len(scores))


def pair_features(
    view: DocumentView,
    first: str,
    second: str,
    model: RelationModel,
    priors: Priors | None,
    relation_type: str,
    lexical: tuple[float, float, float] | None = None,
    roles: tuple[tuple[float, float], tuple[float, float]] | None = None,
) -> np.ndarray:
    """The feature row of concept pair (`first`, `second`) in the document (`FEATURES` order).
    `lexical`: the lexical evidence when the caller has it (training: scores from other folds)."""
    row = np.zeros(len(FEATURES), dtype=np.float64)
    text, mentions, sentence_of = view.text, view.mentions, view.sentence_of
    m1, m2 = view.by_concept[first], view.by_concept[second]
    label1, label2 = view.label(first), view.label(second)
    concepts1, concepts2 = view.concepts(label1), view.concepts(label2)
    counts1 = sorted((len(view.by_concept[c]) for c in concepts1), reverse=True)
    counts2 = sorted((len(view.by_concept[c]) for c in concepts2), reverse=True)
    total1 = sum(counts1) or 1
    total2 = sum(counts2) or 1
    n_sentences = max(1, len(view.sentences))
    s1 = {sentence_of[i] for i in m1}
    s2 = {sentence_of[i] for i in m2}
    both = s1 & s2

    def put(name: str, value: float) -> None:
        row[_INDEX[name]] = value

    put("log_mentions_1", math.log1p(len(m1)))
    put("log_mentions_2", math.log1p(len(m2)))
    put("share_1", len(m1) / total1)
    put("share_2", len(m2) / total2)
    put("rank_1", counts1.index(len(m1)) if len(m1) in counts1 else 0)
    put("rank_2", counts2.index(len(m2)) if len(m2) in counts2 else 0)
    put("concepts_1", len(concepts1))
    put("concepts_2", len(concepts2))
    put("title_1", float(0 in s1))
    put("title_2", float(0 in s2))
    put("both_title", float(0 in both))
    put("first_sentence_1", float(1 in s1))
    put("first_sentence_2", float(1 in s2))
    put("position_1", min(s1) / n_sentences)
    put("position_2", min(s2) / n_sentences)
    put("sentences_both", len(both))
    put("share_sentences_both", len(both) / n_sentences)
    put("min_sentence_distance", min(abs(a - b) for a in s1 for b in s2))

    best_distance = 1000.0
    cause = treat = negation = cause_sentence = treat_sentence = attached_near = caused_by = first_before = 0.0
    induced_adjacent = by_adjacent = active_cause = 0.0
    for i in m1:
        for j in m2:
            if sentence_of[i] != sentence_of[j]:
                continue
            a, b = mentions[i], mentions[j]
            left, right = (a, b) if a.start <= b.start else (b, a)
            between = view.words_between(sentence_of[i], left.end, right.start)
            distance = len(between)
            if distance < best_distance:
                best_distance = float(distance)
            cause = max(cause, float(_count(between, CAUSE)))
            treat = max(treat, float(_count(between, TREAT)))
            negation = max(negation, float(sum(1 for w in between if w in NEGATION)))
            sentence_cause, sentence_treat = view.sentence_counts(sentence_of[i])
            cause_sentence = max(cause_sentence, sentence_cause)
            treat_sentence = max(treat_sentence, sentence_treat)
            if distance <= 12 and view.attached(i):
                attached_near = 1.0
            if b.start < a.start and _BEFORE_CAUSE.search(text[b.end : a.start]) and distance <= 15:
                caused_by = 1.0
            first_before = max(first_before, float(a.start < b.start))
            if a.end <= b.start and _INDUCED_ADJACENT.match(text[a.end : b.start]):
                induced_adjacent = 1.0
            if b.end <= a.start and _BY_ADJACENT.match(text[b.end : a.start]):
                by_adjacent = 1.0
            if a.end <= b.start and _ACTIVE_CAUSE.match(text[a.end : b.start]):
                active_cause = 1.0
    put("min_word_distance", best_distance)
    put("cause_between", cause)
    put("treat_between", treat)
    put("negation_between", negation)
    put("cause_in_sentence", cause_sentence)
    put("treat_in_sentence", treat_sentence)
    put("attached_trigger_near", attached_near)
    put("caused_by_pattern", caused_by)
    put("order_first_before", first_before)
    put("induced_adjacent", induced_adjacent)
    put("by_adjacent", by_adjacent)
    put("active_cause", active_cause)
    attached = sum(1 for i in m1 if view.attached(i))
    put("attached_trigger_1", float(attached > 0))
    put("attached_trigger_anywhere_1", float(attached))

    trees = model.trees
    ancestor2, descendant2 = view.hierarchy(trees, second)
    ancestor1, descendant1 = view.hierarchy(trees, first)
    put("ancestor_of_other_2", float(ancestor2))
    put("descendant_of_other_2", float(descendant2))
    put("ancestor_of_other_1", float(ancestor1))
    put("descendant_of_other_1", float(descendant1))
    put("has_trees_1", float(first in trees))
    put("has_trees_2", float(second in trees))
    put("preexisting_2", view.context_share(second, _PREEXISTING))
    put("treated_2", view.context_share(second, _TREATED))
    put("owned_by_other_2", view.owned_by_other(first, second))
    put("pretreat_1", view.context_share(first, _PRETREAT_BEFORE, _PRETREAT_AFTER))
    for top, flag in zip(CHEMICAL_TREES, view.branches(trees, first, CHEMICAL_TREES)):
        put(f"tree_1_{top}", flag)
    for top, flag in zip(DISEASE_TREES, view.branches(trees, second, DISEASE_TREES)):
        put(f"tree_2_{top}", flag)

    rate1, log1 = _prior(priors, "1\t" + first)
    rate2, log2 = _prior(priors, "2\t" + second)
    put("prior_rate_1", rate1)
    put("prior_log_documents_1", log1)
    put("prior_rate_2", rate2)
    put("prior_log_documents_2", log2)
    if priors is not None:
        key = pair_key(first, second)
        named = priors.pair_named.get(key, 0)
        put("prior_pair_related", (priors.pair_related.get(key, 0) + 0.1) / (named + 1.0))
        put("prior_pair_log_documents", math.log1p(named))
    if lexical is None:
        lexical = lexical_evidence(view, first, second, model.lexical.get(relation_type))
    put("lexical_max", lexical[0])
    put("lexical_mean", lexical[1])
    put("lexical_pairs", lexical[2])
    if roles is None:
        models = model.roles.get(relation_type, {})
        roles = (role_evidence(view, first, models.get("1")), role_evidence(view, second, models.get("2")))
    put("role_max_1", roles[0][0])
    put("role_mean_1", roles[0][1])
    put("role_max_2", roles[1][0])
    put("role_mean_2", roles[1][1])
    return row


Where = tuple[int, str, str]
"""A candidate pair: (document number in the batch, first concept, second concept)."""


def document_features(scores: np.ndarray, where: Sequence[Where], trees: Mapping[str, list[str]]) -> np.ndarray:
    """Each candidate's first-stage score beside those of its document's other candidates
    (`DOCUMENT_FEATURES`): how it ranks in the document, among the pairs of its first and of its
    second concept, and the best score of the same chemical with a narrower or broader disease
    (CDR relates the most specific disease) or of the same disease with a narrower or broader
    chemical. A pair scored alone cannot see that its document has a likelier pair of the same kind."""
    out = np.zeros((len(where), len(DOCUMENT_FEATURES)), dtype=np.float64)
    by_document: dict[int, list[int]] = defaultdict(list)
    for k, (number, _, _) in enumerate(where):
        by_document[number].append(k)
    related: dict[tuple[str, str], bool] = {}

    def under(ancestor: str, descendant: str) -> bool:
        key = (ancestor, descendant)
        if key not in related:
            related[key] = _related_in_tree(trees, ancestor, descendant)
        return related[key]

    for rows in by_document.values():
        values = scores[rows]
        best = float(values.max())
        order = np.argsort(-values, kind="stable")
        rank = np.empty(len(rows), dtype=np.int64)
        rank[order] = np.arange(len(rows))
        above = float((values >= 0.3).sum())
        of_first: dict[str, list[tuple[str, float]]] = defaultdict(list)
        of_second: dict[str, list[tuple[str, float]]] = defaultdict(list)
        for k, value in zip(rows, values, strict=True):
            _, first, second = where[k]
            of_first[first].append((second, float(value)))
            of_second[second].append((first, float(value)))
        ranked_first = {c: sorted((v for _, v in pairs), reverse=True) for c, pairs in of_first.items()}
        ranked_second = {c: sorted((v for _, v in pairs), reverse=True) for c, pairs in of_second.items()}
        for position, (k, value) in enumerate(zip(rows, values, strict=True)):
            _, first, second = where[k]
            firsts, seconds = ranked_first[first], ranked_second[second]
            others_of_first = [(c, v) for c, v in of_first[first] if c != second]
            others_of_second = [(c, v) for c, v in of_second[second] if c != first]
            out[k] = (
                value, best, value / best if best > 0 else 0.0, rank[position], len(rows), above,
                firsts[0], firsts.index(value), len(firsts), seconds[0], seconds.index(value), len(seconds),
                max((v for c, v in others_of_first if under(second, c)), default=-1.0),
                max((v for c, v in others_of_first if under(c, second)), default=-1.0),
                max((v for c, v in others_of_second if under(first, c)), default=-1.0),
                max((v for c, v in others_of_second if under(c, first)), default=-1.0),
            )  # fmt: skip
    return out


def candidate_pairs(view: DocumentView, labels: tuple[str, str]) -> list[tuple[str, str]]:
    """Every (first, second) concept pair whose labels are the type's, in a fixed order."""
    firsts = sorted(view.concepts(labels[0]))
    seconds = sorted(view.concepts(labels[1]))
    return [(a, b) for a in firsts for b in seconds if a != b]


def support(view: DocumentView, first: str, second: str, limit: int = 5) -> list[list[int]]:
    """Mention pairs of the two concepts, nearest first (same sentence before others)."""
    pairs = []
    for i in view.by_concept[first]:
        for j in view.by_concept[second]:
            a, b = view.mentions[i], view.mentions[j]
            gap = max(a.start, b.start) - min(a.end, b.end)
            pairs.append((view.sentence_of[i] != view.sentence_of[j], abs(gap), [a.start, a.end, b.start, b.end]))
    pairs.sort(key=lambda p: (p[0], p[1], p[2]))
    return [p[2] for p in pairs[:limit]]


def predict_views(model: RelationModel, views: Sequence[DocumentView]) -> list[list[dict[str, Any]]]:
    """Relations of each document: every candidate pair scored, those at or above threshold kept."""
    out: list[list[dict[str, Any]]] = [[] for _ in views]
    for relation_type in model.types:
        if relation_type.trees is None:
            continue
        priors = model.priors.get(relation_type.name)
        rows, where = [], []
        for number, view in enumerate(views):
            for first, second in candidate_pairs(view, relation_type.labels):
                rows.append(pair_features(view, first, second, model, priors, relation_type.name))
                where.append((number, first, second))
        if not rows:
            continue
        matrix = np.vstack(rows)
        scores = 1.0 / (1.0 + np.exp(-relation_type.trees.raw(matrix)))
        if relation_type.document_trees is not None:
            stacked = np.hstack([matrix, document_features(scores, where, model.trees)])
            scores = 1.0 / (1.0 + np.exp(-relation_type.document_trees.raw(stacked)))
        best: dict[int, float] = {}
        for (number, _, _), score in zip(where, scores):
            best[number] = max(best.get(number, 0.0), float(score))
        for (number, first, second), score in zip(where, scores):
            kept = score >= relation_type.threshold or (
                relation_type.at_least_one
                and relation_type.floor <= best[number] < relation_type.threshold
                and score == best[number]
            )
            if kept:
                out[number].append(
                    {
                        "type": relation_type.name,
                        "arguments": [first, second],
                        "score": round(float(score), 4),
                        "support": support(views[number], first, second),
                    }
                )
    for relations in out:
        relations.sort(key=lambda r: -r["score"])
    return out


def doc_view(doc: Doc) -> DocumentView:
    mentions = [Mention(e.start_char, e.end_char, e.label_, mention_ids(e.kb_id_)) for e in doc.ents]
    return DocumentView.build(doc.text, [m for m in mentions if m.ids])


@Language.factory(
    "bioner_relations",
    default_config={"threshold": None, "at_least_one": None},
    assigns=[f"doc._.{EXTENSION}"],
    requires=["doc.ents", "token.ent_kb_id"],
)
def make_relations(nlp: Language, name: str, threshold: float | None, at_least_one: bool | None) -> RelationExtractor:
    return RelationExtractor(name, threshold=threshold, at_least_one=at_least_one)


class RelationExtractor:
    """spaCy wrapper of `RelationModel`: `initialize(model_path=...)` reads the model `bioner relations`
    trained; the pipeline folder then carries it (to_disk/from_disk). Without one it predicts nothing.
    `threshold` overrides every type's learned threshold (higher: fewer, surer relations), and
    `at_least_one` whether a document's best pair is kept below it (None: as learned)."""

    def __init__(
        self, name: str = "bioner_relations", *, threshold: float | None = None, at_least_one: bool | None = None
    ) -> None:
        self.name = name
        self.threshold = threshold
        self.at_least_one = at_least_one
        self.model = RelationModel()
        if not Doc.has_extension(EXTENSION):
            Doc.set_extension(EXTENSION, default=None)

    def set_model(self, model: RelationModel) -> None:
        self.model = model
        for relation_type in self.model.types:
            if self.threshold is not None:
                relation_type.threshold = self.threshold
            if self.at_least_one is not None:
                relation_type.at_least_one = self.at_least_one

    def initialize(
        self,
        get_examples: Callable[[], Iterable[Any]] | None = None,
        *,
        nlp: Language | None = None,
        model_path: str | None = None,
    ) -> None:
        if model_path:
            self.set_model(RelationModel.load(model_path))

    def __call__(self, doc: Doc) -> Doc:
        (relations,) = predict_views(self.model, [doc_view(doc)])
        doc._.set(EXTENSION, relations)
        return doc

    def pipe(self, stream: Iterable[Doc], *, batch_size: int = 64) -> Iterator[Doc]:
        """Score a batch of documents in one walk of the trees."""
        batch: list[Doc] = []
        for doc in stream:
            batch.append(doc)
            if len(batch) >= batch_size:
                yield from self._batch(batch)
                batch = []
        yield from self._batch(batch)

    def _batch(self, docs: list[Doc]) -> Iterator[Doc]:
        for doc, relations in zip(docs, predict_views(self.model, [doc_view(d) for d in docs])):
            doc._.set(EXTENSION, relations)
            yield doc

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        self.model.save(path / MODEL_FILE)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> RelationExtractor:
        self.set_model(RelationModel.load(Path(path) / MODEL_FILE))
        return self
