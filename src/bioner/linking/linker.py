"""`bioner_linker`: MeSH identifiers for chemical and disease mentions, offline, on a CPU.

The component sets `ent.kb_id_` of every entity to a MeSH id (`D008094`, supplementary records
`C…`; OMIM ids where CTD's disease vocabulary has them), several joined with `|` for a composite
mention ("renal and hepatic failure"), or `-1` (NIL). For the mentions of one document:

1. candidates (`candidates`): the concepts of the knowledge-base names equal to the mention
   after normalisation (case, Greek letters, punctuation, plurals, British spellings, word
   order), and to the long form of its abbreviation (defined in the abstract, or else another
   mention of the document the short form abbreviates); with no exact name, the nearest names
   by character 3-gram TF-IDF cosine;
2. a ranker (`ranker`, trained by `bioner kb` on the corpora's gold mentions, `learn`) scores
   each candidate from string similarity, how often annotators chose the id for that name,
   the record's kind and label, and whether the document names the concept elsewhere; the best
   is kept if its probability reaches the threshold (learned with the ranker), else `-1`;
3. a composite mention with no exact name is split into its parts, each linked; ids joined
   with `|` when every part resolves.

The same (text, label) in a document gets the same id. The knowledge base (about 700k names
from MeSH 2024, CTD MEDIC and the corpora) is indexed once, at `initialize(kb_path=...)`, and
the pipeline folder stores the index as numpy arrays that load in under a second.

How it relates to the published linkers: DNorm (Leaman et al. 2013) learns a pairwise ranking of
TF-IDF vectors of mention and name, and TaggerOne (Leaman & Lu 2016) learns NER and that ranking
jointly; ours keeps the TF-IDF similarity untrained and learns how to weigh it against the
annotators' choices and the vocabulary's structure. scispaCy's linker uses character 3-gram
TF-IDF neighbours over all of UMLS (an approximate-neighbour index of about 11 GB, downloaded at
run time); ours is restricted to MeSH and CTD names of the two labels. SapBERT (Liu et al. 2021)
replaces sparse vectors by dense ones from a BERT model trained on UMLS synonyms: better on
unseen surface forms, and a GPU's worth of compute. This module and the two it imports use only
the standard library, numpy, scipy and spaCy, because they are copied into packaged models.
"""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from .candidates import (  # noqa: F401  (re-exported)
    STOPWORDS,
    LabelIndex,
    build_label_index,
    load_label_index,
    normalise,
    save_label_index,
    surface_key,
    tokens,
)
from .ranker import INDEX, KINDS, LABELS, ConceptInfo, Evidence, Ranker, features

NO_ID = "-1"
KB_FILE = "kb.json.gz"
CONFIG_FILE = "cfg.json"
RANKER_FILE = "ranker.json"
OTHER_NAMES_FILE = "other-names.txt"
CONCEPTS_FILE = "concepts"
KB_FORMAT = "bioner-kb"
DEFAULT_THRESHOLD = 0.5
"""Probability the ranker must give the best candidate for it to be linked (else -1)."""
NEAREST = 8
"""Near names looked at for a mention with no exact name."""
NEAR_CACHE = 50_000
"""Near-name searches, mentions and other-name checks remembered (each cleared when full)."""
HEAD_REWRITES = {
    **dict.fromkeys(
        ("damage", "dysfunction", "impairment", "involvement", "toxicity", "abnormality", "lesion"), "disease"
    ),
    **dict.fromkeys(("complication", "illness", "problem", "disorder"), "disease"),
    **dict.fromkeys(("tumor", "tumour"), "neoplasm"),
}
"""Heads of descriptive disease phrases and the MeSH head they stand for (`tokens` form): annotators
file "heart damage", "renal involvement", "pulmonary toxicity", "liver tumors" under Heart, Kidney
and Lung Diseases and Liver Neoplasms, whose entry terms MeSH lists with the adjectives too
("Cardiac Diseases", "Renal Diseases"). Tried only for a Disease mention that neither it nor its
long form names exactly; "injury" is left out ("kidney injury" is its own concept). BC5CDR dev,
gold mentions: Disease concept F1 90.53 -> 91.03; NCBI disease dev +0.5 to +0.8 per class."""
HEAD_REWRITE_SIMILARITY = 0.9
"""What the ranker sees for a name found by rewriting the head: a near name, not an exact one."""
LONG_FORMS = "bioner_long_forms"
"""Doc extension the abbreviation component fills: short form text -> long form text."""
_QUALITY = re.compile(r"[^\W\d_]{3,}ness", re.IGNORECASE)
"""One word naming a quality or a feeling: "worthlessness", "sadness"."""
_CONJUNCTION = re.compile(r"\s*(?:,\s*(?:and|or)\s+|,\s*|\s+and/or\s+|\s+and\s+|\s+or\s+)", re.IGNORECASE)

Row = tuple[str, str, str, int, int]
"""(label, name, identifier, count annotators chose it, 1 if a vocabulary lists the name)"""


@dataclass
class KnowledgeBase:
    """What `bioner kb` writes: names, the concepts' kinds and labels, and the trained ranker."""

    entries: list[Row]
    concepts: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    """identifier -> (kind: descriptor | supplementary | ctd | corpus, vocabulary label or None)"""
    ranker: dict[str, Any] | None = None
    sources: list[str] = field(default_factory=list)
    other_names: list[str] = field(default_factory=list)
    """Normalised names (`normalise`) of MeSH descriptors outside the Chemical and Disease trees
    that no entry of the knowledge base has."""


