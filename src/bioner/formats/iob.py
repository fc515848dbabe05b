"""CoNLL-style IOB: one `token<TAB>tag` a line, a blank line after each sentence.

This is how pre-tokenised corpora (the BC5CDR and NCBI files scispaCy and BioBERT trained on)
are shared. Tags are `O`, `B-label`, `I-label`, and also IOBES/BILOU's `S-`/`U-` (a one-token
mention) and `E-`/`L-` (its last token). Optional `-DOCSTART-` lines group sentences into
documents; without them every sentence is its own document, with id `stem:n`.

Decoding follows conlleval: an `I-X` (or `E-X`) that does not continue a mention of label `X`
starts a new one. That is valid IOB1, so it is never an error; lenient reading notes each one in
`problems` because in BIO files it usually means a broken tag sequence.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import TextIO

from ..document import Document, Mention
from ..errors import BionerError, InputError, InputProblem
from ..pipeline.tokenizer import make_tokenizer_pipeline
from ._io import Source, iter_lines, open_destination, source_name

DOCSTART = "-DOCSTART-"
_TAG = re.compile(r"^([BIESUL])-(\S+)$")
# Prefixes that mean the same thing: BILOU's U/L are IOBES's S/E.
_PREFIX = {"B": "B", "I": "I", "E": "E", "S": "S", "U": "S", "L": "E"}

Tokenize = Callable[[str], Sequence[tuple[int, int]]]
"""Text -> (start, end) character spans of its tokens, e.g. the project tokenizer's."""


def read_iob(source: Source, *, lenient: bool = False, problems: list[InputProblem] | None = None) -> list[Document]:
    return list(iter_iob(source, lenient=lenient, problems=problems))


def iter_iob(
    source: Source, *, lenient: bool = False, problems: list[InputProblem] | None = None
) -> Iterator[Document]:
    """Stream documents: one per sentence, or one per `-DOCSTART-` block when the file has them.

    Text is the tokens joined with single spaces (sentences too). A line with other than two
    columns or a tag of unknown shape always raises, naming the line.
    """
    name = source_name(source)
    stem = Path(name).stem if not name.startswith("<") else name.strip("<>")
    count = 0
    sentences: list[list[tuple[int, str, str]]] = []
    sentence: list[tuple[int, str, str]] = []
    by_docstart = False

    def flush_document() -> Iterator[Document]:
        nonlocal count, sentences
        if sentences:
            count += 1
            yield _build(f"{stem}:{count}", sentences, name, lenient, problems)
        sentences = []

    for number, line in iter_lines(source):
        if not line.strip():
            if sentence:
                sentences.append(sentence)
                sentence = []
                if not by_docstart:
                    yield from flush_document()
            continue
        columns = line.split("\t") if "\t" in line else line.split()
        if columns[0] == DOCSTART:
            if sentence:
                sentences.append(sentence)
                sentence = []
            by_docstart = True
            yield from flush_document()
            continue
        if len(columns) != 2:
            raise InputError(name, number, f"expected 2 columns (token, tag), found {len(columns)}: {_shorten(line)!r}")
        token, tag = columns[0].strip(), columns[1].strip()
        if not token:
            raise InputError(name, number, "empty token")
        if tag != "O" and not _TAG.match(tag):
            raise InputError(name, number, f"unknown tag {tag!r}; expected O, B-label, I-label, E-label or S-label")
        sentence.append((number, token, tag))
    if sentence:
        sentences.append(sentence)
    yield from flush_document()


def _build(
    doc_id: str,
    sentences: list[list[tuple[int, str, str]]],
    name: str,
    lenient: bool,
    problems: list[InputProblem] | None,
) -> Document:
    pieces: list[str] = []
    mentions: list[Mention] = []
    offset = 0
    open_label: str | None = None
    open_start = open_end = 0
    open_line = 0

    def close() -> None:
        nonlocal open_label
        if open_label is not None:
            mentions.append(Mention(open_start, open_end, "", open_label, line=open_line))
            open_label = None

    for sentence in sentences:
        close()  # a mention never spans sentences
        for number, token, tag in sentence:
            if pieces:
                offset += 1
            start, end = offset, offset + len(token)
            pieces.append(token)
            offset = end
            if tag == "O":
                close()
                continue
            prefix, label = tag[0], tag[2:]
            prefix = _PREFIX[prefix]
            continues = prefix in ("I", "E") and open_label == label
            if not continues:
                close()
                if prefix in ("I", "E") and lenient and problems is not None:
                    problems.append(
                        InputProblem(name, number, doc_id, f"{tag} does not continue a {label} mention; it starts one")
                    )
                open_label, open_start, open_line = label, start, number
            open_end = end
            if prefix in ("E", "S"):
                close()
    close()
    text = " ".join(pieces)
    for mention in mentions:
        mention.text = text[mention.start : mention.end]
    return Document.from_text(doc_id, text, mentions=mentions)


