"""Running a trained pipeline over documents: the one place predictions are made."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import spacy
from spacy.language import Language

from .document import Document, Mention
from .errors import BionerError

DEFAULT_BATCH_SIZE = 64


def load_pipeline(model: str | Path) -> Language:
    """Load a pipeline directory or an installed model package by name."""
    try:
        return spacy.load(model)
    except OSError as error:
        raise BionerError(
            f"cannot load model {str(model)!r}: give a trained pipeline directory (such as "
            "training/model-best, made by `make train`) or the name of an installed model package "
            f"(such as en_bioner_bc5cdr, made by `make package`). spaCy said: {error}"
        ) from None


def ensure_max_length(nlp: Language, length: int) -> None:
    """Allow a long document rather than refuse it: the NER models here run in linear memory."""
    if length >= nlp.max_length:
        nlp.max_length = length + 1


def tag_documents(
    nlp: Language,
    documents: Iterable[Document],
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    n_process: int = 1,
) -> Iterator[Document]:
    """Yield each document with its mentions replaced by the pipeline's, streaming in batches.

    Offsets are into `document.text`, the text the evaluator scores in. Input annotations are
    replaced, not merged, and input relations dropped: they belonged to the input's mentions.
    """

    def texts(items: Iterable[Document]) -> Iterator[tuple[str, Document]]:
        for document in items:
            text = document.text
            ensure_max_length(nlp, len(text))
            yield text, document

    for doc, document in nlp.pipe(texts(documents), as_tuples=True, batch_size=batch_size, n_process=n_process):
        yield Document(
            document.id,
            list(document.passages),
            [Mention(ent.start_char, ent.end_char, ent.text, ent.label_) for ent in doc.ents],
        )
