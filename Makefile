# Thin layer over the `bioner` CLI. `make train` does the whole job; `make test` runs the tests.
# Corpora: downloaded by `make data`, or copied from local copies when their variables are set
# (BC5CDR_DIR, ...: `bioner corpora` lists them). Their file names come from the corpus catalogue
# (src/bioner/corpora/catalogue.py) through $(CATALOGUE_MK). Targets that make files are those
# files, so a second `make train` does not fetch or convert again.

PYTHON ?= python3
# Two steps at a time: training runs use one core, so the lexicon and the knowledge base are built
# on the other while the teacher trains. JOBS=1 makes one step at a time.
JOBS ?= 2
MAKEFLAGS += --jobs=$(JOBS)
VENV ?= .venv
BIN := $(VENV)/bin
BIONER := $(BIN)/bioner
CONFIG ?= configs/multi.cfg
# The final run's length, chosen by development runs (`make dev-run`, docs/results.md).
FINAL_STEPS ?= 6000
# The teacher: a BC5CDR-only model whose guesses mask chemicals and diseases that the other
# corpora leave unannotated (bioner.multicorpus).
TEACHER_CONFIG ?= configs/cnn.cfg
TEACHER_STEPS ?= 2000
# Options of `bioner multi-corpus`. Every corpus once: weighting BC5CDR twice
# (`--repeat bc5cdr-train=2`) gained on BC5CDR dev and lost on the other corpora (docs/results.md).
MULTI_ARGS ?=
TRAINING ?= training
DATA := data/raw
# File names from the catalogue (`bioner corpora --make-vars`): HOME_CORPUS, SPLIT_FILE_train/dev/test
# (BC5CDR's), CATALOGUE_KB_FILES. Targets that need no corpus do not build the venv to ask.
CATALOGUE_MK := data/catalogue.mk
ifneq ($(filter-out help setup lock lint test clean,$(or $(MAKECMDGOALS),help)),)
include $(CATALOGUE_MK)
endif
RAW = $(DATA)/$(HOME_CORPUS)
CORPUS := data/corpus
FETCHED := $(DATA)/.fetched
MULTI_TEXT := $(CORPUS)/multi/text.spacy
MULTI := $(CORPUS)/multi/train.spacy
TEACHER := $(TRAINING)/teacher/model-best
VECTORS := $(TRAINING)/vectors
# floret settings for the vectors: one pass at width 128.
VECTOR_ARGS ?= --dim 128 --epochs 1
# With data/raw/pubmed-text there (45 M words), the vectors read this share of the JSONL text:
# faster than all of it and no worse on the development parts (docs/results.md). Without it (the
# PubMed abstracts `make data` fetches), all the text is read.
VECTOR_TEXT_SHARE ?= 0.4
# Known Chemical/Disease names from MeSH and CTD for the tok2vec's lexicon feature (bioner lexicon).
LEXICON := $(TRAINING)/lexicon.npz
# Folders `make data` fills when MESH_DIR / CTD_DIR / PUBMED_TEXT_DIR are set (or --corpus mesh/ctd);
# each is used when present, looked up when the recipe runs (after the data step).
VOCAB_ARGS = $$(test -d $(DATA)/mesh && echo --mesh $(DATA)/mesh) $$(test -d $(DATA)/ctd && echo --ctd $(DATA)/ctd)
# Linker knowledge base: names -> MeSH ids from these corpora (+ MeSH XML when MESH_DIR is set);
# which corpora: the catalogue's `kb` splits.
KB := $(TRAINING)/kb.json.gz
KB_CORPORA ?= $(addprefix $(DATA)/,$(CATALOGUE_KB_FILES))
MODEL ?= $(TRAINING)/model-best
# The relation model (bioner relations): BC5CDR train + dev for the final run, train only for dev-run.
RELATIONS := $(TRAINING)/relations.json
RELATIONS_DEV := $(TRAINING)/relations-train.json
# Extra unlabelled text for the static vectors (JSONL, one {"text": ...} a line), beside what
# `make data` puts in data/raw/pretrain/.
PRETRAIN_TEXT ?=
PYTEST_ARGS ?=
TRAIN_ARGS ?=

