"""Tok2vec pretraining: the weights are written and the training config really loads them."""

import json
from pathlib import Path

import pytest
from spacy import util

from bioner.errors import BionerError
from bioner.formats.pubtator import read_pubtator
from bioner.pretraining import TRAIN_CONFIG_NAME, check_init_tok2vec, pretrain, with_pretraining
from bioner.vectors import FloretSettings, build_vectors

ROOT = Path(__file__).parent.parent
FIXTURE = Path(__file__).parent / "fixtures" / "tiny.pubtator"


@pytest.fixture(scope="module")
def pretrained(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pretrain")
    texts = folder / "texts.jsonl"
    texts.write_text("".join(json.dumps({"text": d.text}) + "\n" for d in read_pubtator(FIXTURE)))
    build_vectors(
        [FIXTURE], folder / "vectors", settings=FloretSettings(dim=16, bucket=2000, epoch=1, min_count=1), threads=1
    )
    train_config = pretrain(
        ROOT / "configs" / "cnn.cfg",
        texts,
        folder / "out",
        epochs=1,
        overrides={"paths.vectors": str(folder / "vectors")},
    )
    return folder, train_config


def tok2vec_bytes(config) -> bytes:
    from spacy.training.initialize import init_nlp

    nlp = init_nlp(config)
    return nlp.get_pipe("tok2vec").model.to_bytes()


@pytest.mark.slow
def test_pretraining_writes_weights_and_a_training_config_that_points_at_them(pretrained):
    folder, train_config = pretrained
    assert train_config.name == TRAIN_CONFIG_NAME
    config = util.load_config(train_config, interpolate=False)
    assert Path(config["paths"]["init_tok2vec"]).exists()
    assert config["pretraining"]["max_epochs"] == 1
    assert config["pretraining"]["objective"]["@architectures"] == "spacy.PretrainCharacters.v1"


@pytest.mark.slow
def test_pretrained_weights_really_load_at_initialisation(pretrained, tmp_path):
    folder, train_config = pretrained
    corpus = ROOT / "tests" / "fixtures"
    from bioner.convert import ConversionReport, convert_documents
    from bioner.pipeline.tokenizer import make_tokenizer_pipeline
    from bioner.spacy_docs import write_docbin

    write_docbin(
        convert_documents(make_tokenizer_pipeline(), read_pubtator(corpus / "tiny.pubtator"), ConversionReport("t")),
        tmp_path / "t.spacy",
    )
    paths = {"paths.train": str(tmp_path / "t.spacy"), "paths.dev": str(tmp_path / "t.spacy")}
    with_weights = util.load_config(train_config, overrides=paths)
    without = util.load_config(train_config, overrides={**paths, "paths.init_tok2vec": None})
    assert tok2vec_bytes(with_weights) != tok2vec_bytes(without)
    assert tok2vec_bytes(with_weights) == tok2vec_bytes(with_weights)  # seeded: the difference is the weights


def test_empty_pretraining_block_is_filled_from_spacy_defaults():
    filled = with_pretraining(ROOT / "configs" / "cnn.cfg")
    assert filled["pretraining"]["component"] == "tok2vec"
    assert "pretrain" in filled["corpora"] and "train" in filled["corpora"]


def test_weights_without_a_pretraining_block_are_refused_not_silently_ignored():
    config = util.load_config(
        ROOT / "configs" / "cnn.cfg", overrides={"paths.init_tok2vec": "weights.bin"}, interpolate=True
    )
    with pytest.raises(BionerError, match="silently ignore"):
        check_init_tok2vec(config)
    check_init_tok2vec(util.load_config(ROOT / "configs" / "cnn.cfg", interpolate=True))  # no weights: fine
