"""Exceptions a user can act on. The CLI catches `BionerError` once and prints its message."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class BionerError(Exception):
    """An error caused by input or setup, reported to the user without a traceback."""


class InputError(BionerError):
    """Malformed input: the message names the file, the line and what is wrong."""

    def __init__(self, source: str | Path, line: int | None, message: str) -> None:
        self.source = str(source)
        self.line = line
        self.message = message
        where = f"{self.source}:{line}" if line is not None else self.source
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class InputProblem:
    """A mention-level problem that lenient reading skipped instead of failing on."""

    source: str
    line: int | None
    document_id: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line is not None else self.source
        return f"{where}: {self.message}"

    def to_dict(self) -> dict:
        return {
            "source": self.source,
            "line": self.line,
            "document_id": self.document_id,
            "message": self.message,
        }