TRAIN_FILE = $(RAW)/$(SPLIT_FILE_train)
DEV_FILE = $(RAW)/$(SPLIT_FILE_dev)
TEST_FILE = $(RAW)/$(SPLIT_FILE_test)

.PHONY: setup lock data corpus vectors teacher kb lexicon relations train dev-run evaluate pretrain package bench lint test clean help

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

setup: $(VENV)/.installed  ## create .venv and install bioner with its dev extra

# Exact versions of every dependency, transitive ones included, from the committed lock
# (requirements/lock.txt, hashes required); bioner itself goes in editable, with no dependency of its
# own resolved and the lock's setuptools as build backend. A lock older than pyproject.toml's
# dependencies is refused (scripts/lock.py check): `make lock` makes a new one.
LOCK := requirements/lock.txt
$(VENV)/.installed: pyproject.toml $(LOCK) requirements/tools.in
	$(PYTHON) scripts/lock.py check
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/python -m pip check
	touch $@

lock:  ## regenerate requirements/lock.txt and pylock.toml from pyproject.toml (uv, hashes); then run the tests and commit both
	PATH="$(abspath $(BIN)):$$PATH" $(PYTHON) scripts/lock.py write

$(CATALOGUE_MK): src/bioner/corpora/catalogue.py | $(VENV)/.installed
	mkdir -p $(@D)
	$(BIONER) corpora --make-vars > $@.tmp
	mv $@.tmp $@

data: $(FETCHED)  ## download (or copy from the *_DIR local copies) and verify every corpus into data/raw

# Order-only on the venv: reinstalling bioner does not fetch and convert the corpora again.
$(FETCHED): | $(VENV)/.installed
	$(BIONER) data --corpus all --output $(DATA)
	touch $@

corpus: $(CORPUS)/train.spacy $(CORPUS)/dev.spacy $(CORPUS)/test.spacy $(MULTI)  ## convert the corpora into data/corpus/*.spacy with reports (needs the teacher)

$(CORPUS)/%.spacy: $(FETCHED)
	$(BIONER) convert $(RAW)/$(SPLIT_FILE_$*) --output $@ --report $(CORPUS)/$*.report.json

# The training text of every corpus (never a held-out part), masked by lexicon only: the vectors' text.
$(MULTI_TEXT): $(FETCHED)
	$(BIONER) multi-corpus --raw $(DATA) --output $@ --report $(CORPUS)/multi/text.report.json

$(MULTI): $(TEACHER)/meta.json
	$(BIONER) multi-corpus --raw $(DATA) --teacher $(TEACHER) $(MULTI_ARGS) --output $@ --report $(CORPUS)/multi/train.report.json

