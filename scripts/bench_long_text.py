#!/usr/bin/env python
"""Peak memory and speed of `ner-predict` on one long text, against the same text as short documents.

Builds a text of about --size bytes from the NLM-Chem passages (the 50 full-text articles joined
back in passage order, paragraphs separated by blank lines, articles one after another, repeated
if needed), writes it as one .txt file and as JSONL with one paragraph a line, and runs
`bioner.predict.predict` on each in a fresh process (so each peak is its own), pinned to one core:

- `long`: the .txt file, one document, tagged as `ner-predict` does (content regions, pieces of at
  most --max-chars characters);
- `long-all`: the same with `--keep-boilerplate` (every paragraph tagged);
- `short`: the same paragraphs as separate JSONL documents; `long-all` must find exactly their
  entities at the same offsets, which the script checks and reports;
- `unchunked` (with --unchunked): the .txt file as one spaCy Doc, as before chunking (needs GBs).

    python scripts/bench_long_text.py --model training/model-best [--size 1100000] [--unchunked]

`--components` instead runs the long text as one Doc through each pipeline component in turn
and prints the peak memory after each: where the memory of one giant Doc goes.

`--score` instead tags the 50 NLM-Chem articles (joined back, paragraphs separated by blank lines)
paragraph by paragraph (as `ner-predict` does) and each as one Doc, and prints strict Chemical
precision, recall and F1 against the passages' gold: what tagging by paragraph costs; on all 50
and on the 10 articles `configs/multi.cfg` holds out (the catalogue's NLM-Chem `HoldOut` rule; the
other 40 are in its training data).
`--exclude bioner_abbreviations` runs without a component.

Words are whitespace-separated; time is reading, tagging and writing (not loading the model);
peak RSS is the process's maximum resident set size, model included.
"""

from __future__ import annotations

import os

for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[variable] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from collections import OrderedDict  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
NLM_CHEM = ROOT.parent / "shared" / "data" / "nlm-chem" / "NLMchem_Test.passages.PubTator"


def build_articles(passages: Path) -> list[list[str]]:
    """The NLM-Chem articles as lists of paragraphs (passage ids are PMID-N, in order)."""
    from bioner.formats.pubtator import iter_pubtator

    articles: OrderedDict[str, list[tuple[int, str]]] = OrderedDict()
    for document in iter_pubtator(passages):
        pmid, _, number = document.id.rpartition("-")
        text = document.text.strip()
        if text:
            articles.setdefault(pmid, []).append((int(number), text))
    return [[text for _, text in sorted(paragraphs)] for paragraphs in articles.values()]


def build_inputs(folder: Path, size: int, passages: Path) -> tuple[Path, Path]:
    """`long.txt` (one text of about `size` bytes) and `short.jsonl` (its paragraphs, one a line)."""
    articles = build_articles(passages)
    paragraphs: list[str] = []
    length = 0
    while length < size:
        for article in articles:
            for paragraph in article:
                paragraphs.append(paragraph)
                length += len(paragraph.encode("utf-8")) + 2
                if length >= size:
                    break
            if length >= size:
                break
    long_path, short_path = folder / "long.txt", folder / "short.jsonl"
    long_path.write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
    with short_path.open("w", encoding="utf-8") as handle:
        for number, paragraph in enumerate(paragraphs, start=1):
            handle.write(json.dumps({"id": f"p{number}", "text": paragraph}, ensure_ascii=False) + "\n")
    return long_path, short_path


CHILD = """
import json, os, resource, sys
os.sched_setaffinity(0, {int(sys.argv[5])})
from bioner.predict import predict
from bioner.tagging import load_pipeline
nlp = load_pipeline(sys.argv[1])
after_load = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
summary = predict(sys.argv[2], sys.argv[3], nlp=nlp, max_chars=int(sys.argv[4]), keep_boilerplate=sys.argv[6] == "1")
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({**summary.to_dict(), "model_loaded_mb": round(after_load / 1024), "peak_rss_mb": round(peak / 1024)}))
"""


COMPONENTS = """
import os, sys, time
os.sched_setaffinity(0, {int(sys.argv[3])})
from pathlib import Path
from bioner.tagging import load_pipeline
def peak_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM"):
            return round(int(line.split()[1]) / 1024)
nlp = load_pipeline(sys.argv[1])
print(f"model loaded: peak {peak_mb():,} MB", flush=True)
text = Path(sys.argv[2]).read_text(encoding="utf-8")
nlp.max_length = len(text) + 1
started = time.perf_counter()
doc = nlp.make_doc(text)
print(f"tokenizer: {len(doc):,} tokens, peak {peak_mb():,} MB, {time.perf_counter() - started:.1f}s", flush=True)
for name, component in nlp.pipeline:
    started = time.perf_counter()
    doc = component(doc)
    print(f"{name}: peak {peak_mb():,} MB, {time.perf_counter() - started:.1f}s", flush=True)
"""


