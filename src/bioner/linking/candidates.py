"""The linker's candidate index: exact names by hash, near names by character 3-grams.

Built once from the knowledge base (about 700k MeSH, CTD and corpus names) and stored as a few
numpy arrays, so that a pipeline loads it in well under a second and never rebuilds it:

- exact lookup: the 64-bit hash of each normalised name (`normalise`), sorted, with CSR arrays
  of its concepts, how often annotators chose each, and whether the vocabulary lists the name;
- near names: an inverted index from character 3-grams (of each word padded with spaces, like
  scikit-learn's `char_wb`) to the names holding them; TF-IDF cosine is computed from it with
  IDF and name norms derived from posting lengths, so only the postings are stored (delta-coded).

Only the standard library, numpy and scipy: this module is copied into packaged models.
"""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

GREEK = dict(
    zip(
        "αβγδεζηθικλμνξοπρσςτυφχψω",
        [
            "alpha",
            "beta",
            "gamma",
            "delta",
            "epsilon",
            "zeta",
            "eta",
            "theta",
            "iota",
            "kappa",
            "lambda",
            "mu",
            "nu",
            "xi",
            "omicron",
            "pi",
            "rho",
            "sigma",
            "sigma",
            "tau",
            "upsilon",
            "phi",
            "chi",
            "psi",
            "omega",
        ],
        strict=True,
    )
)
STOPWORDS = frozenset({"of", "the", "a", "an"})
_NON_WORD = re.compile(r"[^0-9a-z]+")
MAX_FUZZY_CHARS = 60
"""Longer names (systematic chemical names) are found by exact match only: they keep the index small."""


def _singular(token: str) -> str:
    if len(token) <= 3 or not token.isalpha():
        return token
    if token.endswith("ies"):
        return token[:-3] + "y"
    if token.endswith(("sses", "uses", "xes", "ches", "shes")):
        return token[:-2]
    if token.endswith("s") and not token.endswith(("ss", "us", "is")):
        return token[:-1]
    return token


_BRITISH = re.compile(r"[ao]e(?=[a-z])")


