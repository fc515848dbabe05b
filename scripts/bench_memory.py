"""Peak memory (RSS) of `bioner convert` and of BioC XML/JSON output on many documents.

The input is BC5CDR's training set repeated with new ids until it holds --documents documents
(30,000 by default, as in issue 13). Each run is its own process; its peak RSS is the kernel's
count for that child (`os.wait4`). BioC output is written by `ner-predict` with a tiny
rule-based pipeline, so that what is measured is reading and writing, not the tagger.

    python scripts/bench_memory.py --bc5cdr ../shared/data/bc5cdr/CDR_TrainingSet.PubTator.txt
    python scripts/bench_memory.py ... --src /path/to/other/checkout/src   # another version's code

Prints a Markdown table; --json writes the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def make_input(bc5cdr: Path, documents: int, path: Path) -> None:
    """BC5CDR blocks, each copy with its id suffixed `-k`, until `documents` are written."""
    blocks = [b for b in bc5cdr.read_text(encoding="utf-8").split("\n\n") if b.strip()]
    written = 0
    with path.open("w", encoding="utf-8") as out:
        copy = 0
        while written < documents:
            for block in blocks:
                if written == documents:
                    break
                lines = []
                for line in block.splitlines():
                    head, sep, rest = line.partition("|") if "|" in line.split("\t")[0] else line.partition("\t")
                    lines.append(f"{head}-{copy}{sep}{rest}")
                out.write("\n".join(lines) + "\n\n")
                written += 1
            copy += 1


def make_model(path: Path) -> None:
    import spacy

    nlp = spacy.blank("en", config={"nlp": {"tokenizer": {"@tokenizers": "bioner.BiomedicalTokenizer.v1"}}})
    nlp.add_pipe("entity_ruler").add_patterns([{"label": "Chemical", "pattern": "lithium"}])
    nlp.to_disk(path)


def peak_rss(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(peak RSS in MB, seconds) of one child process."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    stderr = process.stderr.read().decode() if process.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{stderr}")
    return usage.ru_maxrss / 1024, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bc5cdr", type=Path, required=True, help="A BC5CDR PubTator file to repeat.")
    parser.add_argument("--documents", type=int, default=30_000)
    parser.add_argument("--src", type=Path, help="Put this src/ first on PYTHONPATH (measure another checkout).")
    parser.add_argument("--runs", default="convert,bioc,bioc-json", help="Comma-separated: convert, bioc, bioc-json.")
    parser.add_argument("--json", type=Path, help="Write the figures here.")
    args = parser.parse_args()

    env = {**os.environ}
    if args.src:
        env["PYTHONPATH"] = str(args.src.resolve()) + os.pathsep + env.get("PYTHONPATH", "")
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-memory-") as folder:
        work = Path(folder)
        corpus = work / "corpus.pubtator"
        make_input(args.bc5cdr, args.documents, corpus)
        make_model(work / "model")
        runs = {
            "convert": [sys.executable, "-m", "bioner.cli", "convert", str(corpus), "-o", str(work / "out.spacy")],
            "bioc": [
                sys.executable,
                "-m",
                "bioner.cli.predict",
                str(corpus),
                "-m",
                str(work / "model"),
                "-q",
                "--output-format",
                "bioc",
                "-o",
                str(work / "out.xml"),
            ],
            "bioc-json": [
                sys.executable,
                "-m",
                "bioner.cli.predict",
                str(corpus),
                "-m",
                str(work / "model"),
                "-q",
                "--output-format",
                "bioc-json",
                "-o",
                str(work / "out.json"),
            ],
        }
        for name in args.runs.split(","):
            megabytes, seconds = peak_rss(runs[name], env)
            results.append(
                {
                    "run": name,
                    "documents": args.documents,
                    "peak_rss_mb": round(megabytes),
                    "seconds": round(seconds, 1),
                }
            )
            print(f"{name}: {megabytes:,.0f} MB peak RSS, {seconds:.0f} s", file=sys.stderr, flush=True)
    print("| run | documents | peak RSS | time |\n| --- | --- | --- | --- |")
    for result in results:
        print(f"| {result['run']} | {result['documents']:,} | {result['peak_rss_mb']:,} MB | {result['seconds']} s |")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
