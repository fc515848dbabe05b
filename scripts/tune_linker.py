"""Tune the linker's similarity threshold on BC5CDR development (never on test).

Builds the linker from a knowledge base (made from training data only when the development set
is scored), links the development set's gold mentions at each threshold and prints accuracy per
label and the concept-level F1 those gold mentions would score (a wrong id costs precision,
`-1` does not: the threshold is chosen on concept F1). Example:

    bioner kb data/raw/bc5cdr/CDR_TrainingSet.PubTator.txt -o /tmp/kb-train.json.gz
    python scripts/tune_linker.py --kb /tmp/kb-train.json.gz --gold data/raw/bc5cdr/CDR_DevelopmentSet.PubTator.txt
"""

from __future__ import annotations

import argparse
import json

import spacy

from bioner.evaluation import read_input
from bioner.evaluation.concepts import concept_scores, linking_accuracy
from bioner.linking.gold import link_gold_mentions
from bioner.linking.linker import Linker, read_kb


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kb", required=True)
    parser.add_argument("--gold", required=True)
    parser.add_argument("--thresholds", default="0.5,0.6,0.65,0.7,0.75,0.8,0.85,0.9,1.01")
    parser.add_argument("--json")
    args = parser.parse_args()
    gold = read_input(args.gold)
    entries = read_kb(args.kb)
    nlp = spacy.blank("en")
    from bioner.pipeline.tokenizer import create_biomedical_tokenizer

    nlp.tokenizer = create_biomedical_tokenizer()(nlp)
    rows = []
    for threshold in [float(t) for t in args.thresholds.split(",")]:
        linker = Linker(entries, threshold=threshold)
        linked = list(link_gold_mentions(nlp, gold, linker))
        accuracy = linking_accuracy(gold, linked)
        concepts = concept_scores(gold, linked, sorted(accuracy.total))
        row = {
            "threshold": threshold,
            **{f"accuracy {label}": round(100 * accuracy.accuracy(label), 2) for label in accuracy.total},
            **{f"concept F1 {label}": round(100 * prf.f1, 2) for label, prf in concepts.labels.items()},
        }
        rows.append(row)
        print(json.dumps(row), flush=True)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(rows, handle, indent=2)


if __name__ == "__main__":
    main()
