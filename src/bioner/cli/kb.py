"""`bioner kb`: build the linker's knowledge base from annotated corpora and MeSH XML."""

from __future__ import annotations

from pathlib import Path

import typer

from ..atomic import check_output
from ..errors import BionerError
from . import app


@app.command("kb")
def kb_command(
    corpora: list[Path] = typer.Argument(
        None,
        help="Annotated corpora whose mentions carry MeSH ids (PubTator, BioC, DocBin): `make kb` gives the splits the corpus catalogue marks for the knowledge base (`bioner corpora --make-vars`, CATALOGUE_KB_FILES). Never a test split.",
        show_default=False,
    ),
    output: Path = typer.Option(
        Path("training/kb.json.gz"),
        "--output",
        "-o",
        help="Knowledge base file, loaded by the bioner_linker component at initialisation.",
    ),
    mesh_dir: Path | None = typer.Option(
        None,
        "--mesh",
        envvar="MESH_DIR",
        help="Folder with NLM's MeSH XML (desc20XX.xml, supp20XX.xml, plain or .gz), as `bioner data --corpus mesh` leaves it; default $MESH_DIR.",
        show_default=False,
    ),
    ctd_dir: Path | None = typer.Option(
        None,
        "--ctd",
        envvar="CTD_DIR",
        help="Folder with CTD's vocabularies (CTD_diseases.tsv.gz, CTD_chemicals.tsv.gz), as `bioner data --corpus ctd` leaves it; default $CTD_DIR.",
        show_default=False,
    ),
) -> None:
    """Build the name -> MeSH id knowledge base the linker uses.

    Names come from the corpora's mentions (counted: how often annotators chose each id for a
    name), with --mesh from every entry term of MeSH descriptors in the Diseases and Chemicals
    trees and of chemical and disease supplementary records, and with --ctd from CTD's disease
    (and chemical) vocabularies. Labels are read through the corpus catalogue's label maps (`bioner
    corpora`): NCBI disease's SpecificDisease, DiseaseClass, Modifier and CompositeMention count as
    Disease; a label mapped to neither Chemical nor Disease is left out. The linker's ranker is trained on the corpora's gold
    mentions and stored in the same file. Where the corpora name a concept by an id the vocabulary
    no longer has (BC5CDR's MeSH 2015 ids of drugs MeSH has since made descriptors: olanzapine
    C076029, today D000077152), the linker answers with the corpora's id.
    """
    check_output(output, "--output")

    from ..corpora.catalogue import linked_labels
    from ..linking.kb import build_kb

    if not corpora and mesh_dir is None and ctd_dir is None:
        raise BionerError("give annotated corpora, --mesh, --ctd, or several")
    summary = build_kb(corpora or [], output, mesh_dir=mesh_dir, ctd_dir=ctd_dir, labels=linked_labels())
    concepts = ", ".join(f"{label} {n:,}" for label, n in summary.concepts.items())
    if summary.aliases:
        examples = ", ".join(f"{new} -> {old}" for new, old in list(summary.aliases.items())[:3])
        typer.echo(
            f"{len(summary.aliases)} vocabulary ids answered with the corpora's id for the same concept ({examples}, ...)",
            err=True,
        )
    typer.echo(f"{summary.names:,} names, concepts: {concepts}; wrote {summary.path}", err=True)
