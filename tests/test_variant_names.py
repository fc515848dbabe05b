"""bioner.variant_names: residues of protein-variant names are not chemicals in training."""

import spacy
from spacy.tokens import Span

import bioner.pipeline  # noqa: F401
from bioner.variant_names import PROTEIN_VARIANT, ResidueRewrites, residues_as_variants


def make_nlp():
    return spacy.blank("en", config={"nlp": {"tokenizer": {"@tokenizers": "bioner.BiomedicalTokenizer.v1"}}})


def doc_with_chemicals(text, *names):
    nlp = make_nlp()
    doc = nlp.make_doc(text)
    spans = []
    for name in names:
        start = text.index(name, spans[-1].end_char if spans else 0)
        spans.append(doc.char_span(start, start + len(name), label="Chemical"))
    doc.set_ents(spans, default="outside")
    return doc


def iob(doc):
    return [(token.text, token.ent_iob_, token.ent_type_) for token in doc]


def test_pattern_reads_substitutions_with_and_without_spaces_and_bare_positions():
    found = [
        m.group(0) for m in PROTEIN_VARIANT.finditer("Gly104Cys, Glu 4 Lys, p.Arg412Ter, (Tyr705) and Arg-Gly-Asp")
    ]
    assert found == ["Gly104Cys", "Glu 4 Lys", "p.Arg412Ter", "Tyr705"]
    assert not list(PROTEIN_VARIANT.finditer("Serine 104, Hist123 and Glycine"))


def test_a_substitution_becomes_one_variant_and_its_residues_are_no_longer_chemicals():
    counts = ResidueRewrites()
    doc = residues_as_variants(doc_with_chemicals("The Gly104Cys change and cocaine.", "Gly", "Cys", "cocaine"), counts)
    assert [(e.text, e.label_) for e in doc.ents] == [("Gly104Cys", "Variant"), ("cocaine", "Chemical")]
    assert iob(doc)[0] == ("The", "O", "")
    assert counts.to_json() == {"residues": 2, "variants": 1, "positions": 0}


def test_a_bare_residue_position_is_left_unknown_not_outside():
    counts = ResidueRewrites()
    doc = residues_as_variants(doc_with_chemicals("Phosphorylation at Tyr705 was lost.", "Tyr"), counts)
    assert list(doc.ents) == []
    assert [t.ent_iob_ for t in doc if t.text in ("Tyr", "705")] == ["", ""]
    assert [t.ent_iob_ for t in doc if t.text == "Phosphorylation"] == ["O"]
    assert counts.to_json() == {"residues": 1, "variants": 0, "positions": 1}


def test_peptides_free_amino_acids_and_spans_other_than_residues_are_kept():
    counts = ResidueRewrites()
    text = "Arg-Gly-Asp peptides, free Arg and Ser5Cys; the Ser5 mimic"
    doc = doc_with_chemicals(text, "Arg-Gly-Asp", "Arg", "Ser5")
    residues_as_variants(doc, counts)
    assert [(e.text, e.label_) for e in doc.ents] == [
        ("Arg-Gly-Asp", "Chemical"),
        ("Arg", "Chemical"),
        ("Ser5", "Chemical"),
    ]
    assert counts.residues == 0


def test_a_variant_overlapping_an_entity_of_another_type_is_left_alone():
    nlp = make_nlp()
    doc = nlp.make_doc("mutant Arg72Pro found")
    doc.set_ents([Span(doc, 1, 4, label="Gene")], default="outside")
    counts = ResidueRewrites()
    residues_as_variants(doc, counts)
    assert [(e.text, e.label_) for e in doc.ents] == [("Arg72Pro", "Gene")]
    assert counts.residues == 0
