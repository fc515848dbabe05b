"""A trained pipeline as a pip-installable model package (`en_bioner_bc5cdr`), built by spaCy.

`stage_model` copies the pipeline into a folder that holds everything the package is made of:
the package's meta.json (requirements, test figures), its README.md (the model card) and, in
`code/`, copies of bioner's tokenizer, components and linker modules. spaCy's own packaging
(`spacy package`) then lays out the package and builds the sdist and the wheel from it, with one
code file of ours, `bioner_code.py`, that its `__init__` imports.

`bioner_code` registers the pipeline's code: the copies where bioner is not installed, so that
`spacy.load("en_bioner_bc5cdr")` works without it; bioner's own modules where it is, since spaCy
refuses a second factory of the same name from another file (error E004, in either import order),
warning when they differ from the copies. What the meta.json and card say: `model_card`.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from importlib import import_module
from pathlib import Path
from typing import Any
from unittest import mock

from thinc.api import Config

from . import __version__, pipeline
from .errors import BionerError
from .evaluation.result import read_evaluation
from .model_card import (
    CODE_MODULES,
    PACKAGE_NAME,
    build_meta,
    read_benchmark,
    render_model_card,
    vocabulary_versions,
)

CODE_TEMPLATE = '''"""Registers the code of {name} {version}: bioner's modules when bioner is installed (spaCy
refuses a second factory of the same name from another file), else the copies in the data folder."""

import importlib.util
import sys
import warnings
from pathlib import Path

CODE = Path(__file__).parent / "{name}-{version}" / "code"


def _register(package):
    try:
        import bioner.pipeline as installed
    except ImportError:
        installed = None
    for module in {modules!r}:
        copy = CODE / (module + ".py")
        if installed is None:
            spec = importlib.util.spec_from_file_location(package + "." + module, copy)
            sys.modules[spec.name] = loaded = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(loaded)
            continue
        theirs = sys.modules[package + "." + module] = getattr(installed, module)
        if Path(theirs.__file__).read_text(encoding="utf-8") != copy.read_text(encoding="utf-8"):
            warnings.warn(
                "{name}: the installed bioner's " + module + " module differs from the one this package "
                "was built with (bioner {bioner_version}); spaCy uses bioner's, and output may differ from the "
                "packaged model's. Install a matching bioner or use a virtual environment without it.",
                stacklevel=2,
            )


if __package__:  # not when `spacy package` imports this file on its own, beside bioner's registrations
    _register(__package__)
'''


def knowledge_base_vocabularies(config_text: str) -> dict[str, str]:
    """The MeSH and CTD releases of the linker's knowledge base, from the files `bioner kb` recorded
    in it (its `sources`). The pipeline's own copy does not keep them, so this reads the file the
    config names (`paths.kb`, relative to where training ran); nothing when it is gone or unreadable:
    the model card then says no release was recorded."""
    try:
        kb_path = Config().from_str(config_text).get("paths", {}).get("kb")
        if not kb_path:
            return {}
        with gzip.open(kb_path, "rt", encoding="utf-8") as f:
            sources = json.load(f).get("sources", [])
    except (OSError, ValueError, AttributeError, EOFError):
        return {}
    return vocabulary_versions(source for source in sources if isinstance(source, str))


def stage_model(
    model_dir: Path,
    staging_dir: Path,
    *,
    name: str = PACKAGE_NAME,
    version: str = __version__,
    evaluation: Path | None = None,
    benchmark: Path | None = None,
    require_evaluation: bool = False,
) -> Path:
    """A copy of the pipeline in `staging_dir`/model with the package's meta.json, its README.md
    and `code/`: what `spacy package` takes. Returns that folder.

    `evaluation` and `benchmark` default to evaluation.json and benchmark.json beside MODEL_DIR
    (where `make evaluate` writes them). A missing default evaluation makes a card that says
    "not evaluated" (an error with `require_evaluation`); a path given but missing is an error.
    """
    model_dir = Path(model_dir)
    if not (model_dir / "meta.json").is_file() or not (model_dir / "config.cfg").is_file():
        raise BionerError(
            f"{model_dir}: not a trained pipeline (no meta.json and config.cfg); train one with `bioner train`"
        )
    parent = model_dir.resolve().parent
    note = None
    if evaluation is None and not (parent / "evaluation.json").exists():
        if require_evaluation:
            raise BionerError(
                f"{parent / 'evaluation.json'}: no evaluation of the model; run `make evaluate` "
                "(bioner evaluate --json) first, or give --evaluation PATH"
            )
        note = f"No evaluation JSON was found beside the pipeline ({parent / 'evaluation.json'})."
    elif evaluation is not None and not Path(evaluation).exists():
        raise BionerError(f"{evaluation}: no such evaluation JSON (written by `bioner evaluate --json`)")
    evaluation = None if note else Path(evaluation or parent / "evaluation.json")
    scores = read_evaluation(evaluation) if evaluation else None
    if benchmark is not None and not Path(benchmark).exists():
        raise BionerError(f"{benchmark}: no such benchmark JSON")
    benchmark = benchmark or (parent / "benchmark.json" if (parent / "benchmark.json").exists() else None)
    bench = read_benchmark(benchmark) if benchmark else None

    staged = Path(staging_dir) / "model"
    shutil.copytree(model_dir, staged)
    config_text = (model_dir / "config.cfg").read_text(encoding="utf-8")
    size = sum(p.stat().st_size for p in model_dir.rglob("*") if p.is_file()) / 1_000_000
    summary_path = parent / "training-summary.json"  # written by bioner.training
    summary = json.loads(summary_path.read_text(encoding="utf-8")) if summary_path.is_file() else None
    meta = build_meta(
        json.loads((model_dir / "meta.json").read_text(encoding="utf-8")),
        Config().from_str(config_text, interpolate=False),
        name=name,
        version=version,
        evaluation=scores,
        evaluation_source=evaluation.name if evaluation else None,
        benchmark=bench,
        size_mb=size,
        corpora=(summary or {}).get("corpora"),
        vocabularies=knowledge_base_vocabularies(config_text),
    )
    (staged / "meta.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    card = render_model_card(
        meta, config_text, evaluation=scores, benchmark=bench, evaluation_note=note, training_summary=summary
    )
    (staged / "README.md").write_text(card, encoding="utf-8")
    (staged / "code").mkdir()
    for module in CODE_MODULES:
        shutil.copy(getattr(pipeline, module).__file__, staged / "code" / f"{module}.py")
    return staged


@contextlib.contextmanager
def _stdout_to_stderr() -> Iterator[None]:
    """The build's own output goes to stderr: stdout is for the paths `bioner package` prints."""
    sys.stdout.flush()
    saved = os.dup(1)
    os.dup2(2, 1)
    try:
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)


