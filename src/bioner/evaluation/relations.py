"""Scoring document-level relations (BC5CDR's CID) as the BioCreative V CDR scorer does.

The kit's `relation CID` mode: a relation is the distinct tuple (document, type, argument 1,
argument 2); a tuple listed twice counts once; an id without prefix equals `MESH:` + id (`D001`
== `MESH:D001`). TP = |gold ∩ predicted|, FP = |predicted − gold|, FN = |gold − predicted|, for
any document id: a relation predicted in a document the gold lacks is a false positive. Relation
types come from the data; micro scores pool every type.

Beyond the kit:

- **Within one sentence / across sentences.** A gold pair is *within* when some sentence
  (`pipeline.sentences.sentence_spans`, passages always breaking) holds a gold mention of each
  argument, else *across* (also when an argument has no gold mention). A predicted pair whose two
  ids both have gold mentions in the document is classified by the gold mentions, so a true
  positive falls in the same group on both sides; otherwise by its `support` (within when one
  supporting mention pair lies in one sentence), else by the predicted mentions of its ids
  (across when there are none). Each group has its own P/R/F1: its TP and FN from the gold pairs
  of the group, its FP from the predicted pairs classified into it.
- **Co-occurrence baseline.** Every (Chemical id, Disease id) pair of a document's mentions
  (ids split on `|`, `-1` and `-` skipped) predicted as a relation of the gold's relation type,
  scored the same way: what relation extraction must beat.
- **Intervals.** Percentile bootstrap over documents (`bootstrap.count_intervals`).
- **Settings.** `end_to_end` scores the relations predicted on the system's own mentions;
  `gold_mentions` those of the pipeline's `bioner_relations` component run on the gold mentions
  (`relations_on_gold_mentions`), the relation step apart from NER and linking.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from spacy.language import Language
from spacy.util import filter_spans

from ..document import Document, Mention, Relation
from ..errors import BionerError
from ..names import RELATIONS, RELATIONS_EXTENSION
from ..pipeline.relations import mention_ids as identifier_ids
from ..pipeline.sentences import sentence_index, sentence_spans
from ..vocabularies import strip_mesh_prefix
from .bootstrap import DEFAULT_CONFIDENCE, DEFAULT_SEED, Interval, count_intervals
from .scoring import PRF, Counts, Scores

CHEMICAL, DISEASE = "Chemical", "Disease"
WITHIN, ACROSS = "within_sentence", "across_sentences"

Pair = tuple[str, tuple[str, ...]]
"""(type, normalised arguments) of a relation inside one document."""


normalise_id = strip_mesh_prefix
"""`MESH:D001` and `D001` are the same concept, as the kit counts them."""


def relation_pairs(document: Document) -> set[Pair]:
    """The distinct (type, arguments) of a document's relations, ids normalised."""
    return {(r.type, tuple(normalise_id(a) for a in r.arguments)) for r in document.relations}


def mention_ids(mention: Mention) -> list[str]:
    """A mention's ids, `|` lists split, `-1` and `-` left out, `MESH:` dropped (as the relation
    component reads them)."""
    return list(identifier_ids(mention.identifier))


def cooccurrence_relations(document: Document, type: str = "CID") -> list[Relation]:
    """Every (Chemical id, Disease id) pair of the document's mentions as a relation of `type`."""
    chemicals = sorted({i for m in document.mentions if m.label == CHEMICAL for i in mention_ids(m)})
    diseases = sorted({i for m in document.mentions if m.label == DISEASE for i in mention_ids(m)})
    return [Relation(type, [c, d]) for c in chemicals for d in diseases]


# --- sentences ---------------------------------------------------------------------------------


@dataclass
class _Context:
    """One document's sentences and its mentions' spans by id, gold and predicted."""

    text: str
    sentences: list[tuple[int, int]]
    gold: dict[str, list[tuple[int, int]]]
    predicted: dict[str, list[tuple[int, int]]]

    @classmethod
    def of(cls, gold: Document, predicted: Document) -> _Context:
        text = gold.text
        sentences = sentence_spans(text, breaks=[p.offset for p in gold.passages])
        return cls(text, sentences, _spans_by_id(gold.mentions), _spans_by_id(predicted.mentions))

    def sentence(self, offset: int) -> int:
        return sentence_index(self.sentences, offset)

    def together(self, first: Iterable[tuple[int, int]], second: Iterable[tuple[int, int]]) -> bool:
        """Some sentence holds a span of each list."""
        return bool({self.sentence(s) for s, _ in first} & {self.sentence(s) for s, _ in second})

    def gold_within(self, pair: Pair) -> bool:
        spans = [self.gold.get(a, []) for a in pair[1][:2]]
        return len(spans) == 2 and self.together(*spans)

    def predicted_within(self, pair: Pair, support: Sequence[tuple[int, int, int, int]]) -> bool:
        args = pair[1][:2]
        if len(args) == 2 and all(a in self.gold for a in args):
            return self.gold_within(pair)
        if support:
            return any(self.sentence(s1) == self.sentence(s2) for s1, _, s2, _ in support)
        spans = [self.predicted.get(a, []) for a in args]
        return len(spans) == 2 and self.together(*spans)

    def evidence(self, pair: Pair) -> list[str]:
        """Sentences holding a mention of each argument; else each argument's first sentence."""
        spans = [self.gold.get(a) or self.predicted.get(a) or [] for a in pair[1][:2]]
        if len(spans) == 2:
            shared = sorted({self.sentence(s) for s, _ in spans[0]} & {self.sentence(s) for s, _ in spans[1]})
            if shared:
                return [self._sentence_text(i) for i in shared]
        firsts = sorted({self.sentence(min(found)[0]) for found in spans if found})
        return [self._sentence_text(i) for i in firsts]

    def _sentence_text(self, index: int) -> str:
        start, end = self.sentences[index] if self.sentences else (0, len(self.text))
        return self.text[start:end]


