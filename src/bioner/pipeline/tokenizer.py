"""The biomedical tokenizer, registered as `bioner.BiomedicalTokenizer.v1`.

BC5CDR annotates inside hyphenated and slashed words (`Famotidine-associated`,
`5-fluorouracil/leucovorin`), so on top of spaCy's English rules this splits at brackets, slashes,
hyphens, plus signs and other punctuation inside a word, and a full stop after a letter. It keeps
scispaCy's list of abbreviations whole (`e.g.`, `approx.`). Measured on BC5CDR training mentions:
spaCy's English tokenizer leaves 121 off token boundaries, scispaCy's 882, this
one none (and none in development or test either).

This module imports only spaCy and scispaCy: it is copied into packaged models as is.
"""

from __future__ import annotations

from collections.abc import Callable

import spacy
from spacy.language import Language
from spacy.symbols import ORTH
from spacy.tokenizer import Tokenizer
from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex, registry

TOKENIZER_NAME = "bioner.BiomedicalTokenizer.v1"
"""The name configs give under [nlp.tokenizer] (`@tokenizers`)."""

EXTRA_INFIXES = [
    r"[\(\)\[\]\{\}/+\-,:;=<>~*'\"%]",  # punctuation inside a word
    r"(?<=[a-z])\.(?=[^\sA-Za-z])",  # "myoglobinuria.(ABSTRACT", "glucose.4"
    r"(?<=[a-z])(?=[0-9])",  # "Ca2+", "hydroxytryptamine1a"
    r"(?<=[A-Z]{2})(?=[0-9])",  # "5-HT6", "DA1"
    r"(?<=[0-9])(?=[A-Z][a-z])",  # "2Cl"
    r"(?<=[a-z]{2})(?=[A-Z]$)",  # "acidA"
]
EXTRA_PREFIXES = [r"[\-+]"]
# Kept whole besides scispaCy's list: dosing routes and schedules are common in abstracts.
EXTRA_ABBREVIATIONS = [
    "i.v.",
    "i.p.",
    "i.m.",
    "s.c.",
    "p.o.",
    "b.i.d.",
    "t.i.d.",
    "q.d.",
    "vs.",
    "approx.",
    "ca.",
    "cf.",
    "resp.",
]
EXTRA_SUFFIXES = [r"(?<=[A-Za-z])\."]


def _abbreviations() -> list[str]:
    try:
        from scispacy.consts import ABBREVIATIONS
    except ImportError:  # the tokenizer stands without scispaCy; only the exceptions are lost
        return []
    return list(ABBREVIATIONS)


def _keep_exception(text: str) -> bool:
    """Drop emoticons (`8)`, `:(`) and single letters with a stop (`d.`): in abstracts they are
    the end of `CCK-8)` or of `S-312-d.`, never a face or an initial."""
    letters = sum(ch.isalpha() for ch in text)
    return letters > 1 or (letters == 1 and not text.endswith("."))


@registry.tokenizers(TOKENIZER_NAME)
def create_biomedical_tokenizer() -> Callable[[Language], Tokenizer]:
    def make_tokenizer(nlp: Language) -> Tokenizer:
        defaults = nlp.Defaults
        exceptions = {text: tokens for text, tokens in defaults.tokenizer_exceptions.items() if _keep_exception(text)}
        for abbreviation in _abbreviations() + EXTRA_ABBREVIATIONS:
            exceptions[abbreviation] = [{ORTH: abbreviation}]
        return Tokenizer(
            nlp.vocab,
            rules=exceptions,
            prefix_search=compile_prefix_regex([*EXTRA_PREFIXES, *(defaults.prefixes or [])]).search,
            suffix_search=compile_suffix_regex([*(defaults.suffixes or []), *EXTRA_SUFFIXES]).search,
            infix_finditer=compile_infix_regex([*(defaults.infixes or []), *EXTRA_INFIXES]).finditer,
            token_match=None,
            url_match=None,
        )

    return make_tokenizer


def make_tokenizer_pipeline() -> Language:
    """A blank English pipeline with the project's tokenizer: what training configs use too."""
    return spacy.blank("en", config={"nlp": {"tokenizer": {"@tokenizers": TOKENIZER_NAME}}})
