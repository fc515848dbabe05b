"""Copy a trained pipeline with its bioner_linker rebuilt from another knowledge base.

For models trained before the linker, or to swap in a knowledge base (MeSH + CTD) without
retraining the tagger: the linker's index is built from the file and stored in the copy.

bioner kb data/raw/bc5cdr/CDR_TrainingSet.PubTator.txt --mesh ../shared/data/mesh --ctd ../shared/data/ctd \
    -o /tmp/kb-train.json.gz
python scripts/add_linker.py training/dev/model-best /tmp/kb-train.json.gz /tmp/model-linked
"""

from __future__ import annotations

import argparse
from pathlib import Path

from bioner.linking.attach import add_linker
from bioner.tagging import load_pipeline


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model")
    parser.add_argument("kb")
    parser.add_argument("output")
    parser.add_argument("--threshold", type=float, default=None, help="NIL threshold (default: the ranker's)")
    args = parser.parse_args()
    nlp = load_pipeline(args.model)
    add_linker(nlp, args.kb, threshold=args.threshold)
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(args.output)
    print(f"{args.output}: {', '.join(nlp.pipe_names)}")


if __name__ == "__main__":
    main()
