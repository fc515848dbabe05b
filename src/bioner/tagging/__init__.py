"""Tagging documents with a trained pipeline: the one path `ner-predict`, `tag-pubmed` and the
evaluator share.

`core` runs a pipeline over documents (content regions, long documents in pieces, spaCy memory
zones); `models` finds the pipeline to load; `inputs` and `outputs` plan the files `ner-predict`
reads and writes. The applications on top: `bioner.predict` (`ner-predict`) and
`bioner.pubmed_tagging` (`tag-pubmed`).
"""

from __future__ import annotations

from .core import (
    DEFAULT_BATCH_SIZE,
    ZONE_DOCUMENTS,
    check_relations,
    ensure_max_length,
    has_relations,
    load_pipeline,
    prefix_identifier,
    relations_missing,
    tag_documents,
)

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "ZONE_DOCUMENTS",
    "check_relations",
    "ensure_max_length",
    "has_relations",
    "load_pipeline",
    "prefix_identifier",
    "relations_missing",
    "tag_documents",
]
