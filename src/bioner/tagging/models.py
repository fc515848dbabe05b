"""Which pipeline to tag with: `--model`, else the project's trained one, else the installed package.

Shared by `ner-predict` and `tag-pubmed`; a folder that cannot be read is one line naming it.
"""

from __future__ import annotations

import os
from pathlib import Path

import spacy.util

from ..errors import BionerError
from ..names import PACKAGE_NAME

DEFAULT_MODEL_PACKAGE = PACKAGE_NAME
"""The installed project model, made by `make package`, used when there is no trained pipeline."""

TRAINING_DIR = "training"


def resolve_model(model: str | None, cwd: str | Path | None = None) -> str | Path:
    """The pipeline to load: a folder (as a Path) or an installed package name (as a str).

    Given `model`, it must be a pipeline folder or an installed model package. Without it: the
    trained `training/model-best` under `cwd` (or, when only a development run exists, the newest
    `training/*/model-best`), else the installed project model `en_bioner_bc5cdr`, else an error
    that says how to get one.
    """
    base = Path(cwd) if cwd is not None else Path.cwd()
    try:
        return _resolve_model(model, base)
    except PermissionError as error:
        raise BionerError(
            f"model {str(error.filename or model)!r}: cannot read it: Permission denied; "
            "give a pipeline folder you can read (check its permissions and those of the folders above it)"
        ) from None


def _resolve_model(model: str | None, base: Path) -> str | Path:
    if model:
        path = Path(model).expanduser()
        if not path.is_absolute():
            path = base / path
        if path.is_dir():
            if not (path / "config.cfg").is_file():
                raise BionerError(
                    f"model {model!r}: the folder is not a spaCy pipeline (it has no config.cfg); "
                    "give a trained pipeline folder such as training/model-best"
                )
            return path
        if path.exists():
            raise BionerError(f"model {model!r}: is a file; give a pipeline folder or an installed package name")
        if spacy.util.is_package(model):
            return model
        looks_like_path = os.sep in model or "/" in model or model.startswith(".")
        what = "no such folder" if looks_like_path else "not a pipeline folder nor an installed model package"
        raise BionerError(
            f"unknown model {model!r}: {what}. Give a trained pipeline folder (such as "
            f"training/model-best, made by `make train`) or the name of an installed model package "
            f"(such as {DEFAULT_MODEL_PACKAGE}, made by `make package` and installed with pip)"
        )
    trained = find_trained_model(base)
    if trained is not None:
        return trained
    if spacy.util.is_package(DEFAULT_MODEL_PACKAGE):
        return DEFAULT_MODEL_PACKAGE
    raise BionerError(
        f"no model to tag with: there is no {TRAINING_DIR}/model-best under {base} and the project "
        f"model {DEFAULT_MODEL_PACKAGE} is not installed. Train one with `make train` (in the project "
        f"folder), install the packaged model (`make package`, then `pip install dist/{DEFAULT_MODEL_PACKAGE}-*.tar.gz`), "
        "or pass --model with a pipeline folder or an installed model package name"
    )


def find_trained_model(cwd: str | Path) -> Path | None:
    """`training/model-best` under `cwd`, or else the most recently written `training/*/model-best`."""
    training = Path(cwd) / TRAINING_DIR
    main = training / "model-best"
    if (main / "config.cfg").is_file():
        return main
    candidates = [p for p in training.glob("*/model-best") if (p / "config.cfg").is_file()]
    if not candidates:
        return None
    return max(candidates, key=lambda p: (p / "config.cfg").stat().st_mtime)


def model_pipe_names(model: str | Path) -> list[str] | None:
    """The components of a resolved model (a folder or an installed package), read from its
    meta.json without loading it; None when that cannot be read (the loaded model then decides)."""
    try:
        path = Path(model) if isinstance(model, Path) else spacy.util.get_package_path(model)
        meta = spacy.util.load_meta(path / "meta.json")
    except Exception:  # noqa: BLE001  (a package without meta.json, an unreadable file: decided later)
        return None
    names = meta.get("pipeline")
    return [str(n) for n in names] if isinstance(names, list) else None
