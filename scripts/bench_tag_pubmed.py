"""Benchmark of `bioner tag-pubmed`: abstracts/s and words/s on 1 and 2 Dask workers, scaling
efficiency, the per-worker rate against single-process `ner-predict`, and peak memory per worker
for a 5,000- and a 20,000-citation file.

The input is a PubMed-format XML file generated from corpus text (BC5CDR abstracts and pseudo-
abstracts of 9 unlabelled sentences each from the pretraining text, shuffled, repeated to the size
asked, with fresh PMIDs; one citation in ten has no abstract, one in five a structured one), so it
needs no download. The same citations are also written as four files of a quarter each, the unit of
parallel work (one shard per file).

Runs, each with the model loaded beforehand (model loading is not timed):
  ner-predict   single process, what `ner-predict` runs (`bioner.predict.predict`) on the 5k file
  1 worker/5k   a local Dask cluster of one worker on the 5k file (memory at 5k)
  1 worker/20k  one worker on the 20k file (rate of one worker; memory at 20k)
  2 workers     two workers on the four 5k files (the same 20k citations)
CPU seconds of the worker processes are measured too: on a shared machine, words per CPU-second
is the figure that does not depend on what else runs; the load average is recorded beside it.

    python scripts/bench_tag_pubmed.py --model ../main/training/model-best --json bench.json
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import os
import random
import re
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import escape

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "data"
LABELS = ["BACKGROUND", "METHODS", "RESULTS", "CONCLUSIONS"]


def corpus_abstracts(shared: Path) -> list[tuple[str, str]]:
    """(title, abstract) pairs: BC5CDR's 1,500 abstracts and pseudo-abstracts of pretraining sentences."""
    from bioner.formats.pubtator import read_pubtator

    pairs = []
    for path in sorted((shared / "bc5cdr").glob("CDR_*.PubTator.txt")):
        pairs.extend((d.title, d.abstract) for d in read_pubtator(path))
    sentences = []
    for path in sorted((shared / "pretrain").glob("*.jsonl")):
        with path.open(encoding="utf-8") as handle:
            sentences.extend(json.loads(line)["text"] for line in handle if line.strip())
    for start in range(0, len(sentences) - 9, 9):
        pairs.append((sentences[start], " ".join(sentences[start + 1 : start + 9])))
    return pairs


