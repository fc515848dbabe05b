"""Building the linker's knowledge base from corpora and MeSH XML (fixtures made here)."""

from __future__ import annotations

import gzip
import subprocess
import sys

import pytest

from bioner.corpora.catalogue import linked_labels
from bioner.errors import BionerError
from bioner.formats.pubtator import read_pubtator
from bioner.linking.kb import build_kb, corpus_aliases, corpus_entries, normalise, read_mesh_xml
from bioner.linking.linker import Linker, read_kb
from bioner.vocabularies import mesh_files

PUBTATOR = (
    "1|t|Renal and hepatic failure after cisplatin.\n"
    "1|a|Cisplatin caused renal failure.\n"
    "1\t0\t25\tRenal and hepatic failure\tDisease\tD051437|D017093\tRenal failure|hepatic failure\n"
    "1\t32\t41\tcisplatin\tChemical\tMESH:D002945\n"
    "1\t43\t52\tCisplatin\tChemical\tD002945\n"
    "1\t60\t73\trenal failure\tDisease\t-1\n"
    "\n"
    "2|t|Breast cancer.\n"
    "2|a|\n"
    "2\t0\t13\tBreast cancer\tSpecificDisease\tOMIM:114480\n"
)

DESCRIPTORS = """<?xml version="1.0"?>
<DescriptorRecordSet LanguageCode="eng">
 <DescriptorRecord DescriptorClass="1">
  <DescriptorUI>D051437</DescriptorUI>
  <DescriptorName><String>Renal Insufficiency</String></DescriptorName>
  <TreeNumberList><TreeNumber>C12.777.419.780</TreeNumber></TreeNumberList>
  <ConceptList><Concept PreferredConceptYN="Y"><TermList>
   <Term><String>Renal Insufficiency</String></Term>
   <Term><String>Kidney Failure</String></Term>
  </TermList></Concept></ConceptList>
 </DescriptorRecord>
 <DescriptorRecord DescriptorClass="1">
  <DescriptorUI>D002945</DescriptorUI>
  <TreeNumberList><TreeNumber>D01.210.375</TreeNumber></TreeNumberList>
  <ConceptList><Concept><TermList><Term><String>Cisplatin</String></Term>
   <Term><String>cis-Diamminedichloroplatinum(II)</String></Term></TermList></Concept></ConceptList>
 </DescriptorRecord>
 <DescriptorRecord DescriptorClass="1">
  <DescriptorUI>D001829</DescriptorUI>
  <TreeNumberList><TreeNumber>A01.236</TreeNumber></TreeNumberList>
  <ConceptList><Concept><TermList><Term><String>Body Regions</String></Term></TermList></Concept></ConceptList>
 </DescriptorRecord>
 <DescriptorRecord DescriptorClass="1">
  <DescriptorUI>D006720</DescriptorUI>
  <TreeNumberList><TreeNumber>G05.420</TreeNumber></TreeNumberList>
  <ConceptList><Concept><TermList><Term><String>Heredity</String></Term>
   <Term><String>Kidney Failure</String></Term></TermList></Concept></ConceptList>
 </DescriptorRecord>
</DescriptorRecordSet>
"""

SUPPLEMENTARY = """<?xml version="1.0"?>
<SupplementalRecordSet LanguageCode="eng">
 <SupplementalRecord SCRClass="1">
  <SupplementalRecordUI>C009166</SupplementalRecordUI>
  <ConceptList><Concept><TermList><Term><String>retinyl acetate</String></Term>
   <Term><String>vitamin A acetate</String></Term></TermList></Concept></ConceptList>
 </SupplementalRecord>
 <SupplementalRecord SCRClass="3">
  <SupplementalRecordUI>C535338</SupplementalRecordUI>
  <ConceptList><Concept><TermList><Term><String>Rare Syndrome X</String></Term></TermList></Concept></ConceptList>
 </SupplementalRecord>
 <SupplementalRecord SCRClass="2">
  <SupplementalRecordUI>C000001</SupplementalRecordUI>
  <ConceptList><Concept><TermList><Term><String>Some Protocol</String></Term></TermList></Concept></ConceptList>
 </SupplementalRecord>
</SupplementalRecordSet>
"""


