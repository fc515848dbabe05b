#!/usr/bin/env python
"""Tagging speed of a pipeline on one CPU core, and its peak memory.

Words are whitespace-separated words of the input text (independent of any tokenizer); tokens
are the pipeline's own. The process is pinned to one core and BLAS to one thread before numpy
loads. Reports the median of --repeats passes over the documents.

    python scripts/benchmark.py --model training/model-best --input data/raw/bc5cdr/CDR_TestSet.PubTator.txt

With a `bioner_relations` component it also times the pipeline without it (`words_per_second_without`,
`speed_ratio`: with / without).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path

# BLAS reads these when numpy loads (bioner is imported inside main).
for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[variable] = "1"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", required=True, help="pipeline directory or installed package name")
    parser.add_argument("--input", required=True, type=Path, help="documents to tag (any format bioner reads)")
    parser.add_argument("--repeats", type=int, default=3, help="passes over the input; the median is reported")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--core", type=int, default=0, help="CPU core to pin the process to")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()

    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {args.core})

    from bioner.errors import BionerError
    from bioner.formats import read_documents
    from bioner.tagging import ensure_max_length, load_pipeline

    try:
        nlp = load_pipeline(args.model)
        texts = [document.text for document in read_documents(args.input)]
    except BionerError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    for text in texts:
        ensure_max_length(nlp, len(text))
    words = sum(len(text.split()) for text in texts)
    list(nlp.pipe(texts[:20], batch_size=args.batch_size))  # warm up
    # With a relation component, passes without it alternate with the full ones, so that the
    # machine's drift over the run falls on both alike.
    optional = [name for name in ("bioner_relations",) if name in nlp.pipe_names]
    timings, without, tokens = [], [], 0
    for _ in range(args.repeats):
        started = time.perf_counter()
        tokens = sum(len(doc) for doc in nlp.pipe(texts, batch_size=args.batch_size))
        timings.append(time.perf_counter() - started)
        if optional:
            with nlp.select_pipes(disable=optional):
                started = time.perf_counter()
                for _doc in nlp.pipe(texts, batch_size=args.batch_size):
                    pass
                without.append(time.perf_counter() - started)
    seconds = statistics.median(timings)
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    figures = {
        "model": str(args.model),
        "input": str(args.input),
        "documents": len(texts),
        "words": words,
        "tokens": tokens,
        "seconds": round(seconds, 3),
        "words_per_second": round(words / seconds),
        "tokens_per_second": round(tokens / seconds),
        "peak_memory_mb": round(peak_kb / 1024, 1),
        "cores": 1,
        "pipeline": nlp.pipe_names,
    }
    if optional:
        alone = statistics.median(without)
        figures["without"] = optional
        figures["words_per_second_without"] = round(words / alone)
        figures["speed_ratio"] = round(alone / seconds, 3)
    print(json.dumps(figures, indent=2))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