def _rows(entries: Iterable[Sequence[Any]]) -> list[Row]:
    rows = []
    for entry in entries:
        label, name, identifier, count = entry[:4]
        listed = int(entry[4]) if len(entry) > 4 else 0
        rows.append((str(label), str(name), str(identifier), int(count), listed))
    return rows


def read_kb(path: str | Path) -> KnowledgeBase:
    """The knowledge base file made by `bioner kb` (version 1 files: corpus names only)."""
    try:
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            payload = json.load(handle)
    except (OSError, ValueError) as error:
        raise ValueError(f"{path}: not a readable bioner knowledge base ({error})") from None
    if not isinstance(payload, dict) or payload.get("format") != KB_FORMAT:
        raise ValueError(f"{path}: not a bioner knowledge base (made by `bioner kb`)")
    concepts = {k: (v[0], v[1]) for k, v in payload.get("concepts", {}).items()}
    return KnowledgeBase(
        _rows(payload["entries"]),
        concepts,
        payload.get("ranker"),
        list(payload.get("sources", [])),
        [str(n) for n in payload.get("other_names", [])],
    )


def write_kb(
    entries: Iterable[Sequence[Any]],
    path: str | Path,
    *,
    concepts: Mapping[str, tuple[str, str | None]] | None = None,
    ranker: Mapping[str, Any] | None = None,
    sources: Sequence[str] = (),
    other_names: Iterable[str] = (),
) -> None:
    """Entries are (label, name, id, count) or (label, name, id, count, listed)."""
    payload = {
        "format": KB_FORMAT,
        "version": 2,
        "sources": list(sources),
        "concepts": {k: list(v) for k, v in sorted((concepts or {}).items())},
        "ranker": dict(ranker) if ranker else None,
        "entries": [list(r) for r in sorted(_rows(entries))],
        "other_names": sorted(set(other_names)),
    }
    path = Path(path)
    partial = path.with_name(path.name + ".partial")
    with gzip.open(partial, "wt", encoding="utf-8", compresslevel=6) as handle:
        json.dump(payload, handle, ensure_ascii=False, separators=(",", ":"))
    partial.replace(path)


def split_composite(text: str) -> list[str]:
    """Parts of a coordinated mention: "renal and hepatic failure" -> renal failure, hepatic failure.

    The last conjunct carries the head; a one-word conjunct before it borrows the last
    conjunct's words after its first ("breast, ovarian and prostate cancers"). Returns [] when the
    text is not a coordination.
    """
    conjuncts = [c for c in _CONJUNCTION.split(text.strip()) if c]
    if len(conjuncts) < 2:
        return []
    last = conjuncts[-1].split()
    head = last[1:]
    parts = []
    for conjunct in conjuncts[:-1]:
        words = conjunct.split()
        parts.append(" ".join(words + head) if len(words) == 1 and head else conjunct)
    parts.append(conjuncts[-1])
    return parts


