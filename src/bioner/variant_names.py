"""Amino-acid residues inside protein-variant names ("Gly" and "Cys" in "Gly104Cys").

NLM-Chem annotates such residues as Chemical; BC5CDR, tmVar and the other corpora that annotate
chemicals beside variants do not (a variant is one mention, of another type). Learned as they
stand, NLM-Chem's residues taught the tagger to call "Arg" in "Arg753Gln" a chemical (18% of
tmVar 3's test variants). `residues_as_variants` rewrites a training Doc the way tmVar reads it:
a substitution ("Gly104Cys", "Glu 4 Lys", "p.Arg412Ter") becomes one Variant entity, and a bare
residue position ("Tyr705", "Thr-155", often a phosphorylation site rather than a variant) is
left unknown (missing) instead of Chemical.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span

RESIDUES: frozenset[str] = frozenset(
    [
        "Ala",
        "Arg",
        "Asn",
        "Asp",
        "Asx",
        "Cys",
        "Gln",
        "Glu",
        "Glx",
        "Gly",
        "His",
        "Ile",
        "Leu",
        "Lys",
        "Met",
        "Phe",
        "Pro",
        "Ser",
        "Thr",
        "Trp",
        "Tyr",
        "Val",
        "Sec",
        "Pyl",
        "Ter",
    ]
)
"""Three-letter amino-acid codes (and Ter, the stop codon), as written in variant names."""

_CODE = "|".join(sorted(RESIDUES))
PROTEIN_VARIANT = re.compile(
    rf"(?<![A-Za-z])(?:p\.)?(?P<residue>{_CODE})[ -]?(?P<position>\d+)"
    rf"(?:[ -]?(?P<change>{_CODE}|\*|X|fs|del|dup|ins)(?![a-z]))?(?![A-Za-z\d])"
)
"""A residue and its position, with or without what it becomes: Gly104Cys, Glu 4 Lys, Tyr705."""


@dataclass
class ResidueRewrites:
    """What `residues_as_variants` changed in a set of Docs."""

    residues: int = 0
    """Chemical entities that were residues of a variant name."""
    variants: int = 0
    """Substitutions made one Variant entity."""
    positions: int = 0
    """Bare residue positions set missing."""

    def to_json(self) -> dict[str, int]:
        return {"residues": self.residues, "variants": self.variants, "positions": self.positions}


def residues_as_variants(doc: Doc, counts: ResidueRewrites, label: str = "Chemical") -> Doc:
    """Replace `label` entities that are residues of a protein-variant name (see the module)."""
    entities = list(doc.ents)
    variants: list[Span] = []
    unknown: list[Span] = []
    removed: set[Span] = set()
    for match in PROTEIN_VARIANT.finditer(doc.text):
        span = doc.char_span(match.start(), match.end(), alignment_mode="expand")
        if span is None:
            continue
        touching = [ent for ent in entities if ent.start < span.end and span.start < ent.end]
        inside = [ent for ent in touching if span.start <= ent.start and ent.end <= span.end]
        if not inside or len(inside) != len(touching):
            continue
        if any(ent.label_ != label or ent.text not in RESIDUES for ent in inside):
            continue
        counts.residues += len(inside)
        removed.update(inside)
        if match.group("change"):
            variants.append(Span(doc, span.start, span.end, label="Variant"))
            counts.variants += 1
        else:
            unknown.append(span)
            counts.positions += 1
    if removed:
        kept = [ent for ent in entities if ent not in removed]
        doc.set_ents([*kept, *variants], missing=unknown, default="unmodified")
    return doc
