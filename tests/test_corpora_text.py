"""Unlabelled text for the vectors: `pubmed-text` (gzipped JSONL) copied and checked, or the
pretrain entry's PubMed abstracts standing in for it; evaluation PMIDs from the catalogue."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from bioner.corpora.text import evaluation_pmids, fetch_pubmed_text
from bioner.errors import BionerError
from test_pubmed_baseline import FILES, NAMES


@pytest.fixture(autouse=True)
def no_local_copies(monkeypatch):
    for env in ("PUBMED_TEXT_DIR", "PUBMED_DIR", "PRETRAIN_DIR", "PRETRAIN_PUBMED_FILES"):
        monkeypatch.delenv(env, raising=False)


def write_gz(path: Path, records: list[object], extra: str = "") -> Path:
    lines = "".join(json.dumps(record) + "\n" for record in records) + extra
    path.write_bytes(gzip.compress(lines.encode("utf-8")))
    return path


def contents(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_pubmed_text_dir_is_copied_as_gzip_and_counted(tmp_path, monkeypatch):
    local = tmp_path / "copy"
    local.mkdir()
    write_gz(local / "abstracts.jsonl.gz", [{"id": "1", "text": "one two three"}, {"id": "2", "text": "four"}])
    write_gz(local / "fulltext.jsonl.gz", [{"id": "3", "text": "five six"}])
    (local / "notes.txt").write_text("not text for the vectors", encoding="utf-8")
    monkeypatch.setenv("PUBMED_TEXT_DIR", str(local))

    info = fetch_pubmed_text(tmp_path / "raw" / "pubmed-text")

    assert (info.documents, info.mentions) == ({"abstracts": 2, "fulltext": 1}, {"abstracts": 4, "fulltext": 2})
    assert contents(tmp_path / "raw" / "pubmed-text") == ["abstracts.jsonl.gz", "fulltext.jsonl.gz"]
    again = fetch_pubmed_text(tmp_path / "raw" / "pubmed-text")
    assert set(again.sources.values()) == {"already in place"}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not gzip at all", "cannot be read as gzipped JSONL"),
        (gzip.compress(b'{"text": "fine"}\n{"title": "no text"}\n'), r"a.jsonl.gz:2: expected an object"),
        (gzip.compress(b'{"text": "fine"}\n' * 50)[:-12], "cannot be read as gzipped JSONL"),
    ],
)
def test_a_bad_text_file_is_named_and_nothing_is_left(tmp_path, content, message):
    local = tmp_path / "copy"
    local.mkdir()
    (local / "a.jsonl.gz").write_bytes(content)
    with pytest.raises(BionerError, match=message):
        fetch_pubmed_text(tmp_path / "pubmed-text", local_dir=local)
    assert contents(tmp_path / "pubmed-text") == []


def test_a_folder_without_jsonl_gz_files_says_which_files_it_wanted(tmp_path):
    (tmp_path / "copy").mkdir()
    with pytest.raises(BionerError, match=r"no \*\.jsonl\.gz files"):
        fetch_pubmed_text(tmp_path / "pubmed-text", local_dir=tmp_path / "copy")


def test_without_pubmed_text_dir_the_pretrain_pubmed_abstracts_stand_in(tmp_path, monkeypatch):
    local = tmp_path / "baseline"
    local.mkdir()
    (local / NAMES[0]).write_bytes(FILES[NAMES[0]])
    monkeypatch.setenv("PUBMED_DIR", str(local))
    monkeypatch.setenv("PRETRAIN_PUBMED_FILES", "1")

    info = fetch_pubmed_text(tmp_path / "raw" / "pubmed-text")

    assert info.name == "pubmed-text" and info.documents == {"pubmed-abstracts": 9}
    assert info.paths["pubmed-abstracts"] == tmp_path / "raw" / "pretrain" / "pubmed-abstracts.jsonl"
    assert any("no PUBMED_TEXT_DIR" in note for note in info.notes)
    assert not (tmp_path / "raw" / "pubmed-text").exists()


def test_evaluation_pmids_include_the_variant_and_species_test_sets(tmp_path):
    for folder, name, pmid in [("tmvar3", "tmVar3_Test.PubTator", 301), ("species", "SPECIES_Test.PubTator", 401)]:
        (tmp_path / folder).mkdir()
        (tmp_path / folder / name).write_text(f"{pmid}|t|Title.\n{pmid}|a|Text.\n\n", encoding="utf-8")
    (tmp_path / "tmvar3" / "tmVar3_Train.PubTator").write_text("302|t|Train.\n302|a|\n\n", encoding="utf-8")
    pmids, read = evaluation_pmids(tmp_path)
    assert pmids == {"301", "401"} and len(read) == 2
