# Thin layer over the `bioner` CLI. `make train` does the whole job; `make test` runs the tests.
# Corpora: downloaded by `make data`, or copied from BC5CDR_DIR (and NCBI_DISEASE_DIR) when set.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
BIONER := $(BIN)/bioner
CONFIG ?= configs/cnn.cfg
TRAINING ?= training
RAW := data/raw/bc5cdr
CORPUS := data/corpus
VECTORS := $(TRAINING)/vectors
# Linker knowledge base: names -> MeSH ids from these corpora (+ MeSH XML when MESH_DIR is set).
KB := $(TRAINING)/kb.json.gz
KB_CORPORA ?= $(TRAIN_FILE) $(DEV_FILE)
MODEL ?= $(TRAINING)/model-best
# Extra unlabelled text for the static vectors (JSONL, one {"text": ...} a line), e.g. PubMed abstracts.
PRETRAIN_TEXT ?=
PYTEST_ARGS ?=
TRAIN_ARGS ?=

TRAIN_FILE := $(RAW)/CDR_TrainingSet.PubTator.txt
DEV_FILE := $(RAW)/CDR_DevelopmentSet.PubTator.txt
TEST_FILE := $(RAW)/CDR_TestSet.PubTator.txt

.PHONY: setup data corpus vectors kb train evaluate pretrain package bench test clean help

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

setup: $(VENV)/.installed  ## create .venv and install bioner with its dev extra

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,vectors]'
	touch $@

data: setup  ## download (or copy from $$BC5CDR_DIR) and verify BC5CDR into data/raw
	$(BIONER) data --corpus bc5cdr --output data/raw

corpus: data  ## convert BC5CDR train/dev/test into data/corpus/*.spacy with reports
	$(BIONER) convert $(TRAIN_FILE) --output $(CORPUS)/train.spacy --report $(CORPUS)/train.report.json
	$(BIONER) convert $(DEV_FILE) --output $(CORPUS)/dev.spacy --report $(CORPUS)/dev.report.json
	$(BIONER) convert $(TEST_FILE) --output $(CORPUS)/test.spacy --report $(CORPUS)/test.report.json

$(VECTORS)/vectors-info.json: $(TRAIN_FILE) $(DEV_FILE) $(PRETRAIN_TEXT)
	$(BIONER) vectors $(TRAIN_FILE) $(DEV_FILE) $(PRETRAIN_TEXT) --output $(VECTORS)

vectors: data $(VECTORS)/vectors-info.json  ## train floret static vectors on train+dev text (+ PRETRAIN_TEXT)

kb: data  ## build the linker's knowledge base (KB_CORPORA, and MeSH XML from MESH_DIR when set) into $(KB)
	$(BIONER) kb $(KB_CORPORA) --output $(KB)

train: corpus vectors kb  ## the main job: train CONFIG on train (dev run), then on train+dev, then evaluate on test
	$(BIONER) train $(CONFIG) --output $(TRAINING)/dev --paths.vectors $(VECTORS) --paths.kb $(KB) $(TRAIN_ARGS)
	$(BIONER) train $(CONFIG) --output $(TRAINING) --final --dev-run $(TRAINING)/dev --paths.vectors $(VECTORS) --paths.kb $(KB) $(TRAIN_ARGS)
	$(MAKE) --no-print-directory evaluate

pretrain: vectors  ## pretrain CONFIG's tok2vec on PRETRAIN_TEXT; then: bioner train $(TRAINING)/pretrain/train.cfg
	@test -n "$(PRETRAIN_TEXT)" || { echo "set PRETRAIN_TEXT to a JSONL file of raw text ({\"text\": ...} a line)"; exit 2; }
	$(BIONER) pretrain $(CONFIG) $(PRETRAIN_TEXT) --output $(TRAINING)/pretrain --paths.vectors $(VECTORS)

evaluate: setup  ## score MODEL on BC5CDR test: training/evaluation.json and .html
	$(BIONER) evaluate --gold $(TEST_FILE) --model $(MODEL) --json $(TRAINING)/evaluation.json --html $(TRAINING)/evaluation.html --errors $(TRAINING)/errors.tsv

package: setup  ## build the pip-installable model package en_bioner_bc5cdr into dist/
	$(BIONER) package $(MODEL) --output dist

bench: setup  ## tagging speed (words/s, one core) and peak memory of MODEL on BC5CDR test
	$(BIN)/python scripts/benchmark.py --model $(MODEL) --input $(TEST_FILE) --json $(TRAINING)/benchmark.json

test: setup  ## run the test suite
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

clean:  ## remove corpora, trained models and build output (keeps .venv)
	rm -rf data/raw data/corpus $(TRAINING) dist build