@pytest.fixture()
def mesh_dir(tmp_path):
    folder = tmp_path / "mesh"
    folder.mkdir()
    (folder / "desc2019.xml").write_text("<DescriptorRecordSet/>", encoding="utf-8")  # older year: ignored
    (folder / "desc2020.xml").write_text(DESCRIPTORS, encoding="utf-8")
    (folder / "supp2020.xml").write_text(SUPPLEMENTARY, encoding="utf-8")
    return folder


def test_corpus_entries_count_names_split_composites_and_skip_minus_one(tmp_path):
    path = tmp_path / "c.txt"
    path.write_text(PUBTATOR, encoding="utf-8")
    counts = corpus_entries(read_pubtator(path), linked_labels())
    assert counts == {
        ("Disease", "Renal and hepatic failure", "D051437|D017093"): 1,
        ("Disease", "Renal failure", "D051437"): 1,
        ("Disease", "hepatic failure", "D017093"): 1,
        ("Chemical", "cisplatin", "D002945"): 1,  # MESH: prefix dropped
        ("Chemical", "Cisplatin", "D002945"): 1,
        ("Disease", "Breast cancer", "OMIM:114480"): 1,  # NCBI label counts as Disease (the catalogue's map)
    }


def test_mesh_reader_labels_descriptors_by_tree_and_records_by_class(mesh_dir):
    entries = set(read_mesh_xml(mesh_dir / "desc2020.xml")) | set(read_mesh_xml(mesh_dir / "supp2020.xml"))
    assert entries == {
        ("Disease", "Renal Insufficiency", "D051437"),
        ("Disease", "Kidney Failure", "D051437"),
        ("Chemical", "Cisplatin", "D002945"),
        ("Chemical", "cis-Diamminedichloroplatinum(II)", "D002945"),
        ("Chemical", "retinyl acetate", "C009166"),
        ("Chemical", "vitamin A acetate", "C009166"),
        ("Disease", "Rare Syndrome X", "C535338"),
    }


def test_mesh_files_takes_the_newest_year_and_broken_xml_is_an_error(mesh_dir, tmp_path):
    assert [p.name for p in mesh_files(mesh_dir, required=True)] == ["desc2020.xml", "supp2020.xml"]
    (mesh_dir / "desc2021.xml").write_text("<DescriptorRecordSet><DescriptorRecord>", encoding="utf-8")
    with pytest.raises(BionerError, match="desc2021.xml: not well-formed"):
        list(read_mesh_xml(mesh_dir / "desc2021.xml"))
    with pytest.raises(BionerError, match="no desc20XX.xml"):
        mesh_files(tmp_path / "mesh" / "..", required=True)


def test_build_kb_merges_corpus_and_mesh_into_a_loadable_file(tmp_path, mesh_dir):
    corpus = tmp_path / "c.txt"
    corpus.write_text(PUBTATOR, encoding="utf-8")
    summary = build_kb([corpus], tmp_path / "kb.json.gz", mesh_dir=mesh_dir, labels=linked_labels())
    kb = read_kb(summary.path)
    entries = {(label, name, identifier): (n, listed) for label, name, identifier, n, listed in kb.entries}
    assert entries[("Chemical", "Cisplatin", "D002945")] == (1, 1)  # annotated once, and a MeSH name
    assert entries[("Chemical", "cisplatin", "D002945")] == (1, 0)
    assert entries[("Disease", "Kidney Failure", "D051437")] == (0, 1)
    assert kb.concepts["D051437"] == ("descriptor", "Disease")
    assert kb.concepts["C009166"] == ("supplementary", "Chemical")
    assert kb.ranker is not None and kb.ranker["info"]["trained"]
    assert summary.concepts == {"Chemical": 2, "Disease": 5}
    assert not (tmp_path / "kb.json.gz.partial").exists()


