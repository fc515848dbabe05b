"""Linking accuracy of a knowledge base's linker on development gold mentions (never test).

Builds the linker from a knowledge base made from training data only (`bioner kb` with
BC5CDR train and NCBI disease train, plus --mesh/--ctd), links the gold mentions of a
development set at several NIL thresholds, and prints accuracy per label and the concept-level
F1 those gold mentions would score. Also: the time to build and to load the stored index, and
its size. Example:

    bioner kb data/raw/bc5cdr/CDR_TrainingSet.PubTator.txt data/raw/ncbi-disease/NCBItrainset_corpus.txt \\
        --mesh ../shared/data/mesh --ctd ../shared/data/ctd -o /tmp/kb-train.json.gz
    python scripts/tune_linker.py --kb /tmp/kb-train.json.gz --gold data/raw/bc5cdr/CDR_DevelopmentSet.PubTator.txt
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import spacy

from bioner.corpora.catalogue import linked_labels
from bioner.evaluation import read_input
from bioner.evaluation.concepts import concept_scores, linking_accuracy
from bioner.linking.gold import link_gold_mentions
from bioner.linking.linker import Linker, read_kb


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kb", required=True)
    parser.add_argument("--gold", required=True, nargs="+")
    parser.add_argument("--thresholds", default="")
    parser.add_argument("--json")
    args = parser.parse_args()
    started = time.perf_counter()
    linker = Linker.build(read_kb(args.kb))
    built = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as folder:
        linker.save(Path(folder))
        size = sum(p.stat().st_size for p in Path(folder).iterdir()) / 1e6
        started = time.perf_counter()
        linker = Linker.load(Path(folder))
        loaded = time.perf_counter() - started
    print(
        json.dumps(
            {
                "build_s": round(built, 1),
                "load_s": round(loaded, 2),
                "stored_mb": round(size, 1),
                "threshold": linker.threshold,
                "ranker": linker.ranker.info,
            }
        ),
        flush=True,
    )
    nlp = spacy.blank("en")
    from bioner.pipeline.tokenizer import create_biomedical_tokenizer

    nlp.tokenizer = create_biomedical_tokenizer()(nlp)
    thresholds = [float(t) for t in args.thresholds.split(",") if t] or [linker.threshold]
    rows = []
    labels = linked_labels()
    for gold_path in args.gold:
        gold = read_input(gold_path)
        for document in gold:
            for mention in document.mentions:
                mention.label = labels.get(mention.label, mention.label)
        for threshold in thresholds:
            linker.threshold = threshold
            started = time.perf_counter()
            linked = list(link_gold_mentions(nlp, gold, linker))
            seconds = time.perf_counter() - started
            accuracy = linking_accuracy(gold, linked)
            concepts = concept_scores(gold, linked, sorted(accuracy.total))
            row = {
                "gold": Path(gold_path).name,
                "threshold": threshold,
                "seconds": round(seconds, 1),
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
