"""Tagging files with a trained pipeline: what `ner-predict` does, as a library.

Input is a file, a folder of `.txt` files, or `-` for stdin; its format is detected (extension,
then content) unless given. Documents are read one at a time, tagged with `nlp.pipe` in batches
(`bioner.tagging.tag_documents`) and written as they come, so memory stays flat however large the
input. Annotations in the input (PubTator mentions and relations, BioC annotations, JSONL
entities) are replaced by the model's, never merged.

Output to a file is written to a temporary file beside it and renamed at the end, so a run that
fails half-way (a malformed document at line 90,000) leaves no half-written predictions behind.
"""

from __future__ import annotations

import io
import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, TextIO, cast

from .chunking import DEFAULT_MAX_CHARS
from .document import Document
from .errors import BionerError, InputProblem
from .model_card import PACKAGE_NAME
from .tagging import DEFAULT_BATCH_SIZE

if TYPE_CHECKING:
    from spacy.language import Language

DEFAULT_MODEL_PACKAGE = PACKAGE_NAME
"""The installed project model, made by `make package`, used when there is no trained pipeline."""

TRAINING_DIR = "training"

HTML = "html"
OUTPUT_FORMATS = ("pubtator", "jsonl", "bioc", "bioc-json", HTML, "iob")
"""Output formats; all but `html` are written by `bioner.formats.write_documents`."""

_OUTPUT_EXTENSIONS = {
    ".pubtator": "pubtator",
    ".jsonl": "jsonl",
    ".xml": "bioc",
    ".json": "bioc-json",
    ".iob": "iob",
    ".conll": "iob",
    ".html": HTML,
    ".htm": HTML,
}

STDIN = "-"


# --- the model -------------------------------------------------------------------------------


def resolve_model(model: str | None, cwd: str | Path | None = None) -> str | Path:
    """The pipeline to load: a folder (as a Path) or an installed package name (as a str).

    Given `model`, it must be a pipeline folder or an installed model package. Without it: the
    trained `training/model-best` under `cwd` (or, when only a development run exists, the newest
    `training/*/model-best`), else the installed project model `en_bioner_bc5cdr`, else an error
    that says how to get one.
    """
    from spacy.util import is_package

    base = Path(cwd) if cwd is not None else Path.cwd()
    try:
        return _resolve_model(model, base)
    except PermissionError as error:
        raise BionerError(
            f"model {str(error.filename or model)!r}: cannot read it: Permission denied; "
            "give a pipeline folder you can read (check its permissions and those of the folders above it)"
        ) from None


def _resolve_model(model: str | None, base: Path) -> str | Path:
    from spacy.util import is_package

    if model:
        path = Path(model).expanduser()
        if not path.is_absolute():
            path = base / path
        if path.is_dir():
            if not (path / "config.cfg").is_file():
                raise BionerError(
                    f"model {model!r}: the folder is not a spaCy pipeline (it has no config.cfg); "
                    "give a trained pipeline folder such as training/model-best"
                )
            return path
        if path.exists():
            raise BionerError(f"model {model!r}: is a file; give a pipeline folder or an installed package name")
        if is_package(model):
            return model
        looks_like_path = os.sep in model or "/" in model or model.startswith(".")
        what = "no such folder" if looks_like_path else "not a pipeline folder nor an installed model package"
        raise BionerError(
            f"unknown model {model!r}: {what}. Give a trained pipeline folder (such as "
            f"training/model-best, made by `make train`) or the name of an installed model package "
            f"(such as {DEFAULT_MODEL_PACKAGE}, made by `make package` and installed with pip)"
        )
    trained = find_trained_model(base)
    if trained is not None:
        return trained
    if is_package(DEFAULT_MODEL_PACKAGE):
        return DEFAULT_MODEL_PACKAGE
    raise BionerError(
        f"no model to tag with: there is no {TRAINING_DIR}/model-best under {base} and the project "
        f"model {DEFAULT_MODEL_PACKAGE} is not installed. Train one with `make train` (in the project "
        f"folder), install the packaged model (`make package`, then `pip install dist/{DEFAULT_MODEL_PACKAGE}-*.tar.gz`), "
        "or pass --model with a pipeline folder or an installed model package name"
    )


