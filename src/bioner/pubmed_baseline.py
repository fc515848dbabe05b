"""PubMed baseline files from NLM (`bioner data --corpus pubmed --files N`), also the source of
PubMed abstracts for the vectors (`bioner.corpora.text`, without `PRETRAIN_DIR`).

NLM publishes the yearly baseline as ~1,300 files `pubmedYYnNNNN.xml.gz` (~30,000 citations each)
at https://ftp.ncbi.nlm.nih.gov/pubmed/baseline/, each with a `.md5` file beside it. The first N
files (by name) are downloaded with their checksums, checked (MD5, then parsed whole as
MEDLINE/PubMed XML) under temporary names and only then renamed into place; files already in
place whose MD5 matches are left alone. A local copy (`PUBMED_DIR`, a folder of such files) is
copied instead, its `.md5` files checked when it has them.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import sys
import urllib.error
import urllib.request
from pathlib import Path

from .download import CorpusInfo, Staging, download, say
from .download import local_dir as local_copy
from .errors import BionerError, InputError
from .formats.pubmed import iter_pubmed

PUBMED_BASELINE_URL = "https://ftp.ncbi.nlm.nih.gov/pubmed/baseline/"
PUBMED_ENV = "PUBMED_DIR"
_BASELINE_NAME = re.compile(r"pubmed\d+n\d+\.xml\.gz")
_MD5 = re.compile(r"\b([0-9a-fA-F]{32})\b")


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
    local = local_copy(local_dir, PUBMED_ENV)
    names = _local_names(local) if local is not None else _remote_names(base_url, timeout)
    if len(names) < files:
        where = str(local) if local is not None else base_url
        raise BionerError(f"pubmed: asked for {files} baseline files, but {where} has {len(names)}")
    info = CorpusInfo("pubmed", destination)
    with Staging(destination) as staging:
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
                say(f"pubmed: downloading {url}")
                download(url + ".md5", checksum, progress=False, timeout=timeout)
                download(url, archive, progress=progress, timeout=timeout)
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
