"""The MeSH XML and CTD TSV readers: plain and gzip, streamed records, clear errors on bad files."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from bioner.errors import BionerError
from bioner.vocabularies import (
    ctd_files,
    descriptor_label,
    mesh_files,
    read_ctd,
    read_mesh,
    read_vocabulary_folder,
)

DESCRIPTORS = """<?xml version="1.0"?>
<DescriptorRecordSet LanguageCode="eng">
<DescriptorRecord DescriptorClass="1">
<DescriptorUI>D008094</DescriptorUI>
<DescriptorName><String>Lithium</String></DescriptorName>
<ConceptList>
<Concept PreferredConceptYN="Y"><ConceptName><String>Lithium</String></ConceptName>
<TermList>
<Term ConceptPreferredTermYN="Y" RecordPreferredTermYN="Y"><String>Lithium</String></Term>
<Term ConceptPreferredTermYN="N" RecordPreferredTermYN="N"><String>Li</String></Term>
</TermList></Concept>
</ConceptList>
<TreeNumberList><TreeNumber>D01.268.549.500</TreeNumber></TreeNumberList>
</DescriptorRecord>
<DescriptorRecord DescriptorClass="1">
<DescriptorUI>D006973</DescriptorUI>
<DescriptorName><String>Hypertension</String></DescriptorName>
<ConceptList>
<Concept PreferredConceptYN="Y"><ConceptName><String>Hypertension</String></ConceptName>
<TermList>
<Term ConceptPreferredTermYN="Y" RecordPreferredTermYN="Y"><String>Hypertension</String></Term>
<Term ConceptPreferredTermYN="N" RecordPreferredTermYN="N"><String>High Blood Pressure</String></Term>
<Term ConceptPreferredTermYN="N" RecordPreferredTermYN="N"><String>Hypertension</String></Term>
</TermList></Concept>
</ConceptList>
<TreeNumberList><TreeNumber>C14.907.489</TreeNumber></TreeNumberList>
</DescriptorRecord>
</DescriptorRecordSet>
"""

SUPPLEMENTARY = """<?xml version="1.0"?>
<SupplementalRecordSet LanguageCode="eng">
<SupplementalRecord SCRClass="1">
<SupplementalRecordUI>C076029</SupplementalRecordUI>
<SupplementalRecordName><String>olanzapine</String></SupplementalRecordName>
<HeadingMappedToList>
<HeadingMappedTo><DescriptorReferredTo><DescriptorUI>*D014150</DescriptorUI></DescriptorReferredTo></HeadingMappedTo>
</HeadingMappedToList>
<ConceptList><Concept PreferredConceptYN="Y"><ConceptName><String>olanzapine</String></ConceptName>
<TermList><Term ConceptPreferredTermYN="Y" RecordPreferredTermYN="Y"><String>olanzapine</String></Term>
<Term ConceptPreferredTermYN="N" RecordPreferredTermYN="N"><String>Zyprexa</String></Term></TermList>
</Concept></ConceptList>
</SupplementalRecord>
</SupplementalRecordSet>
"""

CTD_DISEASES = """# The Comparative Toxicogenomics Database (CTD) - http://ctdbase.org/
#
# Fields:
# DiseaseName\tDiseaseID\tAltDiseaseIDs\tDefinition\tParentIDs\tTreeNumbers\tParentTreeNumbers\tSynonyms\tSlimMappings
#
Hypertension\tMESH:D006973\tDO:DOID:10763\t\tMESH:D014652\tC14.907.489\tC14.907\tBlood Pressure, High|High Blood Pressure\tCardiovascular disease
Spinocerebellar Ataxia 1\tOMIM:164400\tMESH:C564432\t\tMESH:D020754\tC10.228/OMIM:164400\tC10.228\tSCA1\t
"""

CTD_CHEMICALS = """# Fields:
# ChemicalName\tChemicalID\tCasRN\tDefinition\tParentIDs\tTreeNumbers\tParentTreeNumbers\tSynonyms
#
Lithium\tMESH:D008094\t7439-93-2\t\tMESH:D008670\tD01.268.549.500\tD01.268.549\tLi|Lithium-7
"""


def write(path: Path, text: str, *, compressed: bool = False) -> Path:
    if compressed:
        with gzip.open(path, "wt", encoding="utf-8") as handle:
            handle.write(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("compressed", [False, True])
def test_read_mesh_descriptors_plain_or_gzip_give_names_and_trees(tmp_path, compressed):
    path = write(tmp_path / ("desc2024.xml.gz" if compressed else "desc2024.xml"), DESCRIPTORS, compressed=compressed)
    concepts = list(read_mesh(path))
    assert [c.identifier for c in concepts] == ["D008094", "D006973"]
    lithium, hypertension = concepts
    assert lithium.names == ("Lithium", "Li")
    assert lithium.source == "mesh-descriptor"
    assert lithium.tree_numbers == ("D01.268.549.500",)
    # a repeated term is listed once
    assert hypertension.names == ("Hypertension", "High Blood Pressure")
    assert descriptor_label(hypertension.tree_numbers) == "Disease"
    assert descriptor_label(lithium.tree_numbers) == "Chemical"


def test_read_mesh_supplementary_records_carry_class_and_mapped_descriptors(tmp_path):
    path = write(tmp_path / "supp2024.xml", SUPPLEMENTARY)
    (olanzapine,) = read_mesh(path)
    assert olanzapine.identifier == "C076029"
    assert olanzapine.source == "mesh-supplementary"
    assert olanzapine.scr_class == "1"
    assert olanzapine.mapped_to == ("D014150",)
    assert olanzapine.synonyms == ("Zyprexa",)


def test_descriptor_label_counts_f03_as_disease_and_others_as_neither():
    assert descriptor_label(["F03.600.300"]) == "Disease"
    assert descriptor_label(["F01.145"]) is None
    assert descriptor_label([]) is None


@pytest.mark.parametrize("compressed", [False, True])
def test_read_ctd_diseases_skips_comment_lines_and_strips_mesh_prefix(tmp_path, compressed):
    name = "CTD_diseases.tsv.gz" if compressed else "CTD_diseases.tsv"
    concepts = list(read_ctd(write(tmp_path / name, CTD_DISEASES, compressed=compressed)))
    assert [c.identifier for c in concepts] == ["D006973", "OMIM:164400"]
    hypertension, sca1 = concepts
    assert hypertension.synonyms == ("Blood Pressure, High", "High Blood Pressure")
    assert hypertension.source == "ctd-disease"
    assert hypertension.tree_numbers == ("C14.907.489",)
    assert sca1.mapped_to == ("C564432",)
    assert sca1.names == ("Spinocerebellar Ataxia 1", "SCA1")


def test_read_ctd_chemicals_reads_its_own_column_layout(tmp_path):
    (lithium,) = read_ctd(write(tmp_path / "CTD_chemicals.tsv", CTD_CHEMICALS))
    assert lithium.identifier == "D008094"
    assert lithium.source == "ctd-chemical"
    assert lithium.synonyms == ("Li", "Lithium-7")
    assert lithium.tree_numbers == ("D01.268.549.500",)


def test_read_ctd_without_fields_header_uses_the_file_name_layout(tmp_path):
    body = "\n".join(line for line in CTD_CHEMICALS.splitlines() if not line.startswith("#")) + "\n"
    (lithium,) = read_ctd(write(tmp_path / "CTD_chemicals.tsv", body))
    assert lithium.synonyms == ("Li", "Lithium-7")


def test_read_ctd_short_row_names_file_and_line(tmp_path):
    path = write(tmp_path / "CTD_diseases.tsv", CTD_DISEASES + "Broken row without tabs\n")
    with pytest.raises(BionerError, match=r"CTD_diseases\.tsv:8: 1 tab-separated field"):
        list(read_ctd(path))


def test_read_mesh_malformed_xml_is_one_clear_error_naming_the_file(tmp_path):
    path = write(tmp_path / "desc2024.xml", DESCRIPTORS[:400])
    with pytest.raises(BionerError, match=r"desc2024\.xml: not well-formed MeSH XML"):
        list(read_mesh(path))


def test_read_mesh_truncated_gzip_is_a_clear_error(tmp_path):
    path = write(tmp_path / "desc2024.xml.gz", DESCRIPTORS, compressed=True)
    path.write_bytes(path.read_bytes()[:-30])
    with pytest.raises(BionerError, match=r"desc2024\.xml\.gz: "):
        list(read_mesh(path))


def test_read_mesh_of_xml_without_records_is_an_error(tmp_path):
    path = write(tmp_path / "desc2024.xml", "<?xml version='1.0'?><Other><Thing/></Other>")
    with pytest.raises(BionerError, match="holds no MeSH DescriptorRecord"):
        list(read_mesh(path))


def test_read_ctd_of_another_table_is_an_error(tmp_path):
    path = write(tmp_path / "genes.tsv", "# Fields:\n# GeneSymbol\tGeneID\n#\nBRCA1\t672\n")
    with pytest.raises(BionerError, match="not a CTD vocabulary file"):
        list(read_ctd(path))


def test_folder_readers_take_the_newest_mesh_year_and_every_ctd_file(tmp_path):
    write(tmp_path / "desc2023.xml", DESCRIPTORS)
    write(tmp_path / "desc2024.xml.gz", DESCRIPTORS, compressed=True)
    write(tmp_path / "supp2024.xml", SUPPLEMENTARY)
    write(tmp_path / "CTD_diseases.tsv.gz", CTD_DISEASES, compressed=True)
    write(tmp_path / "notes.txt", "not a vocabulary")
    assert [p.name for p in mesh_files(tmp_path)] == ["desc2024.xml.gz", "supp2024.xml"]
    assert [p.name for p in ctd_files(tmp_path)] == ["CTD_diseases.tsv.gz"]
    identifiers = [c.identifier for c in read_vocabulary_folder(tmp_path)]
    assert identifiers == ["D008094", "D006973", "C076029", "D006973", "OMIM:164400"]


def test_folder_without_vocabulary_files_is_an_error(tmp_path):
    with pytest.raises(BionerError, match="holds no desc20XX"):
        list(read_vocabulary_folder(tmp_path))
    with pytest.raises(BionerError, match="no such folder"):
        list(read_vocabulary_folder(tmp_path / "missing"))


def test_required_vocabulary_files_missing_from_a_folder_name_the_folder_and_the_fetch(tmp_path):
    assert mesh_files(tmp_path) == [] and ctd_files(tmp_path) == []
    with pytest.raises(BionerError, match=r"holds no desc20XX.*bioner data --corpus mesh"):
        mesh_files(tmp_path, required=True)
    (tmp_path / "CTD_chemicals.tsv").write_text("# CTD\n", encoding="utf-8")
    assert [p.name for p in ctd_files(tmp_path, required=("any",))] == ["CTD_chemicals.tsv"]
    with pytest.raises(
        BionerError, match=r"holds no CTD_diseases.tsv\[.gz\] \(fetch them with `bioner data --corpus ctd`\)"
    ):
        ctd_files(tmp_path, required=("diseases",))
