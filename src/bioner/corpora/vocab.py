"""Vocabularies for the linker and the lexicon feature: MeSH XML and CTD's MEDIC (`bioner data`).

`mesh`: NLM's descriptor and supplementary-record XML (`descYYYY.xml`, `suppYYYY.xml`, plain or
gzipped), copied from `MESH_DIR` (the newest of each kind there) or downloaded from NLM (~1 GB,
so `bioner data --corpus all` fetches it only when `MESH_DIR` is set). `ctd`: `CTD_diseases.tsv.gz`,
copied from `CTD_DIR` or downloaded from CTD. Each file is checked under a temporary name before
it is put in place: a file that is not the vocabulary, or holds no record, is an error and leaves
nothing half-written. CTD is read whole with the shared reader (`bioner.vocabularies.read_ctd`);
MeSH is checked by its structure (root element, closing tag, records and terms counted in one
pass over the bytes, gzip's checksum), which takes seconds where a full parse takes over a minute
(the knowledge base reads it whole later, and names the file if a record is malformed).
"""

from __future__ import annotations

import gzip
import re
import shutil
import sys
import zlib
from collections.abc import Callable
from pathlib import Path

from ..download import CorpusInfo, Staging, download, say
from ..download import local_dir as local_copy
from ..errors import BionerError
from ..vocabularies import mesh_files, read_ctd
from .catalogue import CTD_ENV, CTD_URL, MESH_ENV, MESH_URL

MESH_YEAR = 2025
"""The MeSH year downloaded for users (NLM keeps the current year's files at `MESH_URL`)."""
CTD_DISEASES = "CTD_diseases.tsv.gz"
_MESH_ROOT = re.compile(rb"<(DescriptorRecordSet|SupplementalRecordSet)[\s>]")
_MESH_RECORD = {b"DescriptorRecordSet": b"<DescriptorRecord", b"SupplementalRecordSet": b"<SupplementalRecord"}


def fetch_mesh(
    destination: Path = Path("data/raw/mesh"),
    *,
    local_dir: Path | None = None,
    base_url: str = MESH_URL,
    year: int = MESH_YEAR,
    progress: bool | None = None,
    timeout: float = 300.0,
) -> CorpusInfo:
    """Put verified MeSH descriptor and supplementary XML files in `destination`.

    With `local_dir` (default: `MESH_DIR`) the newest desc/supp files there, plain or `.gz`, are
    copied as they are; otherwise `descYEAR.xml` and `suppYEAR.xml` are downloaded from
    `base_url`. Per file, the records (documents column) and names (mentions column) are counted.
    """
    local = local_copy(local_dir, MESH_ENV)
    sources: dict[str, Path | str]
    if local is not None:
        sources = {path.name: path for path in mesh_files(local)}
    else:
        sources = {name: base_url.rstrip("/") + "/" + name for name in (f"desc{year}.xml", f"supp{year}.xml")}
    return _fetch_files("mesh", Path(destination), sources, mesh_census, progress, timeout)


def fetch_ctd(
    destination: Path = Path("data/raw/ctd"),
    *,
    local_dir: Path | None = None,
    base_url: str = CTD_URL,
    progress: bool | None = None,
    timeout: float = 300.0,
) -> CorpusInfo:
    """Put a verified `CTD_diseases.tsv.gz` (CTD's MEDIC disease vocabulary) in `destination`,
    copied from `local_dir` (default: `CTD_DIR`) or downloaded from `base_url`."""
    local = local_copy(local_dir, CTD_ENV)
    source: Path | str
    if local is not None:
        source = local if local.is_file() else local / CTD_DISEASES
        if not Path(source).is_file():
            raise BionerError(f"ctd: the local copy {local} ({CTD_ENV}) holds no {CTD_DISEASES}")
    else:
        source = base_url.rstrip("/") + "/" + CTD_DISEASES
    return _fetch_files("ctd", Path(destination), {CTD_DISEASES: source}, ctd_census, progress, timeout)


