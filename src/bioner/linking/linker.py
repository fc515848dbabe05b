"""`bioner_linker`: MeSH identifiers for chemical and disease mentions, offline, on a CPU.

The component sets `ent.kb_id_` of every entity to a MeSH id (`D008094`, supplementary concepts
`C…`), several joined with `|` for a composite mention ("renal and hepatic failure"), or `-1` when
no candidate is good enough. For each mention, in order:

1. its abbreviation's long form first: when the mention is a short form the abbreviation
   component (`bioner_abbreviations`) saw defined in the abstract, the long form is linked and,
   if it resolves, wins;
2. normalised exact match against the knowledge base's names of that label: lower case, Greek
   letters spelled out, hyphens and punctuation as spaces, plurals singular, word order ignored;
3. a composite mention ("breast and ovarian cancers") split into its parts ("breast cancers",
   "ovarian cancers"), each linked; ids joined with `|` when every part resolves;
4. nearest neighbour over character 3-gram TF-IDF vectors (scikit-learn) of the names, accepted
   when the cosine similarity reaches `threshold` (tuned on BC5CDR development,
   scripts/tune_linker.py).

The same string in the same document gets the same id (the first decision is reused).

How it relates to the published linkers: DNorm (Leaman et al. 2013) learns a pairwise ranking of
TF-IDF vectors of mention and name, and TaggerOne (Leaman & Lu 2016) learns NER and that ranking
jointly; both win their accuracy from training a similarity on the corpus, which we do not do:
our TF-IDF similarity is untrained, and the corpus enters through the names (with counts) in the
knowledge base. scispaCy's linker uses the same character 3-gram TF-IDF nearest neighbours, but
over all of UMLS with an approximate-neighbour index (about 11 GB in memory, downloaded at run
time); ours is restricted to MeSH names of the two labels and the training corpora, exact search,
kept in the pipeline folder. SapBERT (Liu et al. 2021) replaces the sparse vectors by dense
vectors from a BERT model trained on UMLS synonyms: much better on unseen surface forms, and a
GPU's worth of compute. This module imports only the standard library, numpy, scikit-learn and
spaCy, because it is copied into packaged models.
"""

from __future__ import annotations

import gzip
import json
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc, Span

NO_ID = "-1"
KB_FILE = "kb.json.gz"
CONFIG_FILE = "cfg.json"
KB_FORMAT = "bioner-kb"
DEFAULT_THRESHOLD = 0.8
LONG_FORMS = "bioner_long_forms"
"""Doc extension the abbreviation component fills: short form text -> long form text."""

GREEK = {
    "α": "alpha",
    "β": "beta",
    "γ": "gamma",
    "δ": "delta",
    "ε": "epsilon",
    "ζ": "zeta",
    "η": "eta",
    "θ": "theta",
    "ι": "iota",
    "κ": "kappa",
    "λ": "lambda",
    "μ": "mu",
    "ν": "nu",
    "ξ": "xi",
    "ο": "omicron",
    "π": "pi",
    "ρ": "rho",
    "σ": "sigma",
    "ς": "sigma",
    "τ": "tau",
    "υ": "upsilon",
    "φ": "phi",
    "χ": "chi",
    "ψ": "psi",
    "ω": "omega",
}
STOPWORDS = frozenset({"of", "the", "a", "an"})
_NON_WORD = re.compile(r"[^0-9a-z]+")
_CONJUNCTION = re.compile(r"\s*(?:,\s*(?:and|or)\s+|,\s*|\s+and/or\s+|\s+and\s+|\s+or\s+)", re.IGNORECASE)


def _singular(token: str) -> str:
    if len(token) <= 3 or not token.isalpha():
        return token
    if token.endswith("ies"):
        return token[:-3] + "y"
    if token.endswith(("ses", "xes", "ches", "shes")):
        return token[:-2]
    if token.endswith("s") and not token.endswith(("ss", "us", "is")):
        return token[:-1]
    return token