class Linker:
    """The linking logic on plain strings, apart from spaCy: what `bioner_linker` runs per document.

    Built from a `KnowledgeBase` (or (label, name, id, count) entries) once; `save`/`load` keep
    the built index as arrays.
    """

    def __init__(
        self,
        concepts: ConceptTable,
        indexes: dict[str, LabelIndex],
        ranker: Ranker,
        *,
        threshold: float | None = None,
        other_names: Iterable[str] = (),
    ) -> None:
        self.concepts = concepts
        self.indexes = indexes
        self.ranker = ranker
        self.other_names = frozenset(other_names)
        """Normalised names MeSH files outside the Chemical and Disease trees (`KnowledgeBase.other_names`)."""
        self.threshold = ranker.threshold if threshold is None else threshold
        self._near_cache: dict[tuple[str, str], list[tuple[int, float]]] = {}
        self._other_cache: dict[tuple[str, str], bool] = {}
        self._mention_cache: dict[tuple[str, str, str | None, bool], tuple[list[int], np.ndarray, np.ndarray]] = {}
        """Candidates and features of a (text, label, long form) apart from the document's other
        mentions: computed once per process, since names recur across documents."""

    @classmethod
    def build(cls, kb: KnowledgeBase | Iterable[Sequence[Any]], *, threshold: float | None = None) -> Linker:
        if not isinstance(kb, KnowledgeBase):
            kb = KnowledgeBase(_rows(kb))
        return cls(*_build_parts(kb), threshold=threshold, other_names=kb.other_names)

    @classmethod
    def empty(cls) -> Linker:
        return cls(ConceptTable([], *(np.zeros(0, t) for t in (np.uint8, np.uint8, np.int32))), {}, Ranker.default())

    # -- storage -----------------------------------------------------------------------------
    def save(self, path: Path) -> None:
        path.mkdir(parents=True, exist_ok=True)
        table = self.concepts
        np.savez_compressed(path / f"{CONCEPTS_FILE}.npz", kind=table.kinds, label=table.labels, prior=table.priors)
        (path / f"{CONCEPTS_FILE}.txt").write_text("\n".join(table.identifiers), encoding="utf-8")
        for label, index in self.indexes.items():
            save_label_index(index.arrays, index.grams, path / f"names-{label}")
        (path / RANKER_FILE).write_text(json.dumps(self.ranker.to_json(), indent=1), encoding="utf-8")
        (path / OTHER_NAMES_FILE).write_text("\n".join(sorted(self.other_names)), encoding="utf-8")

    @classmethod
    def load(cls, path: Path, *, threshold: float | None = None) -> Linker:
        with np.load(path / f"{CONCEPTS_FILE}.npz") as stored:
            kinds, labels, priors = stored["kind"], stored["label"], stored["prior"]
        text = (path / f"{CONCEPTS_FILE}.txt").read_text(encoding="utf-8")
        identifiers = text.split("\n") if text else []
        concepts = ConceptTable(identifiers, kinds, labels, priors)
        indexes = {
            p.name[len("names-") : -len(".npz")]: load_label_index(p.with_suffix(""))
            for p in sorted(path.glob("names-*.npz"))
        }
        ranker = Ranker.from_json(json.loads((path / RANKER_FILE).read_text(encoding="utf-8")))
        others = path / OTHER_NAMES_FILE  # absent in pipelines saved before it
        other_names = others.read_text(encoding="utf-8").split("\n") if others.exists() else []
        return cls(concepts, indexes, ranker, threshold=threshold, other_names=[n for n in other_names if n])

    # -- linking -----------------------------------------------------------------------------
    def is_name(self, text: str, label: str) -> bool:
        """Whether `text` is a name of `label` in the knowledge base (exactly, as names are keyed)."""
        index = self.indexes.get(label)
        return index is not None and index.exact(normalise(text)) >= 0

    def names_other(self, text: str, label: str) -> bool:
        """Whether `text` is what MeSH calls a concept outside the Chemical and Disease trees and no
        name of `label` in the knowledge base ("heredity", "cacao", "hepatitis B virus" as Disease)."""
        key = (text, label)
        known = self._other_cache.get(key)
        if known is None:
            if len(self._other_cache) >= NEAR_CACHE:
                self._other_cache.clear()
            known = self._other_cache[key] = normalise(text) in self.other_names and not self.is_name(text, label)
        return known

    def _nearest(self, index: LabelIndex, label: str, key: str) -> list[tuple[int, float]]:
        """`index.nearest`, remembered: the same unknown name recurs across documents."""
        cached = self._near_cache.get((label, key))
        if cached is None:
            if len(self._near_cache) >= NEAR_CACHE:
                self._near_cache.clear()
            cached = self._near_cache[(label, key)] = index.nearest([key], NEAREST)[0]
        return cached

    def _evidence(
        self, label: str, row: int, similarity: float, long_form: bool, exclude: Mapping | None
    ) -> dict[int, Evidence]:
        index = self.indexes[label]
        found: dict[int, Evidence] = {}
        candidates = index.candidates(row, similarity)
        if exclude:
            for c in candidates:
                c.count -= exclude.get((label, row, c.concept), 0)
            candidates = [c for c in candidates if c.count > 0 or c.vocabulary]
        total = sum(c.count for c in candidates)
        for c in candidates:
            e = Evidence(count=c.count, key_total=total, listed=c.vocabulary, ambiguity=len(candidates))
            if long_form:
                e.similarity_long_form, e.exact_long_form = similarity, similarity >= 1.0
            else:
                e.similarity, e.exact = similarity, similarity >= 1.0
            found[c.concept] = e
        return found

    def gather(
        self, text: str, label: str, long_form: str | None = None, *, exclude: Mapping | None = None
    ) -> dict[int, Evidence]:
        """Every candidate concept of a mention with its evidence (exact names, else near names)."""
        index = self.indexes.get(label)
        if index is None:
            return {}
        merged: dict[int, Evidence] = {}
        forms = [(normalise(form), is_long) for form, is_long in ((text, False), (long_form, True)) if form]
        inexact = []
        for key, is_long in forms:
            row = index.exact(key)
            found = self._evidence(label, row, 1.0, is_long, exclude) if row >= 0 else {}
            for concept, e in found.items():
                _merge(merged, concept, e)
            if not found:
                inexact.append((key, is_long))
        # Near names only when neither the mention nor its long form is a known name.
        if len(inexact) == len(forms):
            rewritten = head_rewritten(text) if label == "Disease" else None
            row = index.exact(rewritten) if rewritten else -1
            if row >= 0:
                for concept, e in self._evidence(label, row, HEAD_REWRITE_SIMILARITY, False, exclude).items():
                    _merge(merged, concept, e)
            for key, is_long in inexact:
                for near, similarity in self._nearest(index, label, key):
                    for concept, e in self._evidence(label, near, similarity, is_long, exclude).items():
                        _merge(merged, concept, e)
        return merged

    def rank(
        self, text: str, label: str, evidence: Mapping[int, Evidence], in_document: Mapping[int, bool]
    ) -> tuple[str, float]:
        """The best candidate's id and probability; (`-1`, 0) without candidates."""
        ids, matrix = features(text, label, evidence, self.concepts, in_document)
        if not ids:
            return NO_ID, 0.0
        probabilities = self.ranker.probabilities(matrix)
        best = int(np.argmax(probabilities))
        return self.concepts[ids[best]].identifier, float(probabilities[best])

    def link_document(
        self,
        mentions: Sequence[tuple[str, str]],
        long_forms: Mapping[str, str] | None = None,
        *,
        exclude: Mapping | None = None,
    ) -> list[str]:
        """Ids for one document's (text, label) mentions; a repeated (text, label) gets the same id.

        `exclude` ((label, name row, concept) -> count) takes a document's own annotations out of
        the counts, for training the ranker on the documents the counts came from.
        """
        distinct = list(dict.fromkeys(mentions))
        scored = self.candidates_for_training(distinct, long_forms, exclude)
        matrices = [matrix for _, matrix, _ in scored if len(matrix)]
        probabilities = self.ranker.probabilities(np.vstack(matrices)) if matrices else np.zeros(0)
        decided: dict[tuple[str, str], str] = {}
        start = 0
        for mention, (ids, _matrix, has_exact) in zip(distinct, scored, strict=True):
            identifier, probability = NO_ID, 0.0
            if ids:
                own = probabilities[start : start + len(ids)]
                start += len(ids)
                best = int(np.argmax(own))
                identifier, probability = ids[best], float(own[best])
            if not has_exact:
                parts = split_composite(mention[0])
                if parts:
                    part_ids = []
                    for part in parts:
                        part_id, part_p = self.rank(
                            part, mention[1], self.gather(part, mention[1], exclude=exclude), {}
                        )
                        part_ids.append(part_id if part_p >= self.threshold else NO_ID)
                    if NO_ID not in part_ids:
                        decided[mention] = "|".join(dict.fromkeys(part_ids))
                        continue
            decided[mention] = identifier if probability >= self.threshold else NO_ID
        decided.update(self._short_forms(decided, long_forms or {}, exclude))
        return [decided[m] for m in mentions]

    def _short_forms(
        self, decided: Mapping[tuple[str, str], str], long_forms: Mapping[str, str], exclude: Mapping | None
    ) -> dict[tuple[str, str], str]:
        """A short form's id where its long form links: "LTG" defined as "lamotrigine (LTG)" is lamotrigine.

        The ranker weighs a short form's own names against its long form's and often leaves a
        defined short form unlinked or on a homonym ("MA" as another concept than methamphetamine);
        annotators give both one id. A short form used without a definition ("DEN" beside
        "diethylnitrosamine", `implicit_long_form`) takes the id of the mention it abbreviates
        only where it has none of its own, since a bare "NO" or "5-HT" is more often right alone.
        """
        texts: dict[str, list[str]] = defaultdict(list)
        for text, label in decided:
            texts[label].append(text)
        changed: dict[tuple[str, str], str] = {}
        for (text, label), identifier in decided.items():
            long_form = long_forms.get(text)
            if long_form:
                linked = decided.get((long_form, label))
                if linked is None:
                    linked, probability = self.rank(
                        long_form, label, self.gather(long_form, label, exclude=exclude), {}
                    )
                    linked = linked if probability >= self.threshold else NO_ID
            elif identifier == NO_ID:
                implicit = implicit_long_form(text, texts[label])
                linked = decided.get((implicit, label), NO_ID) if implicit else NO_ID
            else:
                continue
            if linked != NO_ID and linked != identifier:
                changed[(text, label)] = linked
        return changed

    def candidates_for_training(
        self,
        mentions: Sequence[tuple[str, str]],
        long_forms: Mapping[str, str] | None = None,
        exclude: Mapping | None = None,
    ) -> list[tuple[list[str], np.ndarray, bool]]:
        """(candidate ids, feature matrix, whether an exact name was found) per distinct mention.

        A concept is "in the document" for a mention when another mention's name (or long form)
        is an exact name of it.
        """
        long_forms = long_forms or {}
        distinct = list(dict.fromkeys(mentions))
        scored = []
        for text, label in distinct:
            long_form = long_forms.get(text)
            implicit = None if long_form else implicit_long_form(text, [t for t, lab in distinct if lab == label])
            key = (text, label, long_form or implicit, bool(implicit))
            cached = self._mention_cache.get(key) if exclude is None else None
            if cached is None:
                found = self.gather(text, label, long_form or implicit, exclude=exclude)
                if implicit:
                    for e in found.values():
                        e.implicit = e.exact_long_form or e.similarity_long_form > 0
                ids, matrix = features(text, label, found, self.concepts, {})
                exact = np.array([found[i].exact or found[i].exact_long_form for i in ids], dtype=bool)
                cached = (ids, matrix, exact)
                if exclude is None:
                    if len(self._mention_cache) >= NEAR_CACHE:
                        self._mention_cache.clear()
                    self._mention_cache[key] = cached
            scored.append(cached)
        exact_in = Counter(i for ids, _, exact in scored for i, is_exact in zip(ids, exact.tolist()) if is_exact)
        result = []
        column = INDEX["in_document"]
        for ids, matrix, exact in scored:
            matrix = matrix.copy()
            if ids:
                matrix[:, column] = [exact_in[i] - is_exact > 0 for i, is_exact in zip(ids, exact.tolist())]
            result.append(([self.concepts.identifiers[i] for i in ids], matrix, bool(exact.any())))
        return result


