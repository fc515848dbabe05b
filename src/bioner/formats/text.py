"""Plain text: what users bring to be tagged, without annotations.

A file is one document named after the file, or with `lines=True` one document per non-empty
line (ids `stem:line`), for files that hold one sentence or abstract a line. Decoding is strict
UTF-8 so that a file in another encoding fails at its first bad line instead of being misread.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..document import Document
from ._io import Source, iter_lines, source_name


def read_text_documents(source: Source, *, lines: bool = False) -> list[Document]:
    return list(iter_text_documents(source, lines=lines))


def iter_text_documents(source: Source, *, lines: bool = False) -> Iterator[Document]:
    """One document for the whole source, or one per non-empty line with `lines`.

    A whole file keeps its line breaks (as `\\n`) so offsets count in the text as written; only
    trailing blank lines are dropped. An empty file gives one empty document, so that every input
    file has its document.
    """
    stem = _stem(source)
    if lines:
        for number, line in iter_lines(source):
            if line.strip():
                yield Document.from_text(f"{stem}:{number}", line)
        return
    text = "\n".join(line for _, line in iter_lines(source)).rstrip("\n")
    yield Document.from_text(stem, text)


def _stem(source: Source) -> str:
    name = source_name(source)
    if name.startswith("<"):
        return name.strip("<>")
    return Path(name).stem