def tokens(text: str) -> list[str]:
    """Lower-case words: Greek letters spelled out, punctuation as spaces, plurals singular."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = "".join(f" {GREEK[c]} " if c in GREEK else c for c in text)
    return [_singular(t) for t in _NON_WORD.split(text) if t]


def surface_key(text: str) -> str:
    """The normalised form in word order: what character n-grams are taken from."""
    return " ".join(tokens(text))


def normalise(text: str) -> str:
    """The exact-match key: `surface_key` without stop words, words sorted."""
    words = [t for t in tokens(text) if t not in STOPWORDS]
    return " ".join(sorted(words))


def _is_mesh(identifier: str) -> bool:
    return bool(re.fullmatch(r"(?:MESH:)?[CD]\d+", identifier))


def _best(counter: Counter) -> str:
    """Most frequent id; on a tie a MeSH id before OMIM and others, then the smallest."""
    return min(counter.items(), key=lambda item: (-item[1], not _is_mesh(item[0]), item[0]))[0]


def read_kb(path: str | Path) -> list[tuple[str, str, str, int]]:
    """(label, name, identifier, count) entries of a knowledge base file made by `bioner kb`."""
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        payload = json.load(handle)
    if payload.get("format") != KB_FORMAT:
        raise ValueError(f"{path}: not a bioner knowledge base (made by `bioner kb`)")
    return [(label, name, identifier, int(count)) for label, name, identifier, count in payload["entries"]]


def write_kb(entries: Iterable[tuple[str, str, str, int]], path: str | Path, *, sources: Sequence[str] = ()) -> None:
    rows = sorted(entries)
    payload = {"format": KB_FORMAT, "version": 1, "sources": list(sources), "entries": [list(r) for r in rows]}
    from ..atomic import atomic_path

    with atomic_path(path) as temporary, gzip.open(temporary, "wt", encoding="utf-8", compresslevel=6) as handle:
        json.dump(payload, handle, ensure_ascii=False, separators=(",", ":"))


class _LabelIndex:
    """Exact and nearest-neighbour lookup among one label's names."""

    def __init__(self, entries: Sequence[tuple[str, str, int]]) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer

        exact: dict[str, Counter] = defaultdict(Counter)
        surface: dict[str, Counter] = defaultdict(Counter)
        for name, identifier, count in entries:
            exact[normalise(name)][identifier] += count
            surface[surface_key(name)][identifier] += count
        self.exact = {key: _best(counter) for key, counter in exact.items() if key}
        self.names = [key for key in surface if key]
        self.ids = [_best(surface[key]) for key in self.names]
        self.vectorizer = None
        self.matrix = None
        if self.names:
            self.vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 3), dtype=np.float64)
            self.matrix = self.vectorizer.fit_transform(self.names).T.tocsr()

    def nearest(self, texts: Sequence[str]) -> list[tuple[str, float]]:
        """(id, cosine similarity) of the closest name for each text; ("-1", 0.0) if none."""
        if self.vectorizer is None or not texts:
            return [(NO_ID, 0.0)] * len(texts)
        queries = self.vectorizer.transform([surface_key(t) for t in texts])
        similarities = (queries @ self.matrix).tocsr()
        result = []
        for row in range(similarities.shape[0]):
            start, end = similarities.indptr[row], similarities.indptr[row + 1]
            if start == end:
                result.append((NO_ID, 0.0))
                continue
            best = start + int(similarities.data[start:end].argmax())
            result.append((self.ids[similarities.indices[best]], float(similarities.data[best])))
        return result


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
    """The linking logic on plain strings, apart from spaCy: what `bioner_linker` runs per document."""

    def __init__(self, entries: Sequence[tuple[str, str, str, int]], *, threshold: float = DEFAULT_THRESHOLD) -> None:
        self.entries = list(entries)
        self.threshold = threshold
        by_label: dict[str, list[tuple[str, str, int]]] = defaultdict(list)
        for label, name, identifier, count in self.entries:
            by_label[label].append((name, identifier, count))
        self.indexes = {label: _LabelIndex(rows) for label, rows in by_label.items()}

    def exact(self, text: str, label: str) -> str:
        index = self.indexes.get(label)
        return index.exact.get(normalise(text), NO_ID) if index else NO_ID

    def resolve(self, text: str, label: str, nearest: Callable[[str], tuple[str, float]]) -> str:
        """Exact match, then composite parts, then the nearest name above the threshold."""
        found = self.exact(text, label)
        if found != NO_ID:
            return found
        parts = split_composite(text)
        if parts:
            ids = [self.exact(part, label) for part in parts]
            ids = [i if i != NO_ID else self._accept(nearest(part)) for part, i in zip(parts, ids)]
            if NO_ID not in ids:
                return "|".join(dict.fromkeys(ids))
        return self._accept(nearest(text))

    def _accept(self, candidate: tuple[str, float]) -> str:
        identifier, similarity = candidate
        return identifier if similarity >= self.threshold else NO_ID

    def link_document(self, mentions: Sequence[tuple[str, str]], long_forms: dict[str, str] | None = None) -> list[str]:
        """Ids for one document's (text, label) mentions; a repeated (text, label) gets the same id."""
        long_forms = long_forms or {}
        cache: dict[tuple[str, str], str] = {}
        similar: dict[tuple[str, str], tuple[str, float]] = {}

        def nearest(label: str) -> Callable[[str], tuple[str, float]]:
            def lookup(text: str) -> tuple[str, float]:
                key = (text, label)
                if key not in similar:
                    index = self.indexes.get(label)
                    similar[key] = index.nearest([text])[0] if index else (NO_ID, 0.0)
                return similar[key]

            return lookup

        result = []
        for text, label in mentions:
            key = (text, label)
            if key not in cache:
                identifier = NO_ID
                long_form = long_forms.get(text)
                if long_form:
                    identifier = self.resolve(long_form, label, nearest(label))
                if identifier == NO_ID:
                    identifier = self.resolve(text, label, nearest(label))
                cache[key] = identifier
            result.append(cache[key])
        return result


