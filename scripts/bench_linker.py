#!/usr/bin/env python
"""What linking costs: words/s of a pipeline with and without `bioner_linker`, and its memory.

Pinned to one core, BLAS on one thread, median of --repeats passes over the documents; words are
whitespace-separated words of the text. The linker is disabled (not removed) for the run without
it, so both runs share one loaded pipeline. Memory: peak RSS after loading the pipeline without
the linker's knowledge base and after loading it (ru_maxrss, so an upper bound on the increase).

    python scripts/add_linker.py training/dev/model-best /tmp/kb.json.gz /tmp/model-linked
    python scripts/bench_linker.py --model /tmp/model-linked --input data/raw/bc5cdr/CDR_DevelopmentSet.PubTator.txt
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import time
from pathlib import Path

# BLAS reads these when numpy loads (bioner is imported inside main).
for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[variable] = "1"


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", required=True, help="pipeline with bioner_linker")
    parser.add_argument("--input", required=True, type=Path)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--core", type=int, default=0)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {args.core})

    import spacy

    from bioner.formats import read_documents

    texts = [d.text for d in read_documents(args.input)]
    words = sum(len(t.split()) for t in texts)
    nlp = spacy.load(args.model, exclude=["bioner_linker"])
    list(nlp.pipe(texts[:20]))
    memory_without = peak_mb()
    del nlp
    nlp = spacy.load(args.model)
    list(nlp.pipe(texts[:20]))
    memory_with = peak_mb()

    def seconds(disable: list[str]) -> float:
        started = time.perf_counter()
        with nlp.select_pipes(disable=disable):
            for _ in nlp.pipe(texts, batch_size=args.batch_size):
                pass
        return time.perf_counter() - started

    # Interleaved, so that load from other processes on the machine hits both alike.
    timings: dict[str, list[float]] = {"without": [], "with": []}
    for _ in range(args.repeats):
        timings["without"].append(seconds(["bioner_linker"]))
        timings["with"].append(seconds([]))
    without, with_linker = (words / statistics.median(timings[k]) for k in ("without", "with"))
    result = {
        "words": words,
        "documents": len(texts),
        "words_per_second_without_linker": round(without),
        "words_per_second_with_linker": round(with_linker),
        "ratio": round(with_linker / without, 3),
        "peak_rss_mb_without_kb": round(memory_without),
        "peak_rss_mb_with_kb": round(memory_with),
    }
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
