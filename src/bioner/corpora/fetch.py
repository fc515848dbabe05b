"""Fetch the annotated corpora (`make data`): download, or copy a local copy, then verify.

Every file is written under a temporary name in its destination folder, checked by parsing it
with `read_pubtator` against the corpus's known document and mention counts, and only then
renamed into place. A failure of any kind (HTTP error, truncated or corrupt zip, missing
member, changed corpus) raises `BionerError` and leaves no partial file behind. Files already
in place that verify are left alone, so running the step twice costs one parse of each file.

Each annotated corpus is one entry of the catalogue's `CORPORA` (its splits, addresses,
environment variable and known counts), fetched by `fetch_corpus`. A split is published in a zip
(`archive`: one download may hold several splits), as the file itself (`file`) or gzipped
(`gzip`): the split's `fetch`. A local copy (`local_dir`, or
the corpus's environment variable such as `BC5CDR_DIR`) is *copied*, not symlinked: the
destination then holds exactly the bytes that were verified, and it keeps working if the shared
copy moves or is edited later.
"""

from __future__ import annotations

import gzip
import io
import os
import shutil
import sys
import zipfile
import zlib
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from ..download import CorpusInfo, Staging, download, say
from ..download import local_dir as local_copy
from ..errors import BionerError, InputError, InputProblem
from ..formats.pubtator import read_pubtator
from .catalogue import CORPORA, Corpus, Expected, Split

# --------------------------------------------------------------------------------------------
# public entry points


def fetch_corpus(
    name: str,
    destination: Path,
    *,
    local_dir: Path | None = None,
    urls: Sequence[str] | None = None,
    expected: Mapping[str, Expected] | None = None,
    progress: bool | None = None,
    timeout: float | None = None,
) -> CorpusInfo:
    """Put the verified files of corpus `name` (a key of `CORPORA`) in `destination`.

    With `local_dir` (default: the corpus's environment variable, such as `BC5CDR_DIR`) the files
    are copied from there, which may hold the files, the unzipped tree or the zip; nothing is
    downloaded. Otherwise the zip is downloaded from `urls` (default: the corpus's), in order,
    each failure falling through to the next address. `expected` (default: the corpus's known
    counts) maps a split to its `Expected` counts. `progress` (default: stderr is a terminal)
    shows a download progress bar on stderr.
    """
    if name not in CORPORA:
        raise BionerError(f"no corpus {name!r}; known: {', '.join(CORPORA)}")
    return fetch_catalogue_corpus(
        CORPORA[name],
        destination,
        local_dir=local_dir,
        urls=urls,
        expected=expected,
        progress=progress,
        timeout=timeout,
    )


def fetch_catalogue_corpus(
    corpus: Corpus,
    destination: Path,
    *,
    local_dir: Path | None = None,
    urls: Sequence[str] | None = None,
    expected: Mapping[str, Expected] | None = None,
    progress: bool | None = None,
    timeout: float | None = None,
) -> CorpusInfo:
    """`fetch_corpus` for a `Corpus` entry given whole (one of another catalogue)."""
    return _fetch(
        corpus,
        Path(destination),
        local_dir=local_copy(local_dir, corpus.env),
        urls_for=lambda archive: corpus.urls_for(archive, corpus.urls if urls is None else urls),
        expected=corpus.expected if expected is None else expected,
        progress=sys.stderr.isatty() if progress is None else progress,
        timeout=corpus.timeout if timeout is None else timeout,
    )


# --------------------------------------------------------------------------------------------
# the fetch: what is in place, what to get, staged writes


def _fetch(
    corpus: Corpus,
    destination: Path,
    *,
    local_dir: Path | None,
    urls_for: Callable[[str], list[str]],
    expected: Mapping[str, Expected],
    progress: bool,
    timeout: float,
) -> CorpusInfo:
    info = CorpusInfo(corpus.name, destination)
    needed: list[Split] = []
    for split in corpus.splits:
        path = destination / split.filename
        if not path.is_file():
            needed.append(split)
            continue
        try:
            census = _verify(corpus, split, path, expected, shown_as=str(path))
        except BionerError as error:
            say(f"{corpus.name}: {path} is in place but does not verify ({error}); fetching it again")
            needed.append(split)
            continue
        _record(info, split, path, census, "already in place")
    if not needed:
        return info

    with Staging(destination) as staging:
        if local_dir is not None:
            staged = _stage_local(corpus, needed, local_dir, staging, expected, info)
        else:
            staged = _stage_remote(corpus, needed, urls_for, staging, expected, progress, timeout)
        for split, (temporary, census, source) in staged.items():
            final = destination / split.filename
            os.replace(temporary, final)
            staging.forget(temporary)
            _record(info, split, final, census, source)
    # keep the corpus's split order in the report
    order = [s.name for s in corpus.splits]
    mappings: tuple[dict[str, Any], ...] = (info.paths, info.documents, info.mentions, info.sources)
    for mapping in mappings:
        items = sorted(mapping.items(), key=lambda item: order.index(item[0]))
        mapping.clear()
        mapping.update(items)
    return info


