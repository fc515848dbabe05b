"""What many test modules share: where the real corpora are, and `bioner` run as users run it.

Corpora. A test that reads a real corpus asks `shared_corpus(name, *files)` for its folder: the folder
named by the corpus's local-copy variable (`BC5CDR_DIR` for bc5cdr, as `bioner corpora` lists them;
`<NAME>_DIR` for a folder outside the catalogue, such as bc5cdr-iob) as it was when the tests
started, else `../shared/data/<name>` beside the repository (where `.ci/run` points the variables
too, so the tests behave the same with and without them). Without the folder or one of the `files`,
the test is skipped, and the reason names the variable to set. The variables are read from the
environment the session started with, so that fixtures which clear them for the code under test
(`monkeypatch.delenv`) do not hide the copies from the tests that read them.

The command line. `run_bioner(*args)` runs `bioner ARGS` in this process through `run_app`, as the
installed `bioner` does (a `BionerError` is one `error:` line and exit code 1), and returns click's
`Result` (`exit_code`, `output` with stderr in it, `exception`). `run_bioner.error(*args)` also
checks that the command failed in exactly that way, without a traceback, and returns the error line.
The command reads the environment of the test: a test whose command reads a corpus or vocabulary
variable (`MESH_DIR`, `CTD_DIR`, ...) sets or removes it itself (`monkeypatch.setenv`/`delenv`).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"
"""Where the development and CI copies of the corpora are (`../shared/data` from the repository)."""
STARTING_ENVIRONMENT = dict(os.environ)
"""The environment when the tests started, before any fixture changed it."""


def corpus_variable(name: str) -> str:
    """The variable naming a local copy of a catalogue corpus or resource, else `<NAME>_DIR`."""
    from bioner.corpora.catalogue import CORPORA, RESOURCES

    entry = CORPORA.get(name) or RESOURCES.get(name)
    return entry.env if entry is not None else name.upper().replace("-", "_") + "_DIR"


@pytest.fixture(scope="session")
def shared_corpus() -> Callable[..., Path]:
    """`shared_corpus(name, *files)`: the folder of a real corpus copy holding `files`, or a skip."""

    def find(name: str, *files: str) -> Path:
        variable = corpus_variable(name)
        if STARTING_ENVIRONMENT.get(variable):
            folder, where = Path(STARTING_ENVIRONMENT[variable]), f"{variable}={STARTING_ENVIRONMENT[variable]}"
        else:
            folder, where = SHARED_DATA / name, f"{SHARED_DATA / name} ({variable} not set)"
        missing = [file for file in files if not (folder / file).exists()]
        if not folder.is_dir() or missing:
            what = f"no {', '.join(missing)} in it" if folder.is_dir() else "no such folder"
            pytest.skip(f"no local copy of {name}: {where}: {what}; set {variable} to a copy")
        return folder

    return find


class _Bioner:
    """What click's CliRunner needs of a command: calls `run_app` as the installed `bioner` does."""

    name = "bioner"

    def main(self, args: list[str] | None = None, prog_name: str | None = None, **extra: Any) -> None:
        from bioner.cli import _register, app, run_app

        _register()
        saved = sys.argv
        sys.argv = ["bioner", *(args or [])]
        try:
            run_app(app, "bioner")
        finally:
            sys.argv = saved


class BionerRunner:
    """`bioner` in process; see the module's docstring."""

    def __call__(self, *args: object, input: str | None = None, env: Mapping[str, str | None] | None = None) -> Any:
        from click.testing import CliRunner

        return CliRunner().invoke(_Bioner(), [str(arg) for arg in args], input=input, env=env)

    def error(self, *args: object, input: str | None = None, env: Mapping[str, str | None] | None = None) -> str:
        """Run a command that must fail with one `error:` line (exit 1, no traceback); that line."""
        result = self(*args, input=input, env=env)
        assert result.exit_code == 1, result.output
        assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
        assert "Traceback" not in result.output, result.output
        errors = [line for line in result.output.splitlines() if line.startswith("error:")]
        assert len(errors) == 1, result.output
        return errors[0]


@pytest.fixture(scope="session")
def run_bioner() -> BionerRunner:
    return BionerRunner()
