"""The `bioner` command line: a thin Typer layer over the library.

Each subcommand lives in its own module and is added to `app` below. Errors a user can fix
(`BionerError`) are caught once, in `main`, and printed without a traceback.
"""

from __future__ import annotations

import sys

import typer

from ..errors import BionerError

app = typer.Typer(
    name="bioner",
    help="Train, evaluate and run Chemical/Disease taggers for PubMed abstracts.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _register() -> None:
    from . import convert, data, evaluate, kb, multicorpus, package, pretrain, tag_pubmed, train, vectors  # noqa: F401  (each module adds its command to `app`)


def run_app(typer_app: typer.Typer, prog_name: str) -> None:
    """Run a Typer app, turning a `BionerError` into one line on stderr and exit code 1."""
    try:
        typer_app(prog_name=prog_name, standalone_mode=True)
    except BionerError as error:
        typer.secho(f"error: {error}", fg=typer.colors.RED, err=True)
        sys.exit(1)


def main() -> None:
    _register()
    run_app(app, "bioner")