def _spans_by_id(mentions: Iterable[Mention]) -> dict[str, list[tuple[int, int]]]:
    found: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for mention in mentions:
        if 0 <= mention.start < mention.end:
            for identifier in mention_ids(mention):
                found[identifier].append((mention.start, mention.end))
    return dict(found)


# --- results -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RelationError:
    """A false positive or false negative pair, with the sentences that show it."""

    document: str
    type: str  # FP or FN
    relation: str
    arguments: tuple[str, ...]
    within_sentence: bool
    names: tuple[str, ...]
    """The text of a mention of each argument ('' when none)."""
    evidence: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "document": self.document,
            "type": self.type,
            "relation": self.relation,
            "arguments": list(self.arguments),
            "within_sentence": self.within_sentence,
            "names": list(self.names),
            "evidence": list(self.evidence),
        }


@dataclass
class RelationScores:
    """One set of predicted relations against the gold: micro, per type, within/across sentences."""

    micro: PRF
    per_type: dict[str, PRF]
    within_sentence: PRF
    across_sentences: PRF
    interval: Interval | None = None
    cooccurrence: RelationScores | None = None
    errors: list[RelationError] = field(default_factory=list, repr=False)

    def to_json(self) -> dict[str, Any]:
        payload: dict[str, Any] = {
            **self.micro.to_json(),
            "interval": self.interval.to_json() if self.interval else None,
            WITHIN: self.within_sentence.to_json(),
            ACROSS: self.across_sentences.to_json(),
            "per_type": {name: prf.to_json() for name, prf in self.per_type.items()},
        }
        if self.cooccurrence is not None:
            payload["cooccurrence"] = self.cooccurrence.to_json()
        return payload

    @classmethod
    def from_json(cls, data: Any, where: str) -> RelationScores:
        """Read back what `to_json` wrote (error records are not stored)."""
        if not isinstance(data, dict):
            raise BionerError(f"{where}: expected an object of relation scores")
        return cls(
            PRF.from_json(data, where),
            {name: PRF.from_json(v, f"{where}.per_type.{name}") for name, v in (data.get("per_type") or {}).items()},
            PRF.from_json(data.get(WITHIN), f"{where}.{WITHIN}"),
            PRF.from_json(data.get(ACROSS), f"{where}.{ACROSS}"),
            Interval.from_json(data["interval"], f"{where}.interval") if data.get("interval") else None,
            cls.from_json(data["cooccurrence"], f"{where}.cooccurrence") if data.get("cooccurrence") else None,
        )


@dataclass
class RelationEvaluation:
    """What `bioner evaluate` reports on relations; `gold_mentions` is None when not run (see `notes`)."""

    types: list[str]
    gold_relations: dict[str, int]
    """Distinct gold pairs: `total`, `within_sentence`, `across_sentences`."""
    end_to_end: RelationScores
    gold_mentions: RelationScores | None = None
    notes: list[str] = field(default_factory=list)
    samples: int = 0
    seed: int = DEFAULT_SEED

    def to_json(self) -> dict[str, Any]:
        return {
            "types": list(self.types),
            "gold": dict(self.gold_relations),
            "end_to_end": self.end_to_end.to_json(),
            "gold_mentions": self.gold_mentions.to_json() if self.gold_mentions else None,
            "bootstrap": {"samples": self.samples, "seed": self.seed} if self.samples else None,
            "notes": list(self.notes),
        }

    @classmethod
    def from_json(cls, data: Any, where: str = "relations") -> RelationEvaluation:
        if not isinstance(data, dict) or "end_to_end" not in data:
            raise BionerError(f"{where}: expected an object with 'end_to_end' relation scores")
        bootstrap = data.get("bootstrap") or {}
        return cls(
            [str(t) for t in data.get("types", [])],
            {str(k): int(v) for k, v in (data.get("gold") or {}).items()},
            RelationScores.from_json(data["end_to_end"], f"{where}.end_to_end"),
            RelationScores.from_json(data["gold_mentions"], f"{where}.gold_mentions")
            if data.get("gold_mentions")
            else None,
            [str(n) for n in data.get("notes", [])],
            int(bootstrap.get("samples", 0)),
            int(bootstrap.get("seed", DEFAULT_SEED)),
        )