def test_build_kb_keeps_the_names_of_other_mesh_trees_that_no_concept_has(tmp_path, mesh_dir):
    corpus = tmp_path / "c.txt"
    corpus.write_text(PUBTATOR, encoding="utf-8")
    kb = read_kb(build_kb([corpus], tmp_path / "kb.json.gz", mesh_dir=mesh_dir, labels=linked_labels()).path)
    # "Kidney Failure" is also a Disease name (D051437): not an other name.
    assert kb.other_names == sorted([normalise("Body Regions"), normalise("Heredity")])
    assert "D006720" not in kb.concepts and "D001829" not in kb.concepts


def test_corpus_aliases_answer_with_the_corpus_id_of_a_concept_the_vocabulary_renamed():
    listed = {
        ("Chemical", "Olanzapine", "D000077152"),
        ("Chemical", "Zyprexa", "D000077152"),
        ("Chemical", "Atorvastatin", "D000069059"),
        ("Chemical", "Citrates", "D002951"),
        ("Chemical", "citrate", "D019343"),
        ("Disease", "Rare Syndrome", "C535301"),
    }
    counts = {
        ("Chemical", "olanzapine", "C076029"): 3,  # BC5CDR's MeSH 2015 id, gone from today's MeSH
        ("Chemical", "atorvastatin", "C065179"): 2,
        ("Chemical", "atorvastatin", "D000069059"): 5,  # another corpus uses today's id: two conventions
        ("Chemical", "citrate", "C102006"): 4,  # listed under two concepts: no vote
        ("Chemical", "unknown drug", "C000001"): 1,
        ("Disease", "rare syndrome", "OMIM:605253"): 2,  # another namespace: not a renamed MeSH id
    }
    assert corpus_aliases(counts, listed) == {"D000077152": "C076029"}
    # a minority of the corpus id's mentions under the concept's names is not enough
    counts[("Chemical", "LY170052", "C076029")] = 4
    assert corpus_aliases(counts, listed) == {}


def test_build_kb_files_a_renamed_concepts_vocabulary_names_under_the_corpus_id(tmp_path, mesh_dir):
    corpus = tmp_path / "c.txt"
    corpus.write_text(
        "1|t|Vitamin A acetate.\n1|a|\n1\t0\t17\tVitamin A acetate\tChemical\tC999999\n\n", encoding="utf-8"
    )
    summary = build_kb([corpus], tmp_path / "kb.json.gz", mesh_dir=mesh_dir, train_ranker=False)
    kb = read_kb(summary.path)
    assert summary.aliases == {"C009166": "C999999"}
    ids = {identifier for _, name, identifier, _, _ in kb.entries if name in ("retinyl acetate", "vitamin A acetate")}
    assert ids == {"C999999"}
    assert kb.concepts["C999999"] == ("supplementary", "Chemical") and "C009166" not in kb.concepts
    assert Linker.build(kb).link_document([("retinyl acetate", "Chemical")]) == ["C999999"]


def _gzip(path, text: str) -> None:
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write(text)


CTD = (
    "# The Comparative Toxicogenomics Database (CTD)\n"
    "# Fields:\n"
    "# DiseaseName\tDiseaseID\tAltDiseaseIDs\tDefinition\tParentIDs\tTreeNumbers\tParentTreeNumbers\tSynonyms\n"
    "#\n"
    "Kidney Failure\tMESH:D051437\tOMIM:161900\t\t\tC12.777.419.780\t\tRenal Failure|Kidney Insufficiency\n"
    "Breast cancer, familial\tOMIM:114480\t\t\t\t\t\tBRCA1 breast cancer\n"
)


@pytest.fixture
def no_vocabulary_variables(monkeypatch):
    """`bioner kb` reads MESH_DIR and CTD_DIR when --mesh / --ctd are not given: CI and users set them."""
    monkeypatch.delenv("MESH_DIR", raising=False)
    monkeypatch.delenv("CTD_DIR", raising=False)


