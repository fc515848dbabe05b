"""spaCy registrations: importing this package registers the tokenizer, components and architectures.

Installed, `bioner` also exposes them as entry points, so `spacy.load()` finds them without an
import; packaged models carry copies of these modules.
"""

from ..linking import candidates, linker, ranker  # live with the knowledge-base code; copied the same way
from . import components, lexicon_embed, relations, sentences, spans, tokenizer

__all__ = [
    "candidates",
    "components",
    "lexicon_embed",
    "linker",
    "ranker",
    "relations",
    "sentences",
    "spans",
    "tokenizer",
]
