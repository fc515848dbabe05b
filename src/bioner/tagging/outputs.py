"""Where `ner-predict` writes: stdout, or a file written whole or not at all, in a format of the
format table (`formats.registry`), chosen by name, by the file's extension, or by the input."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TextIO, cast

from ..atomic import atomic_open
from ..document import Document
from ..formats import output_format_for, write_documents
from .inputs import InputPlan


def default_output_format(plan: InputPlan, output: str | Path | None) -> str:
    """The output format when none is given: from the output file's extension, else PubTator for
    PubTator input and JSONL for everything else."""
    if output is not None and str(output) != "-":
        by_extension = output_format_for(output)
        if by_extension:
            return by_extension
    return "pubtator" if plan.formats == {"pubtator"} else "jsonl"


def write_output(documents: Iterable[Document], output: str | Path | None, fmt: str, *, title: str) -> int:
    """Write to stdout, or to a temporary file renamed to `output` once everything is written (a
    named pipe or a device is written into: `bioner.atomic`). `title` heads an HTML page."""
    if output is None or str(output) == "-":
        return write_documents(documents, "-", fmt, title=title)
    with atomic_open(output, make_parents=False) as handle:
        return write_documents(documents, cast(TextIO, handle), fmt, title=title)
