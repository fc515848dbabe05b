"""`bioner relations`: train the `bioner_relations` component's model from annotated relations."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from ..atomic import check_output, write_text
from ..errors import BionerError
from . import app


@app.command("relations")
def relations_command(
    corpora: list[Path] = typer.Argument(
        ...,
        help="Annotated corpora with relation lines whose arguments are concept ids the mentions carry (PubTator `PMID<TAB>CID<TAB>chemical<TAB>disease`, BioC relations): BC5CDR train (and dev for a final model). Never the test split.",
        show_default=False,
    ),
    output: Path = typer.Option(
        Path("training/relations.json"),
        "--output",
        "-o",
        help="Relation model file, loaded by the bioner_relations component at initialisation (paths.relations).",
    ),
    report: Path | None = typer.Option(
        None,
        "--report",
        help="JSON report: every relation read, kept or listed with the reason it was not used; each type's cross-validated scores.",
        show_default=False,
    ),
    mesh_dir: Path | None = typer.Option(
        None,
        "--mesh",
        envvar="MESH_DIR",
        help="Folder with MeSH XML (desc20XX.xml[.gz]): tree numbers tell a general disease from a specific one; default $MESH_DIR.",
        show_default=False,
    ),
    ctd_dir: Path | None = typer.Option(
        None,
        "--ctd",
        envvar="CTD_DIR",
        help="Folder with CTD's disease vocabulary (CTD_diseases.tsv.gz), whose tree numbers place OMIM diseases too; default $CTD_DIR.",
        show_default=False,
    ),
    seed: int = typer.Option(0, "--seed", help="Random seed of the trees."),
) -> None:
    """Train the relation model: which pairs of concepts a document relates (BC5CDR's CID).

    Relation types and the labels of their arguments come from the data: any type with at least
    10 annotated pairs is trained. Every pair of concepts of a type's labels in a document is a
    candidate; gradient-boosted trees score it from where and how often each is named, the
    words between their mentions, their MeSH trees and how often training documents related each
    concept; a second stage weighs each pair against its document's other pairs. The threshold
    is chosen by 5-fold cross-validation over documents (in the report, with the first stage's).
    """
    check_output(output, "--output")
    if report is not None:
        check_output(report, "--report")

    from ..formats import read_documents
    from ..relation_learning import read_trees, train_relations

    documents = [document for path in corpora for document in read_documents(path)]
    folders = [folder for folder in (mesh_dir, ctd_dir) if folder is not None]
    trees = read_trees(folders) if folders else {}
    model, summary = train_relations(documents, trees=trees, seed=seed)
    if not model.types:
        raise BionerError(
            f"no relation type has enough annotated pairs to train on ({summary.read} relations read in "
            f"{summary.documents} documents): give corpora with relation lines whose ids the mentions carry"
        )
    write_text(output, json.dumps(model.to_json(), separators=(",", ":")))
    if report is not None:
        write_text(report, json.dumps(summary.to_json(), indent=2), "--report")
    for relation_type in model.types:
        cv = relation_type.info.get("cross_validated", {})
        typer.echo(
            f"{relation_type.name} ({relation_type.labels[0]} -> {relation_type.labels[1]}): "
            f"{relation_type.info.get('gold_pairs')} pairs in {relation_type.info.get('documents')} documents; "
            f"cross-validated P {cv.get('precision')} R {cv.get('recall')} F1 {cv.get('f1')} "
            f"at threshold {relation_type.threshold:.3f}",
            err=True,
        )
    dropped = len(summary.dropped)
    typer.echo(
        f"{summary.read} relations read, {summary.kept} kept, {dropped} listed in the report with the reason"
        f"{'' if report is not None or not dropped else ' (give --report to see them)'}; wrote {output}",
        err=True,
    )
