"""`bioner lexicon` (bioner.lexicon): which MeSH and CTD names the lexicon feature takes."""

import gzip
import os
import subprocess
import sys

import pytest
import spacy
from spacy.attrs import LOWER

import bioner.pipeline  # noqa: F401
from bioner.errors import BionerError
from bioner.lexicon import check_lexicon_path, descriptor_labels, keep_name, select_names
from bioner.pipeline.lexicon_embed import STATES, mark_tokens, read_lexicon
from bioner.vocabularies import Concept


def descriptor(identifier, trees, *names):
    return Concept(identifier, names[0], names[1:], "mesh-descriptor", tuple(trees))


def supplementary(identifier, scr_class, mapped, *names):
    return Concept(identifier, names[0], names[1:], "mesh-supplementary", (), tuple(mapped), scr_class)


def test_descriptors_in_enzyme_protein_or_signalling_branches_are_not_chemicals():
    assert descriptor_labels(["D02.455.326"]) == {"Chemical"}
    assert descriptor_labels(["D08.811.277"]) == set()  # an enzyme
    assert descriptor_labels(["D06.472.699", "D12.776.631"]) == set()  # a hormone that is also a protein
    assert descriptor_labels(["C10.228", "F03.600"]) == {"Disease"}
    assert descriptor_labels(["F03.600"]) == {"Disease"}
    assert descriptor_labels(["D12.776.631"], excluded=()) == {"Chemical"}


def test_supplementary_records_follow_their_descriptors_and_ctd_rows_are_diseases():
    concepts = [
        descriptor("D1", ["D03.633"], "Piperidines"),
        descriptor("D2", ["D08.811"], "Kinases"),
        descriptor("D3", ["C14.907"], "Hypertension", "High Blood Pressure"),
        supplementary("C1", "1", ["D1"], "rofecoxib", "Vioxx"),
        supplementary("C2", "1", ["D2"], "kinase X"),
        supplementary("C3", "1", [], "orphan chemical"),
        supplementary("C4", "2", ["D1"], "CHOP protocol"),
        supplementary("C5", "3", ["D3"], "rare syndrome"),
        Concept("OMIM:1", "Spinocerebellar Ataxia 1", ("SCA1",), "ctd-disease"),
    ]
    assert sorted(select_names(concepts)) == [
        ("Chemical", "Piperidines"),
        ("Chemical", "Vioxx"),
        ("Chemical", "orphan chemical"),
        ("Chemical", "rofecoxib"),
        ("Disease", "High Blood Pressure"),
        ("Disease", "Hypertension"),
        ("Disease", "SCA1"),
        ("Disease", "Spinocerebellar Ataxia 1"),
    ]


@pytest.mark.parametrize(
    "name, kept",
    [
        ("rofecoxib", True),
        ("Li", False),  # 1-2 characters
        ("1,2", False),  # a bare number
        ("WAS", False),  # CTD's Wiskott-Aldrich syndrome: "was"
        ("SCA1", False),
        ("Lead", False),  # a stop name (frequent outside gold mentions in BC5CDR train)
        ("Drugs", False),
        ("Parkinson Disease", True),
        ("L-DOPA", True),
    ],
)
def test_keep_name_drops_short_numeric_acronym_and_stop_names(name, kept):
    assert keep_name(name) is kept


DESCRIPTORS = """<?xml version="1.0"?>
<DescriptorRecordSet LanguageCode="eng">
{records}
</DescriptorRecordSet>
"""
RECORD = """<DescriptorRecord DescriptorClass="1">
<DescriptorUI>{ui}</DescriptorUI>
<DescriptorName><String>{name}</String></DescriptorName>
<ConceptList><Concept PreferredConceptYN="Y"><ConceptName><String>{name}</String></ConceptName>
<TermList><Term ConceptPreferredTermYN="Y" RecordPreferredTermYN="Y"><String>{name}</String></Term></TermList>
</Concept></ConceptList>
<TreeNumberList><TreeNumber>{tree}</TreeNumber></TreeNumberList>
</DescriptorRecord>"""
SUPPLEMENTARY = """<?xml version="1.0"?>
<SupplementalRecordSet LanguageCode="eng">
<SupplementalRecord SCRClass="1">
<SupplementalRecordUI>C116926</SupplementalRecordUI>
<SupplementalRecordName><String>rofecoxib</String></SupplementalRecordName>
<HeadingMappedToList><HeadingMappedTo><DescriptorReferredTo><DescriptorUI>*D000001</DescriptorUI></DescriptorReferredTo></HeadingMappedTo></HeadingMappedToList>
<ConceptList><Concept PreferredConceptYN="Y"><ConceptName><String>rofecoxib</String></ConceptName>
<TermList><Term ConceptPreferredTermYN="Y" RecordPreferredTermYN="Y"><String>rofecoxib</String></Term></TermList>
</Concept></ConceptList>
</SupplementalRecord>
</SupplementalRecordSet>
"""
CTD = """# Fields:
# DiseaseName\tDiseaseID\tAltDiseaseIDs\tDefinition\tParentIDs\tTreeNumbers\tParentTreeNumbers\tSynonyms\tSlimMappings
Depressive Disorder, Treatment-Resistant\tMESH:D061218\t\t\t\tF03.600.300.375\tF03.600.300\ttreatment-resistant depression\t
"""


