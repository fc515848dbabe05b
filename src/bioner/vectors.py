"""Static word vectors from unlabelled biomedical text, trained with floret.

No pretrained vectors can be downloaded here, so the tagger's static vectors are trained on raw
text (the training abstracts, plus any PubMed-like text a user adds). floret hashes subwords into
a fixed table, so rare chemical names still get a vector from their pieces.

Unlabelled text comes as JSONL, one `{"text": ...}` a line, plain or gzip-compressed
(`*.jsonl.gz`, as `../shared/data/pubmed-text` and `bioner data` leave it), or as a folder of
such files; it is streamed line by line, since 45 M words do not need to sit in memory.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import multiprocessing
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import islice
from pathlib import Path

import spacy
from spacy.training.initialize import convert_vectors

from .errors import BionerError
from .formats import read_documents
from .pipeline.tokenizer import make_tokenizer_pipeline

TEXT_SUFFIXES = (".jsonl", ".jsonl.gz")


@dataclass(frozen=True)
class FloretSettings:
    dim: int = 200
    minn: int = 3
    maxn: int = 6
    bucket: int = 50_000
    hash_count: int = 2
    epoch: int = 5
    min_count: int = 3
    mode: str = "floret"
    model: str = "skipgram"


def is_text_file(path: Path) -> bool:
    return path.name.endswith(TEXT_SUFFIXES)


def text_files(path: Path) -> list[Path]:
    """The JSONL text files a path names: the file itself, or every `*.jsonl[.gz]` of a folder."""
    if path.is_dir():
        found = sorted(p for p in path.iterdir() if p.is_file() and is_text_file(p))
        if not found:
            raise BionerError(f"{path}: a folder without *.jsonl or *.jsonl.gz text files")
        return found
    return [path]


def read_jsonl_texts(path: Path) -> Iterator[str]:
    """The `"text"` of every line of a JSONL file, plain or gzip; a bad line names file and line."""
    opener = gzip.open if path.name.endswith(".gz") else open
    number = 0
    try:
        with opener(path, "rt", encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as error:
                    raise BionerError(f"{path}:{number}: not a JSON object ({error.msg})") from None
                text = record.get("text") if isinstance(record, dict) else None
                if not isinstance(text, str):
                    raise BionerError(f'{path}:{number}: expected an object with a "text" string')
                yield text
    except FileNotFoundError:
        raise BionerError(f"{path}: no such file") from None
    except UnicodeDecodeError as error:
        raise BionerError(f"{path}:{number + 1}: not UTF-8 text ({error.reason})") from None
    except (EOFError, zlib.error, gzip.BadGzipFile) as error:
        raise BionerError(f"{path}: truncated or corrupt gzip file ({error})") from None


def sampled(texts: Iterable[str], share: float) -> Iterator[str]:
    """About `share` of `texts`, the same ones on every run (chosen by a checksum of the text)."""
    if share >= 1.0:
        yield from texts
        return
    cut = int(share * 2**64)
    for text in texts:
        if int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "big") < cut:
            yield text


@cache
def _tokenizer():
    """The project tokenizer, made once per process (worker processes make their own)."""
    return make_tokenizer_pipeline().tokenizer


def tokenized_lines(texts: Sequence[str]) -> tuple[str, int]:
    """Lower-cased, space-joined tokens of each text, one a line, and their count."""
    tokenizer = _tokenizer()
    lines = []
    tokens = 0
    for text in texts:
        words = [t.text.lower() for t in tokenizer(text) if not t.is_space]
        if words:
            lines.append(" ".join(words) + "\n")
            tokens += len(words)
    return "".join(lines), tokens


def write_training_text(texts: Iterable[str], destination: Path, *, processes: int = 1, batch_size: int = 256) -> int:
    """One lower-cased, tokenised text a line, the input floret reads. Returns the token count.

    Tokenising 60 M words takes minutes on one core, so `processes` workers share it (the text
    keeps its order)."""
    tokens = 0
    destination.parent.mkdir(parents=True, exist_ok=True)
    stream = iter(texts)
    batches = iter(lambda: list(islice(stream, batch_size)), [])
    with destination.open("w", encoding="utf-8") as handle:
        if processes <= 1:
            results: Iterable[tuple[str, int]] = map(tokenized_lines, batches)
            for lines, count in results:
                handle.write(lines)
                tokens += count
        else:
            # spawn, not fork: a worker forked while another thread of this process (a progress
            # bar's monitor) held a lock waited on it for good and `make train` with it (seen once).
            # The workers exit on their own (close, join) rather than being killed mid-queue.
            with multiprocessing.get_context("spawn").Pool(processes) as pool:
                for lines, count in pool.imap(tokenized_lines, batches, chunksize=4):
                    handle.write(lines)
                    tokens += count
                pool.close()
                pool.join()
    return tokens


def train_floret(
    text_path: Path, output_prefix: Path, settings: FloretSettings = FloretSettings(), threads: int = 2
) -> Path:
    """Train floret vectors; returns the `.floret` table that `spacy init vectors --mode floret` reads."""
    try:
        import floret
    except ImportError:
        raise BionerError(
            "training vectors needs floret: pip install floret (or pip install 'bioner[vectors]')"
        ) from None
    model = floret.train_unsupervised(
        str(text_path),
        model=settings.model,
        mode=settings.mode,
        dim=settings.dim,
        minn=settings.minn,
        maxn=settings.maxn,
        bucket=settings.bucket,
        hashCount=settings.hash_count,
        epoch=settings.epoch,
        minCount=settings.min_count,
        thread=threads,
        verbose=0,
    )
    output_prefix.parent.mkdir(parents=True, exist_ok=True)
    table = output_prefix.with_suffix(".floret")
    model.save_floret_vectors(str(table))
    return table


def build_vectors(
    inputs: Iterable[str | Path],
    output: Path,
    *,
    settings: FloretSettings = FloretSettings(),
    threads: int = 2,
    work_dir: Path | None = None,
    text_share: float = 1.0,
) -> dict:
    """Train floret vectors on the texts of `inputs` and save them as a spaCy pipeline folder.

    Inputs are JSONL text (`{"text": ...}` a line, plain or `.jsonl.gz`), folders of it, or any
    annotated format `read_documents` knows, whose annotations are ignored. The text is tokenised
    with the project tokenizer, as the tagger will see it, in `threads` processes. `text_share`
    keeps that share of the JSONL texts (the annotated corpora's text is always kept whole).
    """
    inputs = [Path(p) for p in inputs]

    def texts() -> Iterator[str]:
        for given in inputs:
            for path in text_files(Path(given)):
                if is_text_file(path):
                    yield from sampled(read_jsonl_texts(path), text_share)
                else:
                    for document in read_documents(path):
                        yield document.text

    work_dir = work_dir or output.parent / f"{output.name}-work"
    text_path = work_dir / "text.txt"
    tokens = write_training_text(texts(), text_path, processes=threads)
    if tokens == 0:
        raise BionerError("no text to train vectors on: the inputs are empty")
    table = train_floret(text_path, work_dir / "vectors", settings, threads=threads)
    blank = spacy.blank("en")
    # Trained on lower-cased text, so looked up by LOWER: "Naloxone" and "naloxone" share a vector.
    convert_vectors(blank, table, truncate=0, prune=-1, name="bioner_floret", mode="floret", attr="LOWER")
    output.mkdir(parents=True, exist_ok=True)
    blank.to_disk(output)
    info = {"tokens": tokens, "inputs": [str(p) for p in inputs], "text_share": text_share, **settings.__dict__}
    (output / "vectors-info.json").write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    return info