def citation_xml(pmid: int, title: str, abstract: str, rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.1:
        body = ""  # title only, as many PubMed citations are
    elif kind < 0.3:
        pieces = re.split(r"(?<=\.) ", abstract)
        size = max(1, len(pieces) // 4)
        sections = [" ".join(pieces[i : i + size]) for i in range(0, len(pieces), size)][:4]
        body = (
            "<Abstract>"
            + "".join(
                f'<AbstractText Label="{label}" NlmCategory="{label}">{escape(text)}</AbstractText>'
                for label, text in zip(LABELS, sections, strict=False)
            )
            + "</Abstract>"
        )
    else:
        body = f"<Abstract><AbstractText>{escape(abstract)}</AbstractText></Abstract>"
    return (
        f'<PubmedArticle><MedlineCitation Status="MEDLINE" Owner="NLM"><PMID Version="1">{pmid}</PMID>'
        f'<Article PubModel="Print"><Journal><Title>Bench</Title></Journal><ArticleTitle>{escape(title)}'
        f"</ArticleTitle>{body}<Language>eng</Language></Article></MedlineCitation>"
        f'<PubmedData><ArticleIdList><ArticleId IdType="pubmed">{pmid}</ArticleId></ArticleIdList></PubmedData>'
        "</PubmedArticle>\n"
    )


def write_pubmed(path: Path, citations: list[str]) -> Path:
    with gzip.open(path, "wt", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" ?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January '
            '2025//EN" "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n<PubmedArticleSet>\n'
        )
        out.writelines(citations)
        out.write("</PubmedArticleSet>\n")
    return path


def make_inputs(work: Path, citations: int, seed: int) -> dict[str, object]:
    rng = random.Random(seed)
    pool = corpus_abstracts(SHARED)
    chosen = []
    while len(chosen) < citations:
        batch = pool[:]
        rng.shuffle(batch)
        chosen.extend(batch[: citations - len(chosen)])
    xml = [citation_xml(40_000_001 + n, title, abstract, rng) for n, (title, abstract) in enumerate(chosen)]
    quarter = citations // 4
    (work / "split").mkdir(parents=True, exist_ok=True)
    split = [
        write_pubmed(work / "split" / f"pubmedbench{n + 1:04d}.xml.gz", xml[n * quarter : (n + 1) * quarter])
        for n in range(4)
    ]
    whole = write_pubmed(work / f"pubmedbench-{citations // 1000}k.xml.gz", xml)
    return {"whole": whole, "split": split, "small": split[0], "pool": len(pool)}


def count_words(path: Path) -> tuple[int, int]:
    from bioner.formats.pubmed import iter_pubmed

    documents = words = 0
    for document in iter_pubmed(path):
        documents += 1
        words += len(document.text.split())
    return documents, words


def run_ner_predict(model: str, source: Path, work: Path) -> dict[str, object]:
    """What `ner-predict FILE -o OUT.pubtator` runs (`bioner.predict.predict`), in this process, the
    model loaded before the clock starts; wall and CPU time of this process."""
    from bioner.predict import predict
    from bioner.tagging import load_pipeline

    nlp = load_pipeline(Path(model) if Path(model).exists() else model)
    load = os.getloadavg()[0]
    cpu_before = _cpu_seconds()
    started = time.perf_counter()
    summary = predict(source, work / "ner-predict.pubtator", nlp=nlp, output_format="pubtator")
    wall = time.perf_counter() - started
    cpu = _cpu_seconds() - cpu_before
    return {
        "documents": summary.documents,
        "words": summary.words,
        "wall_seconds": round(wall, 1),
        "abstracts_per_s": round(summary.documents / wall, 1),
        "words_per_s": round(summary.words / wall),
        "cpu_seconds": round(cpu, 1),
        "words_per_cpu_second": round(summary.words / cpu),
        "peak_memory_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "load_before": round(load, 2),
        "load_after": round(os.getloadavg()[0], 2),
    }


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run_dask(model: str, files: list[Path], workers: int, out: Path) -> dict[str, object]:
    """tag-pubmed on a fresh local cluster whose workers loaded the model before the clock starts."""
    import dask
    from distributed import Client, LocalCluster

    from bioner.pubmed_tagging import LOCAL_WORKER_CONFIG, MANIFEST, tag_pubmed, warm_up

    if out.exists():
        shutil.rmtree(out)
    with dask.config.set(LOCAL_WORKER_CONFIG):  # the workers `bioner tag-pubmed` starts
        cluster = LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=logging.ERROR
        )
    with cluster, Client(cluster) as client:
        client.run(warm_up, model)
        cpu_before = client.run(_cpu_seconds)
        load = os.getloadavg()[0]
        started = time.perf_counter()
        summary = tag_pubmed(files, out, model=model, client=client)
        wall = time.perf_counter() - started
        cpu_after = client.run(_cpu_seconds)
        environ = client.run(lambda: {k: os.environ.get(k) for k in ("MALLOC_TRIM_THRESHOLD_", "OMP_NUM_THREADS")})
        plugin_loads = client.run(
            lambda dask_worker: {n: p.loads for n, p in dask_worker.plugins.items() if hasattr(p, "loads")}
        )
    assert not summary.failed, summary.format()
    records = [json.loads(line) for line in (out / MANIFEST).read_text().splitlines()]
    cpu = sum(cpu_after[w] - cpu_before[w] for w in cpu_after)
    return {
        "workers": workers,
        "files": len(files),
        "documents": summary.documents,
        "words": summary.words,
        "mentions": summary.mentions,
        "wall_seconds": round(wall, 1),
        "abstracts_per_s": round(summary.documents / wall, 1),
        "words_per_s": round(summary.words / wall),
        "cpu_seconds": round(cpu, 1),
        "words_per_cpu_second": round(summary.words / cpu) if cpu else None,
        "task_cpu_seconds": round(sum(r["cpu_seconds"] for r in records), 1),
        "words_per_task_cpu_second": round(summary.words / sum(r["cpu_seconds"] for r in records)),
        "worker_environ": environ,
        "peak_memory_mb_per_worker": {r["worker"]: r["peak_memory_mb"] for r in records},
        "model_loads_per_worker": plugin_loads,
        "load_before": round(load, 2),
        "load_after": round(os.getloadavg()[0], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", required=True, help="Pipeline folder or installed package.")
    parser.add_argument("--citations", type=int, default=20_000, help="Citations in the big file (default 20,000).")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--work", type=Path, default=None, help="Working folder (default: a temporary one, removed).")
    parser.add_argument("--json", type=Path, default=None, help="Write the figures here as JSON.")
    parser.add_argument(
        "--only",
        default="",
        help="Comma-separated steps to run (ner_predict_5k, dask_1_worker_5k, "
        "dask_1_worker_20k, dask_2_workers_20k); default: all, and the ratios between them.",
    )
    args = parser.parse_args()
    model = str(Path(args.model).resolve()) if Path(args.model).exists() else args.model
    work = args.work or Path(tempfile.mkdtemp(prefix="bench-tag-pubmed-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        inputs = make_inputs(work, args.citations, args.seed)
        small, whole, split = inputs["small"], inputs["whole"], inputs["split"]
        documents, words = count_words(whole)
        print(
            f"input: {documents:,} citations, {words:,} words ({words / documents:.0f} a citation), "
            f"from {inputs['pool']:,} distinct texts; 4 files of {documents // 4:,}",
            file=sys.stderr,
        )
        results: dict[str, object] = {
            "model": model,
            "citations": documents,
            "words": words,
            "cores": os.cpu_count(),
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        }
        steps = [
            ("ner_predict_5k", lambda: run_ner_predict(model, small, work)),
            ("dask_1_worker_5k", lambda: run_dask(model, [small], 1, work / "out-1w-5k")),
            ("dask_1_worker_20k", lambda: run_dask(model, [whole], 1, work / "out-1w-20k")),
            ("dask_2_workers_20k", lambda: run_dask(model, list(split), 2, work / "out-2w-20k")),
        ]
        only = {name.strip() for name in args.only.split(",") if name.strip()}
        for name, step in steps:
            if only and name not in only:
                continue
            results[name] = step()
            print(f"{name}: {json.dumps(results[name])}", file=sys.stderr, flush=True)
        if only:
            print(json.dumps(results, indent=2))
            if args.json:
                args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
            return
        one, two, single = results["dask_1_worker_20k"], results["dask_2_workers_20k"], results["ner_predict_5k"]
        results["scaling_efficiency_1_to_2"] = round(two["words_per_s"] / (2 * one["words_per_s"]), 3)
        # the same 5k file both ways
        results["per_worker_vs_ner_predict"] = round(
            results["dask_1_worker_5k"]["words_per_s"] / single["words_per_s"], 3
        )
        results["per_worker_vs_ner_predict_cpu"] = round(
            results["dask_1_worker_5k"]["words_per_cpu_second"] / single["words_per_cpu_second"], 3
        )
        results["cpu_scaling_efficiency_1_to_2"] = round(two["words_per_cpu_second"] / one["words_per_cpu_second"], 3)
        print(json.dumps(results, indent=2))
        if args.json:
            args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
