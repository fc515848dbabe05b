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

from bioner.evaluation.cross_corpus import heldout_parts
from bioner.multicorpus import mapped_documents, read_part
from bioner.tagging import load_pipeline, tag_documents
from bioner.variant_names import RESIDUES


def f1(true_positives: int, predicted: int, gold: int) -> float:
    return 200 * true_positives / (predicted + gold) if predicted + gold else 0.0


def is_residue(span: tuple[int, int], text: str) -> bool:
    return text[span[0] : span[1]] in RESIDUES


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=Path("training/model-best"))
    parser.add_argument("--raw", type=Path, default=Path("data/raw"), help="folder `bioner data` fills")
    args = parser.parse_args()
    part = next(p for p in heldout_parts(args.raw) if p.name == "nlm-chem-heldout")
    gold = mapped_documents(part, read_part(part))
    predicted = {d.id: d for d in tag_documents(load_pipeline(args.model), gold)}
    counts = {"as annotated": [0, 0, 0], "without residue mentions": [0, 0, 0]}
    for document in gold:
        gold_spans = {(m.start, m.end) for m in document.mentions if m.label == "Chemical"}
        guessed = {(m.start, m.end) for m in predicted[document.id].mentions if m.label == "Chemical"}
        for name, drop in (("as annotated", False), ("without residue mentions", True)):
            g = {s for s in gold_spans if not (drop and is_residue(s, document.text))}
            p = {s for s in guessed if not (drop and is_residue(s, document.text))}
            counts[name][0] += len(g & p)
            counts[name][1] += len(p)
            counts[name][2] += len(g)
    for name, (tp, n_predicted, n_gold) in counts.items():
        print(
            f"nlm-chem-heldout {name}: Chemical F1 {f1(tp, n_predicted, n_gold):.2f} ({tp} of {n_gold} gold, {n_predicted} predicted)"
        )


if __name__ == "__main__":
    main()
