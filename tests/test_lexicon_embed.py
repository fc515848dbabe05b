"""The lexicon feature (bioner.pipeline.lexicon_embed): names marked per token, stored in the model."""

import json
import subprocess
import sys

import numpy
import pytest
import spacy
from spacy.attrs import LOWER
from spacy.training import Example

import bioner.pipeline  # noqa: F401  (registers the tokenizer and the architecture)
from bioner.pipeline.lexicon_embed import (
    BEGIN,
    INSIDE,
    LAST,
    OUTSIDE,
    STATES,
    UNIT,
    mark_tokens,
    name_keys,
    read_lexicon,
    write_lexicon,
)

NAMES = [
    ("Chemical", "rofecoxib"),
    ("Chemical", "lithium"),
    ("Chemical", "lithium carbonate"),
    ("Disease", "treatment-resistant depression"),
    ("Disease", "depression"),
    ("Chemical", "MPTP"),
    ("Disease", "MPTP parkinsonism"),
]
LETTERS = "OBILU"


def tokenizer_nlp():
    return spacy.blank("en", config={"nlp": {"tokenizer": {"@tokenizers": "bioner.BiomedicalTokenizer.v1"}}})


def lexicon_arrays(nlp, names=NAMES):
    bits = {"Chemical": 1, "Disease": 2}
    return name_keys([[t.lower for t in nlp.make_doc(n)] for _, n in names], [bits[label] for label, _ in names])


