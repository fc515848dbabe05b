"""The plain data model every format reads into and writes from.

Offsets are character offsets into `Document.text`, the passages laid out at their own offsets
with single spaces between them: for PubTator that is `title + " " + abstract`, the text the
BioCreative scorer and our evaluator count in.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .regions import Content


@dataclass
class Mention:
    start: int
    end: int
    text: str
    label: str
    identifier: str = ""
    """Concept id(s) as written in the source (`D008094`, `MESH:D018698`, `D1|D2`, `-1`, `-`)."""
    parts: list[str] = field(default_factory=list)
    """Component mentions of a composite mention (BC5CDR's 7th column)."""
    line: int | None = None
    """Line of the source file it was read from, for messages."""

    @property
    def identifiers(self) -> list[str]:
        return [i for i in self.identifier.split("|") if i and i not in {"-", "-1"}]

    def key(self) -> tuple[int, int, str]:
        return (self.start, self.end, self.label)


@dataclass
class Relation:
    """A document-level relation such as BC5CDR's `CID` or PubTator3's `Association`.

    Arguments are concept ids as the source writes them (BC5CDR: chemical MeSH id, then disease
    MeSH id), not mentions: one relation per document and concept pair, however many mentions.
    """

    type: str
    arguments: list[str]
    score: float | None = None
    """The model's probability for a predicted relation; None for an annotated one."""
    support: list[tuple[int, int, int, int]] = field(default_factory=list)
    """Mention pairs that support a predicted relation: (start, end) of a mention of the first
    argument, then of the second, as offsets into `Document.text`."""
    line: int | None = field(default=None, compare=False)
    """Line of the source file it was read from, for messages."""


@dataclass
class Passage:
    text: str
    offset: int = 0
    kind: str = "text"
    """`title`, `abstract` or `text`; BioC's passage type where there is one."""


@dataclass
class Document:
    id: str
    passages: list[Passage] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    content: Content | None = field(default=None, repr=False, compare=False)
    """The regions to tag and the parts skipped (`bioner.regions`, found by `bioner.content`); None: all of the text."""
    line: int | None = field(default=None, repr=False, compare=False)
    """Line of the source file its first line (PubTator: the title) was read from, for messages."""

    @classmethod
    def from_title_abstract(cls, doc_id: str, title: str, abstract: str, **kwargs) -> Document:
        passages = [Passage(title, 0, "title")]
        if abstract:
            # An empty abstract adds nothing, not even the separating space: a text written as a
            # title alone reads back as the same text.
            passages.append(Passage(abstract, len(title) + 1, "abstract"))
        return cls(doc_id, passages, **kwargs)

    @classmethod
    def from_text(cls, doc_id: str, text: str, **kwargs) -> Document:
        return cls(doc_id, [Passage(text, 0, "text")], **kwargs)

    @property
    def text(self) -> str:
        """All passages at their offsets, gaps filled with spaces."""
        pieces: list[str] = []
        length = 0
        for passage in sorted(self.passages, key=lambda p: p.offset):
            if passage.offset > length:
                pieces.append(" " * (passage.offset - length))
                length = passage.offset
            elif passage.offset < length:
                raise ValueError(f"document {self.id}: passages overlap at offset {passage.offset}")
            pieces.append(passage.text)
            length += len(passage.text)
        return "".join(pieces)

    @property
    def title(self) -> str:
        return next((p.text for p in self.passages if p.kind == "title"), "")

    @property
    def abstract(self) -> str:
        return next((p.text for p in self.passages if p.kind == "abstract"), "")

    def sorted_mentions(self) -> list[Mention]:
        return sorted(self.mentions, key=lambda m: (m.start, m.end, m.label))