def find_trained_model(cwd: str | Path) -> Path | None:
    """`training/model-best` under `cwd`, or else the most recently written `training/*/model-best`."""
    training = Path(cwd) / TRAINING_DIR
    main = training / "model-best"
    if (main / "config.cfg").is_file():
        return main
    candidates = [p for p in training.glob("*/model-best") if (p / "config.cfg").is_file()]
    if not candidates:
        return None
    return max(candidates, key=lambda p: (p / "config.cfg").stat().st_mtime)


# --- input -----------------------------------------------------------------------------------


@dataclass
class InputPlan:
    """What will be read: the files (or stdin) and the format of each."""

    name: str
    sources: list[tuple[str | Path | BinaryIO, str]]
    """(source, format) pairs in reading order; a source is a path or the peeked stdin stream."""

    @property
    def formats(self) -> set[str]:
        return {fmt for _, fmt in self.sources}


def plan_input(
    input: str | Path,
    *,
    input_format: str | None = None,
    stdin: BinaryIO | None = None,
) -> InputPlan:
    """Resolve INPUT (a file, a folder of `.txt` files, or `-`) into sources and their formats."""
    from .formats import detect_format, sniff_format

    if str(input) == STDIN:
        stream = _PeekedStream(stdin if stdin is not None else sys.stdin.buffer, "<stdin>")
        fmt = input_format or sniff_format(stream.head)
        return InputPlan("<stdin>", [(cast(BinaryIO, stream), fmt)])
    path = Path(input)
    if not path.exists():
        raise BionerError(f"{path}: no such file or folder")
    if path.is_file() and input_format is None and _is_pdf(path):
        raise BionerError(
            f"{path}: PDF is not read; convert it to text first (pdftotext -layout "
            f"{path.name} {path.stem}.txt, from poppler-utils, or GROBID) and tag the .txt"
        )
    if path.is_dir():
        files = sorted(p for p in path.glob("*.txt") if p.is_file() and not p.name.startswith("."))
        if not files:
            raise BionerError(
                f"{path}: the folder holds no .txt files to tag (a folder is read as one "
                "document per .txt file; give other files by name)"
            )
        return InputPlan(str(path), [(f, input_format or detect_format(f)) for f in files])
    return InputPlan(str(path), [(path, input_format or detect_format(path))])


CONTENT_FORMATS = ("text", "html")
"""Input formats whose documents are text as people bring it: only their content is tagged."""


def _is_pdf(path: Path) -> bool:
    if path.suffix.lower() == ".pdf":
        return True
    try:
        with path.open("rb") as handle:
            return handle.read(5) == b"%PDF-"
    except OSError:
        return False  # unreadable: the reader says so


def iter_input_documents(
    plan: InputPlan,
    *,
    lines: bool = False,
    lenient: bool = False,
    problems: list[InputProblem] | None = None,
    find_content: bool = False,
) -> Iterator[Document]:
    """Stream the documents of every source in the plan, in order.

    With `find_content`, a document of a text source carries its content regions and skipped
    parts (`bioner.content.find_content`), so that only the content is tagged; an HTML page is
    its article text. Without, a text is all content and an HTML page is all its visible text.
    """
    from .content import find_content as detect
    from .formats import read_documents

    for source, fmt in plan.sources:
        for document in read_documents(source, fmt, lenient=lenient, problems=problems, lines=lines):
            if fmt not in CONTENT_FORMATS:
                yield document
            elif not find_content:  # everything: for a web page, all of its visible text
                source_map = document.content.source if document.content is not None else None
                yield (
                    Document.from_text(document.id, source_map.text)
                    if source_map is not None
                    else Document.from_text(document.id, document.text)
                )
            else:
                if document.content is None:
                    document.content = detect(document.text)
                yield document