class _Census(NamedTuple):
    documents: int
    mentions: int
    repeated: int
    skipped: list[InputProblem]


def _record(info: CorpusInfo, split: Split, path: Path, census: _Census, source: str) -> None:
    info.paths[split.name] = path
    info.documents[split.name] = census.documents
    info.mentions[split.name] = census.mentions
    info.sources[split.name] = source
    if census.repeated:
        info.notes.append(
            f"{split.name}: {census.repeated} document(s) repeated verbatim in the file "
            "(counted, as the corpus's own figures do)"
        )
    for problem in census.skipped:
        info.notes.append(
            f"{split.name}: skipped a mention that does not parse: {problem.message} (line {problem.line})"
        )


def _stage_local(
    corpus: Corpus,
    needed: list[Split],
    local_dir: Path,
    staging: Staging,
    expected: Mapping[str, Expected],
    info: CorpusInfo,
) -> dict[Split, tuple[Path, _Census, str]]:
    if not local_dir.exists():
        raise BionerError(f"{corpus.name}: the local copy {local_dir} (local_dir or {corpus.env}) does not exist")
    staged: dict[Split, tuple[Path, _Census, str]] = {}
    for split in needed:
        found = _find_local(split, local_dir)
        if found is None:
            if split.optional_locally:
                info.missing.append(split.name)
                info.notes.append(
                    f"{split.name}: not in the local copy {local_dir}; "
                    "it is not in place (download it by running without a local copy)"
                )
                continue
            present = sorted(p.name for p in local_dir.iterdir()) if local_dir.is_dir() else [local_dir.name]
            raise BionerError(
                f"{corpus.name}: the local copy {local_dir} has no {split.name} split: expected "
                f"{split.filename}, {split.member} or {split.archive} there; found "
                f"{', '.join(present) or 'nothing'}"
            )
        kind, path = found
        temporary = staging.new(split.filename)
        if kind == "file":
            shutil.copyfile(path, temporary)
            shown_as = str(path)
        elif kind == "gzip":
            _gunzip(path, str(path), temporary)
            shown_as = str(path)
        else:
            _extract(path, str(path), [(split, temporary)])
            shown_as = f"{path}!{split.member}"
        census = _verify(corpus, split, temporary, expected, shown_as=shown_as)
        staged[split] = (temporary, census, f"copied from {shown_as}")
    return staged


def _packed(split: Split) -> str:
    """How the download of `split` is unpacked: `zip`, `gzip` or `file` (as it is)."""
    return {"archive": "zip", "gzip": "gzip", "file": "file"}[split.fetch]


def _find_local(split: Split, local_dir: Path) -> tuple[str, Path] | None:
    if local_dir.is_file():
        return (_packed(split), local_dir) if local_dir.name == split.archive else None
    for candidate in (local_dir / split.filename, local_dir / split.member):
        if candidate.is_file():
            return "file", candidate
    if (local_dir / split.archive).is_file():
        return _packed(split), local_dir / split.archive
    return None


def _stage_remote(
    corpus: Corpus,
    needed: list[Split],
    urls_for: Callable[[str], list[str]],
    staging: Staging,
    expected: Mapping[str, Expected],
    progress: bool,
    timeout: float,
) -> dict[Split, tuple[Path, _Census, str]]:
    by_archive: dict[str, list[Split]] = {}
    for split in needed:
        by_archive.setdefault(split.archive, []).append(split)
    staged: dict[Split, tuple[Path, _Census, str]] = {}
    for archive, splits in by_archive.items():
        urls = urls_for(archive)
        if not urls:
            raise BionerError(
                f"{corpus.name}: no download address for {archive}, and no local copy "
                f"(set {corpus.env} to a folder that holds the files)"
            )
        failures: list[str] = []
        for number, url in enumerate(urls):
            attempt: list[Path] = []
            try:
                archive_path = staging.new(archive)
                attempt.append(archive_path)
                say(f"{corpus.name}: downloading {url}")
                download(url, archive_path, progress=progress, timeout=timeout)
                targets = [(split, staging.new(split.filename)) for split in splits]
                attempt.extend(temporary for _, temporary in targets)
                _unpack(archive_path, url, targets)
                results = {
                    split: (
                        temporary,
                        _verify(
                            corpus,
                            split,
                            temporary,
                            expected,
                            shown_as=f"{url}!{split.member}" if split.fetch == "archive" else url,
                        ),
                        f"downloaded from {url}",
                    )
                    for split, temporary in targets
                }
            except BionerError as error:
                for path in attempt:
                    staging.discard(path)
                failures.append(str(error))
                if number + 1 < len(urls):
                    say(f"{corpus.name}: {error}; trying the next address")
                continue
            staging.discard(archive_path)
            staged.update(results)
            break
        else:
            raise BionerError(
                f"{corpus.name}: could not get {archive} from any address:\n  "
                + "\n  ".join(failures)
                + f"\nWith a copy of the corpus at hand, set {corpus.env} to its folder."
            )
    return staged


