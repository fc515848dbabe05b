"""Running a trained pipeline over documents: the one place predictions are made.

`ner-predict`, `tag-pubmed` and the evaluator all tag through `tag_documents`: content regions
only, long documents in pieces, in spaCy memory zones so that a long run does not grow.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path

import spacy
from spacy.language import Language

from ..chunking import DEFAULT_MAX_CHARS, chunk_spans
from ..document import Document, Mention, Relation
from ..errors import BionerError
from ..names import PACKAGE_NAME, RELATIONS
from ..regions import Skip, whole_text
from ..spacy_docs import doc_relations
from .short_forms import ShortForms

DEFAULT_BATCH_SIZE = 64
ZONE_DOCUMENTS = 1000
"""Documents tagged inside one spaCy memory zone (`tag_documents`)."""


def load_pipeline(model: str | Path) -> Language:
    """Load a pipeline directory or an installed model package by name."""
    try:
        return spacy.load(model)
    except PermissionError as error:
        raise BionerError(
            f"cannot load model {str(model)!r}: cannot read {error.filename or model}: Permission denied; "
            "give a pipeline you can read (check the permissions of its files and folders)"
        ) from None
    except OSError as error:
        raise BionerError(
            f"cannot load model {str(model)!r}: give a trained pipeline directory (such as "
            "training/model-best, made by `make train`) or the name of an installed model package "
            f"(such as {PACKAGE_NAME}, made by `make package`). spaCy said: {error}"
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
    id_prefix: str = "",
    max_chars: int = DEFAULT_MAX_CHARS,
    zone: int = ZONE_DOCUMENTS,
    relations: bool = True,
) -> Iterator[Document]:
    """Yield each document with its mentions replaced by the pipeline's, streaming in batches.

    Offsets are into `document.text`, the text the evaluator scores in. Input annotations are
    replaced, not merged, and input relations dropped: they belonged to the input's mentions.
    A mention's identifier is the linker's `ent.kb_id_` (empty without a linker), each id of a
    composite prefixed with `id_prefix` (`MESH:` as PubTator3 writes them); `-1` is kept bare.

    Relations are the pipeline's `doc._.bioner_relations` (the `bioner_relations` component),
    arguments prefixed as identifiers are. A document tagged in pieces gets one relation per type
    and arguments: the highest score of its pieces, the support of all. A supporting mention pair
    inside a skipped inline span goes with its mentions (none is reported there), and a relation
    whose every supporting pair went with them goes too. With `relations` False the relation
    component is disabled, so no time is spent on it, and no relation is reported.

    Only the regions of `document.content` are tagged (all the text when it is None). A document
    longer than `max_chars` characters is tagged paragraph by paragraph (paragraphs longer than
    that cut at line or sentence boundaries, `bioner.chunking`); every piece is its own Doc, so
    memory is that of a batch of pieces however long a document is. No entity is reported inside a skipped span of a region.
    Abbreviations defined in one piece hold in the others (`short_forms.ShortForms`).

    In one process, `zone` documents at a time are tagged inside `nlp.memory_zone()` (spaCy >= 3.8):
    spaCy's vocabulary keeps every new string it sees, so a run over millions of abstracts would
    grow without end; a zone frees what its documents added. Our `Document`s are plain data copied
    out of spaCy's, so nothing refers into a zone after it closes. With several processes
    (`n_process`), the documents go through one `nlp.pipe` (a zone would restart the processes).
    """
    if n_process != 1 or not hasattr(nlp, "memory_zone"):
        yield from _tag(nlp, documents, batch_size, n_process, id_prefix, max_chars, relations)
        return
    stream = iter(documents)
    while chunk := list(islice(stream, zone)):
        with nlp.memory_zone():
            yield from _tag(nlp, chunk, batch_size, 1, id_prefix, max_chars, relations)


def has_relations(nlp: Language) -> bool:
    """Whether the pipeline predicts relations (has the `bioner_relations` component)."""
    return RELATIONS in nlp.pipe_names


def check_relations(nlp: Language, relations: bool | None, model: str) -> bool:
    """Whether to predict relations: `--relations` (True) needs the model's relation component;
    by default (None) they are predicted when it is there; False turns them off."""
    present = has_relations(nlp)
    if relations and not present:
        raise BionerError(relations_missing(model, nlp.pipe_names))
    return present if relations is None else relations


def relations_missing(model: str, pipe_names: list[str]) -> str:
    return (
        f"--relations: model {model!r} has no {RELATIONS} component (its pipeline: "
        f"{', '.join(pipe_names) or 'empty'}), so it predicts no relations; give a model trained with "
        "relations or leave out --relations"
    )


def _tag(
    nlp: Language,
    documents: Iterable[Document],
    batch_size: int,
    n_process: int,
    id_prefix: str,
    max_chars: int,
    relations: bool = True,
) -> Iterator[Document]:
    pending: deque[Document] = deque()

    def pieces(items: Iterable[Document]) -> Iterator[tuple[str, tuple[int, bool, tuple[Skip, ...], bool]]]:
        for document in items:
            text = document.text
            content = document.content if document.content is not None else whole_text(text)
            split = len(text) > max_chars  # a long document: every region paragraph by paragraph
            spans = [
                piece
                for region in content.regions
                for piece in chunk_spans(text, region.start, region.end, max_chars, split=split)
            ] or [(0, 0)]
            inline = [s for s in content.skipped if s.inline]
            pending.append(document)
            for number, (start, end) in enumerate(spans):
                ensure_max_length(nlp, end - start)
                inside = tuple(s for s in inline if s.start < end and start < s.end)
                yield text[start:end], (start, number == len(spans) - 1, inside, len(spans) > 1)

    def skipped(start: int, end: int, inside: tuple[Skip, ...]) -> bool:
        return any(s.start < end and start < s.end for s in inside)

    disable = [RELATIONS] if not relations and RELATIONS in nlp.pipe_names else []
    mentions: list[Mention] = []
    found: dict[tuple[str, tuple[str, ...]], Relation] = {}
    short_forms = ShortForms()
    for doc, (offset, last, inside, several) in nlp.pipe(
        pieces(documents), as_tuples=True, batch_size=batch_size, n_process=n_process, disable=disable
    ):
        if several:  # one piece: the abbreviation component saw every definition
            short_forms.read(doc, {ent.kb_id_: prefix_identifier(ent.kb_id_, id_prefix) for ent in doc.ents})
        for ent in doc.ents:
            start, end = ent.start_char + offset, ent.end_char + offset
            if skipped(start, end, inside):
                continue
            mentions.append(Mention(start, end, ent.text, ent.label_, prefix_identifier(ent.kb_id_, id_prefix)))
        if relations:
            for relation in doc_relations(doc, offset):
                support = [
                    p for p in relation.support if not skipped(p[0], p[1], inside) and not skipped(*p[2:], inside)
                ]
                if relation.support and not support:
                    continue
                arguments = [prefix_identifier(a, id_prefix) for a in relation.arguments]
                _merge(found, Relation(relation.type, arguments, relation.score, support))
        if last:
            document = pending.popleft()
            if several:
                content = document.content if document.content is not None else whole_text(document.text)
                mentions = short_forms.apply(document.text, mentions, content)
            tagged = Document(document.id, list(document.passages), mentions, content=document.content)
            tagged.relations = list(found.values())
            yield tagged
            mentions = []
            found = {}
            short_forms = ShortForms()


def _merge(found: dict[tuple[str, tuple[str, ...]], Relation], relation: Relation) -> None:
    """One relation per type and arguments in a document: the best score, every supporting pair."""
    key = (relation.type, tuple(relation.arguments))
    earlier = found.get(key)
    if earlier is None:
        found[key] = relation
        return
    scores = [s for s in (earlier.score, relation.score) if s is not None]
    earlier.score = max(scores) if scores else None
    earlier.support.extend(p for p in relation.support if p not in earlier.support)


def prefix_identifier(identifier: str, prefix: str) -> str:
    """`D1|D2` -> `MESH:D1|MESH:D2`; `-1`, empty and already prefixed ids unchanged."""
    if not prefix or not identifier:
        return identifier
    return "|".join(i if i in {"-1", "-"} or i.startswith(prefix) else prefix + i for i in identifier.split("|"))