def head_rewritten(text: str) -> str | None:
    """The exact-match key of a descriptive disease phrase with its head as MeSH words it
    ("cardiac damage" -> that of "cardiac disease"); None for one word or another head."""
    words = tokens(text)
    if len(words) < 2 or words[-1] not in HEAD_REWRITES:
        return None
    return " ".join(sorted(w for w in [*words[:-1], HEAD_REWRITES[words[-1]]] if w not in STOPWORDS))


def _abbreviates(short: str, long: str) -> bool:
    """Whether the short form's letters appear in order in the long form, the first as its first."""
    letters = [c for c in short.lower() if c.isalnum()]
    long = long.lower()
    if not letters or not long or letters[0] != long[0]:
        return False
    at = 0
    for c in letters:
        at = long.find(c, at)
        if at < 0:
            return False
        at += 1
    return True


_CAPITALS = re.compile(r"([A-Z]{3,})s?")
"""A short form in capitals, in the plural too ("SSRIs"), for `initials_labels`."""


def _whole_word(token: Token) -> bool:
    """Whether no letter or digit is written against the token ("IDDM" of "IDDM2" is not a word)."""
    doc = token.doc
    before = token.i == 0 or bool(doc[token.i - 1].whitespace_) or not doc[token.i - 1].text[-1].isalnum()
    after = token.i == len(doc) - 1 or bool(token.whitespace_) or not doc[token.i + 1].text[0].isalnum()
    return before and after


