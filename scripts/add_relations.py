"""Copy a trained pipeline with a bioner_relations component from a relation model file.

For models trained before the relation component, or to try another relation model without
retraining the tagger: the copy carries the model (after the linker, or last).

bioner relations data/raw/bc5cdr/CDR_TrainingSet.PubTator.txt --mesh ../shared/data/mesh --ctd ../shared/data/ctd \
    -o /tmp/relations-train.json
python scripts/add_relations.py training/model-best /tmp/relations-train.json /tmp/model-relations
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import cast

from bioner.names import LINKER, RELATIONS
from bioner.pipeline.relations import RelationExtractor, RelationModel
from bioner.tagging import load_pipeline


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model")
    parser.add_argument("relations", help="relation model file made by `bioner relations`")
    parser.add_argument("output")
    parser.add_argument("--threshold", type=float, default=None, help="override the learned threshold")
    args = parser.parse_args()
    nlp = load_pipeline(args.model)
    if RELATIONS in nlp.pipe_names:
        nlp.remove_pipe(RELATIONS)
    where = {"after": LINKER} if LINKER in nlp.pipe_names else {"last": True}
    component = cast(RelationExtractor, nlp.add_pipe(RELATIONS, config={"threshold": args.threshold}, **where))
    component.set_model(RelationModel.load(args.relations))
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(args.output)
    print(f"{args.output}: {', '.join(nlp.pipe_names)}")


if __name__ == "__main__":
    main()
