"""Short forms across the pieces of a long document.

A full-text paper is tagged paragraph by paragraph (`bioner.chunking`), and `bioner_abbreviations`
reads definitions within one piece: "conjugated linoleic acid (CLA)" in the introduction made
"CLA" Chemical there and nowhere else, so the results' "CLA-fed pigs" went untagged, and an "SNP"
defined as "single nucleotide polymorphism" stayed Chemical three sections later. `ShortForms`
carries what the pieces defined to the whole document: a short form its defining piece tagged is
tagged wherever it stands alone (with that label and id), and one its defining piece left
untagged (`drop_orphans`: its long form is no entity) is untagged everywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.tokens import Doc

from ..document import Mention
from ..pipeline.components import LONG_FORMS
from ..regions import Content, Skip


@dataclass
class ShortForms:
    """What one document's pieces defined: short form -> (label, identifier) of the entity it
    stands for, and the short forms a defining piece left untagged."""

    entities: dict[str, tuple[str, str]] = field(default_factory=dict)
    untagged: set[str] = field(default_factory=set)

    def read(self, doc: Doc, identifier: dict[str, str]) -> None:
        """Take in the definitions of one piece, after the pipeline ran on it; `identifier`: the
        id written out for each of its entities' `kb_id_` (prefixed as the output wants)."""
        long_forms = doc._.get(LONG_FORMS) if Doc.has_extension(LONG_FORMS) else None
        if not long_forms:
            return
        tagged = {ent.text: ent for ent in doc.ents}
        for short in long_forms:
            ent = tagged.get(short)
            if ent is not None:
                self.entities.setdefault(short, (ent.label_, identifier.get(ent.kb_id_, ent.kb_id_)))
            else:
                self.untagged.add(short)

    def apply(self, text: str, mentions: list[Mention], content: Content) -> list[Mention]:
        """`mentions` of the whole document with the definitions of all its pieces applied."""
        if not self.entities and not self.untagged:
            return mentions
        drop = self.untagged - set(self.entities)
        kept = [m for m in mentions if m.text not in drop]
        taken = [(m.start, m.end) for m in kept]
        for short, (label, identifier) in sorted(self.entities.items()):
            for match in re.finditer(rf"(?<!\w){re.escape(short)}(?!\w)", text):
                start, end = match.span()
                if not _tagged_text(content, start, end) or any(s < end and start < e for s, e in taken):
                    continue
                kept.append(Mention(start, end, short, label, identifier))
                taken.append((start, end))
        return sorted(kept, key=lambda m: (m.start, m.end))


def _tagged_text(content: Content, start: int, end: int) -> bool:
    """Inside a region the pipeline tagged and outside anything skipped within it."""
    inside = any(r.start <= start and end <= r.end for r in content.regions)
    return inside and not any(_overlaps(s, start, end) for s in content.skipped)


def _overlaps(skip: Skip, start: int, end: int) -> bool:
    return skip.start < end and start < skip.end