def initials(text: str) -> str | None:
    """The initials of a name of three words or more, in capitals ("insulin-dependent diabetes
    mellitus": "IDDM"); None when a word starts with no letter."""
    words = [w for w in re.split(r"[\s/-]+", text) if w]
    if len(words) < 3 or not all(w[0].isalpha() for w in words):
        return None
    return "".join(w[0] for w in words).upper()


def implicit_long_form(text: str, others: Sequence[str]) -> str | None:
    """For a short form with no definition in the document ("DEN"), the longest other mention
    it abbreviates ("diethylnitrosamine"): annotators link both to one concept."""
    short = text[:-1] if len(text) > 2 and text.endswith("s") and text[-2].isupper() else text
    if not (2 <= len(short) <= 6 and " " not in short and any(c.isupper() for c in short)):
        return None
    fitting = [o for o in others if len(o) >= len(short) + 3 and _abbreviates(short, o)]
    return max(fitting, key=len) if fitting else None


def _merge(merged: dict[int, Evidence], concept: int, e: Evidence) -> None:
    old = merged.get(concept)
    if old is None:
        merged[concept] = e
        return
    old.similarity = max(old.similarity, e.similarity)
    old.similarity_long_form = max(old.similarity_long_form, e.similarity_long_form)
    old.exact |= e.exact
    old.exact_long_form |= e.exact_long_form
    if e.count > old.count:
        old.count, old.key_total = e.count, e.key_total
    old.listed |= e.listed
    old.ambiguity = min(old.ambiguity, e.ambiguity)


_LABEL_CODES: tuple[str | None, ...] = (None, *LABELS)
SUPPLEMENTARY = KINDS.index("supplementary")


class ConceptTable:
    """The concepts as arrays (kinds and labels coded as indices of `KINDS` and `_LABEL_CODES`),
    read per candidate: no object per concept at load time."""

    def __init__(self, identifiers: list[str], kinds: np.ndarray, labels: np.ndarray, priors: np.ndarray) -> None:
        self.identifiers = identifiers
        self.kinds = kinds
        self.labels = labels
        self.priors = priors

    def __len__(self) -> int:
        return len(self.identifiers)

    def __getitem__(self, i: int) -> ConceptInfo:
        return ConceptInfo(self.identifiers[i], KINDS[self.kinds[i]], _LABEL_CODES[self.labels[i]], int(self.priors[i]))


def _label_code(label: str | None) -> int:
    return _LABEL_CODES.index(label) if label in _LABEL_CODES else 0


def _build_parts(kb: KnowledgeBase) -> tuple[ConceptTable, dict[str, LabelIndex], Ranker]:
    identifiers = sorted({row[2] for row in kb.entries} | set(kb.concepts))
    position = {identifier: i for i, identifier in enumerate(identifiers)}
    prior: Counter = Counter()
    for _label, _name, identifier, count, _listed in kb.entries:
        prior[identifier] += count
    kinds, labels = [], []
    for identifier in identifiers:
        kind, label = kb.concepts.get(identifier, ("corpus", None))
        kinds.append(KINDS.index(kind))
        labels.append(_label_code(label))
    concepts = ConceptTable(
        identifiers,
        np.array(kinds, dtype=np.uint8),
        np.array(labels, dtype=np.uint8),
        np.array([prior[i] for i in identifiers], dtype=np.int32),
    )
    by_label: dict[str, list[tuple[str, int, int, bool, bool]]] = defaultdict(list)
    for label, name, identifier, count, listed in kb.entries:
        # Supplementary records' other names (mostly systematic chemical names) are found by
        # exact match only: they would double the 3-gram index for little.
        near = count > 0 or concepts.kinds[position[identifier]] != SUPPLEMENTARY
        by_label[label].append((name, position[identifier], count, bool(listed), near))
    indexes = {label: LabelIndex(*build_label_index(rows)) for label, rows in sorted(by_label.items())}
    ranker = Ranker.from_json(kb.ranker) if kb.ranker else Ranker.default()
    return concepts, indexes, ranker


_MODIFIER = re.compile(r"[^\W_]+(?:-[^\W_]+)*")
_FUNCTION_WORDS = STOPWORDS | {"to", "in", "on", "at", "by", "for", "from", "with", "and", "or", "as", "is", "was"}
_WORDS_BEFORE = re.compile(r"(?<![^\s])[^\s]+(?=\s)")
"""Whitespace-delimited words (each followed by a space), for `known_modifiers`."""
_COORDINATED_BEFORE = re.compile(
    r"(?<![^\s(])((?:[^\W\d_][\w-]*\s*,\s*){0,4}[^\W\d_][\w-]*)\s*,?\s+(?:and/or|and|or)\s+$", re.IGNORECASE
)
"""One-word conjuncts and a conjunction just before a mention: "optic and " before "peripheral
neuropathy", "renal, hepatic, and " before "gastrointestinal toxicity"."""
_WORD_AFTER = re.compile(r"[ \t]+([^\W_]+(?:-[^\W_]+)*)")
"""A word after a mention (letters, digits, hyphens), for `known_suffixes`."""
_TRAILING_WORD = re.compile(r"\s+(?:and|or|of|in|to|the|with|by|for|at|from)$", re.IGNORECASE)
_TRAILING_NUMBER = re.compile(r"\s+\d+$")
"""A function word or a number ending a mention, for `trim_function_words` and `trim_numbers`."""


