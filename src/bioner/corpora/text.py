"""Unlabelled text for the static vectors: `pretrain` and `pubmed-text` (`bioner data`).

A local copy (`PRETRAIN_DIR`: `*.jsonl`; `PUBMED_TEXT_DIR`: `*.jsonl.gz`, one `{"text": ...}` a
line) is checked line by line and copied. Without one, PubMed abstracts are the source: the first
baseline files are fetched (`bioner.pubmed_baseline`) and their abstracts written to
`pretrain/pubmed-abstracts.jsonl`, less every citation whose PMID is in an evaluation set of the
catalogue (`evaluation_files`), read from the corpora already under the data folder, so that no
held-out abstract leaks into the vectors' text.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

from ..download import CorpusInfo, Staging, count_texts, record_text
from ..download import local_dir as local_copy
from ..errors import BionerError
from ..formats.pubmed import iter_pubmed
from ..pubmed_baseline import PUBMED_BASELINE_URL, fetch_pubmed_baseline
from .catalogue import CORPORA, PRETRAIN_ENV, PUBMED_TEXT_ENV, RESOURCES, Catalogue

PRETRAIN_MIN_TOKENS = 1_000_000
"""Below this the static vectors learn little beyond the training abstracts (docs/results.md,
seeds); a smaller local copy is accepted with a note."""
PRETRAIN_FILES_ENV = "PRETRAIN_PUBMED_FILES"
DEFAULT_PRETRAIN_FILES = 2
"""Two baseline files: ~60,000 citations, ~40,000 abstracts, ~8 M words."""
PRETRAIN_FILE = "pubmed-abstracts.jsonl"
_PUBTATOR_TITLE = re.compile(r"^([^|\t\s]+)\|t\|")


def fetch_pretrain_text(
    destination: Path = Path("data/raw/pretrain"),
    *,
    local_dir: Path | None = None,
    files: int | None = None,
    **pubmed: object,
) -> CorpusInfo:
    """Put unlabelled biomedical text (JSONL, one `{"text": ...}` a line) in `destination`.

    The static vectors learn from it (`make vectors`). With `local_dir` (default: the
    `PRETRAIN_DIR` environment variable) every `.jsonl` file there is checked (each line a JSON
    object with a string "text") and copied. Without one, PubMed abstracts are the source: the
    first `files` baseline files (default `PRETRAIN_PUBMED_FILES`, else 2; `PUBMED_DIR` for a
    local copy) are fetched and their abstracts, less those of every evaluation set, written to
    `pubmed-abstracts.jsonl` (`pubmed_pretrain_text`, which takes `pubmed`).
    """
    local = local_copy(local_dir, PRETRAIN_ENV)
    if local is None:
        info = pubmed_pretrain_text(Path(destination), files=files, **pubmed)  # type: ignore[arg-type]
        return _note_small_text(info)
    return _note_small_text(_copy_texts("pretrain", local, Path(destination), PRETRAIN_ENV))


def fetch_pubmed_text(
    destination: Path = Path("data/raw/pubmed-text"),
    *,
    local_dir: Path | None = None,
    files: int | None = None,
    **pubmed: object,
) -> CorpusInfo:
    """Put the gzipped JSONL text files (`*.jsonl.gz`) of `local_dir` (default: the
    `PUBMED_TEXT_DIR` environment variable) in `destination`, each line checked.

    Without a local copy, the `pretrain` entry's PubMed abstracts stand in (`pubmed_pretrain_text`
    into `pretrain` beside `destination`, made once for both): the text a user can download.
    """
    local = local_copy(local_dir, PUBMED_TEXT_ENV)
    if local is None:
        info = pubmed_pretrain_text(Path(destination).parent / "pretrain", files=files, **pubmed)  # type: ignore[arg-type]
        info.name = "pubmed-text"
        info.notes.append(
            f"no {PUBMED_TEXT_ENV}: the PubMed abstracts of the pretrain entry stand in "
            f"({', '.join(str(path) for path in info.paths.values())})"
        )
        return info
    return _copy_texts("pubmed-text", local, Path(destination), PUBMED_TEXT_ENV)


def _copy_texts(name: str, local: Path, destination: Path, env: str) -> CorpusInfo:
    """Copy the text files of a local copy that match the resource's patterns, each checked."""
    info = CorpusInfo(name, destination)
    patterns = RESOURCES[name].files
    sources = sorted({p for pattern in patterns for p in local.glob(pattern)}) if local.is_dir() else [local]
    if not sources or not all(f.is_file() for f in sources):
        raise BionerError(f"{local} ({env}): no {' or '.join(patterns)} files there")
    with Staging(destination) as staging:
        for source in sources:
            final = destination / source.name
            key = source.name.split(".", 1)[0]
            if final.is_file() and final.stat().st_size == source.stat().st_size:
                record_text(info, key, final, count_texts(final), "already in place")
                continue
            temporary = staging.new(source.name)
            shutil.copyfile(source, temporary)
            census = count_texts(temporary, shown_as=str(source))
            staging.place(temporary, source.name)
            record_text(info, key, final, census, f"copied from {source}")
    return info


