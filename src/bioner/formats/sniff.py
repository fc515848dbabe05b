"""Telling a format from the first bytes of a file or stream (`.txt`, no extension, stdin).

Apart from the format table so that a reader (BioC, told XML from JSON) can sniff without
importing the table that lists it.
"""

from __future__ import annotations

import json
import re
import zlib

from .pubmed import is_pubmed_head

_HTML_START = re.compile(
    rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title)\b", re.I | re.S
)
_PUBTATOR_LINE = re.compile(r"^[^|\t]+\|[ta]\|")
_IOB_TAG = re.compile(r"^(O|[BIESUL]-\S+)$")
_SNIFF_LINES = 5
_SNIFF_PUBTATOR_LINES = 50


def sniff_format(head: bytes) -> str:
    """A format name from the first bytes of a file or stream (for `.txt`, no extension, stdin)."""
    if head.startswith(b"\x1f\x8b"):  # gzip: only MEDLINE/PubMed XML is read compressed
        try:
            head = zlib.decompressobj(wbits=31).decompress(head)
        except zlib.error:
            return "pubmed"  # let the reader name what is wrong with the stream
    if _HTML_START.match(head.removeprefix(b"\xef\xbb\xbf")):
        return "html"
    text = head.decode("utf-8", errors="replace").removeprefix("\ufeff")
    stripped = text.lstrip()
    if stripped.startswith("<"):
        return "pubmed" if is_pubmed_head(head) else "bioc"
    lines = [line.rstrip("\r") for line in text.split("\n") if line.strip()][:_SNIFF_LINES]
    if not lines:
        return "text"
    if _PUBTATOR_LINE.match(lines[0]):
        return "pubtator"
    if stripped.startswith(("{", "[")):
        try:
            record = json.loads(lines[0])
        except (json.JSONDecodeError, RecursionError):
            return "bioc-json"  # a pretty-printed JSON document, not one object a line
        return (
            "jsonl"
            if isinstance(record, dict) and "passages" not in record and "documents" not in record
            else "bioc-json"
        )
    # A PubTator file with a comment first or a mention line before its title is still PubTator:
    # read as such, its reader names the line that is wrong instead of tagging the markup as text.
    first_lines = [line.rstrip("\r") for line in text.split("\n") if line.strip()][:_SNIFF_PUBTATOR_LINES]
    if any(_PUBTATOR_LINE.match(line) for line in first_lines):
        return "pubtator"
    if all(_looks_like_iob(line) for line in lines):
        return "iob"
    return "text"


def _looks_like_iob(line: str) -> bool:
    """`token<TAB>tag`, also with more columns (CoNLL) or spaces around the tag: the IOB reader
    then reads it or names the line it cannot read."""
    columns = line.split("\t")
    return columns[0] == "-DOCSTART-" or (len(columns) >= 2 and bool(_IOB_TAG.match(columns[-1].strip())))