@Language.factory(
    "bioner_linker",
    default_config={
        "threshold": None,
        "whole_long_forms": False,
        "known_modifiers": 0,
        "modifier_labels": ["Chemical", "Disease"],
        "coordinated_labels": [],
        "known_suffixes": 0,
        "suffix_labels": None,
        "trim_function_words": [],
        "trim_numbers": [],
        "drop_other_names": False,
        "drop_unlinked_phrases": [],
        "drop_unlinked_qualities": [],
        "initials_labels": [],
    },
    assigns=["doc.ents", "token.ent_kb_id"],
    requires=["doc.ents"],
)
def make_linker(
    nlp: Language,
    name: str,
    threshold: float | None,
    whole_long_forms: bool,
    known_modifiers: int,
    modifier_labels: list[str],
    coordinated_labels: list[str],
    known_suffixes: int,
    suffix_labels: list[str] | None,
    trim_function_words: list[str],
    trim_numbers: list[str],
    drop_other_names: bool,
    drop_unlinked_phrases: list[str],
    drop_unlinked_qualities: list[str],
    initials_labels: list[str],
) -> EntityLinker:
    return EntityLinker(
        name,
        threshold=threshold,
        whole_long_forms=whole_long_forms,
        known_modifiers=known_modifiers,
        modifier_labels=modifier_labels,
        coordinated_labels=coordinated_labels,
        known_suffixes=known_suffixes,
        suffix_labels=suffix_labels,
        trim_function_words=trim_function_words,
        trim_numbers=trim_numbers,
        drop_other_names=drop_other_names,
        drop_unlinked_phrases=drop_unlinked_phrases,
        drop_unlinked_qualities=drop_unlinked_qualities,
        initials_labels=initials_labels,
    )


