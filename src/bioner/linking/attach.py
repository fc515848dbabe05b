"""Adding the linker to a pipeline trained without one (an older model, or someone else's)."""

from __future__ import annotations

from pathlib import Path
from typing import cast

from spacy.language import Language

from .linker import DEFAULT_THRESHOLD, EntityLinker

LINKER = "bioner_linker"


def add_linker(nlp: Language, kb_path: str | Path, *, threshold: float = DEFAULT_THRESHOLD) -> EntityLinker:
    """Put `bioner_linker` last (after NER and abbreviation propagation) with the knowledge base
    file `kb_path`; an existing linker is replaced."""
    if LINKER in nlp.pipe_names:
        nlp.remove_pipe(LINKER)
    linker = cast(EntityLinker, nlp.add_pipe(LINKER, config={"threshold": threshold}))
    linker.initialize(kb_path=str(kb_path))
    return linker