# The vectors read the training text of every corpus and data/raw/pretrain.
$(VECTORS)/vectors-info.json: $(MULTI_TEXT) $(CORPUS)/dev.spacy $(PRETRAIN_TEXT)
	$(BIONER) vectors $(MULTI_TEXT) $(CORPUS)/dev.spacy $(DATA)/pretrain/*.jsonl \
		$$(test -d $(DATA)/pubmed-text && echo $(DATA)/pubmed-text --text-share $(VECTOR_TEXT_SHARE)) \
		$(PRETRAIN_TEXT) $(VECTOR_ARGS) --output $(VECTORS)

vectors: $(VECTORS)/vectors-info.json  ## train floret static vectors on the training text, data/raw/pretrain and data/raw/pubmed-text (+ PRETRAIN_TEXT)

$(TEACHER)/meta.json: $(CORPUS)/train.spacy $(CORPUS)/dev.spacy $(VECTORS)/vectors-info.json
	$(BIONER) train $(TEACHER_CONFIG) --output $(TRAINING)/teacher --final --steps $(TEACHER_STEPS) --paths.vectors $(VECTORS)

$(KB): $(FETCHED)
	$(BIONER) kb $(KB_CORPORA) $(VOCAB_ARGS) --output $(KB)

$(LEXICON): $(FETCHED)
	$(BIONER) lexicon $(VOCAB_ARGS) --output $(LEXICON)

$(RELATIONS): $(FETCHED)
	$(BIONER) relations $(TRAIN_FILE) $(DEV_FILE) $(VOCAB_ARGS) --output $@ --report $(TRAINING)/relations.report.json

$(RELATIONS_DEV): $(FETCHED)
	$(BIONER) relations $(TRAIN_FILE) $(VOCAB_ARGS) --output $@ --report $(TRAINING)/relations-train.report.json

relations: $(RELATIONS)  ## the relation model (which chemical induces which disease) from BC5CDR train + dev

lexicon: $(LEXICON)  ## the MeSH/CTD name lexicon the tagger marks per token (data/raw/mesh, data/raw/ctd)

kb: $(KB)  ## build the linker's knowledge base and ranker (KB_CORPORA, + data/raw/mesh and data/raw/ctd when present) into $(KB)

teacher: $(TEACHER)/meta.json  ## a short BC5CDR-only run whose guesses mask what other corpora leave unannotated

train: corpus vectors $(LEXICON) $(KB) $(RELATIONS)  ## the main job: data, vectors, teacher, lexicon, knowledge base, relation model, CONFIG on every corpus + BC5CDR dev for FINAL_STEPS, evaluation
	$(BIONER) train $(CONFIG) --output $(TRAINING) --final --steps $(FINAL_STEPS) --paths.vectors $(VECTORS) --paths.lexicon $(LEXICON) --paths.kb $(KB) --paths.relations $(RELATIONS) $(TRAIN_ARGS)
	$(MAKE) --no-print-directory evaluate

dev-run: corpus vectors $(LEXICON) $(KB) $(RELATIONS_DEV)  ## development run of CONFIG (train only, scored on BC5CDR dev): how FINAL_STEPS is chosen
	$(BIONER) train $(CONFIG) --output $(TRAINING)/dev --paths.vectors $(VECTORS) --paths.lexicon $(LEXICON) --paths.kb $(KB) --paths.relations $(RELATIONS_DEV) $(TRAIN_ARGS)

pretrain: vectors  ## pretrain CONFIG's tok2vec on PRETRAIN_TEXT; then: bioner train $(TRAINING)/pretrain/train.cfg
	@test -n "$(PRETRAIN_TEXT)" || { echo "set PRETRAIN_TEXT to a JSONL file of raw text ({\"text\": ...} a line)"; exit 2; }
	$(BIONER) pretrain $(CONFIG) $(PRETRAIN_TEXT) --output $(TRAINING)/pretrain --paths.vectors $(VECTORS)

evaluate: setup  ## score MODEL on BC5CDR test (mentions, concepts, relations end to end and on gold mentions) and the other corpora's held-out parts: training/evaluation.json and .html
	$(BIONER) evaluate --gold $(TEST_FILE) --model $(MODEL) --cross-corpus $(DATA) --gold-mentions --json $(TRAINING)/evaluation.json --html $(TRAINING)/evaluation.html --errors $(TRAINING)/errors.tsv

package: setup  ## build the pip-installable model package en_bioner_bc5cdr into dist/
	$(BIONER) package $(MODEL) --output dist

bench: setup  ## tagging speed (words/s, one core) and peak memory of MODEL on BC5CDR test
	$(BIN)/python scripts/benchmark.py --model $(MODEL) --input $(TEST_FILE) --json $(TRAINING)/benchmark.json

lint: setup  ## ruff (lint rules and format in pyproject.toml), mypy, and the import layers (lint-imports)
	$(BIN)/ruff check src tests scripts
	$(BIN)/ruff format --check src tests scripts
	$(BIN)/mypy
	$(BIN)/lint-imports

test: setup  ## run the test suite
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

clean:  ## remove corpora, trained models and build output (keeps .venv)
	rm -rf data/raw data/corpus $(CATALOGUE_MK) $(TRAINING) dist build
