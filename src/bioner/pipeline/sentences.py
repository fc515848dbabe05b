"""Sentence boundaries of abstract text, by rule: what relation features and the relation scorer
count as "the same sentence".

The tagger's pipeline has no parser or sentence recogniser, and BC5CDR's relation analysis only
needs to tell pairs stated in one sentence from pairs across sentences, so a rule does: a
sentence ends at `.`, `!` or `?` followed by space and a capital letter, digit or bracket,
except after an abbreviation that does not end sentences ("e.g.", "et al.", "Fig.", an initial).
Passages (title, abstract) always break. Standard library only: copied into packaged models.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence

_END = re.compile(r"[.!?][\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])")
_NO_BREAK_AFTER = re.compile(
    r"(?:\b(?:e\.g|i\.e|et al|vs|Fig|Figs|Dr|Mr|Mrs|Ms|No|approx|ca|cf|resp|Ref|St|Prof|Inc|Ltd|Co|Jr|Sr)|"
    r"(?:^|[\s(])[A-Z])\.$"
)


def sentence_spans(text: str, breaks: Iterable[int] = ()) -> list[tuple[int, int]]:
    """(start, end) of each sentence, whitespace trimmed; `breaks` are offsets that always start one
    (a passage's offset)."""
    cuts = {0, len(text)}
    cuts.update(b for b in breaks if 0 < b < len(text))
    for match in _END.finditer(text):
        if _NO_BREAK_AFTER.search(text[max(0, match.start() - 12) : match.start() + 1]):
            continue
        cuts.add(match.end())
    spans = []
    ordered = sorted(cuts)
    for start, end in zip(ordered, ordered[1:]):
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end:
            spans.append((start, end))
    return spans


def sentence_index(spans: Sequence[tuple[int, int]], offset: int) -> int:
    """The number of the sentence holding `offset` (the last one starting at or before it)."""
    starts = [start for start, _ in spans]
    return max(0, bisect_right(starts, offset) - 1)