def tokens(text: str) -> list[str]:
    """Lower-case words: Greek letters spelled out, punctuation as spaces, plurals singular,
    British "ae" and "oe" before a letter as "e" (anaemia, oedema, haemorrhage) and "sulph" as
    "sulf" (sulphate: MeSH spells "pregnenolone sulfate")."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = "".join(f" {GREEK[c]} " if c in GREEK else c for c in text)
    return [_singular(_BRITISH.sub("e", t).replace("sulph", "sulf")) for t in _NON_WORD.split(text) if t]


def surface_key(text: str) -> str:
    """The normalised form in word order."""
    return " ".join(tokens(text))


def normalise(text: str) -> str:
    """The exact-match key: `surface_key` without stop words, words sorted."""
    return " ".join(sorted(t for t in tokens(text) if t not in STOPWORDS))


def key_hash(key: str) -> int:
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest(), "little")


def trigrams(key: str) -> list[str]:
    """Character 3-grams of each word padded with a space each side (scikit-learn's `char_wb`)."""
    grams: list[str] = []
    for word in key.split():
        padded = f" {word} "
        grams.extend(padded[i : i + 3] for i in range(len(padded) - 2))
    return grams


@dataclass
class Candidate:
    """One concept a name leads to: `count` annotations chose it, `vocabulary` if a vocabulary lists the name."""

    concept: int
    count: int
    vocabulary: bool
    similarity: float
    key: int


ARRAYS = ("inverse_norm", "hashes", "key_ptr", "concepts", "counts", "vocabulary", "gram_ptr", "gram_deltas")


class LabelIndex:
    """The names of one label (Chemical or Disease)."""

    def __init__(self, arrays: dict[str, np.ndarray], grams: Sequence[str]) -> None:
        self.arrays = arrays
        self.grams = list(grams)
        self.hashes = arrays["hashes"]
        self.key_ptr = arrays["key_ptr"]
        self.concepts = arrays["concepts"]
        self.counts = arrays["counts"]
        self.vocabulary = arrays["vocabulary"]
        self.gram_row = {gram: row for row, gram in enumerate(self.grams)}
        self.gram_ptr = arrays["gram_ptr"].astype(np.int64)
        lengths = np.diff(self.gram_ptr)
        # Postings are stored as gaps within each row; one cumulative sum undoes that.
        absolute = np.cumsum(arrays["gram_deltas"], dtype=np.int64)
        row_base = np.concatenate([[0], absolute])[self.gram_ptr[:-1]]
        self.postings = (absolute - np.repeat(row_base, lengths)).astype(np.int32)
        self.idf = (np.log((1 + len(self.hashes)) / (1 + lengths)) + 1.0).astype(np.float32)
        self.inverse_norm = arrays["inverse_norm"].astype(np.float32)
        self.common = max(COMMON_MIN, int(COMMON_SHARE * len(self.hashes)))

    @property
    def size(self) -> int:
        return len(self.hashes)

    def exact(self, key: str) -> int:
        """The key's row, or -1."""
        if not key:
            return -1
        h = np.uint64(key_hash(key))
        row = int(np.searchsorted(self.hashes, h))
        return row if row < len(self.hashes) and self.hashes[row] == h else -1

    def candidates(self, row: int, similarity: float) -> list[Candidate]:
        start, end = int(self.key_ptr[row]), int(self.key_ptr[row + 1])
        return [
            Candidate(int(self.concepts[i]), int(self.counts[i]), bool(self.vocabulary[i]), similarity, row)
            for i in range(start, end)
        ]

    def nearest(self, keys: Sequence[str], k: int = 10) -> list[list[tuple[int, float]]]:
        """The `k` names closest to each key by TF-IDF cosine of 3-grams: (row, similarity).

        Names sharing a rare 3-gram (held by few names) are scored first; the best `SHORTLIST`
        get the common 3-grams' share added (a binary search in each common posting list), so the
        cosine is exact for them without touching long posting lists.
        """
        return [self._nearest(key, k) for key in keys]

    def _nearest(self, key: str, k: int) -> list[tuple[int, float]]:
        counts: dict[int, int] = {}
        for gram in trigrams(key):
            row = self.gram_row.get(gram)
            if row is not None:
                counts[row] = counts.get(row, 0) + 1
        if not counts:
            return []
        rows = np.fromiter(counts, dtype=np.int64, count=len(counts))
        weights = np.fromiter(counts.values(), dtype=np.float32, count=len(counts)) * self.idf[rows] ** 2
        query_norm = float(np.sqrt(np.sum((weights / self.idf[rows]) ** 2)))
        lengths = self.gram_ptr[rows + 1] - self.gram_ptr[rows]
        rare = lengths <= self.common
        if not rare.any():
            rare = lengths == lengths.min()
        pieces = [self.postings[self.gram_ptr[r] : self.gram_ptr[r + 1]] for r in rows[rare]]
        found = np.concatenate(pieces)
        names, inverse = np.unique(found, return_inverse=True)
        partial = np.bincount(inverse, weights=np.repeat(weights[rare], lengths[rare]))
        if len(names) > SHORTLIST:
            keep = np.argpartition(-partial, SHORTLIST)[:SHORTLIST]
            names, partial = names[keep], partial[keep]
        for r, w in zip(rows[~rare].tolist(), weights[~rare].tolist(), strict=True):
            posting = self.postings[self.gram_ptr[r] : self.gram_ptr[r + 1]]
            at = np.minimum(np.searchsorted(posting, names), len(posting) - 1)
            partial = partial + w * (posting[at] == names)
        similarity = partial * self.inverse_norm[names] / query_norm
        order = np.argsort(-similarity, kind="stable")[:k]
        return [(int(names[i]), float(similarity[i])) for i in order]


COMMON_SHARE = 0.002
"""A 3-gram held by more than this share of the names is `common` (scored only for the shortlist)."""
COMMON_MIN = 500
SHORTLIST = 64


def build_label_index(
    rows: Iterable[tuple[str, int, int, bool, bool]],
) -> tuple[dict[str, np.ndarray], list[str]]:
    """Arrays of a `LabelIndex` from (name, concept, count, vocabulary, near) rows; a name is in
    the 3-gram index when one of its rows says `near`.

    The same normalised name from several rows pools counts per concept; a name with no
    normalised form (only punctuation) is dropped.
    """
    by_key: dict[str, dict[int, list[int]]] = {}
    near_keys: set[str] = set()
    for name, concept, count, is_listed, near in rows:
        key = normalise(name)
        if not key:
            continue
        slot = by_key.setdefault(key, {}).setdefault(concept, [0, 0])
        slot[0] += count
        slot[1] |= int(is_listed)
        if near and len(key) <= MAX_FUZZY_CHARS:
            near_keys.add(key)
    keys = list(by_key)
    hashes = np.array([key_hash(k) for k in keys], dtype=np.uint64)
    if len(np.unique(hashes)) != len(hashes):  # pragma: no cover - 64-bit collision among names
        raise ValueError("two names share a 64-bit hash; rename one")
    order = np.argsort(hashes, kind="stable")
    key_ptr = [0]
    concepts: list[int] = []
    counts: list[int] = []
    vocabulary: list[int] = []
    postings: dict[str, list[int]] = {}
    squares: dict[int, Counter] = {}
    for row, index in enumerate(order.tolist()):
        key = keys[index]
        for concept, (count, listed) in sorted(by_key[key].items()):
            concepts.append(concept)
            counts.append(count)
            vocabulary.append(listed)
        key_ptr.append(len(concepts))
        if key in near_keys:
            grams_of = Counter(trigrams(key))
            for gram in grams_of:
                postings.setdefault(gram, []).append(row)
            squares[row] = grams_of
    grams = sorted(postings)
    gram_ptr = [0]
    deltas: list[int] = []
    for gram in grams:
        rows_of = postings[gram]  # increasing: rows were visited in order
        deltas.append(rows_of[0])
        deltas.extend(b - a for a, b in zip(rows_of, rows_of[1:], strict=False))
        gram_ptr.append(len(deltas))
    n = len(keys)
    idf = {gram: math.log((1 + n) / (1 + len(postings[gram]))) + 1.0 for gram in grams}
    inverse_norm = np.zeros(n, dtype=np.float16)
    for row, grams_of in squares.items():
        inverse_norm[row] = 1.0 / math.sqrt(sum((c * idf[g]) ** 2 for g, c in grams_of.items()))
    arrays: dict[str, np.ndarray] = {
        "inverse_norm": inverse_norm,
        "hashes": hashes[order],
        "key_ptr": np.array(key_ptr, dtype=np.int64),
        "concepts": np.array(concepts, dtype=np.int32),
        "counts": np.array(counts, dtype=np.int32),
        "vocabulary": np.array(vocabulary, dtype=np.uint8),
        "gram_ptr": np.array(gram_ptr, dtype=np.int64),
        "gram_deltas": np.array(deltas, dtype=np.uint32),
    }
    return arrays, grams


def save_label_index(arrays: dict[str, np.ndarray], grams: Sequence[str], path: Path) -> None:
    np.savez_compressed(path.with_suffix(".npz"), **arrays)
    path.with_suffix(".grams").write_text("\n".join(grams), encoding="utf-8")


def load_label_index(path: Path) -> LabelIndex:
    with np.load(path.with_suffix(".npz")) as stored:
        arrays = {name: stored[name] for name in ARRAYS}
    text = path.with_suffix(".grams").read_text(encoding="utf-8")
    return LabelIndex(arrays, text.split("\n") if text else [])