# --- scoring -----------------------------------------------------------------------------------


@dataclass
class _DocumentResult:
    counts: dict[str, Counts]
    groups: dict[str, Counts]
    errors: list[RelationError]


def _score_document(gold: Document, predicted: Document, relations: Sequence[Relation]) -> _DocumentResult:
    context = _Context.of(gold, predicted)
    gold_pairs = relation_pairs(gold)
    support: dict[Pair, list[tuple[int, int, int, int]]] = defaultdict(list)
    predicted_pairs: set[Pair] = set()
    for relation in relations:
        pair = (relation.type, tuple(normalise_id(a) for a in relation.arguments))
        predicted_pairs.add(pair)
        support[pair].extend(relation.support)
    counts: dict[str, Counts] = defaultdict(Counts)
    groups = {WITHIN: Counts(), ACROSS: Counts()}
    errors = []
    for pair in gold_pairs | predicted_pairs:
        hit, is_gold = pair in gold_pairs and pair in predicted_pairs, pair in gold_pairs
        within = context.gold_within(pair) if is_gold else context.predicted_within(pair, support[pair])
        one = Counts(1, 0, 0) if hit else Counts(0, 0, 1) if is_gold else Counts(0, 1, 0)
        counts[pair[0]] += one
        groups[WITHIN if within else ACROSS] += one
        if not hit:
            names = tuple(_name(gold, predicted, a) for a in pair[1])
            errors.append(
                RelationError(
                    gold.id,
                    "FN" if is_gold else "FP",
                    pair[0],
                    pair[1],
                    within,
                    names,
                    tuple(context.evidence(pair)),
                )
            )
    errors.sort(key=lambda e: (e.type, e.relation, e.arguments))
    return _DocumentResult(dict(counts), groups, errors)


def _name(gold: Document, predicted: Document, identifier: str) -> str:
    for document in (gold, predicted):
        for mention in document.sorted_mentions():
            if identifier in mention_ids(mention) and 0 <= mention.start < mention.end:
                return mention.text
    return ""


def score_relations(
    gold_docs: Sequence[Document],
    predicted_docs: Sequence[Document],
    *,
    relations: Callable[[Document], Sequence[Relation]] | None = None,
    types: Sequence[str] | None = None,
    bootstrap: int = 0,
    seed: int = DEFAULT_SEED,
    confidence: float = DEFAULT_CONFIDENCE,
    baseline: bool = True,
) -> RelationScores:
    """Relations of `predicted_docs` (aligned one to one with `gold_docs`, as
    `scoring.align_documents` pairs them) scored against the gold's.

    `relations` picks a predicted document's relations (default: `Document.relations`); the
    co-occurrence baseline uses it with `cooccurrence_relations`. `types` fixes the types
    reported (default: those of gold and predictions). With `bootstrap` > 0, an F1 interval.
    """
    if len(gold_docs) != len(predicted_docs):
        raise ValueError("gold and predicted documents must be aligned one to one")
    pick = relations or (lambda document: document.relations)
    results = [_score_document(g, p, pick(p)) for g, p in zip(gold_docs, predicted_docs, strict=True)]
    found = {name for r in results for name in r.counts}
    names = sorted(found | set(types or ()))
    per_type = {name: sum((r.counts.get(name, Counts()) for r in results), Counts()) for name in names}
    scores = Scores.from_counts(per_type)
    result = RelationScores(
        micro=scores.micro,
        per_type=dict(scores.labels),
        within_sentence=sum((r.groups[WITHIN] for r in results), Counts()).prf(),
        across_sentences=sum((r.groups[ACROSS] for r in results), Counts()).prf(),
        errors=[e for r in results for e in r.errors],
    )
    if bootstrap:
        array = np.zeros((len(results), len(names), 3), dtype=np.int64)
        for i, r in enumerate(results):
            for j, name in enumerate(names):
                c = r.counts.get(name, Counts())
                array[i, j] = (c.tp, c.fp, c.fn)
        intervals = count_intervals(
            {"relations": array}, names, {"relations": scores}, samples=bootstrap, seed=seed, confidence=confidence
        )
        result.interval = intervals["relations"]["micro"]
    if baseline:
        kind = _baseline_type(gold_docs)
        result.cooccurrence = score_relations(
            gold_docs,
            predicted_docs,
            relations=lambda document: cooccurrence_relations(document, kind),
            types=types,
            bootstrap=bootstrap,
            seed=seed,
            confidence=confidence,
            baseline=False,
        )
        result.cooccurrence.errors = []  # the baseline's errors are not reported one by one
    return result


