"""Training: spaCy's trainer, plus the record of which step was best and a `final` mode.

`final` trains on train + development for the number of steps the development run chose (the
practice behind published BC5CDR figures), scaled by how much the data grew so that the final
run makes as many passes over its data: on BC5CDR the unscaled count left the cnn model
undertrained (docs/results.md, what each step bought). With no held-out data left, the model kept
is the last one.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spacy.tokens import DocBin
from spacy.util import load_config
from spacy.vocab import Vocab

import bioner.pipeline  # noqa: F401  (registers the tokenizer and components)

from .errors import BionerError
from .lexicon import check_lexicon_path
from .pretraining import check_init_tok2vec

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


def count_tokens(path: Path) -> int:
    docbin = DocBin(store_user_data=True).from_disk(path)
    return sum(len(doc) for doc in docbin.get_docs(Vocab()))


def merge_docbins(paths: list[Path], destination: Path) -> Path:
    merged = DocBin(store_user_data=True)
    for path in paths:
        if not path.exists():
            raise BionerError(f"{path}: no such corpus file; run `make corpus` first")
        merged.merge(DocBin(store_user_data=True).from_disk(path))
    destination.parent.mkdir(parents=True, exist_ok=True)
    merged.to_disk(destination)
    return destination


def training_corpora(paths: Sequence[Path]) -> list[str]:
    """The corpus parts of training DocBins, from the `bioner multi-corpus` report beside each
    (`train.report.json` next to `train.spacy`, where `make corpus` writes it): what the model card
    lists as training data. A DocBin without such a report (a `bioner convert` output) adds nothing."""
    parts: list[str] = []
    for path in paths:
        if not path.name:  # paths.train or paths.dev unset
            continue
        try:
            report = json.loads(path.with_name(f"{path.stem}.report.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        for part in report.get("parts", []) if isinstance(report, dict) else []:
            name = part.get("part") if isinstance(part, dict) else None
            if isinstance(name, str) and name not in parts:
                parts.append(name)
    return parts


def train(
    config: Path,
    output: Path,
    *,
    overrides: dict[str, Any] | None = None,
    final: bool = False,
    steps: int | None = None,
    dev_run: Path | None = None,
    scale_steps: bool = True,
) -> Path:
    """Train a pipeline from a config; returns the directory of the model to use (`model-best`)."""
    from spacy.cli.train import train as spacy_train

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
    filled = load_config(config, overrides=overrides, interpolate=True)
    check_init_tok2vec(filled)
    check_lexicon_path(filled)
    summary: dict[str, Any] = {"config": str(config), "final": final}
    cfg = load_config(config, overrides=overrides, interpolate=True)
    train_path = Path(cfg["paths"]["train"] or "")
    dev_path = Path(cfg["paths"]["dev"] or "")
    summary["corpora"] = training_corpora([train_path, dev_path] if final else [train_path])
    if final:
        merged = merge_docbins([train_path, dev_path], output / "train+dev.spacy")
        overrides["paths.train"] = str(merged)
        if steps is None:
            best = read_best_step(dev_run or output / "dev")
            if best.step < 1:
                raise BionerError(
                    f"the development run was best at step {best.step}, before any training: check "
                    "its training log, or give --steps"
                )
            # The same number of passes over train + dev as the development run made over
            # train: with twice the data, the same step count leaves the model undertrained.
            scale = count_tokens(merged) / count_tokens(train_path) if scale_steps else 1.0
            steps = max(1, round(best.step * scale))
            summary.update(dev_best_step=best.step, step_scale=round(scale, 3))
        if steps < 1:
            # spaCy reads max_steps = 0 as "no limit": never pass it on.
            raise BionerError(f"--steps must be at least 1, got {steps}")
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
    summary["seconds"] = seconds
    if final:
        summary["steps"] = steps
    else:
        best = read_best_step(output)
        summary.update(best_step=best.step, best_score=best.score)
    (output / SUMMARY_NAME).write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return output / "model-best"