def marks(text, names=NAMES):
    """token -> (Chemical state, Disease state) as letters O/B/I/L/U."""
    nlp = tokenizer_nlp()
    keys, flags = lexicon_arrays(nlp, names)
    doc = nlp.make_doc(text)
    codes = mark_tokens(keys, flags, doc.to_array(LOWER))
    return [(t.text, LETTERS[c // STATES] + LETTERS[c % STATES]) for t, c in zip(doc, codes, strict=True)]


def test_a_listed_name_is_marked_and_an_unlisted_one_is_not():
    assert marks("Rofecoxib, not celecoxib.") == [
        ("Rofecoxib", "UO"),
        (",", "OO"),
        ("not", "OO"),
        ("celecoxib", "OO"),
        (".", "OO"),
    ]


def test_multi_word_names_begin_continue_and_end_and_the_longest_wins():
    result = dict(marks("lithium carbonate in treatment-resistant depression"))
    assert result["lithium"] == "BO" and result["carbonate"] == "LO"  # not "lithium" alone
    tokens = marks("treatment-resistant depression")
    assert [m for _, m in tokens] == ["OB", "OI", "OI", "OL"]  # "depression" alone is not marked inside it
    assert (BEGIN, INSIDE, LAST, UNIT, OUTSIDE) == (1, 2, 3, 4, 0)


def test_a_token_can_carry_a_chemical_and_a_disease_mark():
    assert marks("MPTP parkinsonism") == [("MPTP", "UB"), ("parkinsonism", "OL")]


def test_names_of_one_label_do_not_overlap_the_leftmost_wins():
    names = [("Disease", "renal failure"), ("Disease", "failure syndrome")]
    assert [m for _, m in marks("renal failure syndrome", names)] == ["OB", "OL", "OO"]


def test_matching_ignores_case_and_a_prefix_alone_is_not_a_name():
    assert marks("LITHIUM Carbonate") == [("LITHIUM", "BO"), ("Carbonate", "LO")]
    assert marks("treatment-resistant patients")[0] == ("treatment", "OO")


def test_a_name_at_the_end_of_the_text_and_an_empty_text():
    assert marks("given lithium") == [("given", "OO"), ("lithium", "UO")]
    nlp = tokenizer_nlp()
    keys, flags = lexicon_arrays(nlp)
    assert mark_tokens(keys, flags, numpy.zeros(0, dtype=numpy.uint64)).shape == (0,)


def test_read_lexicon_gives_back_what_was_written_and_rejects_other_files(tmp_path):
    keys, flags = lexicon_arrays(tokenizer_nlp())
    write_lexicon(tmp_path / "lexicon.npz", keys, flags, {"names": {"Chemical": 4}})
    read_keys, read_flags, info = read_lexicon(tmp_path / "lexicon.npz")
    assert numpy.array_equal(read_keys, keys) and numpy.array_equal(read_flags, flags)
    assert info["names"] == {"Chemical": 4} and info["labels"] == ["Chemical", "Disease"]
    (tmp_path / "other.npz").write_bytes(b"not a lexicon")
    with pytest.raises(ValueError, match="not a lexicon"):
        read_lexicon(tmp_path / "other.npz")


# --- the architecture in a pipeline ------------------------------------------------------------

TEXT = "Rofecoxib relieved treatment-resistant depression in two patients."


def embed_config(lexicon):
    return {
        "@architectures": "bioner.LexiconHashEmbed.v1",
        "width": 32,
        "attrs": ["NORM", "SHAPE"],
        "rows": [500, 100],
        "include_static_vectors": False,
        "lexicon": lexicon,
    }


def tiny_pipeline(lexicon):
    nlp = tokenizer_nlp()
    nlp.add_pipe(
        "tok2vec",
        config={
            "model": {
                "@architectures": "spacy.Tok2Vec.v2",
                "embed": embed_config(lexicon),
                "encode": {
                    "@architectures": "spacy.MaxoutWindowEncoder.v2",
                    "width": 32,
                    "depth": 1,
                    "window_size": 1,
                    "maxout_pieces": 2,
                },
            }
        },
    )
    nlp.add_pipe("ner")
    return nlp


def lexicon_layer(nlp):
    return next(node for node in nlp.get_pipe("tok2vec").model.walk() if node.name == "lexicon_marks")


def test_the_model_trains_with_the_lexicon_and_loads_and_tags_without_its_file(tmp_path):
    spacy.util.fix_random_seed(0)
    keys, flags = lexicon_arrays(tokenizer_nlp())
    write_lexicon(tmp_path / "lexicon.npz", keys, flags, {})
    nlp = tiny_pipeline(str(tmp_path / "lexicon.npz"))
    example = Example.from_dict(nlp.make_doc(TEXT), {"entities": [(0, 9, "Chemical"), (19, 49, "Disease")]})
    optimizer = nlp.initialize(lambda: [example])
    for _ in range(40):
        nlp.update([example], sgd=optimizer, drop=0.0)
    assert [(e.text, e.label_) for e in nlp(TEXT).ents] == [
        ("Rofecoxib", "Chemical"),
        ("treatment-resistant depression", "Disease"),
    ]
    nlp.to_disk(tmp_path / "model")
    (tmp_path / "lexicon.npz").unlink()

    script = (
        "import json, sys, spacy, bioner.pipeline; nlp = spacy.load(sys.argv[1]); "
        "layer = next(n for n in nlp.get_pipe('tok2vec').model.walk() if n.name == 'lexicon_marks'); "
        "print(json.dumps({'marks': layer.predict([nlp.make_doc(sys.argv[2])])[0].tolist(), "
        "'ents': [[e.text, e.label_] for e in nlp(sys.argv[2]).ents]}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "model"), TEXT], capture_output=True, text=True, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert loaded["marks"][:5] == [UNIT * STATES, 0, BEGIN, INSIDE, INSIDE]
    assert loaded["marks"] == lexicon_layer(nlp).predict([nlp.make_doc(TEXT)])[0].tolist()
    assert loaded["ents"] == [[e.text, e.label_] for e in nlp(TEXT).ents]


def test_without_a_lexicon_every_token_is_outside():
    nlp = tiny_pipeline(None)
    nlp.initialize()
    assert lexicon_layer(nlp).predict([nlp.make_doc(TEXT)])[0].tolist() == [0] * len(nlp.make_doc(TEXT))
    assert len(nlp(TEXT)) == len(nlp.make_doc(TEXT))
