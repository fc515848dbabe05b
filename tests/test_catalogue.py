"""The corpus catalogue: each corpus described once, and every other list derived from it."""

from __future__ import annotations

import gzip
import os
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bioner.corpora import catalogue, fetch_entry, names_for_all
from bioner.corpora.catalogue import (
    CORPORA,
    Citation,
    Corpus,
    HoldOut,
    Part,
    evaluation_files,
    kb_files,
    linked_labels,
    make_vars,
    model_labels,
)
from bioner.corpora.tables import markdown_tables
from bioner.corpora.text import evaluation_pmids
from bioner.evaluation.cross_corpus import heldout_parts, overlap_label
from bioner.linking.gold import corpus_entries
from bioner.model_card import build_meta, render_model_card, training_sources
from bioner.multicorpus import default_parts, read_part

REPO_ROOT = Path(__file__).resolve().parents[1]


def _app():
    from bioner.cli import _register, app

    _register()
    return app


CHEMNAMES_TEXT = """\
CN-101|t|Caffeine and glucose.
CN-101|a|Theobromine too.
CN-101\t0\t8\tCaffeine\tChemicalEntity\tD002110
CN-101\t13\t20\tglucose\tChemicalEntity\tD005947

CN-102|t|Lithium salts.
CN-102|a|
CN-102\t0\t7\tLithium\tChemicalEntity\tD008094

CN-103|t|Aspirin.
CN-103|a|
CN-103\t0\t7\tAspirin\tChemicalEntity\tD001241

"""


def chemnames_entry() -> Corpus:
    """A chemical corpus added the way a newcomer adds one: one catalogue entry, nothing else.
    Published as one gzipped file with no test split: every third document is held out; its
    ids (`CN-101`) hold the PMID after `CN-`; its label is `ChemicalEntity`."""
    return Corpus(
        "chemnames",
        "CHEMNAMES_DIR",
        catalogue._splits(None, "", [("all", "ChemNames.PubTator")], fetch="gzip", evaluation={"all"}, kb={"all"}),
        ("https://example.org/chemnames/",),
        annotates=("Chemical",),
        label_map={"ChemicalEntity": "Chemical"},
        training=(Part("chemnames-train", "all", documents="train"),),
        heldout=(Part("chemnames-heldout", "all", documents="heldout"),),
        holdout=HoldOut(3),
        pmid=r"CN-(\d+)",
        description="ChemNames: Chemical",
        source=Citation(
            "ChemNames",
            "ChemNames corpus",
            "Doe et al. 2030",
            "https://example.org/chemnames/",
            "abstracts annotated with chemicals",
            "Doe J. ChemNames. J Chem Names. 2030;1:1.",
            "CC BY 4.0",
        ),
    )


@pytest.fixture
def new_corpus(monkeypatch):
    """The new entry in the catalogue itself, for the readers that take no catalogue argument (the
    command line, the model card); monkeypatch puts the catalogue back after the test."""
    entry = chemnames_entry()
    monkeypatch.setitem(CORPORA, entry.name, entry)
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


def test_a_new_corpus_in_a_copy_of_the_catalogue_reaches_every_reader(tmp_path):
    entry = chemnames_entry()
    copy = {**CORPORA, entry.name: entry}
    folder = tmp_path / "chemnames"
    folder.mkdir()
    (folder / "ChemNames.PubTator").write_text(CHEMNAMES_TEXT, encoding="utf-8")

    # multi-corpus training parts: two documents of three, by the entry's held-out rule
    train = {part.name: part for part in default_parts(tmp_path, copy)["train"]}["chemnames-train"]
    assert [d.id for d in read_part(train)] == ["CN-101", "CN-102"]
    # cross-corpus evaluation: the third, scored by F1 on Chemical, before the confusion rates
    heldout = heldout_parts(tmp_path, copy)
    names = [part.name for part in heldout]
    assert names.index("chemnames-heldout") < names.index("gnormplus-test")
    part = heldout[names.index("chemnames-heldout")]
    assert [d.id for d in read_part(part)] == ["CN-103"] and overlap_label(part) is None
    # the vectors' text leaves out its PMIDs, read by its own pattern
    pmids, read = evaluation_pmids(tmp_path, copy)
    assert pmids == {"101", "102", "103"} and read == [str(folder / "ChemNames.PubTator")]
    # the knowledge base: its file, and its label filed as Chemical
    assert "chemnames/ChemNames.PubTator" in kb_files(copy) and "chemnames" in make_vars(copy)
    entries = corpus_entries(read_part(part), linked_labels(copy))
    assert entries == {("Chemical", "Aspirin", "D001241"): 1}
    assert corpus_entries(read_part(part), linked_labels()) == {}  # without the entry: not linked
    # the model card's citation and the documentation's tables
    (source,) = training_sources(["chemnames-train"], copy)
    assert source.reference == "Doe J. ChemNames. J Chem Names. 2030;1:1."
    tables = markdown_tables(copy)
    assert all("chemnames" in table or "ChemNames" in table for table in tables.values())
    assert "every third document (by id)" in tables["corpora-table:overview"]
    assert "CC BY 4.0" in tables["corpora-table:licences"]
    assert "`ChemNames.PubTator.gz` from example.org" in tables["corpora-table:data"]
    assert "chemnames" not in CORPORA  # the copy, not the catalogue, was changed


