"""`bioner vectors`: static floret vectors trained on unlabelled biomedical text."""

from __future__ import annotations

from pathlib import Path

import typer

from ..atomic import check_output
from ..vectors import FloretSettings, build_vectors
from . import app


@app.command("vectors")
def vectors_command(
    inputs: list[Path] = typer.Argument(
        ...,
        help='Text to learn from: JSONL with a "text" a line, or annotated files (PubTator, BioC...) whose text is used.',
        show_default=False,
    ),
    output: Path = typer.Option(
        Path("training/vectors"), "--output", "-o", help="Folder of the vectors, for [initialize] vectors in a config."
    ),
    dim: int = typer.Option(FloretSettings.dim, "--dim", help="Vector width."),
    epochs: int = typer.Option(FloretSettings.epoch, "--epochs", help="Passes over the text."),
    bucket: int = typer.Option(FloretSettings.bucket, "--bucket", help="Rows of the hashed subword table."),
    min_count: int = typer.Option(FloretSettings.min_count, "--min-count", help="Ignore words seen fewer times."),
    threads: int = typer.Option(
        2, "--threads", help="Processes that tokenise the text, then floret's training threads."
    ),
    text_share: float = typer.Option(
        1.0,
        "--text-share",
        min=0.0,
        max=1.0,
        help="Share of the JSONL texts to learn from (the same texts on every run); annotated corpora are always read whole. Lower is faster: floret's time grows with the words.",
    ),
) -> None:
    """Train floret subword vectors (skipgram, 3-6 character n-grams) on raw text.

    Use PubMed abstracts of your own, as JSONL, to go beyond the training corpus. Never give the
    test split: its text must stay unseen.
    """
    check_output(output, "--output", folder=True)

    settings = FloretSettings(dim=dim, epoch=epochs, bucket=bucket, min_count=min_count)
    info = build_vectors(inputs, output, settings=settings, threads=threads, text_share=text_share)
    typer.echo(f"vectors from {info['tokens']:,} tokens: {output}", err=True)
