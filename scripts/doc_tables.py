#!/usr/bin/env python
"""Rewrite the generated tables of the documentation from the corpus catalogue and the format table.

Every Markdown file of the repository (but data/raw/ and dependencies) that holds a region
`<!-- NAME:start -->` ... `<!-- NAME:end -->` gets its table from `bioner.corpora.tables` or
`bioner.formats.registry.markdown_tables`. With `--check`, nothing is written: the files whose
tables differ are named and the exit status is 1 (tests/test_doc_tables.py checks the same).

    python scripts/doc_tables.py [--check]
"""

from __future__ import annotations

import sys
from pathlib import Path

from bioner.corpora.tables import markdown_tables as corpus_tables
from bioner.doc_tables import regions_in, replace_regions
from bioner.formats.registry import markdown_tables as format_tables

ROOT = Path(__file__).resolve().parents[1]
SKIP = {".venv", "data", "training", "dist", "node_modules", ".git"}


def markdown_files(root: Path = ROOT) -> list[Path]:
    """The repository's Markdown files, outside generated and data folders (data/README.md kept)."""
    found = [path for path in root.rglob("*.md") if not SKIP & set(path.relative_to(root).parts[:-1])]
    readme = root / "data" / "README.md"
    return sorted({*found, *([readme] if readme.exists() else [])})


def main(argv: list[str]) -> int:
    check = "--check" in argv
    tables = {**corpus_tables(), **format_tables()}
    stale = []
    for path in markdown_files():
        text = path.read_text(encoding="utf-8")
        if not regions_in(text):
            continue
        new = replace_regions(text, tables, source=str(path))
        if new != text:
            stale.append(path.relative_to(ROOT))
            if not check:
                path.write_text(new, encoding="utf-8")
    verb = "stale" if check else "rewrote"
    for path in stale:
        print(f"{verb}: {path}", file=sys.stderr)
    return 1 if check and stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
