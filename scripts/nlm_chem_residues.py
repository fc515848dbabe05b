#!/usr/bin/env python
"""NLM-Chem held-out Chemical F1 as annotated, and without amino-acid residue mentions.

NLM-Chem annotates "Ser" and "Cys" in "Ser326Cys" (and in "Ser/Cys" genotypes, "Asn37" positions)
as chemicals; the tagger is trained to read them as tmVar, BC5CDR and the kept-aside corpora do
(`bioner.variant_names`), so the held-out score counts them as misses. This prints both scores:
strict (offsets), Chemical only, residues (a mention whose text is a three-letter code) taken out
of gold and predictions for the second.

    python scripts/nlm_chem_residues.py --model training/model-best --raw data/raw
"""

from __future__ import annotations

import argparse
from pathlib import Path

from bioner.document import Document
from bioner.evaluation.cross_corpus import heldout_parts, tag_articles
from bioner.evaluation.result import score
from bioner.multicorpus import mapped_documents, read_part
from bioner.tagging import load_pipeline
from bioner.variant_names import RESIDUES


def without_residues(documents: list[Document]) -> list[Document]:
    """The documents less every mention whose text is a three-letter residue code."""
    return [
        Document(d.id, list(d.passages), [m for m in d.mentions if d.text[m.start : m.end] not in RESIDUES])
        for d in documents
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=Path("training/model-best"))
    parser.add_argument("--raw", type=Path, default=Path("data/raw"), help="folder `bioner data` fills")
    args = parser.parse_args()
    part = next(p for p in heldout_parts(args.raw) if p.name == "nlm-chem-heldout")
    gold = mapped_documents(part, read_part(part))
    assert part.holdout is not None  # the catalogue holds NLM-Chem's articles out by PMID
    predicted = tag_articles(load_pipeline(args.model), gold, part.holdout.key_of)  # article by article, as scored
    for name, (g, p) in {
        "as annotated": (gold, predicted),
        "without residue mentions": (without_residues(gold), without_residues(predicted)),
    }.items():
        chemical = score(g, p, labels=["Chemical"]).strict.labels["Chemical"]
        print(
            f"nlm-chem-heldout {name}: Chemical F1 {100 * chemical.f1:.2f} ({chemical.tp} of {chemical.tp + chemical.fn} gold)"
        )


if __name__ == "__main__":
    main()