# --------------------------------------------------------------------------------------------
# download, unzip, verify


def _unpack(download: Path, shown_as: str, targets: list[tuple[Split, Path]]) -> None:
    """Write each split's file from a download: a zip's member, the gunzipped file, or the file."""
    for split, target in targets:
        if split.fetch == "gzip":
            _gunzip(download, shown_as, target)
        elif split.fetch == "file":
            shutil.copyfile(download, target)
    zipped = [(split, target) for split, target in targets if split.fetch == "archive"]
    if zipped:
        _extract(download, shown_as, zipped)


def _gunzip(path: Path, shown_as: str, target: Path) -> None:
    try:
        with gzip.open(path, "rb") as source, target.open("wb") as out:
            shutil.copyfileobj(source, out)
    except (OSError, EOFError, zlib.error) as error:
        raise BionerError(f"{shown_as}: not a readable gzip file (truncated or corrupt download?): {error}") from None


def _extract(archive: Path, shown_as: str, targets: list[tuple[Split, Path]]) -> None:
    """Write each split's member of `archive` to its target; CRCs are checked on the way."""
    try:
        with zipfile.ZipFile(archive) as zipped:
            names = [name for name in zipped.namelist() if not name.endswith("/")]
            for split, target in targets:
                member = _find_member(split, names)
                if member is None:
                    sample = ", ".join(names[:8]) + (", ..." if len(names) > 8 else "")
                    raise BionerError(
                        f"{shown_as}: the zip has no {split.member} ({split.name} split); "
                        f"it holds {len(names)} files: {sample or 'none'}"
                    )
                with zipped.open(member) as source, target.open("wb") as out:
                    shutil.copyfileobj(source, out)
    except (zipfile.BadZipFile, zlib.error, EOFError) as error:
        raise BionerError(f"{shown_as}: not a readable zip (truncated or corrupt download?): {error}") from None


def _find_member(split: Split, names: list[str]) -> str | None:
    if split.member in names:
        return split.member
    same_name = [name for name in names if name.rsplit("/", 1)[-1] == split.filename]
    return same_name[0] if len(same_name) == 1 else None


def _verify(corpus: Corpus, split: Split, path: Path, expected: Mapping[str, Expected], *, shown_as: str) -> _Census:
    census = _count(corpus, path, shown_as)
    want = expected.get(split.name)
    if want is None:
        return census
    checks = [(want.documents, census.documents, "documents"), (want.mentions, census.mentions, "mentions")]
    if any(wanted is not None and wanted != found for wanted, found, _ in checks):
        wanted_text = " and ".join(f"{wanted:,} {what}" for wanted, _, what in checks if wanted is not None)
        raise BionerError(
            f"{corpus.name} {split.name} split ({shown_as}) is not the expected corpus: "
            f"expected {wanted_text}, found {census.documents:,} documents and "
            f"{census.mentions:,} mentions"
        )
    return census


def _count(corpus: Corpus, path: Path, shown_as: str) -> _Census:
    problems: list[InputProblem] = []
    repeats: list[str] = []
    try:
        if corpus.repeats_allowed:
            source, repeats = _blank_repeats(path)
        else:
            source = path
        documents = read_pubtator(source, lenient=corpus.lenient, problems=problems)
    except InputError as error:
        raise BionerError(f"{shown_as}: does not parse as PubTator: line {error.line}: {error.message}") from None
    mentions = {document.id: len(document.mentions) for document in documents}
    return _Census(
        len(documents) + len(repeats),
        sum(mentions.values()) + sum(mentions.get(doc_id, 0) for doc_id in repeats),
        len(repeats),
        problems,
    )


def _blank_repeats(path: Path) -> tuple[Path | io.StringIO, list[str]]:
    """The file as a text stream with verbatim repeats of a document block blanked out, and the
    ids of the repeated documents (once per repeat).

    Blank lines stand in for the removed ones, so line numbers in messages stay right.
    """
    try:
        lines = path.read_bytes().decode("utf-8").removeprefix("\ufeff").splitlines()
    except UnicodeDecodeError:
        return path, []  # let read_pubtator name the bad line
    seen: set[tuple[str, ...]] = set()
    repeated: list[str] = []
    start = 0
    for end in range(len(lines) + 1):
        if end == len(lines) or not lines[end].strip():
            block = tuple(lines[start:end])
            if block:
                if block in seen:
                    lines[start:end] = [""] * len(block)
                    repeated.append(block[0].split("|", 1)[0])
                seen.add(block)
            start = end + 1
    stream = io.StringIO("\n".join(lines) + "\n")
    stream.name = str(path)
    return stream, repeated
