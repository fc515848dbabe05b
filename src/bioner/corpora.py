"""Fetch the training corpora (`make data`): download, or copy a local copy, then verify.

Every file is written under a temporary name in its destination folder, checked by parsing it
with `read_pubtator` against the corpus's known document and mention counts, and only then
renamed into place. A failure of any kind (HTTP error, truncated or corrupt zip, missing
member, changed corpus) raises `BionerError` and leaves no partial file behind. Files already
in place that verify are left alone, so running the step twice costs one parse of each file.

Each annotated corpus is one row of `CORPORA` (its splits, addresses, environment variable and
known counts) fetched by `fetch_corpus`. A local copy (`local_dir`, or the corpus's environment
variable such as `BC5CDR_DIR`) is *copied*, not symlinked: the destination then holds exactly
the bytes that were verified, and it keeps working if the shared copy moves or is edited later.
"""

from __future__ import annotations

import http.client
import io
import json
import os
import shutil
import sys
import urllib.error
import urllib.request
import zipfile
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, NamedTuple

from .errors import BionerError, InputError, InputProblem
from .formats.pubtator import read_pubtator

BC5CDR_URLS: tuple[str, ...] = (
    "https://github.com/JHnlp/BioCreative-V-CDR-Corpus/raw/master/CDR_Data.zip",
    "https://biocreative.bioinformatics.udel.edu/media/store/files/2016/CDR_Data.zip",
)
NCBI_DISEASE_URLS: tuple[str, ...] = ("https://www.ncbi.nlm.nih.gov/CBBresearch/Dogan/DISEASE/",)
"""Base addresses: each split's zip (`NCBItrainset_corpus.zip`, ...) is fetched from under one."""

BC5CDR_ENV = "BC5CDR_DIR"
NCBI_DISEASE_ENV = "NCBI_DISEASE_DIR"


class Expected(NamedTuple):
    """Known size of one split; `None` where the count is not checked."""

    documents: int | None
    mentions: int | None = None


BC5CDR_EXPECTED: Mapping[str, Expected] = {
    "train": Expected(500, 9385),
    "development": Expected(500, 9591),
    "test": Expected(500, 9809),
}
NCBI_DISEASE_EXPECTED: Mapping[str, Expected] = {
    # Dogan et al. 2014: 593 / 100 / 100 abstracts. The training file repeats one abstract
    # (PMID 8528200) verbatim; the 593 counts it twice, as the corpus paper does.
    "train": Expected(593),
    "development": Expected(100),
    "test": Expected(100),
}


@dataclass(frozen=True)
class Split:
    name: str
    filename: str
    """Name of the file in the destination (and in a local copy)."""
    archive: str
    """Zip the split is distributed in."""
    member: str
    """Path of the file inside that zip."""
    optional_locally: bool = False
    """A local copy may lack this split (it is then reported as not in place)."""


@dataclass(frozen=True)
class Corpus:
    """One row of `CORPORA`: where a corpus comes from and how it is checked."""

    name: str
    env: str
    """Environment variable naming a local copy (a folder of the files or the zip)."""
    splits: tuple[Split, ...]
    urls: tuple[str, ...]
    """Addresses of the archive, tried in order; with `per_archive`, base addresses to which each
    split's archive name is joined."""
    per_archive: bool = False
    expected: Mapping[str, Expected] = field(default_factory=dict)
    """Known counts per split; a split left out is only checked to parse."""
    lenient: bool = False
    """Read with `lenient=True`: a malformed mention line is skipped (and noted), not fatal."""
    repeats_allowed: bool = False
    """A document block repeated verbatim is tolerated (counted, parsed once)."""
    timeout: float = 60.0

    def urls_for(self, archive: str, urls: Sequence[str]) -> list[str]:
        return [_join_url(base, archive) for base in urls] if self.per_archive else list(urls)


