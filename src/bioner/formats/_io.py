"""Shared line reading: every reader decodes line by line so that a bad byte names its line."""

from __future__ import annotations

import codecs
import io
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, TextIO, cast

from ..atomic import atomic_open
from ..errors import BionerError, InputError

Source = str | Path | BinaryIO | TextIO

SNIFF_BYTES = 65536
"""How much of a file or of stdin is read ahead to tell its format (`formats.sniff_format`)."""


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
        with open_input(path) as handle:
            yield from _decode(handle, name)
        return
    if isinstance(source, io.TextIOBase) or hasattr(source, "encoding"):
        for number, line in enumerate(cast(TextIO, source), start=1):
            yield number, line.rstrip("\r\n")
        return
    yield from _decode(source, name)


def open_input(path: str | Path) -> BinaryIO:
    """A file opened for reading; a missing, unreadable or folder path is one line naming it."""
    path = Path(path)
    try:
        return path.open("rb")
    except FileNotFoundError:
        raise BionerError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise BionerError(f"{path}: is a folder, expected a file") from None
    except OSError as error:
        raise BionerError(f"{path}: cannot read: {error.strerror or error}") from None


def _byte_order_mark(handle: BinaryIO) -> bytes:
    """The first two bytes where the handle can show them without consuming them."""
    peek = getattr(handle, "peek", None)
    if peek is not None:
        return bytes(peek(2)[:2])
    if handle.seekable():
        position = handle.tell()
        head = handle.read(2)
        handle.seek(position)
        return head
    return b""


def _decode(handle: BinaryIO, name: str) -> Iterator[tuple[int, str]]:
    if _byte_order_mark(handle) in UTF16_MARKS:
        yield from _decode_utf16(handle, name)
        return
    for number, raw in enumerate(handle, start=1):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise InputError(
                name,
                number,
                f"not UTF-8 (byte {raw[error.start]:#04x} at column {error.start + 1}); "
                "convert the file to UTF-8 first",
            ) from None
        if number == 1:
            line = line.removeprefix("\ufeff")
        yield number, line.rstrip("\r\n")


UTF16_MARKS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
"""Windows editors save "Unicode" text as UTF-16 with this mark first: such a file is read as it is."""


def _decode_utf16(handle: BinaryIO, name: str) -> Iterator[tuple[int, str]]:
    reader = codecs.getreader("utf-16")(handle)
    number = 0
    try:
        for number, line in enumerate(reader, start=1):
            yield number, line.rstrip("\r\n")
    except UnicodeDecodeError as error:
        raise InputError(name, number + 1, f"not UTF-16 as its byte order mark says ({error.reason})") from None


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

        with atomic_open(destination) as handle:  # a stopped run leaves no half-written file
            yield cast(TextIO, handle)
        return
    yield destination
