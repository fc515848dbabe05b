"""Linking the gold mentions of annotated documents: the linker scored apart from NER."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping

from spacy.language import Language

from ..document import Document, Mention
from ..errors import BionerError
from ..pipeline.components import AbbreviationPropagator
from .linker import EntityLinker, Linker

LABELS = ("Chemical", "Disease")
"""The labels the linker files names under; each maps to itself."""


def label_mapping(labels: Mapping[str, str] | None) -> dict[str, str]:
    """`LABELS` as themselves plus `labels`: source labels filed under one of them (the corpus
    catalogue's, `bioner.corpora.catalogue.linked_labels`, which this layer cannot import, so
    callers pass it). A label in neither is not linked."""
    return {**{label: label for label in LABELS}, **(labels or {})}


def _identifier(raw: str) -> str:
    raw = raw.strip()
    return raw[5:] if raw.upper().startswith("MESH:") else raw


def mention_ids(mention: Mention) -> list[str]:
    """A gold mention's ids: NLM-Chem joins several with `,` and NCBI disease with `+` where BC5CDR uses `|`."""
    return [_identifier(i) for raw in mention.identifiers for i in re.split(r"[,+]", raw) if i.strip()]


def corpus_entries(documents: Iterable[Document], labels: Mapping[str, str] | None = None) -> Counter:
    """Counts of (label, name, id) over annotated documents; mentions without an id, or whose label
    is neither one of `LABELS` nor mapped by `labels` (`label_mapping`), are skipped.

    A composite mention gives its whole text with the joined ids and, when its parts are listed
    (one per id), each part with its own id.
    """
    mapping = label_mapping(labels)
    counts: Counter = Counter()
    for document in documents:
        for mention in document.mentions:
            label = mapping.get(mention.label)
            ids = mention_ids(mention)
            if label is None or not ids:
                continue
            counts[(label, mention.text, "|".join(ids))] += 1
            if len(ids) > 1 and len(mention.parts) == len(ids):
                for part, identifier in zip(mention.parts, ids, strict=True):
                    counts[(label, part, identifier)] += 1
    return counts


ABBREVIATIONS = "bioner_abbreviations"
LINKER = "bioner_linker"


def pipeline_linker(nlp: Language) -> Linker:
    """The `bioner_linker` of a pipeline, or an error saying how to get one."""
    for _name, pipe in nlp.pipeline:
        if isinstance(pipe, EntityLinker):
            return pipe.linker
    raise BionerError(
        f"the pipeline has no {LINKER} component (its pipes: {', '.join(nlp.pipe_names)}); "
        "train with a config that adds it (configs/cnn.cfg) or add it to the pipeline"
    )


def abbreviation_detector(nlp: Language):
    """The pipeline's abbreviation component, or a new one on the pipeline's tokenizer."""
    if ABBREVIATIONS in nlp.pipe_names:
        return nlp.get_pipe(ABBREVIATIONS)
    return AbbreviationPropagator(nlp)


def link_gold_mentions(
    nlp: Language,
    documents: Iterable[Document],
    linker: Linker | None = None,
    *,
    labels: Mapping[str, str] | None = None,
) -> Iterator[Document]:
    """Each document with its own mentions (same spans and labels) and the linker's identifiers.

    Long forms of abbreviations come from the pipeline's tokenizer and abbreviation detector, as
    when the pipeline runs; NER is not run. `labels`: source labels linked as one of `LABELS`
    (NCBI disease's classes as Disease, as the knowledge base files them; `label_mapping`).
    """
    linker = linker or pipeline_linker(nlp)
    mapping = label_mapping(labels)
    detector = abbreviation_detector(nlp)
    for document in documents:
        doc = nlp.make_doc(document.text)
        long_forms = {short.text: long.text for long, shorts in detector.definitions(doc) for short in shorts}
        ids = linker.link_document([(m.text, mapping.get(m.label, m.label)) for m in document.mentions], long_forms)
        mentions = [
            Mention(m.start, m.end, m.text, m.label, identifier)
            for m, identifier in zip(document.mentions, ids, strict=True)
        ]
        yield Document(document.id, list(document.passages), mentions)