def run_cli(*args):
    """Run `bioner lexicon` without the MESH_DIR / CTD_DIR that CI and users set, so only the flags count."""
    script = "import bioner.cli.lexicon; from bioner.cli import main; main()"
    env = {key: value for key, value in os.environ.items() if key not in ("MESH_DIR", "CTD_DIR")}
    command = [sys.executable, "-c", script, "lexicon", *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, env=env)


def test_cli_builds_a_lexicon_from_mesh_and_ctd_folders_that_marks_their_names(tmp_path):
    records = [
        ("D000001", "Lactams", "D02.065"),
        ("D000002", "Thrombin", "D08.811.277"),
        ("D000003", "Nephrosis", "C12.777"),
    ]
    (tmp_path / "mesh").mkdir()
    (tmp_path / "ctd").mkdir()
    text = DESCRIPTORS.format(records="\n".join(RECORD.format(ui=u, name=n, tree=t) for u, n, t in records))
    (tmp_path / "mesh" / "desc2024.xml").write_text(text)
    with gzip.open(tmp_path / "mesh" / "supp2024.xml.gz", "wt") as handle:
        handle.write(SUPPLEMENTARY)
    with gzip.open(tmp_path / "ctd" / "CTD_diseases.tsv.gz", "wt") as handle:
        handle.write(CTD)
    result = run_cli("--mesh", tmp_path / "mesh", "--ctd", tmp_path / "ctd", "--output", tmp_path / "lexicon.npz")
    assert result.returncode == 0, result.stderr
    assert "Chemical 2, Disease 3" in result.stderr
    keys, flags, info = read_lexicon(tmp_path / "lexicon.npz")
    assert info["names"] == {"Chemical": 2, "Disease": 3}

    nlp = spacy.blank("en", config={"nlp": {"tokenizer": {"@tokenizers": "bioner.BiomedicalTokenizer.v1"}}})
    doc = nlp.make_doc("Rofecoxib, thrombin and lactams in treatment-resistant depression and nephrosis")
    codes = mark_tokens(keys, flags, doc.to_array(LOWER))
    chemical = {t.text for t, c in zip(doc, codes, strict=True) if c // STATES}
    disease = [t.text for t, c in zip(doc, codes, strict=True) if c % STATES]
    assert chemical == {"Rofecoxib", "lactams"}  # thrombin is an enzyme (D08): left out
    assert disease == ["treatment", "-", "resistant", "depression", "nephrosis"]


def test_cli_without_vocabularies_or_with_an_empty_folder_is_a_clear_error(tmp_path):
    result = run_cli("--output", tmp_path / "lexicon.npz")
    assert result.returncode == 1 and "give --mesh, --ctd or both" in result.stderr
    (tmp_path / "empty").mkdir()
    result = run_cli("--ctd", tmp_path / "empty", "--output", tmp_path / "lexicon.npz")
    assert result.returncode == 1 and "holds no CTD_diseases.tsv" in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "lexicon.npz").exists()


def test_training_refuses_a_config_whose_lexicon_is_missing_or_not_a_lexicon(tmp_path):
    check_lexicon_path({"paths": {"lexicon": None}})
    with pytest.raises(BionerError, match="make lexicon"):
        check_lexicon_path({"paths": {"lexicon": str(tmp_path / "missing.npz")}})
    (tmp_path / "other.npz").write_text("no")
    with pytest.raises(BionerError, match="not a lexicon"):
        check_lexicon_path({"paths": {"lexicon": str(tmp_path / "other.npz")}})
