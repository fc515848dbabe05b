"""`bioner convert`: annotated abstracts to spaCy DocBin training sets."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from ..convert import convert_files, format_report_table, parse_label_map
from ..formats import FORMATS
from ..formats.registry import describe
from . import app, format_choice


@app.command("convert")
def convert_command(
    inputs: list[Path] = typer.Argument(
        ..., help="Annotated files (PubTator, BioC XML/JSON, CoNLL/IOB, JSONL).", show_default=False
    ),
    output: Path = typer.Option(..., "--output", "-o", help="DocBin to write (.spacy).", show_default=False),
    format: str | None = typer.Option(
        None,
        "--format",
        "-f",
        help=f"Input format: {describe(FORMATS)}. Detected from extension and content when omitted.",
    ),
    label_map: list[str] = typer.Option(
        [], "--map", help="Rename a label, SOURCE=DST; repeat for several (e.g. --map SpecificDisease=Disease)."
    ),
    labels: str | None = typer.Option(
        None, "--labels", help="Comma-separated labels to keep (after --map); others are counted as 'filtered'."
    ),
    report_path: Path | None = typer.Option(
        None,
        "--report",
        help="Write the conversion report (JSON) here: counts per label and every mention not aligned.",
    ),
    lenient: bool = typer.Option(
        False,
        "--lenient",
        help="Skip a malformed mention (bad offsets or text) with a warning instead of failing; it is counted and listed in the report.",
    ),
    dev_output: Path | None = typer.Option(
        None,
        "--dev-output",
        help="Hold out a seeded share of the documents as a development DocBin written here (for corpora without a development split).",
    ),
    dev_fraction: float = typer.Option(0.1, "--dev-fraction", help="Share of documents held out with --dev-output."),
    seed: int = typer.Option(0, "--seed", help="Seed of the development split."),
) -> None:
    """Convert annotated abstracts into a spaCy DocBin, one Doc per document.

    Documents are tokenised with the project's biomedical tokenizer (the one training configs and
    packaged models use). A mention off token boundaries is snapped to the enclosing tokens
    ('expanded'); one overlapping a mention already placed is 'dropped'. Every mention is
    accounted for: aligned + expanded + dropped + filtered = mentions.

    Nothing is written, and the error says why, for plain text (convert needs annotations), empty
    input, a file given twice, a document id seen twice, or --labels that keep no mention or differ
    from the corpus's labels only in case. Outputs must not be inputs or each other; each is
    written to a temporary file and renamed, so a stopped run leaves the old file whole.
    """
    reports = convert_files(
        [str(p) for p in inputs],
        str(output),
        format=format_choice(format, FORMATS, "--format"),
        label_map=parse_label_map(label_map),
        labels=[label.strip() for label in labels.split(",") if label.strip()] if labels is not None else None,
        lenient=lenient,
        dev_output=str(dev_output) if dev_output else None,
        progress=sys.stderr.isatty(),
        dev_fraction=dev_fraction,
        seed=seed,
        report_path=str(report_path) if report_path else None,
    )
    for report in reports:
        typer.echo(format_report_table(report), err=True)
        for problem in report.problems:
            typer.secho(f"warning: {problem}", fg=typer.colors.YELLOW, err=True)
    written = [str(output)] + ([str(dev_output)] if dev_output else [])
    typer.echo(f"wrote {', '.join(written)}", err=True)
    if report_path:
        typer.echo(f"report: {report_path}", err=True)