def _shorten(line: str, limit: int = 60) -> str:
    return line if len(line) <= limit else line[:limit] + "..."


def whitespace_tokenize(text: str) -> list[tuple[int, int]]:
    """Spans of the whitespace-separated tokens of `text`: the inverse of how IOB text is read."""
    return [match.span() for match in re.finditer(r"\S+", text)]


def project_tokenize() -> Tokenize:
    """Token spans of the project tokenizer (`bioner convert` and the training configs use it)."""
    nlp = make_tokenizer_pipeline()
    return lambda text: [(token.idx, token.idx + len(token)) for token in nlp.make_doc(text)]


def _split_at(spans: Sequence[tuple[int, int]], cuts: set[int]) -> list[tuple[int, int]]:
    """`spans` with each one that has a cut strictly inside it split there."""
    out: list[tuple[int, int]] = []
    for start, end in spans:
        bounds = [start, *sorted(c for c in cuts if start < c < end), end]
        out += pairwise(bounds)
    return out


@dataclass
class IobWriteStats:
    documents: int = 0
    mentions: int = 0
    snapped: int = 0
    """Mentions whose edges fell inside a token and were widened to the token's edges."""
    dropped: int = 0
    """Snapped mentions that came to overlap an earlier one, which IOB cannot express."""


def write_iob(
    documents: Iterable[Document],
    destination: str | Path | TextIO,
    tokenize: Tokenize,
    *,
    snap: bool = False,
    split: bool = False,
    docstart: bool = False,
) -> IobWriteStats:
    """Write documents as BIO tags over the tokens `tokenize` finds; `-` writes to stdout.

    Each document is one block (`tokenize` does not split sentences); with `docstart` each block
    is preceded by a `-DOCSTART-` line, so reading it back keeps documents whole. A mention whose
    edges are not token edges raises, unless `split` cuts the tokens at its edges (every mention
    kept exactly) or `snap` widens it to the tokens it touches (counted in the returned stats).
    Whitespace-only tokens are left out.
    """
    stats = IobWriteStats()
    with open_destination(destination) as handle:
        for document in documents:
            lines = _document_lines(document, tokenize, snap, split, stats)
            if docstart:
                handle.write(f"{DOCSTART}\tO\n\n")
            handle.write("".join(f"{token}\t{tag}\n" for token, tag in lines))
            handle.write("\n")
            stats.documents += 1
    return stats


def _document_lines(
    document: Document, tokenize: Tokenize, snap: bool, split: bool, stats: IobWriteStats
) -> list[tuple[str, str]]:
    text = document.text
    spans = [(s, e) for s, e in tokenize(text) if text[s:e].strip()]
    if split:
        spans = _split_at(spans, {edge for m in document.mentions for edge in (m.start, m.end)})
    starts = {s: i for i, (s, _) in enumerate(spans)}
    ends = {e: i for i, (_, e) in enumerate(spans)}
    tags = ["O"] * len(spans)
    for mention in document.sorted_mentions():
        first, last = starts.get(mention.start), ends.get(mention.end)
        if first is None or last is None:
            if not snap:
                raise BionerError(
                    f"document {document.id}: mention {mention.text or text[mention.start : mention.end]!r} "
                    f"at {mention.start}-{mention.end} does not start and end on token boundaries; "
                    "pass snap=True to widen it to whole tokens"
                )
            touched = [i for i, (s, e) in enumerate(spans) if s < mention.end and e > mention.start]
            if not touched:
                stats.dropped += 1
                continue
            first, last = touched[0], touched[-1]
            stats.snapped += 1
        if any(tag != "O" for tag in tags[first : last + 1]):
            if not snap:
                raise BionerError(
                    f"document {document.id}: mention at {mention.start}-{mention.end} "
                    "overlaps another; IOB cannot express overlapping mentions"
                )
            stats.dropped += 1
            continue
        tags[first] = f"B-{mention.label}"
        for i in range(first + 1, last + 1):
            tags[i] = f"I-{mention.label}"
        stats.mentions += 1
    lines = []
    for (start, end), tag in zip(spans, tags, strict=True):
        token = text[start:end]
        if any(c.isspace() for c in token):
            raise BionerError(
                f"document {document.id}: token {token!r} at {start}-{end} contains "
                "whitespace, which the IOB format cannot hold"
            )
        lines.append((token, tag))
    return lines
