"""`bioner corpora`: the catalogue of corpora, texts and vocabularies, and the Makefile's view of it."""

from __future__ import annotations

import typer

from ..corpora.catalogue import CORPORA, RESOURCES, make_vars
from ..corpora.tables import markdown_tables
from ..doc_tables import region
from . import app


@app.command("corpora")
def corpora_command(
    make: bool = typer.Option(
        False,
        "--make-vars",
        help="Print the Makefile variables derived from the catalogue (file names of BC5CDR's splits, the knowledge base's corpora) instead of the table; the Makefile includes them.",
    ),
    markdown: bool = typer.Option(
        False,
        "--markdown",
        help="Print the documentation's corpus tables (Markdown), each between the marker comments README.md, data/README.md, docs/commands.md and docs/design.md hold it in; `python scripts/doc_tables.py` rewrites those files.",
    ),
) -> None:
    """List every corpus, text and vocabulary `bioner data` knows: its local-copy variable, files and roles.

    Each is described once, in bioner's corpus catalogue (src/bioner/corpora/catalogue.py); `bioner data`, `bioner multi-corpus`, the cross-corpus report and the Makefile read it from there.
    """
    if make:
        typer.echo(make_vars(), nl=False)
        return
    if markdown:
        typer.echo("\n\n".join(region(name, table) for name, table in markdown_tables().items()))
        return
    rows = [f"{'name':<14}{'variable':<18}{'annotates':<24}{'training':<30}held out"]
    for corpus in CORPORA.values():
        rows.append(
            f"{corpus.name:<14}{corpus.env:<18}{', '.join(corpus.annotates):<24}"
            f"{', '.join(part.name for part in corpus.training) or '-':<30}"
            f"{', '.join(part.name for part in corpus.heldout) or '-'}"
        )
    for resource in RESOURCES.values():
        rows.append(f"{resource.name:<14}{resource.env:<18}{resource.description}")
    typer.echo("\n".join(rows))
