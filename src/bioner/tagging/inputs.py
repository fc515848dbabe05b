"""What `ner-predict` reads: a file, a folder of `.txt` files, or stdin, each with its format.

Formats are detected (extension, then content) unless given; stdin is read ahead just enough to
tell its format. Documents stream one at a time through `formats.read_documents`, which also
finds the content regions of text and web pages (`bioner.content`).
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, cast

from ..document import Document
from ..errors import BionerError, InputProblem
from ..formats import SNIFF_BYTES, detect_format, read_documents, sniff_format

STDIN = "-"


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
    keep_boilerplate: bool = False,
) -> Iterator[Document]:
    """Stream the documents of every source in the plan, in order.

    A document of a text source carries its content regions and skipped parts, so that only the
    content is tagged; an HTML page is its article text. With `keep_boilerplate`, a text is all
    content and an HTML page is all its visible text.
    """
    for source, fmt in plan.sources:
        yield from read_documents(
            source, fmt, lenient=lenient, problems=problems, lines=lines, keep_boilerplate=keep_boilerplate
        )


class _PeekedStream(io.RawIOBase):
    """A binary stream whose first bytes were read ahead (to detect the format), then the rest."""

    def __init__(self, stream: BinaryIO, name: str) -> None:
        super().__init__()
        self._stream = stream
        self.name = name
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

    def peek(self, size: int = 0) -> bytes:
        """The bytes read ahead and not yet consumed (a byte order mark tells UTF-16 text)."""
        return bytes(self._pending)

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
