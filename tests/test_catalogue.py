"""The corpus catalogue: each corpus described once, and every other list derived from it."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bioner.corpora import catalogue, names_for_all
from bioner.corpora.catalogue import CORPORA, Part, evaluation_files, kb_files, make_vars, model_labels
from bioner.evaluation.cross_corpus import heldout_parts
from bioner.multicorpus import default_parts

REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def new_corpus(monkeypatch):
    """A corpus added the way a newcomer adds one: one catalogue entry, nothing else."""
    entry = replace(
        CORPORA["species"],
        name="cells",
        env="CELLS_DIR",
        splits=catalogue._splits(
            "AIONER.zip", "", [("train", "Cells_Train.PubTator"), ("test", "Cells_Test.PubTator")], evaluation={"test"}
        ),
        annotates=("CellLine",),
        training=(Part("cells-train", "train"),),
        heldout=(Part("cells-test", "test"),),
    )
    monkeypatch.setitem(CORPORA, "cells", entry)
    return entry


def test_every_held_out_or_development_part_is_kept_out_of_the_vectors_text():
    for corpus in CORPORA.values():
        for part in (*corpus.heldout, *corpus.development):
            assert corpus.split(part.split).evaluation, f"{part.name}: its PMIDs would leak into the vectors' text"
            assert corpus.split(part.split).filename in evaluation_files()[corpus.name]


def test_part_names_are_unique_and_name_splits_their_corpus_has():
    parts = [part for corpus in CORPORA.values() for part in (*corpus.training, *corpus.development, *corpus.heldout)]
    assert len({part.name for part in parts}) == len(parts)
    for corpus in CORPORA.values():
        for part in (*corpus.training, *corpus.development, *corpus.heldout):
            assert part.split in {split.name for split in corpus.splits}


def test_tmvar3_and_species_are_negatives_trained_on_and_held_out():
    tmvar3, species = CORPORA["tmvar3"], CORPORA["species"]
    assert "Chemical" not in tmvar3.annotates and "Disease" not in tmvar3.annotates
    assert tmvar3.label_map["ProteinMutation"] == tmvar3.label_map["SNP"] == "Variant"
    assert [p.annotates for p in tmvar3.heldout] == [("Variant",)] and species.annotates == ("Species",)
    assert (tmvar3.env, species.env) == ("TMVAR3_DIR", "SPECIES_DIR")
    assert model_labels() == ("Chemical", "Disease", "Gene", "Variant", "Species")


def test_a_new_entry_reaches_training_evaluation_exclusion_and_data(new_corpus, tmp_path):
    assert "cells-train" in [part.name for part in default_parts(tmp_path)["train"]]
    heldout = {part.name: part for part in heldout_parts(tmp_path)}
    assert heldout["cells-test"].path == tmp_path / "cells" / "Cells_Test.PubTator"
    assert evaluation_files()["cells"] == ("Cells_Test.PubTator",)
    assert "cells" in names_for_all() and "cells" in make_vars()


def test_held_out_parts_put_scored_corpora_before_confusion_rates(tmp_path):
    names = [part.name for part in heldout_parts(tmp_path)]
    assert names[:2] == ["ncbi-disease-dev", "nlm-chem-heldout"]
    assert names[-2:] == ["tmvar3-test", "species-test"]


def test_mesh_is_fetched_by_all_only_with_a_local_copy(monkeypatch):
    monkeypatch.delenv("MESH_DIR", raising=False)
    without = names_for_all()
    monkeypatch.setenv("MESH_DIR", "/somewhere")
    assert "mesh" not in without and "mesh" in names_for_all()
    assert {"tmvar3", "species", "pretrain", "pubmed-text", "ctd"} <= set(without) and "pubmed" not in without
    assert without.index("pretrain") > without.index("species")  # corpora first: their PMIDs are left out


def test_make_vars_name_the_home_corpus_files_and_knowledge_base_corpora():
    lines = dict(line.split(" := ", 1) for line in make_vars().splitlines() if " := " in line)
    assert lines["SPLIT_FILE_dev"] == "CDR_DevelopmentSet.PubTator.txt"
    assert lines["HOME_CORPUS"] == "bc5cdr"
    assert lines["CATALOGUE_KB_FILES"].split() == kb_files()
    assert "bc5cdr/CDR_TestSet.PubTator.txt" not in kb_files()  # never the test split


def test_corpora_command_prints_the_make_vars_and_the_table():
    from bioner.cli import _register, app

    _register()
    result = CliRunner().invoke(app, ["corpora", "--make-vars"])
    assert result.exit_code == 0 and result.output == make_vars()
    table = CliRunner().invoke(app, ["corpora"]).output
    assert "TMVAR3_DIR" in table and "species-test" in table and "PUBMED_TEXT_DIR" in table


@pytest.mark.skipif(shutil.which("make") is None, reason="no make")
def test_the_makefile_takes_file_names_from_the_catalogue(tmp_path):
    venv = tmp_path / "venv"  # a stand-in: nothing is installed or run (make -n)
    venv.mkdir()
    (venv / ".installed").touch()
    variables = tmp_path / "catalogue.mk"
    variables.write_text(make_vars().replace("CDR_TrainingSet", "Renamed_Train"), encoding="utf-8")
    env = {key: value for key, value in os.environ.items() if not key.startswith("MAKE")}
    result = subprocess.run(
        # -o: never remake the stand-in venv (make runs the rules of included makefiles' prerequisites even with -n)
        ["make", "-n", "train", f"VENV={venv}", "-o", f"{venv}/.installed", f"CATALOGUE_MK={variables}"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "convert data/raw/bc5cdr/Renamed_Train.PubTator.txt --output data/corpus/train.spacy" in result.stdout
    kb_line = next(line for line in result.stdout.splitlines() if " kb " in line)
    assert "data/raw/nlm-chem/NLMchem_Test.passages.PubTator" in kb_line and "Renamed_Train" in kb_line
