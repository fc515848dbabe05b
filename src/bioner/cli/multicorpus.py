"""`bioner multi-corpus`: one training DocBin from corpora that annotate different types."""

from __future__ import annotations

from pathlib import Path

import typer

from ..corpora.catalogue import CORPORA, HOME_CORPUS
from . import app

_TRAINING_PARTS = ", ".join(part.name for corpus in CORPORA.values() for part in corpus.training)
_HOME_TRAINING = CORPORA[HOME_CORPUS].training[0].name


@app.command("multi-corpus")
def multi_corpus_command(
    raw: Path = typer.Option(
        Path("data/raw"),
        "--raw",
        help=f"Folder `bioner data` filled: {', '.join(name + '/' for name in CORPORA)}.",
    ),
    output: Path = typer.Option(
        Path("data/corpus/multi/train.spacy"), "--output", "-o", help="Training DocBin to write."
    ),
    report: Path = typer.Option(
        Path("data/corpus/multi/train.report.json"),
        "--report",
        help="Counts per corpus and label: every mention's outcome and the spans masked.",
    ),
    seed: int = typer.Option(0, "--seed", help="Seed of the document shuffle."),
    only: str | None = typer.Option(
        None,
        "--parts",
        help=f"Comma-separated training parts to use (default: all): {_TRAINING_PARTS}.",
        show_default=False,
    ),
    repeat: list[str] = typer.Option(
        [],
        "--repeat",
        help=f"PART=K: put each document of a part K times in the training set, to weigh it among larger corpora (e.g. --repeat {_HOME_TRAINING}=2).",
        show_default=False,
    ),
    teacher: str | None = typer.Option(
        None,
        "--teacher",
        help="A pipeline trained on BC5CDR alone: what it tags of a type a corpus does not annotate is masked too, so names no lexicon knows are not taught as 'no entity'.",
        show_default=False,
    ),
) -> None:
    """Merge the training parts of every corpus into one DocBin for the multi-corpus configs.

    The training parts of every corpus of the catalogue (`bioner corpora` lists them with the labels each annotates); labels other than Chemical and Disease (Gene, Variant, Species) are learned and dropped at output. Where a corpus does not annotate a type, the names of that type known from the other corpora are set missing (no gradient), not 'no entity'. Corpora that are not in --raw are left out with a note; the home corpus's training part (BC5CDR's) is required.

    The held-out parts (`bioner corpora` lists them) are for `bioner evaluate --cross-corpus`.
    """
    from ..atomic import check_distinct, check_output

    check_output(output, "--output")
    check_output(report, "--report")
    check_distinct([], [("--output", output), ("--report", report)])

    from ..multicorpus import convert_parts, default_parts, present_training_parts, select_parts, write_reports
    from ..tagging import load_pipeline

    parts = select_parts(default_parts(raw)["train"], only=only.split(",") if only else None, repeat=repeat)
    present = present_training_parts(parts)
    for part in parts:
        if part not in present:
            typer.secho(
                f"note: {part.name} left out: {part.path} is not there (bioner data --corpus all)",
                fg=typer.colors.YELLOW,
                err=True,
            )
    reports = convert_parts(present, output, seed=seed, teacher=load_pipeline(teacher) if teacher else None)
    header = f"{'part':<20}{'docs':>6}  {'label':<20}{'mentions':>9}{'aligned':>9}{'expanded':>9}{'dropped':>9}{'filtered':>9}   masked"
    typer.echo(header, err=True)
    for part_report in reports:
        masked = ", ".join(f"{label} {count}" for label, count in sorted(part_report.masked.items())) or "-"
        for i, (label, counts) in enumerate(sorted(part_report.conversion.labels.items())):
            name, docs = (part_report.part, str(part_report.documents)) if i == 0 else ("", "")
            typer.echo(
                f"{name:<20}{docs:>6}  {label:<20}{counts.mentions:>9}{counts.aligned:>9}{counts.expanded:>9}"
                f"{counts.dropped:>9}{counts.filtered:>9}   {masked if i == 0 else ''}",
                err=True,
            )
        if part_report.residues is not None and part_report.residues.residues:
            rewrites = part_report.residues
            typer.echo(
                f"{'':<28}{rewrites.residues} Chemical residues of variant names read as tmVar does: "
                f"{rewrites.variants} Variant, {rewrites.positions} positions unknown",
                err=True,
            )
    write_reports(reports, report)
    typer.echo(f"wrote {output} and {report}", err=True)
