"""`bioner pretrain`: spaCy tok2vec pretraining on raw text."""

from __future__ import annotations

from pathlib import Path

import typer

from ..atomic import check_output
from ..pretraining import OBJECTIVES, pretrain
from . import app


@app.command("pretrain", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def pretrain_command(
    ctx: typer.Context,
    config: Path = typer.Argument(
        ..., help="The training config whose tok2vec to pretrain, such as configs/cnn.cfg.", show_default=False
    ),
    texts: Path = typer.Argument(
        ..., help='Raw text: JSONL, one {"text": ...} a line (PubMed abstracts of your own).', show_default=False
    ),
    output: Path = typer.Option(
        Path("training/pretrain"), "--output", "-o", help="Folder for the weights (model*.bin) and train.cfg."
    ),
    epochs: int = typer.Option(3, "--epochs", help="Passes over the text."),
    objective: str = typer.Option(
        "characters",
        "--objective",
        help=f"What the tok2vec learns to predict: {', '.join(OBJECTIVES)} (vectors needs paths.vectors).",
    ),
) -> None:
    """Pretrain a config's tok2vec layer on unlabelled text, as `spacy pretrain` does.

    Writes the weights and OUTPUT/train.cfg: the config with a filled [pretraining] block and
    init_tok2vec pointing at the weights (without both, spaCy silently ignores the weights).
    Train with `bioner train OUTPUT/train.cfg`. Further `--section.key value` options override
    the config. Never pretrain on test text.
    """
    check_output(output, "--output", folder=True)

    from spacy.cli._util import parse_config_overrides

    train_config = pretrain(
        config, texts, output, epochs=epochs, objective=objective, overrides=parse_config_overrides(ctx.args)
    )
    typer.echo(f"train with: bioner train {train_config}", err=True)