def _splits(archive: str | None, folder: str, files: Sequence[tuple[str, str]]) -> tuple[Split, ...]:
    """Splits of files in one zip (`archive`), or each in a zip of its own name (`archive` None)."""
    return tuple(
        Split(split, filename, archive or filename.rsplit(".", 1)[0] + ".zip", folder + filename)
        for split, filename in files
    )


# AIONER (Luo et al. 2023) redistributes corpora that annotate some types only in PubTator form, in
# one zip holding every file (`bioner.multicorpus` masks the types they leave out). Their counts
# are not checked: copies differ in which documents overlapping other corpora's test sets they keep.
AIONER_URLS: tuple[str, ...] = ("https://ftp.ncbi.nlm.nih.gov/pub/lu/AIONER/AIONER.zip",)
_AIONER = "AIONER.zip"

CORPORA: dict[str, Corpus] = {
    corpus.name: corpus
    for corpus in (
        Corpus(
            "bc5cdr",
            BC5CDR_ENV,
            _splits(
                "CDR_Data.zip",
                "CDR_Data/CDR.Corpus.v010516/",
                [
                    ("train", "CDR_TrainingSet.PubTator.txt"),
                    ("development", "CDR_DevelopmentSet.PubTator.txt"),
                    ("test", "CDR_TestSet.PubTator.txt"),
                ],
            ),
            BC5CDR_URLS,
            expected=BC5CDR_EXPECTED,
        ),
        Corpus(
            "ncbi-disease",
            NCBI_DISEASE_ENV,
            tuple(
                replace(split, optional_locally=split.name == "test")
                for split in _splits(
                    None,
                    "",
                    [
                        ("train", "NCBItrainset_corpus.txt"),
                        ("development", "NCBIdevelopset_corpus.txt"),
                        ("test", "NCBItestset_corpus.txt"),
                    ],
                )
            ),
            NCBI_DISEASE_URLS,
            per_archive=True,
            expected=NCBI_DISEASE_EXPECTED,
            lenient=True,
            repeats_allowed=True,
        ),
        Corpus(
            "gnormplus",
            "GNORMPLUS_DIR",
            _splits(
                _AIONER,
                "",
                [
                    ("train", "GNormPlus_Train.PubTator"),
                    ("test", "GNormPlus_Test.PubTator"),
                ],
            ),
            AIONER_URLS,
            timeout=300.0,
        ),
        Corpus(
            "nlm-gene",
            "NLM_GENE_DIR",
            _splits(
                _AIONER,
                "",
                [
                    ("train", "NLMgene_Train.PubTator"),
                    ("test", "NLMgene_Test.PubTator"),
                ],
            ),
            AIONER_URLS,
            timeout=300.0,
        ),
        Corpus(
            "nlm-chem",
            "NLM_CHEM_DIR",
            _splits(_AIONER, "", [("passages", "NLMchem_Test.passages.PubTator")]),
            AIONER_URLS,
            timeout=300.0,
        ),
    )
}
"""Every annotated corpus `bioner data` fetches, by its `--corpus` name."""


@dataclass
class CorpusInfo:
    """What is in place for one corpus after a fetch."""

    name: str
    destination: Path
    paths: dict[str, Path] = field(default_factory=dict)
    documents: dict[str, int] = field(default_factory=dict)
    mentions: dict[str, int] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    """Per split: 'already in place', 'copied from ...' or 'downloaded from ...'."""
    missing: list[str] = field(default_factory=list)
    """Splits not in place (only ones a local copy may lack, such as NCBI disease's test set)."""
    notes: list[str] = field(default_factory=list)

    @property
    def splits(self) -> list[str]:
        return list(self.paths)


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


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
    corpus = CORPORA[name]
    return _fetch(
        corpus,
        Path(destination),
        local_dir=_local_dir(local_dir, corpus.env),
        urls_for=lambda archive: corpus.urls_for(archive, corpus.urls if urls is None else urls),
        expected=corpus.expected if expected is None else expected,
        progress=sys.stderr.isatty() if progress is None else progress,
        timeout=corpus.timeout if timeout is None else timeout,
    )


