"""`bioner tag-pubmed`: tag MEDLINE/PubMed XML files on Dask, one shard per file, resumable."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from ..formats import SHARD_FORMATS
from ..formats.registry import describe
from ..signals import Interrupted
from . import app, format_choice

HELP = """Tag MEDLINE/PubMed XML files (the NLM baseline and update files) on a
Dask cluster.

\b
Examples:
  bioner tag-pubmed data/raw/pubmed -o tagged/         # every core here
  bioner tag-pubmed p26n0001.xml.gz p26n0002.xml.gz -o tagged/ -w 2
  bioner tag-pubmed baseline/ -o tagged/ --output-format jsonl
  bioner tag-pubmed /shared/baseline -o /shared/tagged --scheduler tcp://head:8786

\b
INPUT: files or folders of .xml / .xml.gz files (gzip or plain
MEDLINE/PubMed XML, as NLM publishes them). Each citation is one
document: id = PMID, text = title + " " + abstract (structured
abstracts' sections joined in order; a citation without an abstract is
tagged on its title). DeleteCitation PMIDs of update files are listed in
the manifest.

\b
Output: one shard per input file in --output (pubmed26n0001.xml.gz ->
pubmed26n0001.pubtator, or .jsonl), written under a temporary name and
renamed when complete, so a file under its final name is always whole.
DIR/manifest.jsonl gets a line per file (input, output, documents,
mentions, relations, seconds, model, version, deleted, error). A model
with the bioner_relations component also writes CID relations
(--no-relations skips them; a shard tagged the other way is redone). Running the same
command again skips the complete shards: an interrupted or partly failed
run resumes where it stopped.

\b
Engine: by default a local Dask cluster with one worker process per core
(--workers N to choose). --scheduler tcp://HOST:8786 runs on a cluster
started with `dask scheduler` and `dask worker tcp://HOST:8786
--nthreads 1` on each machine; the inputs, --output and the model must
then be reachable under the same paths on every machine (or the model
installed as a package). Each worker loads the model once.

\b
A malformed or truncated file fails alone: it is reported (and recorded
in the manifest), the others complete, and the exit status is 1; after
fixing it, run again and only that shard is tagged."""


@app.command("tag-pubmed", help=HELP, no_args_is_help=True)
def tag_pubmed_command(
    inputs: list[Path] = typer.Argument(
        ..., metavar="INPUT...", help="MEDLINE/PubMed XML files (.xml, .xml.gz) or folders of them.", show_default=False
    ),
    output: Path = typer.Option(
        ..., "--output", "-o", help="Folder for the shards and manifest.jsonl (created if missing).", show_default=False
    ),
    model: str | None = typer.Option(
        None,
        "--model",
        "-m",
        help="Pipeline folder or installed model package (default: training/model-best, else en_bioner_bc5cdr).",
        show_default=False,
    ),
    workers: int | None = typer.Option(
        None,
        "--workers",
        "-w",
        help="Worker processes of the local cluster (default: one per core).",
        show_default=False,
    ),
    scheduler: str | None = typer.Option(
        None,
        "--scheduler",
        help="Address of a running Dask scheduler (tcp://HOST:8786) instead of a local cluster.",
        show_default=False,
    ),
    output_format: str = typer.Option("pubtator", "--output-format", "-f", help=f"{describe(SHARD_FORMATS)}."),
    batch_size: int = typer.Option(64, "--batch-size", help="Documents per nlp.pipe batch."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar or summary; errors only."),
    relations: bool | None = typer.Option(
        None,
        "--relations/--no-relations",
        help="Predict CID relations with the model's bioner_relations component and write them in the shards (default: when the model has one).",
        show_default=False,
    ),
) -> None:
    from ..pubmed_tagging import tag_pubmed

    fmt = format_choice(output_format, SHARD_FORMATS, "--output-format") or "pubtator"

    def announce(message: str) -> None:
        if not quiet:
            typer.echo(message, err=True)

    try:
        summary = tag_pubmed(
            inputs,
            output,
            model=model,
            workers=workers,
            scheduler=scheduler,
            output_format=fmt,
            batch_size=batch_size,
            progress=not quiet and sys.stderr.isatty(),
            on_start=announce,
            relations=relations,
        )
    except (KeyboardInterrupt, Interrupted) as stop:
        typer.secho(
            f"interrupted: the complete shards are in {output}; run the same command again to resume",
            fg=typer.colors.YELLOW,
            err=True,
        )
        if isinstance(stop, Interrupted):
            raise  # run_app ends the process with 128 + signal
        raise typer.Exit(130) from None
    if not quiet:
        typer.echo(summary.format(), err=True)
    elif summary.failed:
        for failure in summary.failed:
            typer.secho(f"failed: {failure.input}: {failure.error}", fg=typer.colors.RED, err=True)
    if summary.failed:
        typer.secho(
            f"error: {len(summary.failed)} of {summary.shards} files failed (see above and "
            f"{output / 'manifest.jsonl'}); fix them and run again to tag only those",
            fg=typer.colors.RED,
            err=True,
        )
        raise typer.Exit(1)
