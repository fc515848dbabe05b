"""spaCy registrations: importing this package registers the tokenizer and components.

Installed, `bioner` also exposes them as entry points, so `spacy.load()` finds them without an
import; packaged models carry copies of these modules.
"""

from ..linking import linker  # lives with the knowledge-base code; copied the same way
from . import components, spans, tokenizer

__all__ = ["components", "linker", "spans", "tokenizer"]
