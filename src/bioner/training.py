"""Training: spaCy's trainer, plus the record of which step was best and a `final` mode.

`final` trains on train + development for the number of steps the development run chose (the
practice behind published BC5CDR figures): with no held-out data left, the model kept is the
last one, after exactly that many steps.
"""

from __future__ import annotations

import json
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spacy.tokens import DocBin

from .errors import BionerError

LOG_NAME = "training-log.jsonl"
SUMMARY_NAME = "training-summary.json"


@dataclass
class BestStep:
    step: int
    score: float


def read_best_step(run_dir: Path) -> BestStep:
    """The evaluation step with the highest development score in a run's training log."""
    log = run_dir / LOG_NAME
    if not log.exists():
        raise BionerError(
            f"{log}: no training log; run `bioner train CONFIG --output {run_dir}` (a development run) "
            "first, or give the number of steps with --steps"
        )
    records = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines() if line.strip()]
    if not records:
        raise BionerError(f"{log}: the development run logged no evaluation; did it finish?")
    best = max(records, key=lambda r: (r["score"], -r["step"]))
    return BestStep(best["step"], best["score"])


def merge_docbins(paths: list[Path], destination: Path) -> Path:
    merged = DocBin(store_user_data=True)
    for path in paths:
        if not path.exists():
            raise BionerError(f"{path}: no such corpus file; run `make corpus` first")
        merged.merge(DocBin(store_user_data=True).from_disk(path))
    destination.parent.mkdir(parents=True, exist_ok=True)
    merged.to_disk(destination)
    return destination


def train(
    config: Path,
    output: Path,
    *,
    overrides: dict[str, Any] | None = None,
    final: bool = False,
    steps: int | None = None,
    dev_run: Path | None = None,
) -> Path:
    """Train a pipeline from a config; returns the directory of the model to use (`model-best`)."""
    from spacy.cli.train import train as spacy_train
    from spacy.util import load_config

    import bioner.pipeline  # noqa: F401  (registers the tokenizer and components)

    if not config.exists():
        raise BionerError(f"{config}: no such config file (the configs are in configs/)")
    overrides = dict(overrides or {})
    raw = load_config(config, interpolate=False)
    if "output_file" in raw["training"].get("logger", {}):
        # spaCy's ConsoleLogger.v3 keeps the evaluations in a JSON-lines file, but silently
        # stops saving when the file exists: a rerun into the same folder starts it afresh.
        log = output / LOG_NAME
        log.unlink(missing_ok=True)
        overrides.setdefault("training.logger.output_file", str(log))
    if final:
        if steps is None:
            steps = read_best_step(dev_run or output / "dev").step
        if steps < 1:
            # spaCy reads max_steps = 0 as "no limit": never pass it on.
            raise BionerError(
                f"the development run was best at step {steps}, before any training: check its "
                "training log, or give --steps"
            )
        cfg = load_config(config, overrides=overrides, interpolate=True)
        train_path = Path(cfg["paths"]["train"] or "")
        dev_path = Path(cfg["paths"]["dev"] or "")
        overrides["paths.train"] = str(merge_docbins([train_path, dev_path], output / "train+dev.spacy"))
        overrides["training.max_steps"] = steps
        overrides["training.patience"] = 0
        # The "development" score would be on training data: evaluate once, at the end.
        overrides["training.eval_frequency"] = steps
    output.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    spacy_train(config, output, overrides=overrides)
    seconds = round(time.perf_counter() - started, 1)
    if final:
        # Nothing was held out, so "best on dev" means nothing: the model is the last one.
        best_dir, last_dir = output / "model-best", output / "model-last"
        if best_dir.exists():
            shutil.rmtree(best_dir)
        shutil.copytree(last_dir, best_dir)
    summary: dict[str, Any] = {"config": str(config), "final": final, "seconds": seconds}
    if final:
        summary["steps"] = steps
    else:
        best = read_best_step(output)
        summary.update(best_step=best.step, best_score=best.score)
    (output / SUMMARY_NAME).write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return output / "model-best"