def run(model: str, source: Path, output: Path, max_chars: int, core: int, keep_boilerplate: bool = False) -> dict:
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            CHILD,
            model,
            str(source),
            str(output),
            str(max_chars),
            str(core),
            "1" if keep_boilerplate else "0",
        ],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise SystemExit(f"tagging {source} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def score_articles(model: str, passages: Path, exclude: list[str]) -> None:
    """Strict Chemical P/R/F1 on the NLM-Chem articles, tagged by paragraph and whole."""
    import spacy

    from bioner.document import Document
    from bioner.formats.pubtator import iter_pubtator
    from bioner.tagging import tag_documents

    nlp = spacy.load(model, exclude=exclude)
    articles: OrderedDict[str, list] = OrderedDict()
    for passage in iter_pubtator(passages):
        pmid, _, number = passage.id.rpartition("-")
        articles.setdefault(pmid, []).append((int(number), passage))
    documents, gold = [], set()
    for pmid, parts in articles.items():
        text = ""
        for _, passage in sorted(parts, key=lambda pair: pair[0]):
            text += "\n\n" if text else ""
            offset = len(text)
            text += passage.text
            gold |= {(pmid, offset + m.start, offset + m.end) for m in passage.mentions if m.label == "Chemical"}
        documents.append(Document.from_text(pmid, text))
    print(f"{len(documents)} articles, {len(gold):,} gold Chemical mentions; pipeline {nlp.pipe_names}", flush=True)
    from bioner.corpora.catalogue import CORPORA

    rule = CORPORA["nlm-chem"].holdout
    assert rule is not None
    _, heldout = rule.split(passage.id for parts in articles.values() for _, passage in parts)
    for name, limit in (("by paragraph", 10_000), ("whole", 10**9)):
        predicted = {
            (d.id, m.start, m.end)
            for d in tag_documents(nlp, documents, max_chars=limit)
            for m in d.mentions
            if m.label == "Chemical"
        }
        for subset, keep in (("all articles", None), ("held-out", heldout)):
            found = {m for m in predicted if keep is None or m[0] in keep}
            expected = {m for m in gold if keep is None or m[0] in keep}
            tp = len(found & expected)
            p, r = tp / max(len(found), 1), tp / max(len(expected), 1)
            f1 = 2 * p * r / (p + r) if p + r else 0.0
            print(
                f"{name:>12}, {subset:<12}: P {100 * p:.2f} R {100 * r:.2f} F1 {100 * f1:.2f} "
                f"({len(found):,} predicted, {len(expected):,} gold)",
                flush=True,
            )


def same_entities(long_output: Path, short_output: Path) -> bool:
    """Whether the long text's entities are the paragraphs' entities, offsets shifted."""
    (long,) = [json.loads(line) for line in long_output.read_text(encoding="utf-8").splitlines()]
    text, expected, position = long["text"], set(), 0
    for line in short_output.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        start = text.index(record["text"], position)
        position = start + len(record["text"])
        expected |= {(start + e["start"], start + e["end"], e["label"]) for e in record["entities"]}
    return expected == {(e["start"], e["end"], e["label"]) for e in long["entities"]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", required=True, help="pipeline directory or installed package name")
    parser.add_argument("--size", type=int, default=1_100_000, help="bytes of text in the long document")
    parser.add_argument("--passages", type=Path, default=NLM_CHEM, help="NLM-Chem passages (PubTator)")
    parser.add_argument("--max-chars", type=int, default=None, help="longest piece tagged as one Doc")
    parser.add_argument("--unchunked", action="store_true", help="also tag the long text as one Doc (GBs)")
    parser.add_argument("--components", action="store_true", help="peak memory of each component on one Doc")
    parser.add_argument("--score", action="store_true", help="NLM-Chem Chemical F1, by paragraph and whole")
    parser.add_argument("--exclude", default="", help="with --score: components to leave out, comma-separated")
    parser.add_argument("--core", type=int, default=0, help="CPU core to pin to")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()

    from bioner.chunking import DEFAULT_MAX_CHARS

    max_chars = args.max_chars or DEFAULT_MAX_CHARS
    if args.score:
        score_articles(args.model, args.passages, [name for name in args.exclude.split(",") if name])
        return 0
    rows = {}
    with tempfile.TemporaryDirectory() as folder:
        long_path, short_path = build_inputs(Path(folder), args.size, args.passages)
        size = long_path.stat().st_size
        if args.components:
            print(f"{size:,} bytes as one Doc:", flush=True)
            subprocess.run([sys.executable, "-c", COMPONENTS, args.model, str(long_path), str(args.core)], check=True)
            return 0
        runs = [
            ("long", long_path, max_chars, False),
            ("long-all", long_path, max_chars, True),
            ("short", short_path, max_chars, False),
        ]
        if args.unchunked:
            runs.append(("unchunked", long_path, 10**9, False))
        for name, source, limit, keep in runs:
            rows[name] = run(args.model, source, Path(folder) / f"{name}.jsonl", limit, args.core, keep)
            row = rows[name]
            print(
                f"{name:>9}: {row['documents']:,} documents, {row['words']:,} words, "
                f"{row['words_per_second']:,.0f} words/s, peak RSS {row['peak_rss_mb']:,} MB "
                f"(model loaded: {row['model_loaded_mb']:,} MB), entities {sum(row['entities'].values()):,}",
                flush=True,
            )
        same = same_entities(Path(folder) / "long-all.jsonl", Path(folder) / "short.jsonl")
        print(f"long-all and short: {'the same' if same else 'DIFFERENT'} entities at the same offsets")
    report = {"model": args.model, "bytes": size, "max_chars": max_chars, "runs": rows, "long_all_equals_short": same}
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
