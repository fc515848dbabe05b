"""Tagging files with a trained pipeline: what `ner-predict` does, as a library.

Input is a file, a folder of `.txt` files, or `-` for stdin; its format is detected (extension,
then content) unless given (`bioner.tagging.inputs`). Documents are read one at a time, tagged
with `nlp.pipe` in batches (`bioner.tagging.tag_documents`) and written as they come, so memory
stays flat however large the input. Annotations in the input (PubTator mentions and relations,
BioC annotations, JSONL entities) are replaced by the model's, never merged.

Output to a file is written to a temporary file beside it and renamed at the end, so a run that
fails half-way (a malformed document at line 90,000) leaves no half-written predictions behind
(`bioner.tagging.outputs`).
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, cast

from tqdm import tqdm

from . import tagging
from .atomic import check_distinct, check_output
from .chunking import DEFAULT_MAX_CHARS
from .document import Document
from .errors import BionerError, InputProblem
from .formats import OUTPUT_FORMATS, RELATION_FORMATS
from .tagging.core import DEFAULT_BATCH_SIZE
from .tagging.inputs import STDIN, InputPlan, iter_input_documents, plan_input
from .tagging.models import DEFAULT_MODEL_PACKAGE, TRAINING_DIR, find_trained_model, resolve_model
from .tagging.outputs import default_output_format, write_output

if TYPE_CHECKING:
    from spacy.language import Language

__all__ = [
    "DEFAULT_MODEL_PACKAGE",
    "STDIN",
    "TRAINING_DIR",
    "InputPlan",
    "PredictionSummary",
    "default_output_format",
    "find_trained_model",
    "iter_input_documents",
    "plan_input",
    "predict",
    "resolve_model",
]


# --- the run ---------------------------------------------------------------------------------


@dataclass
class PredictionSummary:
    """What a run tagged: documents, words (whitespace-separated), entities per label and time."""

    documents: int = 0
    words: int = 0
    characters: int = 0
    entities: Counter = field(default_factory=Counter)
    relations: Counter = field(default_factory=Counter)
    """Relations reported, by type (none when the model has no relation component or it is off)."""
    relations_on: bool = False
    """Whether the relation component ran."""
    seconds: float = 0.0
    """Wall time of reading, tagging and writing (not of loading the model)."""
    model: str = ""
    input_format: str = ""
    output_format: str = ""
    empty_input: bool = False
    skipped: Counter = field(default_factory=Counter)
    """Parts left untagged (boilerplate, references) by reason; inline spans not counted."""
    skipped_characters: int = 0

    @property
    def words_per_second(self) -> float:
        return self.words / self.seconds if self.seconds > 0 else 0.0

    def format(self) -> str:
        """A few lines for stderr."""
        if self.empty_input:
            return "empty input: no documents with text; nothing was tagged (output is empty)"
        labels = ", ".join(f"{label} {n:,}" for label, n in sorted(self.entities.items())) or "none"
        text = (
            f"tagged {self.documents:,} document{'s' if self.documents != 1 else ''}, "
            f"{self.words:,} words in {self.seconds:.1f}s ({self.words_per_second:,.0f} words/s)\n"
            f"entities: {sum(self.entities.values()):,} ({labels})"
        )
        if self.relations_on:
            types = ", ".join(f"{kind} {n:,}" for kind, n in sorted(self.relations.items())) or "none"
            text += f"\nrelations: {sum(self.relations.values()):,} ({types})"
        if self.skipped:
            reasons = ", ".join(f"{reason} {n:,}" for reason, n in self.skipped.most_common())
            parts = sum(self.skipped.values())
            text += (
                f"\nskipped (not tagged): {parts:,} part{'s' if parts != 1 else ''}, "
                f"{self.skipped_characters:,} characters ({reasons}); --keep-boilerplate tags them"
            )
        return text

    def to_dict(self) -> dict:
        return {
            "documents": self.documents,
            "words": self.words,
            "characters": self.characters,
            "entities": dict(sorted(self.entities.items())),
            "relations": dict(sorted(self.relations.items())) if self.relations_on else None,
            "seconds": round(self.seconds, 3),
            "words_per_second": round(self.words_per_second, 1),
            "model": self.model,
            "input_format": self.input_format,
            "output_format": self.output_format,
            "empty_input": self.empty_input,
            "skipped": dict(sorted(self.skipped.items())),
            "skipped_characters": self.skipped_characters,
        }


def predict(
    input: str | Path,
    output: str | Path | None = None,
    *,
    model: str | Path | None = None,
    nlp: Language | None = None,
    input_format: str | None = None,
    output_format: str | None = None,
    lines: bool = False,
    lenient: bool = False,
    problems: list[InputProblem] | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    n_process: int = 1,
    progress: bool = False,
    cwd: str | Path | None = None,
    stdin: BinaryIO | None = None,
    on_model: Callable[[str], None] | None = None,
    id_prefix: str = "",
    keep_boilerplate: bool = False,
    max_chars: int = DEFAULT_MAX_CHARS,
    relations: bool | None = None,
) -> PredictionSummary:
    """Tag INPUT and write the predictions to `output` (a path, or `-`/None for stdout).

    `model` is resolved with `resolve_model` unless a loaded `nlp` is given. Empty input (no
    document with any text) is not an error: nothing is tagged, the model is not loaded, and the
    output is empty (no lines; an empty BioC collection; an HTML page saying so).
    `on_model(name)` is called with the model's name before it is loaded, for messages.
    `id_prefix` (e.g. `MESH:`) is put before each identifier the pipeline's linker gives.
    Text input is tagged in its content regions only (`bioner.content`: no banner, menus or
    reference lists), offsets still into the whole text; `keep_boilerplate` tags all of it.
    Long documents are tagged in pieces of at most `max_chars` characters (`bioner.chunking`).
    `relations`: None reports relations when the model has the `bioner_relations` component;
    False turns the component off (no time spent on it); True requires it, an error without it.
    An output format that cannot hold relations (iob) turns it off too; with True, an error.
    """
    if output_format is not None and output_format not in OUTPUT_FORMATS:
        raise BionerError(f"unknown output format {output_format!r}; choose one of {', '.join(OUTPUT_FORMATS)}")
    if batch_size < 1:
        raise BionerError(f"--batch-size must be at least 1, found {batch_size}")
    if n_process < 1 and n_process != -1:
        raise BionerError(f"--n-process must be at least 1 (or -1 for every core), found {n_process}")
    _check_paths(input, output)
    resolved = None if nlp is not None else resolve_model(str(model) if model else None, cwd)
    plan = plan_input(input, input_format=input_format, stdin=stdin)
    fmt = output_format or default_output_format(plan, output)
    if relations and fmt not in RELATION_FORMATS:
        raise BionerError(
            f"--relations: {fmt} output cannot hold relations; write {', '.join(RELATION_FORMATS)}, "
            "or leave out --relations"
        )
    summary = PredictionSummary(
        model=str(resolved) if nlp is None else str(nlp.meta.get("name", "")),
        input_format=",".join(sorted(plan.formats)),
        output_format=fmt,
    )

    documents = iter_input_documents(
        plan, lines=lines, lenient=lenient, problems=problems, keep_boilerplate=keep_boilerplate
    )
    empty, documents = _peek_empty(documents)
    if empty:
        summary.empty_input = True
        write_output(iter(()), output, fmt, title=f"Tagged: {plan.name}")
        return summary

    if nlp is None:
        if on_model is not None:
            on_model(str(resolved))
        nlp = tagging.load_pipeline(cast(Path, resolved))  # resolved whenever no nlp was given
    summary.relations_on = tagging.check_relations(nlp, relations, summary.model) and fmt in RELATION_FORMATS
    started = time.perf_counter()
    tagged = tagging.tag_documents(
        nlp,
        documents,
        batch_size=batch_size,
        n_process=n_process,
        id_prefix=id_prefix,
        max_chars=max_chars,
        relations=summary.relations_on,
    )
    counted = _count(tagged, summary)
    if progress:
        counted = _progress(counted)
    write_output(counted, output, fmt, title=f"Tagged: {plan.name}")
    summary.seconds = time.perf_counter() - started
    return summary


def _check_paths(input: str | Path, output: str | Path | None) -> None:
    """Before the model loads: the output must be writable and must not be the input."""
    if output is not None:
        check_output(output, "--output")
        check_distinct([input], [("--output", output)])


def _peek_empty(documents: Iterator[Document]) -> tuple[bool, Iterator[Document]]:
    """Whether no document has any text; else the documents, none lost to the peeking."""
    head: list[Document] = []
    for document in documents:
        head.append(document)
        if document.text.strip():
            return False, chain(head, documents)
    return True, iter(())


def _count(documents: Iterable[Document], summary: PredictionSummary) -> Iterator[Document]:
    for document in documents:
        text = document.text
        summary.documents += 1
        summary.words += len(text.split())
        summary.characters += len(text)
        summary.entities.update(m.label for m in document.mentions)
        summary.relations.update(r.type for r in document.relations)
        if document.content is not None:
            for skip in document.content.skipped:
                if not skip.inline:
                    summary.skipped[skip.reason] += 1
                    summary.skipped_characters += skip.end - skip.start
        yield document


def _progress(documents: Iterable[Document]) -> Iterator[Document]:
    with tqdm(documents, unit=" docs", file=sys.stderr, dynamic_ncols=True, mininterval=0.5) as bar:
        yield from bar
