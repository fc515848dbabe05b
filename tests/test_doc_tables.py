"""The documentation's corpus and format tables are generated: a stale table fails here."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bioner.corpora.tables import markdown_tables as corpus_tables
from bioner.doc_tables import region, region_text, regions_in, replace_regions
from bioner.errors import BionerError
from bioner.formats.registry import markdown_tables as format_tables

REPO_ROOT = Path(__file__).resolve().parents[1]
TABLES = {**corpus_tables(), **format_tables()}
WHERE = {
    "README.md": ["corpora-table:local-copies", "formats-table:summary", "corpora-table:licences"],
    "data/README.md": ["corpora-table:data"],
    "docs/commands.md": ["corpora-table:choices"],
    "docs/design.md": ["corpora-table:overview"],
    "docs/formats.md": ["formats-table:full"],
}


@pytest.mark.parametrize("path", sorted(WHERE))
def test_each_document_holds_its_tables_as_generated(path):
    text = (REPO_ROOT / path).read_text(encoding="utf-8")
    assert regions_in(text) == WHERE[path]
    for name in WHERE[path]:
        assert region_text(text, name) == TABLES[name], f"{path}: {name} is stale; run python scripts/doc_tables.py"


def test_every_generated_table_is_in_some_document():
    assert sorted(name for names in WHERE.values() for name in names) == sorted(TABLES)


def test_the_script_finds_nothing_stale():
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO_ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
    result = subprocess.run(
        [sys.executable, "scripts/doc_tables.py", "--check"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert result.returncode == 0, result.stderr


def test_a_region_is_replaced_whole_and_the_text_around_it_kept():
    text = "before\n<!-- t:start -->\n| old |\n<!-- t:end -->\nafter\n"
    assert replace_regions(text, {"t": "| new |"}) == "before\n" + region("t", "| new |") + "\nafter\n"
    assert region_text(replace_regions(text, {"t": "| new |"}), "t") == "| new |"


def test_a_region_of_an_unknown_table_or_without_its_end_is_an_error():
    with pytest.raises(BionerError, match="no generated table named 'gone'"):
        replace_regions("<!-- gone:start -->\n<!-- gone:end -->\n", {"t": "x"}, source="README.md")
    with pytest.raises(BionerError, match="has no"):
        replace_regions("<!-- t:start -->\n| x |\n", {"t": "x"})
