"""`bioner data`: download (or copy) and verify the training corpora — the `make data` step."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer

from ..atomic import check_output
from ..corpora import CorpusInfo, fetch_entry, names_for_all
from ..corpora.catalogue import CORPORA, HOME_CORPUS, RESOURCES, names
from . import app

# The choices are the catalogue's names, which mypy cannot enumerate.
CorpusChoice = StrEnum("CorpusChoice", {name.replace("-", "_"): name for name in [*names(), "all"]})  # type: ignore[misc]
"""`--corpus` choices: every catalogue entry, and `all`."""
_CHOICES_HELP = "; ".join(
    [
        *(f"{corpus.name} ({corpus.description})" for corpus in CORPORA.values()),
        *(f"{resource.name} ({resource.description})" for resource in RESOURCES.values()),
    ]
)
_IN_ALL = ", ".join(resource.name for resource in RESOURCES.values() if resource.in_all == "always")
_LOCAL_ONLY = ", ".join(f"{r.name} only when {r.env} is set" for r in RESOURCES.values() if r.in_all == "local")


@app.command("data")
def data_command(
    corpus: CorpusChoice = typer.Option(
        CorpusChoice(HOME_CORPUS),
        "--corpus",
        "-c",
        metavar="CORPUS",
        help=f"What to fetch: {_CHOICES_HELP}; or all: every annotated corpus, {_IN_ALL}, and {_LOCAL_ONLY} (what `make train` uses; fetch mesh from NLM with --corpus mesh).",
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

    Every corpus, text and vocabulary is one entry of bioner's catalogue (`bioner corpora` lists them, `bioner corpora --markdown` says where each comes from: a zip, a plain or a gzipped file, tried at each of its addresses in turn). Each file is checked (document and mention counts, or read whole) before it is put in place: a failed, truncated or changed download is an error and leaves nothing half-written. Files already in place that verify are left alone.

    To use a copy you already have, set the entry's local-copy variable (BC5CDR_DIR for bc5cdr, MESH_DIR for mesh...; `bioner corpora` lists every one) to the folder holding the files or the zip: they are copied and verified, and nothing is downloaded. Without PUBMED_TEXT_DIR, the pretrain entry's PubMed abstracts stand in for pubmed-text.
    """
    check_output(output, "--output", folder=True)
    chosen = names_for_all() if corpus.value == "all" else [corpus.value]
    infos = [fetch_entry(name, output / name, files=files) for name in chosen]
    table = format_corpus_table(infos)
    if chosen == ["pubmed"]:
        table = table.replace("documents", "citations").replace("mentions", "   words")
    typer.echo(table)
    for info in infos:
        for note in info.notes:
            typer.secho(f"note: {info.name} {note}", fg=typer.colors.YELLOW, err=True)
    if chosen == ["pubmed"]:
        typer.echo(f"next: bioner tag-pubmed {output / 'pubmed'} --output tagged/", err=True)
    elif chosen == ["mesh"]:
        typer.echo(f"next: bioner kb CORPORA... --mesh {output / 'mesh'}", err=True)


def format_corpus_table(infos: list[CorpusInfo]) -> str:
    """One row per file in place (documents and mentions; texts and words for text; records and
    names for vocabularies), columns as wide as their longest value."""
    splits = [split for info in infos for split in [*info.paths, *info.missing]]
    name_width = max([len("corpus"), *(len(info.name) for info in infos)]) + 2
    split_width = max([len("split"), *map(len, splits)]) + 2
    file_width = max([48, *(len(str(path)) + 1 for info in infos for path in info.paths.values())])
    rows = [
        f"{'corpus':<{name_width}}{'split':<{split_width}}{'documents':>10}{'mentions':>12}  {'file':<{file_width}} source"
    ]
    for info in infos:
        for split, path in info.paths.items():
            source = info.sources.get(split, "")
            source = "downloaded" if source.startswith("downloaded") else source.split(" from ")[0]
            rows.append(
                f"{info.name:<{name_width}}{split:<{split_width}}{info.documents[split]:>10,}"
                f"{info.mentions[split]:>12,}  {str(path):<{file_width}} {source}"
            )
        for split in info.missing:
            rows.append(f"{info.name:<{name_width}}{split:<{split_width}}{'-':>10}{'-':>12}  {'(not in place)'}")
    return "\n".join(rows)
