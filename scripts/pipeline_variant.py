#!/usr/bin/env python
"""A copy of a trained pipeline with its post-processing components set otherwise, to score a
setting without retraining (docs/results.md, "Context decides what a name is").

The folder is copied and its config.cfg edited, so a component with stored data (the linker's
index) keeps it: spaCy builds each component from the edited config, then loads its data.

    python scripts/pipeline_variant.py training/model-best /tmp/strict \\
        --set components.bioner_abbreviations.non_entities='"strict"' \\
        --set components.bioner_linker.known_modifiers=2
    python scripts/pipeline_variant.py training/model-best /tmp/consistency \\
        --add bioner_consistency --after bioner_abbreviations
    bioner evaluate --gold CDR_DevelopmentSet.PubTator.txt --model /tmp/strict --cross-corpus data/raw
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

import spacy
from thinc.api import Config


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model", type=Path)
    parser.add_argument("output", type=Path)
    parser.add_argument("--set", action="append", default=[], metavar="SECTION.KEY=JSON", help="a config value")
    parser.add_argument("--add", help="a component to add (its factory's defaults)")
    parser.add_argument("--after", help="where --add goes")
    args = parser.parse_args()
    if args.output.exists():
        shutil.rmtree(args.output)
    shutil.copytree(args.model, args.output)
    config = Config().from_disk(args.output / "config.cfg", interpolate=False)
    for item in args.set:
        dotted, value = item.split("=", 1)
        *sections, key = dotted.split(".")
        node = config
        for section in sections:
            node = node[section]
        node[key] = json.loads(value)
    if args.add:
        pipeline = list(config["nlp"]["pipeline"])
        pipeline.insert(pipeline.index(args.after) + 1 if args.after else len(pipeline), args.add)
        config["nlp"]["pipeline"] = pipeline
        config["components"][args.add] = {"factory": args.add}
    config.to_disk(args.output / "config.cfg")
    nlp = spacy.load(args.output)
    print(args.output, nlp.pipe_names)


if __name__ == "__main__":
    main()
