"""`bioner lexicon`: the Chemical/Disease name lexicon that `bioner.LexiconHashEmbed.v1` marks in text."""

from __future__ import annotations

from pathlib import Path

import typer

from . import app


@app.command("lexicon")
def lexicon_command(
    mesh_dir: Path | None = typer.Option(
        None,
        "--mesh",
        envvar="MESH_DIR",
        help="Folder with NLM's MeSH XML (desc20XX.xml[.gz], supp20XX.xml[.gz]); default $MESH_DIR.",
        show_default=False,
    ),
    ctd_dir: Path | None = typer.Option(
        None,
        "--ctd",
        envvar="CTD_DIR",
        help="Folder with CTD's MEDIC disease vocabulary (CTD_diseases.tsv[.gz]); default $CTD_DIR.",
        show_default=False,
    ),
    output: Path = typer.Option(
        Path("training/lexicon.npz"),
        "--output",
        "-o",
        help="Lexicon file, read once by the model at initialisation (`[paths] lexicon` in the config).",
    ),
) -> None:
    """Build the lexicon of known Chemical and Disease names the tagger marks per token.

    Chemical: MeSH Chemicals-tree descriptors less enzymes, proteins and signalling peptides, and
    chemical supplementary records; Disease: Diseases-tree and F03 descriptors and CTD MEDIC.
    Names are tokenised with the pipeline's tokenizer and stored as hashed token sequences.
    """
    from ..atomic import check_output

    check_output(output, "--output")

    from ..lexicon import build_lexicon

    summary = build_lexicon(mesh_dir, ctd_dir, output)
    names = ", ".join(f"{label} {n:,}" for label, n in summary.names.items())
    typer.echo(
        f"names: {names} ({summary.keys:,} keys; {summary.dropped:,} dropped); {summary.seconds:.0f} s; wrote {summary.path}",
        err=True,
    )
