"""Copy a trained pipeline with the bioner_linker added (for models trained before the linker).

bioner kb data/raw/bc5cdr/CDR_TrainingSet.PubTator.txt -o /tmp/kb-train.json.gz
python scripts/add_linker.py training/dev/model-best /tmp/kb-train.json.gz /tmp/model-linked
"""

from __future__ import annotations

import argparse

from bioner.linking.attach import add_linker
from bioner.linking.linker import DEFAULT_THRESHOLD
from bioner.tagging import load_pipeline


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model")
    parser.add_argument("kb")
    parser.add_argument("output")
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    args = parser.parse_args()
    nlp = load_pipeline(args.model)
    add_linker(nlp, args.kb, threshold=args.threshold)
    nlp.to_disk(args.output)
    print(f"{args.output}: {', '.join(nlp.pipe_names)}")


if __name__ == "__main__":
    main()
