"""Downloading and staging files for `bioner data`: one place for the network and the half-written.

Every fetcher (annotated corpora, unlabelled text, vocabularies, PubMed baseline files) writes
under a temporary name in the destination folder (`Staging`), checks what it wrote, and only then
renames it into place; a failure leaves nothing behind. `download` turns every network failure
into a `BionerError` naming the address. `CorpusInfo` is what a fetch reports for `bioner data`'s
table.
"""

from __future__ import annotations

import gzip
import http.client
import json
import os
import sys
import urllib.error
import urllib.request
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from .atomic import create_temporary
from .errors import BionerError


@dataclass
class CorpusInfo:
    """What is in place for one corpus (or text, or vocabulary) after a fetch."""

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


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def local_dir(given: Path | None, env: str) -> Path | None:
    """`given`, else the folder the environment variable `env` names, else None (download)."""
    if given is not None:
        return Path(given)
    value = os.environ.get(env, "").strip()
    return Path(value).expanduser() if value else None


def join_url(base: str, name: str) -> str:
    return base if base.endswith(name) else base.rstrip("/") + "/" + name


class Staging:
    """Temporary files in the destination folder, removed unless renamed into place."""

    def __init__(self, destination: Path) -> None:
        self.destination = destination
        self.created: list[Path] = []
        """Folders this fetch created, deepest first; removed again if left empty."""
        self.temporaries: list[Path] = []

    def __enter__(self) -> Staging:
        if self.destination.exists() and not self.destination.is_dir():
            raise BionerError(f"{self.destination}: exists and is not a folder")
        folder = self.destination
        while not folder.exists():
            self.created.append(folder)
            folder = folder.parent
        self.destination.mkdir(parents=True, exist_ok=True)
        return self

    def new(self, name: str) -> Path:
        """A new empty temporary for `name`; it ends in `.gz` when `name` does, for readers that
        decide by the name whether to decompress."""
        path = create_temporary(self.destination / name, suffix=".part.gz" if name.endswith(".gz") else ".part")
        self.temporaries.append(path)
        return path

    def place(self, temporary: Path, name: str) -> Path:
        """Rename a checked temporary file into place as `name`."""
        final = self.destination / name
        os.replace(temporary, final)
        self.forget(temporary)
        return final

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


def download(url: str, target: Path, *, progress: bool, timeout: float) -> None:
    """Write the body at `url` to `target`; a failed or short download is a `BionerError`."""
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


def count_texts(path: Path, shown_as: str | None = None) -> tuple[int, int]:
    """(texts, words) of a JSONL text file (gzipped when it ends in `.gz`), or a BionerError
    naming the first bad line."""
    texts = words = 0
    name = shown_as or str(path)
    try:
        with _open_text(path) as handle:
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as error:
                    raise BionerError(f"{name}:{number}: not valid JSON: {error.msg}") from None
                if not isinstance(record, dict) or not isinstance(record.get("text"), str):
                    raise BionerError(f'{name}:{number}: expected an object with a string "text"')
                texts += 1
                words += len(record["text"].split())
    except (OSError, EOFError, zlib.error, UnicodeDecodeError) as error:  # gzip.BadGzipFile is an OSError
        raise BionerError(
            f"{name}: cannot be read as {'gzipped ' if path.name.endswith('.gz') else ''}JSONL: {error}"
        ) from None
    return texts, words


def _open_text(path: Path):
    if path.name.endswith(".gz"):
        return gzip.open(path, "rt", encoding="utf-8")
    return path.open(encoding="utf-8")


def record_text(info: CorpusInfo, name: str, path: Path, census: tuple[int, int], source: str) -> None:
    """Texts go in the documents column, words in the mentions column of `bioner data`'s table."""
    info.paths[name] = path
    info.documents[name], info.mentions[name] = census
    info.sources[name] = source
