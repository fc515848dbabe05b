"""`bioner data`: download (or copy) and verify the training corpora — the `make data` step."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer

from .. import corpora
from ..corpora import CorpusInfo, fetch_corpus, fetch_pretrain_text
from . import app


class CorpusChoice(StrEnum):
    bc5cdr = "bc5cdr"
    ncbi_disease = "ncbi-disease"
    gnormplus = "gnormplus"
    nlm_gene = "nlm-gene"
    nlm_chem = "nlm-chem"
    pretrain = "pretrain"
    mesh = "mesh"
    pubmed = "pubmed"
    all = "all"


@app.command("data")
def data_command(
    corpus: CorpusChoice = typer.Option(
        CorpusChoice.bc5cdr,
        "--corpus",
        "-c",
        metavar="CORPUS",
        help="Corpus to fetch: bc5cdr, ncbi-disease, gnormplus, nlm-gene, nlm-chem, pretrain (unlabelled text for the vectors: PRETRAIN_DIR, or PubMed abstracts), all of those (what `make train` uses), mesh (NLM's MeSH XML for the linker's knowledge base, ~1 GB; set MESH_DIR to copy a local folder instead), or pubmed (the first --files PubMed baseline files, MD5-checked, for `bioner tag-pubmed`; PUBMED_DIR for a local copy).",
    ),
    output: Path = typer.Option(
        Path("data/raw"),
        "--output",
        "-o",
        help="Parent folder; each corpus goes in a subfolder named after it (data/raw/bc5cdr, ...).",
    ),
    files: int | None = typer.Option(
        None,
        "--files",
        "-n",
        min=1,
        help="PubMed baseline files to fetch (~30,000 citations, ~20 MB each): for --corpus pubmed (default 1, into data/raw/pubmed, for `bioner tag-pubmed`) and for pretrain's PubMed abstracts (default PRETRAIN_PUBMED_FILES, else 2). PUBMED_DIR: a local copy of the baseline files.",
        show_default=False,
    ),
) -> None:
    """Download the corpora, verify them and put them under --output.

    BC5CDR comes from CDR_Data.zip (the corpus's GitHub repository, then BioCreative's store); NCBI disease from NCBI's DISEASE pages; GNormPlus, NLM-Gene and NLM-Chem (genes; chemicals in full text) in the PubTator form AIONER redistributes. Each file is checked against the corpus's known document and mention counts before it is put in place: a failed, truncated or changed download is an error and leaves nothing half-written. Files already in place that verify are left alone.

    To use a copy you already have, set BC5CDR_DIR (NCBI_DISEASE_DIR, GNORMPLUS_DIR, NLM_GENE_DIR, NLM_CHEM_DIR) to the folder holding the files or the zip: they are copied and verified, and nothing is downloaded.
    """
    from ..atomic import check_output

    check_output(output, "--output", folder=True)
    if corpus is CorpusChoice.mesh:
        _fetch_mesh(output / "mesh")
        return
    if corpus is CorpusChoice.pubmed:
        from ..pubmed_baseline import fetch_pubmed_baseline

        baseline = [fetch_pubmed_baseline(output / "pubmed", files=files or 1)]
        typer.echo(format_corpus_table(baseline).replace("documents", "citations").replace("mentions", "   words"))
        typer.echo(f"next: bioner tag-pubmed {output / 'pubmed'} --output tagged/", err=True)
        return
    big = (CorpusChoice.all, CorpusChoice.mesh, CorpusChoice.pubmed)
    chosen = [c for c in CorpusChoice if c not in big] if corpus is CorpusChoice.all else [corpus]
    infos: list[CorpusInfo] = []
    for choice in chosen:
        if choice.value in corpora.CORPORA:
            infos.append(fetch_corpus(choice.value, output / choice.value))
        else:
            infos.append(fetch_pretrain_text(output / choice.value, files=files))
    typer.echo(format_corpus_table(infos))
    for info in infos:
        for note in info.notes:
            typer.secho(f"note: {info.name} {note}", fg=typer.colors.YELLOW, err=True)


def _fetch_mesh(destination: Path) -> None:
    import sys

    from ..linking.mesh import fetch_mesh

    info = fetch_mesh(destination, progress=sys.stderr.isatty())
    for name, entries in info.entries.items():
        typer.echo(f"mesh  {name:<14}{entries:>10,} Chemical/Disease names  {destination / name}  {info.sources[name]}")
    typer.echo(f"next: bioner kb CORPORA... --mesh {destination}", err=True)


def format_corpus_table(infos: list[CorpusInfo]) -> str:
    header = f"{'corpus':<14}{'split':<13}{'documents':>10}{'mentions':>10}  {'file':<48} source"
    rows = [header]
    for info in infos:
        for split, path in info.paths.items():
            source = info.sources.get(split, "")
            source = "downloaded" if source.startswith("downloaded") else source.split(" from ")[0]
            rows.append(
                f"{info.name:<14}{split:<13}{info.documents[split]:>10,}{info.mentions[split]:>10,}  "
                f"{str(path):<48} {source}"
            )
        for split in info.missing:
            rows.append(f"{info.name:<14}{split:<13}{'-':>10}{'-':>10}  {'(not in place)':<48}")
    return "\n".join(rows)
