"""Adding the linker to a pipeline trained without one (an older model, or someone else's), or
swapping its knowledge base."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

from spacy.language import Language

from ..names import LINKER, RELATIONS
from .linker import EntityLinker


def add_linker(nlp: Language, kb_path: str | Path, *, threshold: float | None = None) -> EntityLinker:
    """Give `nlp` a `bioner_linker` built from the knowledge base file `kb_path` (its index built
    now, stored with the pipeline). An existing linker is replaced where it stands, keeping its
    settings (whole long forms, known modifiers); a new one goes after NER and abbreviation
    propagation but before `bioner_relations`, which reads the ids it writes. `threshold` None: the
    NIL threshold the knowledge base's ranker was trained with."""
    config: dict[str, Any] = {"threshold": threshold}
    if LINKER in nlp.pipe_names:
        kept = {k: v for k, v in nlp.get_pipe_config(LINKER).items() if k not in ("factory", "threshold")}
        linker = cast(EntityLinker, nlp.replace_pipe(LINKER, LINKER, config={**kept, **config}))
    elif RELATIONS in nlp.pipe_names:
        linker = cast(EntityLinker, nlp.add_pipe(LINKER, config=config, before=RELATIONS))
    else:
        linker = cast(EntityLinker, nlp.add_pipe(LINKER, config=config))
    linker.initialize(kb_path=str(kb_path))
    return linker