def _fetch_files(
    name: str,
    destination: Path,
    sources: dict[str, Path | str],
    census: Callable[[Path, str], tuple[int, int]],
    progress: bool | None,
    timeout: float,
) -> CorpusInfo:
    """Each source (a local path or an address) copied or downloaded to `destination/NAME`, checked
    by `census` (records, names) before it is put in place; files in place that check are kept."""
    info = CorpusInfo(name, destination)
    progress = sys.stderr.isatty() if progress is None else progress
    with Staging(destination) as staging:
        for filename, source in sources.items():
            final = destination / filename
            key = filename.split(".", 1)[0]
            if final.is_file():
                try:
                    _record(info, key, final, census(final, str(final)), "already in place")
                    continue
                except BionerError as error:
                    say(f"{name}: {final} is in place but does not read ({error}); fetching it again")
            temporary = staging.new(filename)
            if isinstance(source, Path):
                shutil.copyfile(source, temporary)
                how = f"copied from {source}"
            else:
                say(f"{name}: downloading {source}")
                download(source, temporary, progress=progress, timeout=timeout)
                how = f"downloaded from {source}"
            counts = census(temporary, str(source))
            staging.place(temporary, filename)
            _record(info, key, final, counts, how)
    return info


def ctd_census(path: Path, shown_as: str) -> tuple[int, int]:
    """(records, names) of a CTD vocabulary, read whole; one with no row is an error naming it."""
    records = names = 0
    try:
        for concept in read_ctd(path):
            records += 1
            names += len(concept.names)
    except BionerError as error:
        raise BionerError(f"{shown_as}: {error}") from None
    if records == 0:
        raise BionerError(f"{shown_as}: holds no vocabulary row")
    return records, names


def mesh_census(path: Path, shown_as: str) -> tuple[int, int]:
    """(records, entry terms) of a MeSH XML file, plain or gzip, by one pass over its bytes: its
    root is a DescriptorRecordSet or SupplementalRecordSet that is closed at the end and holds
    records; a gzip file's checksum is checked on the way."""
    root: bytes | None = None
    records = terms = 0
    carry = tail = b""
    try:
        with open(path, "rb") as raw:
            stream = gzip.GzipFile(fileobj=raw) if raw.peek(2)[:2] == b"\x1f\x8b" else raw
            while chunk := stream.read(1 << 22):
                data = carry + chunk
                if root is None:
                    match = _MESH_ROOT.search(data[:4096])
                    if match is None:
                        raise BionerError(f"{shown_as}: not MeSH XML (no DescriptorRecordSet or SupplementalRecordSet)")
                    root = match.group(1)
                records += data.count(_MESH_RECORD[root] + b" ") + data.count(_MESH_RECORD[root] + b">")
                terms += data.count(b"<Term ") + data.count(b"<Term>")
                carry = data[-32:]  # a tag cut by the chunk boundary is counted in the next pass
                records -= carry.count(_MESH_RECORD[root] + b" ") + carry.count(_MESH_RECORD[root] + b">")
                terms -= carry.count(b"<Term ") + carry.count(b"<Term>")
                tail = (tail + chunk)[-256:]
    except (OSError, EOFError, zlib.error) as error:
        raise BionerError(f"{shown_as}: cannot be read (a truncated or corrupt download?): {error}") from None
    if root is None:
        raise BionerError(f"{shown_as}: empty file, not MeSH XML")
    records += carry.count(_MESH_RECORD[root] + b" ") + carry.count(_MESH_RECORD[root] + b">")
    terms += carry.count(b"<Term ") + carry.count(b"<Term>")
    if b"</" + root + b">" not in tail:
        raise BionerError(f"{shown_as}: cut short: it does not end with </{root.decode()}>")
    if records == 0:
        raise BionerError(f"{shown_as}: holds no MeSH DescriptorRecord or SupplementalRecord")
    return records, terms


def _record(info: CorpusInfo, key: str, path: Path, census: tuple[int, int], source: str) -> None:
    info.paths[key] = path
    info.documents[key], info.mentions[key] = census
    info.sources[key] = source
