"""Known names as a token feature: `bioner.LexiconHashEmbed.v1`, spaCy's MultiHashEmbed plus a lexicon.

A name MeSH or CTD lists ("rofecoxib", "treatment-resistant depression") is marked on its tokens
before the CNN sees them, so a drug the training corpora never mention can still be recognised.
Per token and per label (Chemical, Disease) the mark is O, B (begins a name), I (inside), L (last
token) or U (a one-token name), from the longest listed name of that label starting at the
leftmost free token; the two marks together (5 x 5 codes) pick a learned vector that joins the
hash embeddings before their Maxout.

The lexicon is a sorted array of 64-bit keys, one per token sequence (the lower-case hashes of
the pipeline tokenizer's tokens, chained), with flags: which labels end a name there and whether
a longer name continues it. It is read from its file (`write_lexicon`, built by `bioner lexicon`)
once, when the model is initialised, and then lives in the model's attrs: a trained pipeline, and
the packaged model, carry it and never read the file again.

This module imports only spaCy, thinc and numpy: it is copied into packaged models as is.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import cast

import numpy
from spacy.attrs import LOWER
from spacy.ml.featureextractor import FeatureExtractor
from spacy.ml.staticvectors import StaticVectors
from spacy.tokens import Doc
from spacy.util import registry
from thinc.api import HashEmbed, Maxout, Model, chain, concatenate, list2ragged, ragged2list, with_array
from thinc.layers import Embed
from thinc.types import Floats2d, Ints1d

ARCHITECTURE = "bioner.LexiconHashEmbed.v1"
LABELS = ("Chemical", "Disease")
"""The labels a lexicon marks, in the order of its flag bits."""
FORMAT = "bioner-lexicon-1"
CONTINUES = 1 << 7
"""Flag bit: a longer name starts with this token sequence. Bit i (< 7): a name of LABELS[i] ends here."""
STATES = 5  # O, B, I, L, U
OUTSIDE, BEGIN, INSIDE, LAST, UNIT = range(STATES)
_MASK = (1 << 64) - 1
_SEED = 0x2545F4914F6CDD1D
_MULTIPLIER = 0x9E3779B97F4A7C15
_MULTIPLIER_64 = numpy.uint64(_MULTIPLIER)
_SHIFT_64 = numpy.uint64(29)


def chain_key(key: int, token_hash: int) -> int:
    """The key of a token sequence extended by one token (key of the empty sequence: `_SEED`)."""
    key = ((key ^ token_hash) * _MULTIPLIER) & _MASK
    return key ^ (key >> 29)


def _chain_keys(keys: numpy.ndarray, hashes: numpy.ndarray) -> numpy.ndarray:
    """`chain_key` element-wise: uint64 arrays wrap like the mask (numpy warns of overflow only
    for scalars)."""
    keys = (keys ^ hashes) * _MULTIPLIER_64
    return keys ^ (keys >> _SHIFT_64)


def name_keys(names: Sequence[Sequence[int]], label_bits: Sequence[int]) -> tuple[numpy.ndarray, numpy.ndarray]:
    """Sorted keys and flags for names given as token-hash sequences, each with its label bits."""
    flags: dict = {}
    for hashes, bits in zip(names, label_bits):
        key = _SEED
        for position, token_hash in enumerate(hashes):
            if position:
                flags[key] = flags.get(key, 0) | CONTINUES
            key = chain_key(key, int(token_hash))
        flags[key] = flags.get(key, 0) | bits
    keys = numpy.fromiter(flags.keys(), dtype=numpy.uint64, count=len(flags))
    values = numpy.fromiter(flags.values(), dtype=numpy.uint8, count=len(flags))
    order = numpy.argsort(keys)
    return keys[order], values[order]


def write_lexicon(path: str | Path, keys: numpy.ndarray, flags: numpy.ndarray, info: dict) -> None:
    """Save a lexicon (.npz): keys, flags and a JSON description (labels, counts, sources)."""
    meta = dict(info, format=FORMAT, labels=list(LABELS))
    with open(path, "wb") as file:
        numpy.savez_compressed(file, keys=keys, flags=flags, info=numpy.array(json.dumps(meta)))


def read_lexicon(path: str | Path) -> tuple[numpy.ndarray, numpy.ndarray, dict]:
    """Keys, flags and description of a lexicon file written by `write_lexicon`."""
    try:
        with numpy.load(path, allow_pickle=False) as data:
            keys, flags, info = data["keys"], data["flags"], json.loads(str(data["info"]))
    except (OSError, ValueError, KeyError) as error:
        raise ValueError(f"{path}: not a lexicon made by `bioner lexicon` ({error})") from None
    if info.get("format") != FORMAT or keys.dtype != numpy.uint64 or keys.shape != flags.shape:
        raise ValueError(f"{path}: not a {FORMAT} lexicon; rebuild it with `bioner lexicon`")
    return keys, flags.astype(numpy.uint8), info


def mark_tokens(keys: numpy.ndarray, flags: numpy.ndarray, hashes: numpy.ndarray) -> numpy.ndarray:
    """Per token, the code `state(Chemical) * STATES + state(Disease)` of the longest listed names.

    Names of each label are matched left to right, longest first, never overlapping each other;
    a Chemical and a Disease name may overlap. The lookups are vectorised: one sorted-array
    search per name length for all the positions whose tokens so far still begin a name.
    """
    n = len(hashes)
    states = numpy.zeros((len(LABELS), n), dtype=numpy.int32)
    if n == 0 or len(keys) == 0:
        return states[0]
    hashes = hashes.astype(numpy.uint64)
    longest = numpy.zeros((len(LABELS), n), dtype=numpy.int32)  # per label and start: longest name's length
    starts = numpy.arange(n)
    current = _chain_keys(numpy.full(n, _SEED, dtype=numpy.uint64), hashes)
    length = 1
    last = len(keys) - 1
    while True:
        index = numpy.minimum(numpy.searchsorted(keys, current), last)
        found = numpy.where(keys[index] == current, flags[index], 0)
        for label in range(len(LABELS)):
            longest[label, starts[(found & (1 << label)) != 0]] = length
        going = ((found & CONTINUES) != 0) & (starts + length < n)
        if not going.any():
            break
        starts, current = starts[going], current[going]
        current = _chain_keys(current, hashes[starts + length])
        length += 1
    for label in range(len(LABELS)):
        row, lengths, free = states[label], longest[label], 0
        for start in numpy.flatnonzero(lengths).tolist():
            if start < free:
                continue
            stop = start + int(lengths[start])
            if stop - start == 1:
                row[start] = UNIT
            else:
                row[start], row[start + 1 : stop - 1], row[stop - 1] = BEGIN, INSIDE, LAST
            free = stop
    return states[0] * STATES + states[1]


def lexicon_marks(lexicon_path: str | None) -> Model[list[Doc], list[Ints1d]]:
    """Per doc, the lexicon code of each token (see `mark_tokens`); all 0 without a lexicon."""
    return Model(
        "lexicon_marks",
        _marks_forward,
        init=_marks_init,
        attrs={"lexicon_path": lexicon_path, "keys": None, "flags": None},
    )


def _marks_init(model: Model, X: list[Doc] | None = None, Y: object | None = None) -> None:
    path = model.attrs["lexicon_path"]
    if path:
        keys, flags, _ = read_lexicon(path)
        model.attrs["keys"], model.attrs["flags"] = keys, flags


def _marks_forward(model: Model, docs: list[Doc], is_train: bool) -> tuple[list[Ints1d], Callable]:
    keys, flags = model.attrs["keys"], model.attrs["flags"]
    if keys is None:
        keys, flags = numpy.zeros(0, dtype=numpy.uint64), numpy.zeros(0, dtype=numpy.uint8)
    output = []
    for doc in docs:
        hashes = doc.to_array(LOWER) if len(doc) else numpy.zeros(0, dtype=numpy.uint64)
        output.append(model.ops.asarray1i(cast(Ints1d, mark_tokens(keys, flags, hashes))))
    return output, lambda d_output: []


@registry.architectures(ARCHITECTURE)
def LexiconHashEmbed(
    width: int,
    attrs: list[str | int],
    rows: list[int],
    include_static_vectors: bool,
    lexicon: str | None = None,
    lexicon_width: int = 16,
) -> Model[list[Doc], list[Floats2d]]:
    """spacy.MultiHashEmbed.v2 (same arguments, same layers and seeds) with the lexicon marks of
    `lexicon` (a file from `bioner lexicon`, read at initialisation only; null: no marks) embedded
    in `lexicon_width` dimensions and concatenated before the Maxout."""
    if len(rows) != len(attrs):
        raise ValueError(f"Mismatched lengths: {len(rows)} vs {len(attrs)}")
    embeddings: list[Model] = [HashEmbed(width, rows[i], column=i, seed=8 + i, dropout=0.0) for i in range(len(attrs))]
    hashed: Model = chain(FeatureExtractor(attrs), list2ragged(), with_array(concatenate(*embeddings)))
    marks: Model = chain(
        lexicon_marks(lexicon), list2ragged(), with_array(Embed(lexicon_width, STATES * STATES, dropout=0.0))
    )
    parts = [hashed, marks] + ([StaticVectors(width, dropout=0.0)] if include_static_vectors else [])
    concat_size = width * (len(embeddings) + include_static_vectors) + lexicon_width
    max_out: Model = with_array(Maxout(width, concat_size, nP=3, dropout=0.0, normalize=True))
    return chain(concatenate(*parts), max_out, ragged2list())
