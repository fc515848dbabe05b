"""Shared line reading: every reader decodes line by line so that a bad byte names its line."""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, TextIO, cast

from ..errors import BionerError, InputError

Source = str | Path | BinaryIO | TextIO


def source_name(source: Source) -> str:
    if isinstance(source, (str, Path)):
        return "<stdin>" if str(source) == "-" else str(source)
    return str(getattr(source, "name", "<stream>"))


def iter_lines(source: Source) -> Iterator[tuple[int, str]]:
    """Yield (line number, line without its newline), decoding UTF-8 strictly."""
    name = source_name(source)
    if isinstance(source, (str, Path)):
        if str(source) == "-":
            yield from _decode(sys.stdin.buffer, name)
            return
        path = Path(source)
        if not path.exists():
            raise BionerError(f"{path}: no such file")
        if path.is_dir():
            raise BionerError(f"{path}: is a folder, expected a file")
        with path.open("rb") as handle:
            yield from _decode(handle, name)
        return
    if isinstance(source, io.TextIOBase) or hasattr(source, "encoding"):
        for number, line in enumerate(cast(TextIO, source), start=1):
            yield number, line.rstrip("\r\n")
        return
    yield from _decode(source, name)


def _decode(handle: BinaryIO, name: str) -> Iterator[tuple[int, str]]:
    for number, raw in enumerate(handle, start=1):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise InputError(
                name, number, f"not UTF-8 (byte {raw[error.start]:#04x} at column {error.start + 1}); "
                "convert the file to UTF-8 first"
            ) from None
        if number == 1:
            line = line.removeprefix("\ufeff")
        yield number, line.rstrip("\r\n")


def read_text(source: Source) -> str:
    """The whole of a text source, decoded strictly as UTF-8."""
    return "\n".join(line for _, line in iter_lines(source))


@contextmanager
def open_destination(destination: str | Path | TextIO) -> Iterator[TextIO]:
    """A text handle for a path (UTF-8, `\\n` newlines), `-` for stdout, or a stream as it is."""
    if isinstance(destination, (str, Path)):
        if str(destination) == "-":
            yield sys.stdout
            return
        with Path(destination).open("w", encoding="utf-8", newline="\n") as handle:
            yield handle
        return
    yield destination