def _note_small_text(info: CorpusInfo) -> CorpusInfo:
    tokens = sum(info.mentions.values())
    if tokens < PRETRAIN_MIN_TOKENS:
        info.notes.append(f"only {tokens:,} words of text: the vectors are better with a few million")
    return info


def evaluation_pmids(data_dir: Path, corpora: Catalogue | None = None) -> tuple[set[str], list[str]]:
    """PMIDs of every evaluation set of the catalogue (default `CORPORA`; its splits marked
    `evaluation`) found under `data_dir`, each read from a document id by its corpus's `pmid`
    pattern, and the files they were read from."""
    pmids: set[str] = set()
    read: list[str] = []
    for corpus in (CORPORA if corpora is None else corpora).values():
        pmid = re.compile(corpus.pmid)
        for split in corpus.splits:
            path = Path(data_dir) / corpus.name / split.filename
            if not split.evaluation or not path.is_file():
                continue
            with path.open(encoding="utf-8", errors="replace") as handle:
                for line in handle:
                    title = _PUBTATOR_TITLE.match(line)
                    found = pmid.match(title.group(1)) if title else None
                    if found:
                        pmids.add(found.group(1))
            read.append(str(path))
    return pmids, read


def pubmed_pretrain_text(
    destination: Path = Path("data/raw/pretrain"),
    *,
    files: int | None = None,
    pubmed_dir: Path | None = None,
    data_dir: Path | None = None,
    base_url: str = PUBMED_BASELINE_URL,
    progress: bool | None = None,
    timeout: float = 300.0,
) -> CorpusInfo:
    """`destination/pubmed-abstracts.jsonl` (one `{"text": title + " " + abstract}` a line) from the
    first `files` baseline files (default: `PRETRAIN_PUBMED_FILES`, else 2), fetched into
    `pubmed_dir` (default: `pubmed` beside `destination`). Citations without an abstract and every
    citation of an evaluation set under `data_dir` (default: `destination`'s parent) are left out.
    A file already in place is left alone; delete it to rebuild it with other files.
    """
    destination = Path(destination)
    data_dir = Path(data_dir) if data_dir is not None else destination.parent
    final = destination / PRETRAIN_FILE
    info = CorpusInfo("pretrain", destination)
    if final.is_file():
        record_text(info, final.stem, final, count_texts(final), "already in place")
        return info
    if files is None:
        files = _files_from_env()
    try:
        baseline = fetch_pubmed_baseline(
            Path(pubmed_dir) if pubmed_dir is not None else data_dir / "pubmed",
            files=files,
            base_url=base_url,
            progress=progress,
            timeout=timeout,
        )
    except BionerError as error:
        raise BionerError(
            f"no unlabelled text: PubMed abstracts could not be fetched ({error}). Set PRETRAIN_DIR "
            'to a folder of JSONL files (one {"text": ...} a line) instead'
        ) from None
    excluded, read = evaluation_pmids(data_dir)
    if not read:
        info.notes.append(
            f"no evaluation corpora under {data_dir} yet: no PMIDs were left out "
            "(fetch the corpora first, then delete the file and fetch again)"
        )
    left_out = 0
    with Staging(destination) as staging:
        temporary = staging.new(PRETRAIN_FILE)
        with temporary.open("w", encoding="utf-8") as out:
            for path in baseline.paths.values():
                for document in iter_pubmed(path):
                    if document.id in excluded:
                        left_out += 1
                        continue
                    if document.abstract:
                        out.write(json.dumps({"text": document.text}, ensure_ascii=False) + "\n")
        census = count_texts(temporary)
        staging.place(temporary, PRETRAIN_FILE)
    names = ", ".join(path.name for path in baseline.paths.values())
    record_text(info, final.stem, final, census, f"extracted from {names}")
    info.notes.append(
        f"left out {left_out:,} citations of evaluation sets ({len(excluded):,} PMIDs from {len(read)} files)"
    )
    return info


def _files_from_env() -> int:
    value = os.environ.get(PRETRAIN_FILES_ENV, "").strip()
    if not value:
        return DEFAULT_PRETRAIN_FILES
    if not value.isdigit() or int(value) < 1:
        raise BionerError(f"{PRETRAIN_FILES_ENV}={value!r}: expected a number of baseline files (1 or more)")
    return int(value)