def stage_package(model_dir: Path, staging_dir: Path, *, build: bool = False, **options: Any) -> Path:
    """spaCy's package source folder for the pipeline (see `stage_model` for `options`); with
    `build`, its sdist and wheel in the folder's dist/."""
    staged = stage_model(model_dir, staging_dir, **options)
    meta = json.loads((staged / "meta.json").read_text(encoding="utf-8"))
    code = Path(staging_dir) / "bioner_code.py"
    code.write_text(
        CODE_TEMPLATE.format(
            name=f"{meta['lang']}_{meta['name']}",
            version=meta["version"],
            modules=CODE_MODULES,
            bioner_version=__version__,
        ),
        encoding="utf-8",
    )
    spacy_package = import_module("spacy.cli.package")
    # spaCy adds the distributions its config's functions come from: bioner, which the package's
    # code replaces; meta.json already lists every requirement.
    with mock.patch.object(spacy_package, "get_third_party_dependencies", return_value=[]), _stdout_to_stderr():
        try:
            spacy_package.package(
                staged,
                Path(staging_dir),
                code_paths=[code],
                create_sdist=build,
                create_wheel=build,
                force=True,
                silent=True,
            )
        except SystemExit:
            raise BionerError(
                f"spaCy could not package {model_dir}; run `python -m spacy package {staged} {staging_dir}` to see why"
            ) from None
    return Path(staging_dir) / f"{meta['lang']}_{meta['name']}-{meta['version']}"


def package_model(model_dir: Path, output_dir: Path, **options: Any) -> list[Path]:
    """Build the sdist and wheel of a trained pipeline into `output_dir`; returns [sdist, wheel].
    `options` are those of `stage_model`."""
    with tempfile.TemporaryDirectory(prefix="bioner-package-") as scratch:
        source = stage_package(model_dir, Path(scratch), build=True, **options)
        built = [next(iter(sorted((source / "dist").glob(pattern))), None) for pattern in ("*.tar.gz", "*.whl")]
        if None in built:
            raise BionerError(
                f"spaCy's build of {model_dir} made no {'sdist' if built[0] is None else 'wheel'}; "
                "see the build's output above"
            )
        Path(output_dir).mkdir(parents=True, exist_ok=True)
        paths = [Path(output_dir) / path.name for path in built if path is not None]
        for path, target in zip(built, paths, strict=True):
            shutil.move(str(path), target)
        return paths
