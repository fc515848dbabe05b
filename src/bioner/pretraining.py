"""Tok2vec pretraining on raw text with spaCy's `pretrain`, wired so the weights really load.

Two spaCy pitfalls are handled here: `[initialize] init_tok2vec` is silently ignored unless the
training config also has a filled `[pretraining]` block, and `spacy pretrain` needs that block
too. `pretrain` fills it from spaCy's defaults, runs the pretraining, and writes a training
config (`train.cfg`) that points at the weights, ready for `bioner train`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from spacy import util
from spacy.language import DEFAULT_CONFIG_PRETRAIN_PATH
from spacy.training.pretrain import pretrain as spacy_pretrain

import bioner.pipeline  # noqa: F401  (registers the tokenizer and components)

from .errors import BionerError

OBJECTIVES = {
    "characters": {
        "@architectures": "spacy.PretrainCharacters.v1",
        "maxout_pieces": 3,
        "hidden_size": 300,
        "n_characters": 4,
    },
    "vectors": {"@architectures": "spacy.PretrainVectors.v1", "maxout_pieces": 3, "hidden_size": 300, "loss": "cosine"},
}
TRAIN_CONFIG_NAME = "train.cfg"
WEIGHTS_NAME = "model-last.bin"


def with_pretraining(config_path: Path, overrides: dict[str, Any] | None = None):
    """The config, its `[pretraining]` block and pretraining corpus filled from spaCy's defaults."""
    if not config_path.exists():
        raise BionerError(f"{config_path}: no such config file (the configs are in configs/)")
    config = util.load_config(config_path, overrides=overrides or {}, interpolate=False)
    defaults = util.load_config(DEFAULT_CONFIG_PRETRAIN_PATH, interpolate=False)
    if config.get("pretraining"):
        return defaults.merge(config)
    # The config's empty [pretraining] block would survive the merge as empty: drop it first.
    config = config.copy()
    del config["pretraining"]
    return defaults.merge(config)


def pretrain(
    config: Path,
    texts: Path,
    output: Path,
    *,
    epochs: int = 3,
    objective: str = "characters",
    overrides: dict[str, Any] | None = None,
) -> Path:
    """Pretrain the config's tok2vec on JSONL text; returns the training config that loads it."""
    if objective not in OBJECTIVES:
        raise BionerError(f"--objective must be one of {', '.join(OBJECTIVES)}, not {objective!r}")
    if not texts.exists():
        raise BionerError(f'{texts}: no such file (JSONL, one {{"text": ...}} a line)')
    if epochs < 1:
        raise BionerError(f"--epochs must be at least 1, got {epochs}")
    filled = with_pretraining(config, overrides)
    filled["paths"]["raw_text"] = str(texts)
    filled["pretraining"]["max_epochs"] = epochs
    filled["pretraining"]["objective"] = dict(OBJECTIVES[objective])
    output.mkdir(parents=True, exist_ok=True)
    filled.to_disk(output / "pretrain.cfg")
    spacy_pretrain(filled.interpolate(), output, silent=False)
    weights = output / WEIGHTS_NAME
    if not weights.exists():
        raise BionerError(f"pretraining wrote no {weights}; see spaCy's messages above")
    filled["paths"]["init_tok2vec"] = str(weights.resolve())
    train_config = output / TRAIN_CONFIG_NAME
    filled.to_disk(train_config)
    return train_config


def check_init_tok2vec(config) -> None:
    """Refuse a config whose pretrained weights spaCy would silently ignore."""
    init = config.get("initialize", {}).get("init_tok2vec")
    if init and not config.get("pretraining"):
        raise BionerError(
            f"the config loads pretrained tok2vec weights ({init}) but its [pretraining] block is "
            "empty, so spaCy would silently ignore them: train with the train.cfg that "
            "`bioner pretrain` wrote beside the weights"
        )