def test_a_new_corpus_entry_is_fetched_by_bioner_data_and_cited_by_the_card(new_corpus, tmp_path, monkeypatch):
    local = tmp_path / "copy"
    local.mkdir()
    (local / "ChemNames.PubTator.gz").write_bytes(gzip.compress(CHEMNAMES_TEXT.encode()))
    monkeypatch.setenv("CHEMNAMES_DIR", str(local))

    assert "chemnames" in names_for_all()
    info = fetch_entry("chemnames", tmp_path / "raw" / "chemnames")
    assert info.documents == {"all": 3} and info.mentions == {"all": 4}

    meta = build_meta({"lang": "en", "name": "x", "version": "0.0.0"}, {}, corpora=["bc5cdr-train", "chemnames-train"])
    assert meta["description"].endswith("trained on BC5CDR and ChemNames")
    assert meta["sources"][1] == {
        "name": "ChemNames corpus",
        "author": "Doe et al. 2030",
        "url": "https://example.org/chemnames/",
    }
    card = render_model_card(meta, '[nlp]\nlang = "en"\npipeline = []\n', evaluation=None)
    assert "> ChemNames: Doe J. ChemNames. J Chem Names. 2030;1:1." in card
    table = CliRunner().invoke(_app(), ["corpora", "--markdown"]).output
    assert "`CHEMNAMES_DIR`" in table and "<!-- corpora-table:licences:start -->" in table


def test_every_corpus_is_cited_with_a_licence():
    for corpus in CORPORA.values():
        assert corpus.source is not None and corpus.source.reference and corpus.source.licence, corpus.name


def test_an_entry_whose_parts_name_no_rule_or_split_is_refused_when_written():
    with pytest.raises(ValueError, match="no holdout rule"):
        replace(chemnames_entry(), holdout=None)
    with pytest.raises(ValueError, match="names no split"):
        replace(chemnames_entry(), training=(Part("x", "nope"),))
    with pytest.raises(ValueError, match="annotates one label"):
        replace(CORPORA["tmvar3"], heldout=(Part("t", "test", measure="confusion"),))


def test_the_linker_files_ncbi_disease_classes_as_disease_and_nothing_else_new():
    labels = linked_labels()
    assert labels["SpecificDisease"] == labels["CompositeMention"] == labels["Disease"] == "Disease"
    assert set(labels.values()) == {"Chemical", "Disease"} and "ProteinMutation" not in labels


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
        # -o: never remake the stand-in venv (make runs the rules of included makefiles' prerequisites even with -n);
        # data and training folders of its own, so that what this checkout has made does not count
        [
            "make",
            "-n",
            "train",
            f"VENV={venv}",
            "-o",
            f"{venv}/.installed",
            f"CATALOGUE_MK={variables}",
            f"DATA={tmp_path}/raw",
            f"CORPUS={tmp_path}/corpus",
            f"TRAINING={tmp_path}/training",
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert (
        f"convert {tmp_path}/raw/bc5cdr/Renamed_Train.PubTator.txt --output {tmp_path}/corpus/train.spacy"
        in result.stdout
    )
    kb_line = next(line for line in result.stdout.splitlines() if " kb " in line)
    assert f"{tmp_path}/raw/nlm-chem/NLMchem_Test.passages.PubTator" in kb_line and "Renamed_Train" in kb_line