def _baseline_type(gold_docs: Sequence[Document]) -> str:
    """The gold's most frequent relation type (BC5CDR: CID): what co-occurrence pairs stand for."""
    counted = Counter(r.type for d in gold_docs for r in d.relations)
    return counted.most_common(1)[0][0] if counted else "CID"


def gold_relation_counts(gold_docs: Sequence[Document], predicted_docs: Sequence[Document]) -> dict[str, int]:
    """Distinct gold pairs in all and within one sentence / across sentences."""
    within = across = 0
    for gold, predicted in zip(gold_docs, predicted_docs, strict=True):
        context = _Context.of(gold, predicted)
        for pair in relation_pairs(gold):
            if context.gold_within(pair):
                within += 1
            else:
                across += 1
    return {"total": within + across, WITHIN: within, ACROSS: across}


# --- the relation component on gold mentions ----------------------------------------------------


def relations_on_gold_mentions(nlp: Language, gold_docs: Sequence[Document]) -> list[Document] | None:
    """The gold documents with the relations the pipeline's `bioner_relations` component finds
    between their gold mentions; None when the pipeline has no such component.

    Each document becomes `nlp.make_doc(text)` whose `doc.ents` are the gold mentions (label, and
    `kb_id_` the mention's ids as the linker writes them, `D1|D2` for a composite, `-1` when it has
    none; overlapping gold mentions keep the
    longest, spaCy's ents cannot overlap), and only that component runs. It must write
    `doc._.bioner_relations`, a list of `{"type", "arguments", "score", "support"}`.
    """
    if RELATIONS not in nlp.pipe_names:
        return None
    component = nlp.get_pipe(RELATIONS)
    result = []
    for gold in gold_docs:
        doc = nlp.make_doc(gold.text)
        spans = []
        for mention in gold.mentions:
            ids = mention_ids(mention)
            kb_id = "|".join(ids) if ids else "-1"
            span = doc.char_span(mention.start, mention.end, label=mention.label, kb_id=kb_id, alignment_mode="expand")
            if span is not None:
                spans.append(span)
        doc.ents = filter_spans(spans)
        doc = component(doc)
        if not doc.has_extension(RELATIONS_EXTENSION):
            raise BionerError(
                f"the pipeline's {RELATIONS} component did not set doc._.{RELATIONS_EXTENSION}; "
                "it must write a list of {type, arguments, score, support} there"
            )
        found = getattr(doc._, RELATIONS_EXTENSION) or []
        result.append(
            Document(
                gold.id,
                list(gold.passages),
                list(gold.mentions),
                [_relation(item, gold.id) for item in found],
                line=gold.line,
            )
        )
    return result


def _relation(item: Any, doc_id: str) -> Relation:
    try:
        return Relation(
            str(item["type"]),
            [str(a) for a in item["arguments"]],
            None if item.get("score") is None else float(item["score"]),
            [(int(a), int(b), int(c), int(d)) for a, b, c, d in item.get("support") or []],
        )
    except (KeyError, TypeError, ValueError) as error:
        raise BionerError(
            f"document {doc_id!r}: doc._.{RELATIONS_EXTENSION} holds {item!r}, not a relation "
            f"{{type, arguments, score, support}} ({error})"
        ) from None


def evaluate_relations(
    gold_docs: Sequence[Document],
    predicted_docs: Sequence[Document],
    *,
    nlp: Language | None = None,
    bootstrap: int = 0,
    seed: int = DEFAULT_SEED,
) -> RelationEvaluation:
    """Relations end to end (`predicted_docs`' own) and, with a pipeline `nlp`, on gold mentions."""
    types = sorted({r.type for d in gold_docs for r in d.relations})
    options: dict[str, Any] = {"types": types, "bootstrap": bootstrap, "seed": seed}
    evaluation = RelationEvaluation(
        types=types,
        gold_relations=gold_relation_counts(gold_docs, predicted_docs),
        end_to_end=score_relations(gold_docs, predicted_docs, **options),
        samples=bootstrap,
        seed=seed,
    )
    if nlp is None:
        evaluation.notes.append("gold mentions: not scored (needs --model and --gold-mentions)")
        return evaluation
    on_gold = relations_on_gold_mentions(nlp, gold_docs)
    if on_gold is None:
        evaluation.notes.append(
            f"gold mentions: not scored (the pipeline has no {RELATIONS} component; "
            f"its pipes: {', '.join(nlp.pipe_names) or 'none'})"
        )
        return evaluation
    evaluation.gold_mentions = score_relations(gold_docs, on_gold, **options)
    return evaluation
