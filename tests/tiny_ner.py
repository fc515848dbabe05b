"""A small trained NER pipeline for tests that need a real, context-sensitive model (a few seconds).

An entity ruler finds a word wherever it is; a trained CNN tagger reads a window of words around
it, so it is what shows whether a text cut into pieces is tagged like the whole.
"""

from __future__ import annotations

import random
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.training import Example

from bioner.formats.pubtator import read_pubtator

FIXTURE = Path(__file__).parent / "fixtures" / "tiny.pubtator"
CONFIG = {
    "model": {
        "@architectures": "spacy.TransitionBasedParser.v2",
        "state_type": "ner",
        "extra_state_tokens": False,
        "hidden_width": 32,
        "maxout_pieces": 2,
        "use_upper": True,
        "nO": None,
        "tok2vec": {
            "@architectures": "spacy.HashEmbedCNN.v2",
            "pretrained_vectors": None,
            "width": 32,
            "depth": 2,
            "embed_size": 500,
            "window_size": 1,
            "maxout_pieces": 2,
            "subword_features": True,
        },
    }
}


def train_tiny_ner(steps: int = 40, seed: int = 0) -> Language:
    """A blank pipeline with the project's tokenizer and an NER trained on tests/fixtures/tiny.pubtator."""
    spacy.util.fix_random_seed(seed)
    nlp = spacy.blank("en", config={"nlp": {"tokenizer": {"@tokenizers": "bioner.BiomedicalTokenizer.v1"}}})
    nlp.add_pipe("ner", config=CONFIG)
    examples = []
    for document in read_pubtator(FIXTURE):
        doc = nlp.make_doc(document.text)
        spans = [(m.start, m.end, m.label) for m in document.sorted_mentions()]
        examples.append(Example.from_dict(doc, {"entities": spans}))
    optimizer = nlp.initialize(lambda: examples)
    rng = random.Random(seed)
    for _ in range(steps):
        rng.shuffle(examples)
        nlp.update(examples, sgd=optimizer, drop=0.1)
    return nlp