@pytest.mark.parametrize("compressed", [False, True])
def test_kb_command_reads_plain_or_gzipped_mesh_and_ctd(tmp_path, compressed, run_bioner, no_vocabulary_variables):
    mesh = tmp_path / "mesh"
    ctd = tmp_path / "ctd"
    mesh.mkdir()
    ctd.mkdir()
    if compressed:
        _gzip(mesh / "desc2024.xml.gz", DESCRIPTORS)
        _gzip(mesh / "supp2024.xml.gz", SUPPLEMENTARY)
        _gzip(ctd / "CTD_diseases.tsv.gz", CTD)
    else:
        (mesh / "desc2024.xml").write_text(DESCRIPTORS, encoding="utf-8")
        (mesh / "supp2024.xml").write_text(SUPPLEMENTARY, encoding="utf-8")
        (ctd / "CTD_diseases.tsv").write_text(CTD, encoding="utf-8")
    output = tmp_path / "kb.json.gz"
    result = run_bioner("kb", "--mesh", mesh, "--ctd", ctd, "--output", output)
    assert result.exit_code == 0, result.output
    kb = read_kb(output)
    names = {(label, name, identifier) for label, name, identifier, _, listed in kb.entries if listed}
    assert ("Chemical", "vitamin A acetate", "C009166") in names
    assert ("Disease", "Kidney Insufficiency", "D051437") in names  # a CTD synonym of a MeSH descriptor
    assert ("Disease", "BRCA1 breast cancer", "OMIM:114480") in names
    assert kb.concepts["D051437"] == ("descriptor", "Disease")  # MeSH's kind, not CTD's
    assert kb.concepts["OMIM:114480"] == ("ctd", "Disease")
    linker = Linker.build(kb)
    assert linker.link_document([("kidney insufficiency", "Disease"), ("vitamin A acetate", "Chemical")]) == [
        "D051437",
        "C009166",
    ]


def test_kb_command_names_a_malformed_vocabulary_file_in_one_error(tmp_path, no_vocabulary_variables):
    mesh = tmp_path / "mesh"
    mesh.mkdir()
    _gzip(mesh / "desc2024.xml.gz", DESCRIPTORS[:400])  # cut off mid-record
    result = subprocess.run(
        [sys.executable, "-m", "bioner.cli", "kb", "--mesh", str(mesh), "--output", str(tmp_path / "kb.json.gz")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1, result.stderr
    [line] = result.stderr.strip().splitlines()  # one line, so no traceback
    assert line.startswith(f"error: {mesh / 'desc2024.xml.gz'}: not well-formed"), line
    assert not (tmp_path / "kb.json.gz").exists()


def test_kb_command_reads_mesh_dir_from_the_environment(tmp_path, mesh_dir, monkeypatch, run_bioner):
    monkeypatch.setenv("MESH_DIR", str(mesh_dir))
    monkeypatch.delenv("CTD_DIR", raising=False)
    output = tmp_path / "out" / "kb.json.gz"
    result = run_bioner("kb", "--output", output)
    assert result.exit_code == 0, result.output
    kb = read_kb(output)
    assert ("Disease", "Rare Syndrome X", "C535338", 0, 1) in kb.entries
    assert {kind for kind, _ in kb.concepts.values()} == {"descriptor", "supplementary"}  # nothing from CTD
    output.unlink()
    nothing = "error: give annotated corpora, --mesh, --ctd, or several"
    monkeypatch.delenv("MESH_DIR")  # neither variable set, no corpus given
    assert run_bioner.error("kb", "--output", output) == nothing
    monkeypatch.setenv("MESH_DIR", "")  # both set but empty
    monkeypatch.setenv("CTD_DIR", "")
    assert run_bioner.error("kb", "--output", output) == nothing
    assert not output.exists()


def test_corpus_entries_split_nlm_chem_comma_joined_ids(tmp_path):
    path = tmp_path / "nlmchem.txt"
    path.write_text(
        "9|t|Amino acids and glucose.\n"
        "9|a|\n"
        "9\t0\t11\tAmino acids\tChemical\tMESH:D000596,MESH:D005947\n"
        "9\t16\t23\tglucose\tChemical\tMESH:D005947\n",
        encoding="utf-8",
    )
    counts = corpus_entries(read_pubtator(path), linked_labels())
    assert counts[("Chemical", "Amino acids", "D000596|D005947")] == 1
    assert counts[("Chemical", "glucose", "D005947")] == 1
    assert not any("," in identifier or "MESH:" in identifier for _, _, identifier in counts)