def default_output_format(plan: InputPlan, output: str | Path | None) -> str:
    """The output format when none is given: from the output file's extension, else PubTator for
    PubTator input and JSONL for everything else."""
    if output is not None and str(output) != "-":
        by_extension = _OUTPUT_EXTENSIONS.get(Path(output).suffix.lower())
        if by_extension:
            return by_extension
    return "pubtator" if plan.formats == {"pubtator"} else "jsonl"


class _PeekedStream(io.RawIOBase):
    """A binary stream whose first bytes were read ahead (to detect the format), then the rest."""

    def __init__(self, stream: BinaryIO, name: str) -> None:
        super().__init__()
        self._stream = stream
        self.name = name
        from .formats import SNIFF_BYTES

        head = b""
        while len(head) < SNIFF_BYTES:
            chunk = stream.read(SNIFF_BYTES - len(head))
            if not chunk:
                break
            head += chunk
        self.head = head
        self._pending = head

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self._pending:
            size = min(len(buffer), len(self._pending))
            buffer[:size] = self._pending[:size]
            self._pending = self._pending[size:]
            return size
        chunk = self._stream.read(len(buffer))
        if not chunk:
            return 0
        buffer[: len(chunk)] = chunk
        return len(chunk)


# --- the run ---------------------------------------------------------------------------------


@dataclass
class PredictionSummary:
    """What a run tagged: documents, words (whitespace-separated), entities per label and time."""

    documents: int = 0
    words: int = 0
    characters: int = 0
    entities: Counter = field(default_factory=Counter)
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
    """
    from .tagging import load_pipeline, tag_documents

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
    summary = PredictionSummary(
        model=str(resolved) if nlp is None else str(nlp.meta.get("name", "")),
        input_format=",".join(sorted(plan.formats)),
        output_format=fmt,
    )

    documents = iter_input_documents(
        plan, lines=lines, lenient=lenient, problems=problems, find_content=not keep_boilerplate
    )
    empty, documents = _peek_empty(documents)
    if empty:
        summary.empty_input = True
        _write(iter(()), output, fmt, title=plan.name)
        return summary

    if nlp is None:
        if on_model is not None:
            on_model(str(resolved))
        nlp = load_pipeline(cast(Path, resolved))  # resolved whenever no nlp was given
    started = time.perf_counter()
    tagged = tag_documents(
        nlp, documents, batch_size=batch_size, n_process=n_process, id_prefix=id_prefix, max_chars=max_chars
    )
    counted = _count(tagged, summary)
    if progress:
        counted = _progress(counted)
    _write(counted, output, fmt, title=plan.name)
    summary.seconds = time.perf_counter() - started
    return summary


def _check_paths(input: str | Path, output: str | Path | None) -> None:
    """Before the model loads: the output must be writable and must not be the input."""
    from .atomic import check_distinct, check_output

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
        if document.content is not None:
            for skip in document.content.skipped:
                if not skip.inline:
                    summary.skipped[skip.reason] += 1
                    summary.skipped_characters += skip.end - skip.start
        yield document


def _progress(documents: Iterable[Document]) -> Iterator[Document]:
    from tqdm import tqdm

    with tqdm(documents, unit=" docs", file=sys.stderr, dynamic_ncols=True, mininterval=0.5) as bar:
        yield from bar


def _write(documents: Iterable[Document], output: str | Path | None, fmt: str, *, title: str) -> int:
    """Write to stdout, or to a temporary file renamed to `output` once everything is written."""
    if output is None or str(output) == "-":
        return _write_to(documents, "-", fmt, title=title)
    from .atomic import atomic_open

    with atomic_open(output, make_parents=False) as handle:
        return _write_to(documents, cast(TextIO, handle), fmt, title=title)


def _write_to(documents: Iterable[Document], destination: str | TextIO, fmt: str, *, title: str) -> int:
    if fmt == HTML:
        from .html_view import write_html

        return write_html(documents, destination, title=f"Tagged: {title}")
    from .formats import write_documents

    return write_documents(documents, destination, fmt)
