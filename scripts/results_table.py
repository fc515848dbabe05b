#!/usr/bin/env python
"""A Markdown results table from training folders, so README figures are copied, not typed.

Each folder holds what `make train` / `make bench` leave there: `evaluation.json` (from
`bioner evaluate`), `training-summary.json` (from `bioner train --final`), optionally
`dev/training-summary.json` and `benchmark.json`.

    python scripts/results_table.py training [other-run ...]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def size_mb(folder: Path) -> str:
    model = folder / "model-best"
    if not model.exists():
        return ""
    return f"{sum(f.stat().st_size for f in model.rglob('*') if f.is_file()) / 1e6:.0f} MB"


def row(folder: Path) -> str:
    evaluation = load(folder / "evaluation.json")
    if not evaluation:
        raise SystemExit(f"{folder}: no evaluation.json (run bioner evaluate --json first)")
    strict = evaluation["strict"]
    final = load(folder / "training-summary.json")
    dev = load(folder / "dev" / "training-summary.json")
    bench = load(folder / "benchmark.json")

    def prf(label: str) -> str:
        s = strict[label]
        return f"{100 * s['precision']:.1f} / {100 * s['recall']:.1f} / **{100 * s['f1']:.2f}**"

    seconds = sum(summary.get("seconds", 0) for summary in (final, dev))
    speed = f"{bench['words_per_second']:,}" if bench else ""
    return (
        " | ".join(
            [
                f"| `{final.get('config', folder.name)}` ({folder.name})",
                prf("Chemical"),
                prf("Disease"),
                prf("micro"),
                f"{seconds / 60:.0f} min" if seconds else "",
                speed,
                size_mb(folder),
            ]
        )
        + " |"
    )


def main(folders: list[str]) -> int:
    print(
        "| config (run) | Chemical P / R / F1 | Disease P / R / F1 | micro P / R / F1 | training | words/s (1 core) | size |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for folder in folders:
        print(row(Path(folder)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
