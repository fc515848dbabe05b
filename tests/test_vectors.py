"""Unlabelled text for the vectors: JSONL plain or gzip, folders of it, clear errors on bad lines."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from bioner.errors import BionerError
from bioner.vectors import FloretSettings, build_vectors, read_jsonl_texts, sampled, text_files, write_training_text


def write_jsonl(path: Path, texts: list[str]) -> Path:
    lines = "".join(json.dumps({"id": str(i), "text": t}) + "\n" for i, t in enumerate(texts))
    if path.name.endswith(".gz"):
        with gzip.open(path, "wt", encoding="utf-8") as handle:
            handle.write(lines)
    else:
        path.write_text(lines, encoding="utf-8")
    return path


def test_read_jsonl_texts_reads_gzip_and_plain_alike(tmp_path):
    texts = ["Naloxone reversed the coma.", "Lithium toxicity."]
    assert list(read_jsonl_texts(write_jsonl(tmp_path / "a.jsonl.gz", texts))) == texts
    assert list(read_jsonl_texts(write_jsonl(tmp_path / "a.jsonl", texts))) == texts


def test_text_files_of_a_folder_are_its_jsonl_files_only(tmp_path):
    write_jsonl(tmp_path / "b.jsonl.gz", ["x"])
    write_jsonl(tmp_path / "a.jsonl", ["y"])
    (tmp_path / "README.md").write_text("not text for the vectors")
    assert [p.name for p in text_files(tmp_path)] == ["a.jsonl", "b.jsonl.gz"]
    assert text_files(tmp_path / "README.md") == [tmp_path / "README.md"]  # a file is taken as given
    (tmp_path / "empty").mkdir()
    with pytest.raises(BionerError, match="without \\*.jsonl"):
        text_files(tmp_path / "empty")


def test_a_line_without_text_names_file_and_line(tmp_path):
    path = tmp_path / "bad.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write('{"text": "fine"}\n{"title": "no text here"}\n')
    with pytest.raises(BionerError, match=r"bad\.jsonl\.gz:2: expected an object with a \"text\" string"):
        list(read_jsonl_texts(path))


def test_a_truncated_gzip_file_is_a_clear_error(tmp_path):
    path = write_jsonl(tmp_path / "cut.jsonl.gz", ["Cisplatin nephrotoxicity. " * 200] * 20)
    path.write_bytes(path.read_bytes()[:-40])
    with pytest.raises(BionerError, match="truncated or corrupt gzip"):
        list(read_jsonl_texts(path))


def test_build_vectors_reads_a_folder_of_gzipped_text(tmp_path):
    folder = tmp_path / "pubmed-text"
    folder.mkdir()
    write_jsonl(folder / "part1.jsonl.gz", ["Zolpidem caused amnesia."])
    write_jsonl(folder / "part2.jsonl.gz", ["Zolpidem again."])
    info = build_vectors(
        [folder], tmp_path / "vectors", settings=FloretSettings(dim=8, bucket=500, epoch=1, min_count=1), threads=1
    )
    assert info["tokens"] == 7  # "zolpidem caused amnesia ." and "zolpidem again ."


def test_tokenising_in_two_processes_writes_the_same_text_in_the_same_order(tmp_path):
    texts = [f"Patient {i} took 5-FU and Ca2+ blockers." for i in range(600)] + ["   ", "Lithium."]
    one = write_training_text(texts, tmp_path / "one.txt", processes=1, batch_size=50)
    two = write_training_text(texts, tmp_path / "two.txt", processes=2, batch_size=50)
    written = (tmp_path / "one.txt").read_text(encoding="utf-8")
    assert one == two and written == (tmp_path / "two.txt").read_text(encoding="utf-8")
    assert written.splitlines()[0] == "patient 0 took 5 - fu and ca 2 + blockers ."
    assert written.splitlines()[-1] == "lithium ." and len(written.splitlines()) == 601  # the blank text left out


def test_a_text_share_keeps_the_same_texts_on_every_run_and_about_that_many():
    texts = [f"abstract number {i}" for i in range(2000)]
    half = list(sampled(texts, 0.5))
    assert half == list(sampled(texts, 0.5)) and 900 < len(half) < 1100
    assert set(list(sampled(texts, 0.25))) <= set(half)  # a smaller share is a subset
    assert list(sampled(texts, 1.0)) == texts


def test_build_vectors_samples_jsonl_text_but_reads_annotated_corpora_whole(tmp_path):
    folder = tmp_path / "pubmed-text"
    folder.mkdir()
    write_jsonl(folder / "part1.jsonl.gz", [f"Zolpidem caused amnesia {i}." for i in range(400)])
    corpus = tmp_path / "corpus.txt"
    corpus.write_text("1|t|Naloxone reversed coma.\n1|a|\n\n", encoding="utf-8")
    settings = FloretSettings(dim=8, bucket=500, epoch=1, min_count=1)
    info = build_vectors([corpus, folder], tmp_path / "v", settings=settings, threads=1, text_share=0.0)
    assert info["tokens"] == 4 and info["text_share"] == 0.0  # "naloxone reversed coma ." only