class EntityLinker:
    """spaCy wrapper of `Linker`: `initialize(kb_path=...)` builds the index from the knowledge
    base file once; the pipeline folder then carries the built index (to_disk/from_disk).

    With `whole_long_forms`, an entity that ends a long form defined in the document
    ("depression" of "treatment-resistant depression (TRD)", `doc._.bioner_long_forms`) becomes
    that long form wherever the text reads so, in any case, when the long form is an exact name of
    the entity's label in the knowledge base: the long form is then one mention with the short
    form's id. The name check keeps BC5CDR's shortest names ("breast cancer" in "metastatic breast
    cancer (MBC)"), which a plain stretch to the long form loses (`bioner_abbreviations` `widen`).
    With `known_modifiers` N, a mention with up to N words before it that together make a
    knowledge-base name of its label takes them in, defined or not ("treatment-resistant" before
    "depression" in a text that never writes TRD), for the labels in `modifier_labels`.
    For the labels in `coordinated_labels`, a mention of several words preceded by coordinated
    one-word modifiers takes them in when each, put in place of the mention's first word, makes a
    knowledge-base name of its label: the tagger often keeps only the last conjunct of "optic and
    peripheral neuropathy" or "subarachnoid and cerebral hemorrhage", which the annotators mark as
    one composite mention, and the linker then splits it into both ids.
    With `known_suffixes` N, a mention of the labels in `suffix_labels` (unset: `modifier_labels`,
    as pipelines saved before the setting existed have it) takes in up to N words after it when
    together they make a knowledge-base name of its label ("migraine" followed by "without aura",
    "hepatitis" by "C"), the longest such name first.
    With `trim_function_words`, a mention of those labels loses a function word that ends it
    ("haemopericardium and"); with `trim_numbers`, a number that makes no name with it
    ("cholestasis 3" of "cholestasis 3 weeks after"): the tagger sometimes carries on into them.
    Not for Chemical numbers: code names end in them ("CB 3717", "Tween 80").
    With `drop_other_names`, a mention whose whole text MeSH files outside the Chemical and
    Disease trees, and that no knowledge-base name of its label matches, is no entity: "heredity"
    (MeSH G05) as Disease, the plant "cacao" as Chemical, "hepatitis B virus" as Disease. Names the
    annotators of the training corpora used are knowledge-base names, so their conventions stand
    ("smoking" as Chemical in BC5CDR).
    With `drop_unlinked_phrases`, a mention of those labels of several words that no id fits
    (`-1`) is no entity: for Chemical these are mostly wrong bounds ("QTP +", "CP 200", "2, 4 and
    6", "[3H]spiperone binding"), while a chemical written as one word ("XR9576") stays.
    With `drop_unlinked_qualities`, a one-word mention of those labels that names a quality
    ("worthlessness", "sadness": a word ending in -ness) and that no id fits is no entity: the
    diseases written so are in MeSH and CTD (weakness, dizziness, deafness) and get their ids; of
    BC5CDR's 11,000 train and dev Disease mentions, one such word has none (tenderness).
    A short form defined in the document is kept by `drop_other_names` when its long form is a
    knowledge-base name of its label: "blood urea nitrogen (BUN)" (MeSH files "BUN" under tests).
    With `initials_labels`, an untagged word in capitals (plural too) that spells the initials of
    a mention of those labels in the document, a name of three words or more as the linker
    finished it, is a mention of it with its id: "IDDM" where only "insulin-dependent diabetes
    mellitus" and the locus "IDDM2" are defined, "BUN" beside "blood urea nitrogen".
    """

    def __init__(
        self,
        name: str = "bioner_linker",
        *,
        threshold: float | None = None,
        whole_long_forms: bool = False,
        known_modifiers: int = 0,
        modifier_labels: Iterable[str] = ("Chemical", "Disease"),
        coordinated_labels: Iterable[str] = (),
        known_suffixes: int = 0,
        suffix_labels: Iterable[str] | None = None,
        trim_function_words: Iterable[str] = (),
        trim_numbers: Iterable[str] = (),
        drop_other_names: bool = False,
        drop_unlinked_phrases: Iterable[str] = (),
        drop_unlinked_qualities: Iterable[str] = (),
        initials_labels: Iterable[str] = (),
    ) -> None:
        self.name = name
        self.initials_labels = set(initials_labels)
        self.drop_unlinked_phrases = set(drop_unlinked_phrases)
        self.drop_unlinked_qualities = set(drop_unlinked_qualities)
        self.threshold = threshold
        self.whole_long_forms = whole_long_forms
        self.known_modifiers = known_modifiers
        self.modifier_labels = set(modifier_labels)
        self.coordinated_labels = set(coordinated_labels)
        self.known_suffixes = known_suffixes
        self.suffix_labels = set(self.modifier_labels if suffix_labels is None else suffix_labels)
        self.trim_function_words = set(trim_function_words)
        self.trim_numbers = set(trim_numbers)
        self.drop_other_names = drop_other_names
        self.linker = Linker.empty()

    def set_entries(self, entries: KnowledgeBase | Iterable[Sequence[Any]]) -> None:
        self.linker = Linker.build(entries, threshold=self.threshold)

    def initialize(
        self,
        get_examples: Callable[[], Iterable[Any]] | None = None,
        *,
        nlp: Language | None = None,
        kb_path: str | None = None,
    ) -> None:
        """Build the index from the knowledge base file made by `bioner kb`; without one every mention gets -1."""
        if kb_path:
            self.set_entries(read_kb(kb_path))

    def __call__(self, doc: Doc) -> Doc:
        ents = list(doc.ents)
        if not ents:
            return doc
        long_forms = getattr(doc._, LONG_FORMS, None) if Doc.has_extension(LONG_FORMS) else None
        text = doc.text  # spaCy builds it from the tokens at each access: once per document
        if self.trim_function_words or self.trim_numbers:
            ents = [self._trimmed(doc, ent) for ent in ents]
        if self.whole_long_forms and long_forms:
            ents = self._whole_long_forms(doc, text, ents, set(long_forms.values()))
        if self.known_modifiers:
            ents = self._with_known_modifiers(doc, text, ents)
        if self.coordinated_labels:
            ents = self._with_coordinated_modifiers(doc, text, ents)
        if self.known_suffixes:
            ents = self._with_known_suffixes(doc, text, ents)
        if self.initials_labels:
            ents, long_forms = self._with_initials(doc, ents, dict(long_forms or {}))
        if self.drop_other_names and self.linker.other_names:
            ents = [ent for ent in ents if not self._other_name(ent, long_forms or {})]
        ids = self.linker.link_document([(ent.text, ent.label_) for ent in ents], long_forms)
        doc.ents = [
            Span(doc, ent.start, ent.end, label=ent.label, kb_id=identifier)
            for ent, identifier in zip(ents, ids)
            if identifier != NO_ID or not self._dropped_unlinked(ent)
        ]
        return doc

    def _other_name(self, ent: Span, long_forms: Mapping[str, str]) -> bool:
        """Whether `drop_other_names` drops the entity (see the class)."""
        if not self.linker.names_other(ent.text, ent.label_):
            return False
        long_form = long_forms.get(ent.text)
        return not (long_form and self.linker.is_name(long_form, ent.label_))

    def _with_initials(
        self, doc: Doc, ents: list[Span], long_forms: dict[str, str]
    ) -> tuple[list[Span], dict[str, str]]:
        """`ents` with the words that spell a mention's initials (`initials_labels`), and `long_forms`
        with those words' long forms."""
        spelled: dict[str, set[tuple[str, str]]] = defaultdict(set)
        for ent in ents:
            key = initials(ent.text) if ent.label_ in self.initials_labels else None
            if key:
                spelled[key].add((ent.label_, ent.text))
        if not spelled:
            return ents, long_forms
        covered = {i for ent in ents for i in range(ent.start, ent.end)}
        defined = set(long_forms)
        added: list[Span] = []
        for token in doc:
            match = _CAPITALS.fullmatch(token.text)
            if match is None or token.i in covered or token.text in defined or not _whole_word(token):
                continue
            found = spelled.get(match.group(1), set())
            if len({label for label, _ in found}) != 1:
                continue  # none, or mentions of two labels with the same initials
            label, long_form = min(found)
            added.append(Span(doc, token.i, token.i + 1, label=label))
            long_forms[token.text] = long_form
        if not added:
            return ents, long_forms
        if Doc.has_extension(LONG_FORMS):
            doc._.set(LONG_FORMS, long_forms)
        return sorted(ents + added, key=lambda span: span.start), long_forms

    def _dropped_unlinked(self, ent: Span) -> bool:
        """Whether an entity no id fits is dropped (`drop_unlinked_phrases`, `drop_unlinked_qualities`)."""
        if ent.label_ in self.drop_unlinked_phrases and " " in ent.text:
            return True
        return ent.label_ in self.drop_unlinked_qualities and bool(_QUALITY.fullmatch(ent.text))

    def _whole_long_forms(self, doc: Doc, text: str, ents: list[Span], long_forms: set[str]) -> list[Span]:
        """`ents` with each entity that ends a known long form (an exact name of its label) stretched to it."""
        lowered = sorted({f.lower() for f in long_forms}, key=len, reverse=True)
        text = text.lower()
        out: list[Span] = []
        for ent in ents:
            whole = None
            for form in lowered:
                start = ent.end_char - len(form)
                if len(form) <= len(ent.text) or start < 0 or text[start : ent.end_char] != form:
                    continue
                span = doc.char_span(start, ent.end_char, label=ent.label)
                before = out[-1].end if out else 0
                if span is not None and span.start >= before and self.linker.is_name(span.text, ent.label_):
                    whole = span
                    break
            out.append(whole if whole is not None else ent)
        return out

    def _with_known_modifiers(self, doc: Doc, text: str, ents: list[Span]) -> list[Span]:
        """`ents` with each entity stretched over the longest run of up to `known_modifiers` words
        before it (letters, digits, hyphens) that makes a knowledge-base name of its label."""
        out: list[Span] = []
        for ent in ents:
            before = out[-1].end_char if out else 0
            starts = [m.start() for m in _WORDS_BEFORE.finditer(text, before, ent.start_char)]
            whole = ent
            for start in starts[-self.known_modifiers :] if ent.label_ in self.modifier_labels else []:
                added = text[start : ent.start_char].split()
                if not all(_MODIFIER.fullmatch(word) and word.lower() not in _FUNCTION_WORDS for word in added):
                    # "the depression" is keyed as "depression", "to muscle damage" as "damage to muscle".
                    continue
                if not self.linker.is_name(text[start : ent.end_char], ent.label_):
                    continue
                span = doc.char_span(start, ent.end_char, label=ent.label)
                if span is not None:
                    whole = span
                    break
            out.append(whole)
        return out

    def _with_coordinated_modifiers(self, doc: Doc, text: str, ents: list[Span]) -> list[Span]:
        """`ents` with each entity of several words stretched over the coordinated one-word
        modifiers before it, nearest first, as long as each makes a knowledge-base name with the
        entity's words after its first ("diabetes" of "diabetes, optic and peripheral neuropathy"
        makes none, so only "optic" is taken in)."""
        out: list[Span] = []
        for ent in ents:
            before = out[-1].end_char if out else 0
            words = ent.text.split()
            found = None
            if ent.label_ in self.coordinated_labels and len(words) >= 2:
                found = _COORDINATED_BEFORE.search(text, before, ent.start_char)
            start = None
            if found is not None:
                rest = " ".join(words[1:])
                conjuncts = list(_MODIFIER.finditer(text, found.start(1), found.end(1)))
                for conjunct in reversed(conjuncts):
                    word = conjunct.group()
                    if word.lower() in _FUNCTION_WORDS or not self.linker.is_name(f"{word} {rest}", ent.label_):
                        break
                    start = conjunct.start()
            span = doc.char_span(start, ent.end_char, label=ent.label) if start is not None else None
            out.append(span if span is not None else ent)
        return out

    def _trimmed(self, doc: Doc, ent: Span) -> Span:
        """`ent` without the function words and name-less numbers that end it (`trim_function_words`,
        `trim_numbers`)."""
        words, numbers = ent.label_ in self.trim_function_words, ent.label_ in self.trim_numbers
        if not words and not numbers:
            return ent
        text = ent.text
        while True:
            cut = _TRAILING_WORD.search(text) if words else None
            if cut is None and numbers:
                cut = _TRAILING_NUMBER.search(text)
                if cut is not None and self.linker.is_name(text, ent.label_):
                    cut = None
            if cut is None:
                break
            text = text[: cut.start()]
        if len(text) == len(ent.text):
            return ent
        span = doc.char_span(ent.start_char, ent.start_char + len(text), label=ent.label, alignment_mode="contract")
        return span if span is not None and len(span) else ent

    def _with_known_suffixes(self, doc: Doc, text: str, ents: list[Span]) -> list[Span]:
        """`ents` with each entity stretched over the longest run of up to `known_suffixes` words
        after it that makes a knowledge-base name of its label, not into the next entity."""
        out: list[Span] = []
        for i, ent in enumerate(ents):
            after = ents[i + 1].start_char if i + 1 < len(ents) else len(text)
            ends: list[int] = []
            position = ent.end_char
            while ent.label_ in self.suffix_labels and len(ends) < self.known_suffixes:
                word = _WORD_AFTER.match(text, position, after)
                if word is None:
                    break
                position = word.end()
                if word.group(1).lower() not in _FUNCTION_WORDS:
                    ends.append(position)
            whole = ent
            for end in reversed(ends):
                if not self.linker.is_name(text[ent.start_char : end], ent.label_):
                    continue
                span = doc.char_span(ent.start_char, end, label=ent.label)
                if span is not None:
                    whole = span
                    break
            out.append(whole)
        return out

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        (path / CONFIG_FILE).write_text(json.dumps({"threshold": self.threshold, "version": 2}), encoding="utf-8")
        self.linker.save(path)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> EntityLinker:
        """Load the stored index; a folder of the first version (a `kb.json.gz` only) is built from it."""
        path = Path(path)
        config = json.loads((path / CONFIG_FILE).read_text(encoding="utf-8"))
        if self.threshold is None:  # a threshold set in config.cfg wins over the one stored with the index
            self.threshold = config.get("threshold")
        if config.get("version", 1) >= 2:
            self.linker = Linker.load(path, threshold=self.threshold)
        else:
            self.threshold = None
            self.set_entries(read_kb(path / KB_FILE))
        return self
