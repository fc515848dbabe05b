"""Generated tables in Markdown files: the region between `<!-- NAME:start -->` and `<!-- NAME:end -->`.

The documentation's corpus and format tables are made from the corpus catalogue and the format
table (`bioner.corpora.tables`, `bioner.formats.registry.markdown_tables`), never typed in:
`scripts/doc_tables.py` rewrites the regions, and a test compares them with the generated
output, so a table that no longer says what the code does fails CI.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from .errors import BionerError


def markers(name: str) -> tuple[str, str]:
    """The comment lines that open and close the generated region `name`."""
    return f"<!-- {name}:start -->", f"<!-- {name}:end -->"


def region(name: str, table: str) -> str:
    """`table` between its markers, as a file holds it (and `bioner corpora --markdown` prints it)."""
    start, end = markers(name)
    return f"{start}\n{table.rstrip()}\n{end}"


def _pattern(name: str) -> re.Pattern[str]:
    start, end = markers(name)
    return re.compile(re.escape(start) + r"\n(.*?)\n?" + re.escape(end), re.DOTALL)


def regions_in(text: str) -> list[str]:
    """Names of the generated regions a text holds, in order."""
    return re.findall(r"<!-- ([\w:.-]+):start -->", text)


def region_text(text: str, name: str) -> str | None:
    """What a text holds between the markers of `name`; None when it has no such region."""
    match = _pattern(name).search(text)
    return None if match is None else match.group(1)


def replace_regions(text: str, tables: Mapping[str, str], *, source: str = "the text") -> str:
    """`text` with every generated region it holds replaced by its table from `tables`; a
    region whose name `tables` does not know is an error (a table renamed or removed)."""
    for name in regions_in(text):
        if name not in tables:
            raise BionerError(f"{source}: no generated table named {name!r}; known: {', '.join(sorted(tables))}")
        match = _pattern(name).search(text)
        if match is None:
            raise BionerError(
                f"{source}: the generated table {name!r} has no `{markers(name)[1]}` line after its start"
            )
        text = text[: match.start()] + region(name, tables[name]) + text[match.end() :]
    return text


def markdown_table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A Markdown table; a `|` inside a cell is escaped."""
    lines = [header, ["---"] * len(header), *rows]
    return "\n".join("| " + " | ".join(cell.replace("|", "\\|") for cell in line) + " |" for line in lines)
