"""The `bioner` command line: a thin Typer layer over the library.

Each subcommand lives in its own module and is added to `app` below. Errors a user can fix
(`BionerError`) are caught once, in `main`, and printed without a traceback.
"""

from __future__ import annotations

import os
import sys

import typer

from ..errors import BionerError
from ..signals import Interrupted, stop_on_signals

app = typer.Typer(
    name="bioner",
    help="Train, evaluate and run Chemical/Disease taggers for PubMed abstracts.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",  # paragraphs of a docstring are rewrapped to the terminal
)


def _register() -> None:
    from . import (  # noqa: F401  (each module adds its command to `app`)
        convert,
        corpora,
        data,
        evaluate,
        kb,
        lexicon,
        multicorpus,
        package,
        pretrain,
        relations,
        tag_pubmed,
        train,
        vectors,
    )


def format_choice(value: str | None, known: tuple[str, ...], option: str) -> str | None:
    """A format option's value, case and spaces aside, or a usage error (exit 2) listing `known`."""
    if value is None:
        return None
    name = value.strip().lower()
    if name not in known:
        raise typer.BadParameter(f"{value!r} is not one of {', '.join(known)}", param_hint=option)
    return name


def run_app(typer_app: typer.Typer, prog_name: str) -> None:
    """Run a Typer app, turning a `BionerError` into one line on stderr and exit code 1, and
    SIGINT/SIGTERM into one line and exit code 128 + signal, with no partial output left."""
    try:
        with stop_on_signals():
            typer_app(prog_name=prog_name, standalone_mode=True)
    except BionerError as error:
        typer.secho(f"error: {error}", fg=typer.colors.RED, err=True)
        sys.exit(1)
    except Interrupted as stop:
        typer.secho(f"{prog_name}: stopped by {stop}; no partial output was left", fg=typer.colors.RED, err=True)
        sys.stdout.flush()
        sys.stderr.flush()
        # Not sys.exit: exit handlers would wait on the queues of the stopped worker processes.
        os._exit(128 + stop.signum)


def main() -> None:
    _register()
    run_app(app, "bioner")