@Language.factory(
    "bioner_linker",
    default_config={"threshold": DEFAULT_THRESHOLD},
    assigns=["doc.ents", "token.ent_kb_id"],
    requires=["doc.ents"],
)
def make_linker(nlp: Language, name: str, threshold: float) -> EntityLinker:
    return EntityLinker(name, threshold=threshold)


class EntityLinker:
    """spaCy wrapper of `Linker`; the knowledge base comes from `initialize(kb_path=...)` and
    then travels in the pipeline folder (to_disk/from_disk)."""

    def __init__(self, name: str = "bioner_linker", *, threshold: float = DEFAULT_THRESHOLD) -> None:
        self.name = name
        self.threshold = threshold
        self.linker = Linker([], threshold=threshold)

    def set_entries(self, entries: Sequence[tuple[str, str, str, int]]) -> None:
        self.linker = Linker(entries, threshold=self.threshold)

    def initialize(
        self,
        get_examples: Callable[[], Iterable[Any]] | None = None,
        *,
        nlp: Language | None = None,
        kb_path: str | None = None,
    ) -> None:
        """Load the knowledge base file made by `bioner kb`; without one every mention gets -1."""
        if kb_path:
            self.set_entries(read_kb(kb_path))

    def __call__(self, doc: Doc) -> Doc:
        ents = list(doc.ents)
        if not ents:
            return doc
        long_forms = getattr(doc._, LONG_FORMS, None) if Doc.has_extension(LONG_FORMS) else None
        ids = self.linker.link_document([(ent.text, ent.label_) for ent in ents], long_forms)
        doc.ents = [
            Span(doc, ent.start, ent.end, label=ent.label, kb_id=identifier) for ent, identifier in zip(ents, ids)
        ]
        return doc

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        (path / CONFIG_FILE).write_text(json.dumps({"threshold": self.threshold}), encoding="utf-8")
        write_kb(self.linker.entries, path / KB_FILE)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> EntityLinker:
        path = Path(path)
        config = json.loads((path / CONFIG_FILE).read_text(encoding="utf-8"))
        self.threshold = float(config.get("threshold", self.threshold))
        self.set_entries(read_kb(path / KB_FILE))
        return self
