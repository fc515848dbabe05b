"""Relation errors of a pipeline by kind, and the most frequent pairs of each kind.

A false negative is either a pair whose concepts the tagger and linker did not both find (an NER or
linking error) or one the relation model scored below its threshold; a false positive either names
a concept the gold document does not have, or relates two gold concepts the annotators did not
relate. Each within one sentence or across sentences, as `bioner evaluate` splits them.

    python scripts/relation_errors.py --model training/model-best --gold data/raw/bc5cdr/CDR_DevelopmentSet.PubTator.txt
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from bioner.evaluation.relations import mention_ids, score_relations
from bioner.formats import read_documents
from bioner.tagging import load_pipeline, tag_documents


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", required=True)
    parser.add_argument("--gold", required=True, type=Path)
    parser.add_argument("--top", type=int, default=10)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    gold = list(read_documents(args.gold))
    predicted = list(tag_documents(load_pipeline(args.model), gold))
    scores = score_relations(gold, predicted, baseline=False)
    concepts = {
        side: {d.id: {i for m in d.mentions for i in mention_ids(m)} for d in docs}
        for side, docs in (("gold", gold), ("predicted", predicted))
    }
    kinds: Counter[str] = Counter()
    pairs: dict[str, Counter[str]] = {"FP": Counter(), "FN": Counter()}
    for error in scores.errors:
        place = "within one sentence" if error.within_sentence else "across sentences"
        if error.type == "FN":
            found = all(a in concepts["predicted"][error.document] for a in error.arguments)
            kind = "model scored the pair below threshold" if found else "a concept not found (NER or linking)"
        else:
            known = all(a in concepts["gold"][error.document] for a in error.arguments)
            kind = "both concepts in gold, pair not annotated" if known else "a concept gold does not have"
        kinds[f"{error.type}: {kind}, {place}"] += 1
        pairs[error.type][" – ".join(n.lower() or a for n, a in zip(error.names, error.arguments, strict=True))] += 1
    report = {
        "micro": scores.micro.to_json(),
        "kinds": dict(kinds.most_common()),
        "top_false_positives": pairs["FP"].most_common(args.top),
        "top_false_negatives": pairs["FN"].most_common(args.top),
    }
    print(json.dumps(report, indent=2, ensure_ascii=False))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
