"""`bioner package`: a trained pipeline as a pip-installable model package."""

from __future__ import annotations

from pathlib import Path

import typer

from .. import __version__
from ..packaging import PACKAGE_NAME
from . import app


@app.command("package")
def package_command(
    model_dir: Path = typer.Argument(
        ..., help="Trained pipeline directory, such as training/model-best.", show_default=False
    ),
    output: Path = typer.Option(Path("dist"), "--output", "-o", help="Folder for the wheel and the sdist."),
    name: str = typer.Option(
        PACKAGE_NAME, "--name", help="Package name: the name spacy.load() takes; starts with the language (en_)."
    ),
    version: str = typer.Option(__version__, "--version", help="Package version (default: bioner's)."),
    evaluation: Path | None = typer.Option(
        None,
        "--evaluation",
        help="Evaluation JSON of `bioner evaluate --json` on BC5CDR test, copied into the model card and meta.json. Default: MODEL_DIR/../evaluation.json, if it exists.",
        show_default=False,
    ),
    require_evaluation: bool = typer.Option(
        False,
        "--require-evaluation",
        help='Fail when there is no evaluation JSON, instead of packaging a model card that says "not evaluated".',
    ),
    benchmark: Path | None = typer.Option(
        None,
        "--benchmark",
        help='Benchmark JSON ({"words_per_second": ..., "peak_memory_mb": ...}) for the card\'s speed figures. Default: MODEL_DIR/../benchmark.json, if it exists.',
        show_default=False,
    ),
) -> None:
    """Build a wheel and an sdist of a trained pipeline with spaCy's packaging.

    The package (default en_bioner_bc5cdr) carries the project's tokenizer and components and requires spaCy (the range the pipeline was trained with), scispaCy and scikit-learn, not bioner: after `pip install dist/en_bioner_bc5cdr-VERSION-py3-none-any.whl`, spacy.load("en_bioner_bc5cdr") works anywhere.

    Its README.md and meta.json are the model card: labels, training data (the corpora MODEL_DIR/../training-summary.json records, cited; research use only, as BC5CDR is), the MeSH/CTD release of the knowledge base when known, config, test figures read from the evaluation JSON, speed and size.

    Building needs the `build` package (pip install build), which fetches setuptools for an isolated build.
    """
    from ..atomic import check_output
    from ..packaging import package_model

    # Before the build, which takes minutes: a bad version or output fails at once.
    check_output(output, "--output", folder=True)
    check_version(version)
    paths = package_model(
        model_dir,
        output,
        name=name,
        version=version,
        evaluation=evaluation,
        benchmark=benchmark,
        require_evaluation=require_evaluation,
    )
    for path in paths:
        typer.echo(str(path))
    typer.echo(f'pip install {paths[-1]}  then  spacy.load("{name}")', err=True)


def check_version(version: str) -> None:
    """A PEP 440 version, as pip and setuptools want it, or one line saying what is wrong."""
    from packaging.version import InvalidVersion, Version

    from ..errors import BionerError

    try:
        Version(version)
    except InvalidVersion:
        raise BionerError(
            f"--version {version!r} is not a package version (PEP 440), such as 1.0.0 or 0.2.1.dev0"
        ) from None
