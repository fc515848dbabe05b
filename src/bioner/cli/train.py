"""`bioner train`: fit a tagger from a config in configs/."""

from __future__ import annotations

from pathlib import Path

import typer

from ..atomic import check_output
from ..training import train
from . import app


@app.command(
    "train",
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
)
def train_command(
    ctx: typer.Context,
    config: Path = typer.Argument(..., help="A spaCy config, such as configs/cnn.cfg.", show_default=False),
    output: Path = typer.Option(
        Path("training"),
        "--output",
        "-o",
        help="Folder for the trained pipeline (model-best, model-last) and the training log.",
    ),
    final: bool = typer.Option(
        False,
        "--final",
        help="Train on train + development for the number of steps the development run chose; keeps the last model.",
    ),
    steps: int | None = typer.Option(
        None, "--steps", help="With --final: train this many steps instead of reading them from the development run."
    ),
    dev_run: Path | None = typer.Option(
        None, "--dev-run", help="With --final: the development run whose best step to use (default: OUTPUT/dev)."
    ),
    scale_steps: bool = typer.Option(
        True,
        "--scale-steps/--same-steps",
        help="With --final: scale the development run's best step by the growth of the data (train+dev tokens / train tokens), so the final run makes as many passes over its data; --same-steps keeps the step count as it is.",
    ),
) -> None:
    """Train a Chemical/Disease tagger with spaCy's trainer.

    A development run trains on paths.train and keeps the model best on paths.dev. `--final`
    then trains on train + dev, with nothing held out, for the development run's best step
    count scaled to the larger data (see --scale-steps), and keeps the last model.

    Any further `--section.key value` options override the config, as with `spacy train`
    (for example `--training.seed 1` or `--paths.train other.spacy`). A development run records
    its evaluations in OUTPUT/training-log.jsonl and a summary (time, best step) in OUTPUT/training-summary.json.
    """
    check_output(output, "--output", folder=True)

    from spacy.cli._util import parse_config_overrides

    overrides = parse_config_overrides(ctx.args)
    model = train(
        config, output, overrides=overrides, final=final, steps=steps, dev_run=dev_run, scale_steps=scale_steps
    )
    typer.echo(f"trained pipeline: {model}", err=True)
