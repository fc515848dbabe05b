"""Adding the linker to a pipeline trained without one (an older model, or someone else's)."""

from __future__ import annotations

from pathlib import Path
from typing import cast

from spacy.language import Language

from .linker import EntityLinker

LINKER = "bioner_linker"


def add_linker(nlp: Language, kb_path: str | Path, *, threshold: float | None = None) -> EntityLinker:
    """Put `bioner_linker` last (after NER and abbreviation propagation) with the knowledge base
    file `kb_path` (its index built now, stored with the pipeline); an existing linker is
    replaced. `threshold` None: the NIL threshold the knowledge base's ranker was trained with."""
    if LINKER in nlp.pipe_names:
        nlp.remove_pipe(LINKER)
    linker = cast(EntityLinker, nlp.add_pipe(LINKER, config={"threshold": threshold}))
    linker.initialize(kb_path=str(kb_path))
    return linker