PRETRAIN_ENV = "PRETRAIN_DIR"
PRETRAIN_MIN_TOKENS = 1_000_000
"""Below this the static vectors learn little beyond the training abstracts (MEASURED.md: 231k
tokens gave BC5CDR test 84.7, 3.6 M gave 86.0); a smaller local copy is accepted with a note."""


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
    `pubmed-abstracts.jsonl` (`bioner.pubmed_baseline.pubmed_pretrain_text`, which takes `pubmed`).
    """
    local = _local_dir(local_dir, PRETRAIN_ENV)
    info = CorpusInfo("pretrain", Path(destination))
    if local is None:
        from .pubmed_baseline import pubmed_pretrain_text

        info = pubmed_pretrain_text(Path(destination), files=files, **pubmed)  # type: ignore[arg-type]
        return _note_small_text(info)
    sources = sorted(local.glob("*.jsonl")) if local.is_dir() else [local]
    if not sources or not all(f.is_file() for f in sources):
        raise BionerError(f"{local} ({PRETRAIN_ENV}): no .jsonl files there")
    with _Staging(Path(destination)) as staging:
        for source in sources:
            final = Path(destination) / source.name
            if final.is_file() and final.stat().st_size == source.stat().st_size:
                census = _count_texts(final)
                _record_text(info, source.stem, final, census, "already in place")
                continue
            temporary = staging.new(source.name)
            shutil.copyfile(source, temporary)
            census = _count_texts(temporary, shown_as=str(source))
            os.replace(temporary, final)
            staging.forget(temporary)
            _record_text(info, source.stem, final, census, f"copied from {source}")
    return _note_small_text(info)


def _note_small_text(info: CorpusInfo) -> CorpusInfo:
    tokens = sum(info.mentions.values())
    if tokens < PRETRAIN_MIN_TOKENS:
        info.notes.append(f"only {tokens:,} words of text: the vectors are better with a few million")
    return info


def _count_texts(path: Path, shown_as: str | None = None) -> tuple[int, int]:
    """(texts, words) of a JSONL text file, or a BionerError naming the first bad line."""
    texts = words = 0
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise BionerError(f"{shown_as or path}:{number}: not valid JSON: {error.msg}") from None
            if not isinstance(record, dict) or not isinstance(record.get("text"), str):
                raise BionerError(f'{shown_as or path}:{number}: expected an object with a string "text"')
            texts += 1
            words += len(record["text"].split())
    return texts, words


def _record_text(info: CorpusInfo, name: str, path: Path, census: tuple[int, int], source: str) -> None:
    """Texts go in the documents column, words in the mentions column of `bioner data`'s table."""
    info.paths[name] = path
    info.documents[name], info.mentions[name] = census
    info.sources[name] = source


def _local_dir(local_dir: Path | None, env: str) -> Path | None:
    if local_dir is not None:
        return Path(local_dir)
    value = os.environ.get(env, "").strip()
    return Path(value).expanduser() if value else None


def _join_url(base: str, name: str) -> str:
    return base if base.endswith(name) else base.rstrip("/") + "/" + name


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
            _say(f"{corpus.name}: {path} is in place but does not verify ({error}); fetching it again")
            needed.append(split)
            continue
        _record(info, split, path, census, "already in place")
    if not needed:
        return info

    with _Staging(destination) as staging:
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


