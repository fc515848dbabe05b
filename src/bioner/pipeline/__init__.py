"""spaCy registrations: importing this package registers the tokenizer and components.

Installed, `bioner` also exposes them as entry points, so `spacy.load()` finds them without an
import; packaged models carry copies of these modules.
"""

from . import components, tokenizer  # noqa: F401
