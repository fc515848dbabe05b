"""PubMed baseline files from NLM (`bioner data --corpus pubmed --files N`), and PubMed abstracts
as unlabelled text for the vectors (`bioner data --corpus pretrain` without `PRETRAIN_DIR`).

NLM publishes the yearly baseline as ~1,300 files `pubmedYYnNNNN.xml.gz` (~30,000 citations each)
at https://ftp.ncbi.nlm.nih.gov/pubmed/baseline/, each with a `.md5` file beside it. The first N
files (by name) are downloaded with their checksums, checked (MD5, then parsed whole as
MEDLINE/PubMed XML) under temporary names and only then renamed into place; files already in
place whose MD5 matches are left alone. A local copy (`PUBMED_DIR`, a folder of such files) is
copied instead, its `.md5` files checked when it has them.

The abstracts for the vectors are taken from those files, leaving out every citation whose PMID is
in an evaluation set (BC5CDR development and test, NCBI disease development and test, GNormPlus
and NLM-Gene test, NLM-Chem), read from the corpora already under the data folder.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sys
import urllib.error
import urllib.request
from pathlib import Path

from .corpora import CorpusInfo, _download, _local_dir, _say, _Staging
from .errors import BionerError

PUBMED_BASELINE_URL = "https://ftp.ncbi.nlm.nih.gov/pubmed/baseline/"
PUBMED_ENV = "PUBMED_DIR"
PRETRAIN_FILES_ENV = "PRETRAIN_PUBMED_FILES"
DEFAULT_PRETRAIN_FILES = 2
"""Two baseline files: ~60,000 citations, ~40,000 abstracts, ~8 M words."""
PRETRAIN_FILE = "pubmed-abstracts.jsonl"
_BASELINE_NAME = re.compile(r"pubmed\d+n\d+\.xml\.gz")
_MD5 = re.compile(r"\b([0-9a-fA-F]{32})\b")

EVALUATION_FILES: dict[str, tuple[str, ...]] = {
    "bc5cdr": ("CDR_DevelopmentSet.PubTator.txt", "CDR_TestSet.PubTator.txt"),
    "ncbi-disease": ("NCBIdevelopset_corpus.txt", "NCBItestset_corpus.txt"),
    "gnormplus": ("GNormPlus_Test.PubTator",),
    "nlm-gene": ("NLMgene_Test.PubTator",),
    "nlm-chem": ("NLMchem_Test.passages.PubTator",),
}
"""Per corpus folder under the data folder, the files of its held-out (evaluation) parts."""
_PUBTATOR_TITLE = re.compile(r"^([^|\t\s]+)\|t\|")


# --- baseline files ----------------------------------------------------------------------------


def fetch_pubmed_baseline(
    destination: Path = Path("data/raw/pubmed"),
    *,
    files: int = 1,
    local_dir: Path | None = None,
    base_url: str = PUBMED_BASELINE_URL,
    progress: bool | None = None,
    timeout: float = 300.0,
) -> CorpusInfo:
    """Put the first `files` PubMed baseline files (and their `.md5`) in `destination`, checked.

    `CorpusInfo` lists, per file, its citations (documents column) and words (mentions column).
    """
    if files < 1:
        raise BionerError(f"--files must be at least 1, found {files}")
    destination = Path(destination)
    progress = sys.stderr.isatty() if progress is None else progress
    local = _local_dir(local_dir, PUBMED_ENV)
    names = _local_names(local) if local is not None else _remote_names(base_url, timeout)
    if len(names) < files:
        where = str(local) if local is not None else base_url
        raise BionerError(f"pubmed: asked for {files} baseline files, but {where} has {len(names)}")
    info = CorpusInfo("pubmed", destination)
    with _Staging(destination) as staging:
        for name in names[:files]:
            final = destination / name
            if final.is_file() and _in_place(final):
                _record(info, name, final, _census(final, name, "already in place"), "already in place")
                continue
            archive, checksum = staging.new(name), staging.new(name + ".md5")
            if local is not None:
                source = local / name
                shutil.copyfile(source, archive)
                if (local / (name + ".md5")).is_file():
                    shutil.copyfile(local / (name + ".md5"), checksum)
                else:
                    checksum.write_text(f"MD5({name})= {_md5(archive)}\n", encoding="utf-8")
                how = f"copied from {source}"
            else:
                url = base_url.rstrip("/") + "/" + name
                _say(f"pubmed: downloading {url}")
                _download(url + ".md5", checksum, progress=False, timeout=timeout)
                _download(url, archive, progress=progress, timeout=timeout)
                how = f"downloaded from {url}"
            _check_md5(archive, checksum, shown_as=how.split(" from ", 1)[1])
            census = _census(archive, name, how)
            os.replace(checksum, destination / (name + ".md5"))
            staging.forget(checksum)
            os.replace(archive, final)
            staging.forget(archive)
            _record(info, name, final, census, how)
    return info


def _remote_names(base_url: str, timeout: float) -> list[str]:
    """The baseline file names in NLM's directory listing, sorted."""
    request = urllib.request.Request(base_url, headers={"User-Agent": "bioner (corpus download)"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            listing = response.read().decode("utf-8", errors="replace")
    except urllib.error.HTTPError as error:
        raise BionerError(f"{base_url}: HTTP {error.code} {error.reason}") from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise BionerError(
            f"{base_url}: cannot list the PubMed baseline ({reason}); with the files at hand, "
            f"set {PUBMED_ENV} to their folder"
        ) from None
    names = sorted(set(_BASELINE_NAME.findall(listing)))
    if not names:
        raise BionerError(f"{base_url}: the listing names no pubmedYYnNNNN.xml.gz files")
    return names


def _local_names(local: Path) -> list[str]:
    if not local.is_dir():
        raise BionerError(f"pubmed: the local copy {local} ({PUBMED_ENV}) is not a folder")
    names = sorted(p.name for p in local.iterdir() if _BASELINE_NAME.fullmatch(p.name) and p.is_file())
    if not names:
        raise BionerError(f"pubmed: the local copy {local} ({PUBMED_ENV}) holds no pubmedYYnNNNN.xml.gz files")
    return names


def _md5(path: Path) -> str:
    digest = hashlib.md5()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _check_md5(archive: Path, checksum: Path, *, shown_as: str) -> None:
    match = _MD5.search(checksum.read_text(encoding="utf-8", errors="replace"))
    if match is None:
        raise BionerError(f"{shown_as}.md5: no MD5 checksum in it")
    found = _md5(archive)
    if found != match.group(1).lower():
        raise BionerError(
            f"{shown_as}: MD5 {found} does not match the published {match.group(1).lower()} "
            "(a truncated or corrupt download); run again to fetch it anew"
        )


def _in_place(path: Path) -> bool:
    checksum = path.with_name(path.name + ".md5")
    try:
        _check_md5(path, checksum, shown_as=str(path))
    except (BionerError, OSError):
        return False
    return True


def _census(path: Path, name: str, source: str) -> tuple[int, int]:
    """(citations, words): the whole file parsed; one that does not parse is an error naming it."""
    from .errors import InputError
    from .formats.pubmed import iter_pubmed

    citations = words = 0
    try:
        for document in iter_pubmed(path):
            citations += 1
            words += len(document.text.split())
    except InputError as error:
        raise BionerError(f"pubmed: {name} ({source}) is not readable MEDLINE/PubMed XML: {error.message}") from None
    return citations, words


def _record(info: CorpusInfo, name: str, path: Path, census: tuple[int, int], source: str) -> None:
    key = name.removesuffix(".xml.gz")
    info.paths[key] = path
    info.documents[key], info.mentions[key] = census
    info.sources[key] = source


# --- abstracts for the vectors -----------------------------------------------------------------


def evaluation_pmids(data_dir: Path) -> tuple[set[str], list[str]]:
    """PMIDs of every evaluation set found under `data_dir`, and the files they were read from."""
    pmids: set[str] = set()
    read: list[str] = []
    for corpus, names in EVALUATION_FILES.items():
        for name in names:
            path = Path(data_dir) / corpus / name
            if not path.is_file():
                continue
            with path.open(encoding="utf-8", errors="replace") as handle:
                for line in handle:
                    match = _PUBTATOR_TITLE.match(line)
                    if match:
                        pmids.add(match.group(1).split("-", 1)[0])  # NLM-Chem passages: PMID-N
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
    from .corpora import _count_texts, _record_text
    from .formats.pubmed import iter_pubmed

    destination = Path(destination)
    data_dir = Path(data_dir) if data_dir is not None else destination.parent
    final = destination / PRETRAIN_FILE
    info = CorpusInfo("pretrain", destination)
    if final.is_file():
        _record_text(info, final.stem, final, _count_texts(final), "already in place")
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
    with _Staging(destination) as staging:
        temporary = staging.new(PRETRAIN_FILE)
        with temporary.open("w", encoding="utf-8") as out:
            for path in baseline.paths.values():
                for document in iter_pubmed(path):
                    if document.id in excluded:
                        left_out += 1
                        continue
                    if document.abstract:
                        out.write(json.dumps({"text": document.text}, ensure_ascii=False) + "\n")
        census = _count_texts(temporary)
        os.replace(temporary, final)
        staging.forget(temporary)
    names = ", ".join(path.name for path in baseline.paths.values())
    _record_text(info, final.stem, final, census, f"extracted from {names}")
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