class _Staging:
    """Temporary files in the destination folder, removed unless renamed into place."""

    def __init__(self, destination: Path) -> None:
        self.destination = destination
        self.created: list[Path] = []
        """Folders this fetch created, deepest first; removed again if left empty."""
        self.temporaries: list[Path] = []

    def __enter__(self) -> _Staging:
        if self.destination.exists() and not self.destination.is_dir():
            raise BionerError(f"{self.destination}: exists and is not a folder")
        folder = self.destination
        while not folder.exists():
            self.created.append(folder)
            folder = folder.parent
        self.destination.mkdir(parents=True, exist_ok=True)
        return self

    def new(self, name: str) -> Path:
        from .atomic import create_temporary

        path = create_temporary(self.destination / name, suffix=".part")
        self.temporaries.append(path)
        return path

    def discard(self, path: Path) -> None:
        path.unlink(missing_ok=True)
        self.forget(path)

    def forget(self, path: Path) -> None:
        if path in self.temporaries:
            self.temporaries.remove(path)

    def __exit__(self, *exc_info) -> None:
        for path in list(self.temporaries):
            self.discard(path)
        for folder in self.created:
            try:
                folder.rmdir()  # only succeeds when nothing was placed in it
            except OSError:
                break


def _stage_local(
    corpus: Corpus,
    needed: list[Split],
    local_dir: Path,
    staging: _Staging,
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
        else:
            _extract(path, str(path), [(split, temporary)])
            shown_as = f"{path}!{split.member}"
        census = _verify(corpus, split, temporary, expected, shown_as=shown_as)
        staged[split] = (temporary, census, f"copied from {shown_as}")
    return staged


def _find_local(split: Split, local_dir: Path) -> tuple[str, Path] | None:
    if local_dir.is_file():
        return ("zip", local_dir) if local_dir.name == split.archive else None
    for candidate in (local_dir / split.filename, local_dir / split.member):
        if candidate.is_file():
            return "file", candidate
    if (local_dir / split.archive).is_file():
        return "zip", local_dir / split.archive
    return None


def _stage_remote(
    corpus: Corpus,
    needed: list[Split],
    urls_for: Callable[[str], list[str]],
    staging: _Staging,
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
                download = staging.new(archive)
                attempt.append(download)
                _say(f"{corpus.name}: downloading {url}")
                _download(url, download, progress=progress, timeout=timeout)
                targets = [(split, staging.new(split.filename)) for split in splits]
                attempt.extend(temporary for _, temporary in targets)
                _extract(download, url, targets)
                results = {
                    split: (
                        temporary,
                        _verify(corpus, split, temporary, expected, shown_as=f"{url}!{split.member}"),
                        f"downloaded from {url}",
                    )
                    for split, temporary in targets
                }
            except BionerError as error:
                for path in attempt:
                    staging.discard(path)
                failures.append(str(error))
                if number + 1 < len(urls):
                    _say(f"{corpus.name}: {error}; trying the next address")
                continue
            staging.discard(download)
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


def _download(url: str, target: Path, *, progress: bool, timeout: float) -> None:
    from tqdm import tqdm

    request = urllib.request.Request(url, headers={"User-Agent": "bioner (corpus download)"})
    received = 0
    total: int | None = None
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response, target.open("wb") as out:
            length = response.headers.get("Content-Length")
            total = int(length) if length and length.strip().isdigit() else None
            with tqdm(
                total=total,
                unit="B",
                unit_scale=True,
                unit_divisor=1024,
                desc=Path(url).name,
                file=sys.stderr,
                disable=not progress,
                leave=False,
            ) as bar:
                while chunk := response.read(1 << 16):
                    out.write(chunk)
                    received += len(chunk)
                    bar.update(len(chunk))
    except urllib.error.HTTPError as error:
        raise BionerError(f"{url}: HTTP {error.code} {error.reason}") from None
    except urllib.error.URLError as error:
        raise BionerError(f"{url}: cannot connect ({error.reason})") from None
    except http.client.IncompleteRead as error:
        raise BionerError(
            f"{url}: download cut short after {received + len(error.partial):,} bytes "
            f"of {total if total is not None else 'an unknown number of'}"
        ) from None
    except (http.client.HTTPException, OSError) as error:  # timeouts, resets, disk errors
        raise BionerError(f"{url}: download failed after {received:,} bytes: {error}") from None
    if total is not None and received != total:
        raise BionerError(f"{url}: download cut short: received {received:,} of {total:,} bytes")


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
