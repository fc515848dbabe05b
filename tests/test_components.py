"""Post-processing components: abbreviation propagation and document-level consistency."""

import pytest
import spacy
from spacy.tokens import Doc, Span

from bioner.pipeline.components import _RESIDUE_CODES, LONG_FORMS
from bioner.pipeline.tokenizer import make_tokenizer_pipeline
from bioner.variant_names import RESIDUES


def tagged(nlp, text: str, entities: list[tuple[str, str]]):
    """A doc whose entities are the first occurrence of each (text, label)."""
    doc = nlp.make_doc(text)
    spans = []
    for surface, label in entities:
        start = text.index(surface)
        spans.append(doc.char_span(start, start + len(surface), label=label))
    doc.ents = spans
    return doc


def ents(doc) -> list[tuple[str, str]]:
    return [(e.text, e.label_) for e in doc.ents]


def test_short_form_takes_the_label_of_its_long_form_everywhere():
    nlp = make_tokenizer_pipeline()
    component = nlp.add_pipe("bioner_abbreviations")
    text = "Patients with treatment-resistant depression (TRD) got ketamine. TRD improved."
    doc = component(tagged(nlp, text, [("treatment-resistant depression", "Disease")]))
    assert ents(doc) == [("treatment-resistant depression", "Disease"), ("TRD", "Disease"), ("TRD", "Disease")]


def test_short_form_label_follows_long_form_over_the_models_label():
    nlp = make_tokenizer_pipeline()
    component = nlp.add_pipe("bioner_abbreviations")
    text = "Doxorubicin (DOX) was given. DOX caused damage."
    doc = nlp.make_doc(text)
    second_dox = [i for i, t in enumerate(doc) if t.text == "DOX"][1]
    doc.ents = [Span(doc, 0, 1, label="Chemical"), Span(doc, second_dox, second_dox + 1, label="Disease")]
    doc = component(doc)
    assert ents(doc) == [("Doxorubicin", "Chemical"), ("DOX", "Chemical"), ("DOX", "Chemical")]


def test_short_form_whose_long_form_is_no_entity_is_dropped():
    nlp = make_tokenizer_pipeline()
    component = nlp.add_pipe("bioner_abbreviations", config={"long_forms": []})
    text = "The randomized controlled trial (RCT) used aspirin. The RCT ended."
    doc = nlp.make_doc(text)
    rct = [i for i, t in enumerate(doc) if t.text == "RCT"]
    doc.ents = [Span(doc, rct[0], rct[0] + 1, label="Disease"), Span(doc, rct[1], rct[1] + 1, label="Disease")]
    assert ents(component(doc)) == []


def test_orphans_are_kept_when_drop_orphans_is_off():
    nlp = make_tokenizer_pipeline()
    component = nlp.add_pipe("bioner_abbreviations", config={"drop_orphans": False, "long_forms": []})
    text = "The randomized controlled trial (RCT) used aspirin."
    doc = nlp.make_doc(text)
    rct = [i for i, t in enumerate(doc) if t.text == "RCT"][0]
    doc.ents = [Span(doc, rct, rct + 1, label="Disease")]
    assert ents(component(doc)) == [("RCT", "Disease")]


def test_consistency_tags_other_occurrences_with_the_majority_label():
    nlp = make_tokenizer_pipeline()
    component = nlp.add_pipe("bioner_consistency")
    text = "Cisplatin causes nephrotoxicity. Magnesium prevents nephrotoxicity from cisplatin and Cisplatin."
    doc = component(tagged(nlp, text, [("Cisplatin", "Chemical"), ("nephrotoxicity", "Disease")]))
    assert ents(doc) == [
        ("Cisplatin", "Chemical"),
        ("nephrotoxicity", "Disease"),
        ("nephrotoxicity", "Disease"),
        ("Cisplatin", "Chemical"),
    ]  # case-sensitive: "cisplatin" stays untagged


def test_consistency_leaves_short_strings_and_overlaps_alone():
    nlp = make_tokenizer_pipeline()
    component = nlp.add_pipe("bioner_consistency", config={"min_length": 3})
    text = "Na and renal failure. Na again; acute renal failure here."
    doc = tagged(nlp, text, [("Na", "Chemical"), ("renal failure", "Disease")])
    acute = doc.char_span(text.index("acute renal failure"), text.index("acute renal failure") + 19, label="Disease")
    doc.ents = list(doc.ents) + [acute]
    doc = component(doc)
    assert ents(doc) == [("Na", "Chemical"), ("renal failure", "Disease"), ("acute renal failure", "Disease")]


def test_consistency_only_for_its_labels_and_not_into_a_protein_name():
    nlp = make_tokenizer_pipeline()
    component = nlp.add_pipe("bioner_consistency", config={"labels": ["Chemical"]})
    text = "Potassium and cisplatin gave nephrotoxicity; Potassium channel blockers, Potassium and nephrotoxicity."
    doc = component(tagged(nlp, text, [("Potassium", "Chemical"), ("nephrotoxicity", "Disease")]))
    assert ents(doc) == [
        ("Potassium", "Chemical"),
        ("nephrotoxicity", "Disease"),
        ("Potassium", "Chemical"),  # not the one before "channel": the gene corpora's protein name
    ]  # the second "nephrotoxicity" stays untagged: Disease is not among the labels


def test_components_survive_a_save_and_load(tmp_path):
    nlp = make_tokenizer_pipeline()
    nlp.add_pipe("bioner_abbreviations", config={"drop_orphans": False, "non_entities": "word", "repeat": True})
    nlp.add_pipe("bioner_consistency", config={"min_length": 4})
    nlp.to_disk(tmp_path / "pipeline")
    loaded = spacy.load(tmp_path / "pipeline")
    assert loaded.pipe_names == ["bioner_abbreviations", "bioner_consistency"]
    assert loaded.get_pipe("bioner_consistency").min_length == 4
    assert loaded.get_pipe("bioner_consistency").labels == {"Chemical", "Disease"}
    abbreviations = loaded.get_pipe("bioner_abbreviations")
    assert (abbreviations.drop_orphans, abbreviations.non_entities, abbreviations.repeat) == (False, "word", True)


def test_label_filter_drops_labels_not_kept_and_leaves_the_rest():
    nlp = make_tokenizer_pipeline()
    label_filter = nlp.add_pipe("bioner_labels", config={"keep": ["Chemical", "Disease"]})
    doc = tagged(
        nlp,
        "BRCA1 binds naloxone in breast cancer.",
        [("BRCA1", "Gene"), ("naloxone", "Chemical"), ("breast cancer", "Disease")],
    )
    assert ents(label_filter(doc)) == [("naloxone", "Chemical"), ("breast cancer", "Disease")]


def test_label_filter_survives_a_save_and_load(tmp_path):
    nlp = make_tokenizer_pipeline()
    nlp.add_pipe("bioner_labels", config={"keep": ["Chemical"], "sequence_changes": True, "protein_names": True})
    nlp.to_disk(tmp_path / "pipeline")
    loaded = spacy.load(tmp_path / "pipeline")
    assert loaded.get_pipe("bioner_labels").keep == {"Chemical"}
    assert loaded.get_pipe("bioner_labels").sequence_changes is True
    assert loaded.get_pipe("bioner_labels").protein_names is True


SEQUENCE_CHANGES = [
    # (text, entity tagged Chemical, whether it is a residue or base of a sequence change)
    ("It replaced arginine to histidine at residue 139.", "arginine", True),
    ("It replaced arginine to histidine at residue 139.", "histidine", True),
    ("A glycine at position 303 by glutamic acid.", "glycine", True),
    ("A glycine at position 303 by glutamic acid.", "glutamic acid", True),
    ("An arginine at amino acid 792 to a codon for glycine.", "glycine", True),
    ("A deletion at nucleotide position 608-609.", "nucleotide", True),
    ("Nucleotide analogues were given.", "Nucleotide", False),
    ("Phenylalanine (F) to leucine (L) substitution at amino acid position 737.", "leucine", True),
    ("A glycine for an aspartic acid residue at codon 262.", "glycine", True),
    ("The Arg792Gly variant and p.Arg412Ter.", "Arg792Gly", True),
    ("The Arg792Gly variant and p.Arg412Ter.", "p.Arg412Ter", True),
    ("The codon changed from TCA to TGA.", "TCA", True),
    ("A deletion of TG at the nucleotide position 608-609.", "TG", True),
    ("Patients recovered. His pupils were dilated.", "His", True),
    ("The L858R and D201ins changes.", "L858R", True),
    ("The L858R and D201ins changes.", "D201ins", True),
    ("An A to G transition at nucleotide +79.", "nucleotide", True),
    ("Genotypes at +45 CC or GT.", "CC", True),
    ("Serum T3 and T4 fell.", "T3", False),
    ("The ionophore A23187 and U46619 were added.", "A23187", False),
    ("The ionophore A23187 and U46619 were added.", "U46619", False),
    ("Given 5 mg of vitamin C daily.", "vitamin C", False),
    ("Glycine was given at a dose of 5 mg to rats.", "Glycine", False),
    ("Rats were treated with glycine for 3 days.", "glycine", False),
    ("Oral L-arginine to rats lowered pressure.", "L-arginine", False),
    ("The glutamate to GABA ratio rose.", "glutamate", False),
    ("Serum glycine 300 umol/l.", "glycine", False),
    ("Both Met and His residues were oxidised.", "Met", False),
]


@pytest.mark.parametrize("text, chemical, in_change", SEQUENCE_CHANGES)
def test_label_filter_sequence_changes_drops_residues_of_a_change_written_out(text, chemical, in_change):
    nlp = make_tokenizer_pipeline()
    label_filter = nlp.add_pipe("bioner_labels", config={"sequence_changes": True})
    doc = label_filter(tagged(nlp, text, [(chemical, "Chemical")]))
    assert ents(doc) == ([] if in_change else [(chemical, "Chemical")])


def test_sequence_change_codes_are_the_variant_names_codes_but_the_ambiguity_codes():
    assert set(_RESIDUE_CODES.split("|")) == RESIDUES - {"Asx", "Glx"}


def test_label_filter_keeps_residues_without_the_setting_and_diseases_always():
    nlp = make_tokenizer_pipeline()
    label_filter = nlp.add_pipe("bioner_labels")
    text = "It replaced arginine to histidine at residue 139."
    assert ents(label_filter(tagged(nlp, text, [("arginine", "Chemical")]))) == [("arginine", "Chemical")]
    label_filter.sequence_changes = True
    assert ents(label_filter(tagged(nlp, "A TG at codon 5.", [("TG", "Disease")]))) == [("TG", "Disease")]


PROTEIN_NAMES = [
    # (text, entity, label, whether it names a protein or gene)
    ("The vitamin D receptor gene.", "vitamin D receptor", "Chemical", True),
    ("Telomeric poly(ADP-ribose) polymerase binds.", "poly(ADP-ribose) polymerase", "Chemical", True),
    ("Human N-acetylglucosamine 6-O-sulfotransferase.", "N-acetylglucosamine 6-O-sulfotransferase", "Chemical", True),
    ("A putative tumor suppressor.", "tumor", "Disease", False),  # NCBI disease annotates it
    ("The retinoblastoma gene.", "retinoblastoma", "Disease", False),
    ("Dopamine receptor antagonists.", "Dopamine", "Chemical", False),
    ("Streptokinase and L-asparaginase were given.", "Streptokinase", "Chemical", False),
    ("Streptokinase and L-asparaginase were given.", "L-asparaginase", "Chemical", False),
    ("Parkinson's disease and tumor growth.", "Parkinson's disease", "Disease", False),
    ("Parkinson's disease and tumor growth.", "tumor", "Disease", False),
    ("Infection by hepatitis delta virus.", "hepatitis delta virus", "Chemical", True),
    ("Patients with HBV infection.", "HBV infection", "Disease", False),
    ("Raised N-nitrosodimethylamine demethylase activity.", "N-nitrosodimethylamine demethylase", "Chemical", True),
    ("Cells made heme oxygenase-1 in vitro.", "heme oxygenase-1", "Chemical", True),
    (
        "Deficiency of hepatic phenylalanine hydroxylase.",
        "Deficiency of hepatic phenylalanine hydroxylase",
        "Disease",
        False,
    ),
]


@pytest.mark.parametrize("text, entity, label, protein", PROTEIN_NAMES)
def test_label_filter_protein_names_drops_names_of_proteins_and_genes(text, entity, label, protein):
    nlp = make_tokenizer_pipeline()
    label_filter = nlp.add_pipe("bioner_labels", config={"protein_names": True})
    doc = label_filter(tagged(nlp, text, [(entity, label)]))
    assert ents(doc) == ([] if protein else [(entity, label)])


def _protein_name_filter():
    """A tokenizer pipeline with the protein-name filter, and the long-form extension it reads."""
    nlp = make_tokenizer_pipeline()
    label_filter = nlp.add_pipe("bioner_labels", config={"protein_names": True})
    if not Doc.has_extension(LONG_FORMS):
        Doc.set_extension(LONG_FORMS, default=None)
    return nlp, label_filter


def test_label_filter_protein_names_drops_a_short_form_a_protein_name_defines():
    nlp, label_filter = _protein_name_filter()
    text = "X-linked ectodermal dysplasia receptor (XEDAR) and ectodermal dysplasia (ECD); XEDAR and ECD."
    doc = tagged(nlp, text, [("XEDAR", "Disease"), ("ECD", "Disease")])
    doc._.set(LONG_FORMS, {"XEDAR": "X-linked ectodermal dysplasia receptor", "ECD": "ectodermal dysplasia"})
    assert ents(label_filter(doc)) == [("ECD", "Disease")]
    label_filter.protein_names = False
    doc = tagged(nlp, text, [("XEDAR", "Disease")])
    assert ents(label_filter(doc)) == [("XEDAR", "Disease")]


def test_label_filter_protein_names_drops_a_short_form_of_a_gene_named_deleted_in_a_disease():
    nlp, label_filter = _protein_name_filter()
    text = "The DCC (deleted in colorectal cancer) gene; DCC is lost in colorectal cancer."
    doc = tagged(nlp, text, [("DCC", "Disease"), ("colorectal cancer", "Disease")])
    doc._.set(LONG_FORMS, {"DCC": "deleted in colorectal cancer"})
    assert ents(label_filter(doc)) == [("colorectal cancer", "Disease")]


def test_label_filter_protein_names_drops_a_short_form_a_virus_name_defines():
    nlp, label_filter = _protein_name_filter()
    text = "Hepatitis B virus (HBV) DNA in HBV-monoinfected patients with hepatitis B and HBV infection."
    doc = tagged(nlp, text, [("HBV", "Disease"), ("hepatitis B", "Disease"), ("HBV infection", "Disease")])
    doc._.set(LONG_FORMS, {"HBV": "Hepatitis B virus"})
    assert ents(label_filter(doc)) == [("hepatitis B", "Disease"), ("HBV infection", "Disease")]


TAXON_TEXT = (
    "Methanoregula grows in sodium chloride. We propose Methanoregula boonei gen. nov., sp. nov. Its type strain, "
    "Methanoregula boonei 6A8(T), and Methanoregula formicica sp. nov. make methane. Tritium (T) and Thiram. Thiobacillus caldus sp. nov. oxidises sulfur."
)
TAXON_ENTS = [
    ("Methanoregula", "Chemical"),
    ("sodium chloride", "Chemical"),
    ("Methanoregula boonei gen. nov., sp. nov.", "Chemical"),
    ("Methanoregula boonei 6A8", "Chemical"),
    ("Methanoregula formicica", "Disease"),
    ("methane", "Chemical"),
    ("Tritium", "Chemical"),
    ("Thiram", "Chemical"),
    ("Thiobacillus", "Chemical"),  # the genus alone: its epithet and the mark follow
    ("sulfur", "Chemical"),
]


def test_label_filter_taxa_drops_a_new_taxon_and_every_mention_of_its_genus():
    nlp = make_tokenizer_pipeline()
    label_filter = nlp.add_pipe("bioner_labels", config={"taxa": True})
    # "Tritium (T)" has a space before its symbol: no type strain, so it stays.
    assert ents(label_filter(tagged(nlp, TAXON_TEXT, TAXON_ENTS))) == [
        ("sodium chloride", "Chemical"),
        ("methane", "Chemical"),
        ("Tritium", "Chemical"),
        ("Thiram", "Chemical"),
        ("sulfur", "Chemical"),
    ]


def test_label_filter_without_taxa_keeps_names_of_organisms():
    nlp = make_tokenizer_pipeline()
    label_filter = nlp.add_pipe("bioner_labels")
    assert ents(label_filter(tagged(nlp, TAXON_TEXT, TAXON_ENTS))) == TAXON_ENTS


def test_long_form_is_tagged_when_the_model_tagged_only_its_short_form():
    nlp = make_tokenizer_pipeline()
    component = nlp.add_pipe("bioner_abbreviations", config={"long_forms": ["Disease"]})
    text = "Patients with treatment-resistant depression (TRD) got ketamine. TRD improved."
    doc = nlp.make_doc(text)
    trd = [i for i, t in enumerate(doc) if t.text == "TRD"]
    doc.ents = [Span(doc, trd[1], trd[1] + 1, label="Disease")]
    assert ents(component(doc)) == [
        ("treatment-resistant depression", "Disease"),
        ("TRD", "Disease"),
        ("TRD", "Disease"),
    ]


def test_long_form_replaces_entities_inside_it_when_taken_from_its_short_form():
    nlp = make_tokenizer_pipeline()
    component = nlp.add_pipe("bioner_abbreviations", config={"long_forms": ["Disease"]})
    text = "Patients with treatment-resistant depression (TRD) got ketamine."
    doc = tagged(nlp, text, [("treatment", "Chemical"), ("TRD", "Disease")])
    assert ents(component(doc)) == [("treatment-resistant depression", "Disease"), ("TRD", "Disease")]


def test_short_form_alone_stays_an_orphan_when_its_label_is_not_in_long_forms():
    nlp = make_tokenizer_pipeline()
    component = nlp.add_pipe("bioner_abbreviations", config={"long_forms": []})
    text = "Patients with treatment-resistant depression (TRD) got ketamine."
    doc = tagged(nlp, text, [("TRD", "Disease")])
    assert ents(component(doc)) == []


def test_widen_stretches_an_entity_ending_with_the_long_form_to_its_start():
    nlp = make_tokenizer_pipeline()
    component = nlp.add_pipe("bioner_abbreviations", config={"widen": True})
    text = "Patients with treatment-resistant depression (TRD) got ketamine."
    doc = tagged(nlp, text, [("depression", "Disease")])
    assert ents(component(doc)) == [("treatment-resistant depression", "Disease"), ("TRD", "Disease")]


def test_an_entity_inside_the_long_form_is_kept_as_is_without_widen():
    nlp = make_tokenizer_pipeline()
    component = nlp.add_pipe("bioner_abbreviations", config={"widen": False})
    text = "Patients with treatment-resistant depression (TRD) got ketamine."
    doc = tagged(nlp, text, [("depression", "Disease")])
    assert ents(component(doc)) == [("depression", "Disease"), ("TRD", "Disease")]


def test_a_long_form_is_looked_for_in_words_not_tokens():
    """Schwartz & Hearst's window is min(|A| + 5, 2|A|) words; "Hippel-Lindau" is three tokens."""
    nlp = make_tokenizer_pipeline()
    component = nlp.add_pipe("bioner_abbreviations")
    text = "The von Hippel-Lindau tumor suppressor gene (VHL) is lost. VHL binds Sp1."
    doc = tagged(nlp, text, [("VHL", "Disease")])
    assert [(long.text, {s.text for s in shorts}) for long, shorts in component.definitions(doc)] == [
        ("von Hippel-Lindau tumor suppressor gene", {"VHL"})
    ]
    assert component(doc)._.get(LONG_FORMS) == {"VHL": "von Hippel-Lindau tumor suppressor gene"}


def test_a_long_form_starts_where_its_first_word_starts():
    nlp = make_tokenizer_pipeline()
    component = nlp.add_pipe("bioner_abbreviations")
    doc = nlp.make_doc("Monkeys got 1-methyl-4-phenyl-1,2,3,6-tetrahydropyridine (MPTP) daily.")
    assert [long.text for long, _ in component.definitions(doc)] == ["1-methyl-4-phenyl-1,2,3,6-tetrahydropyridine"]


def test_a_short_form_followed_by_a_semicolon_or_comma_in_its_bracket_is_defined():
    nlp = make_tokenizer_pipeline()
    component = nlp.add_pipe("bioner_abbreviations")
    text = "The Schwartz-Jampel syndrome (SJS; chondrodystrophic myotonia) is rare. SJS is inherited."
    doc = tagged(nlp, text, [("Schwartz-Jampel syndrome", "Disease")])
    assert ents(component(doc)) == [("Schwartz-Jampel syndrome", "Disease"), ("SJS", "Disease"), ("SJS", "Disease")]
    doc = nlp.make_doc("Rats got alfentanil (ALF, 0.5 mg/kg sc) and diethylnitrosamine (DEN: 10 mg/kg/day).")
    assert [(long.text, {s.text for s in shorts}) for long, shorts in component.definitions(doc)] == [
        ("alfentanil", {"ALF"}),
        ("diethylnitrosamine", {"DEN"}),
    ]


def test_a_short_form_of_short_tokens_is_defined_when_the_word_is_long_enough():
    """scispaCy asks each token for two characters: "AO2" is "AO" and "2", "HPT-JT" has "-"."""
    nlp = make_tokenizer_pipeline()
    component = nlp.add_pipe("bioner_abbreviations")
    doc = nlp.make_doc(
        "Diastrophic dysplasia and atelosteogenesis type 2 (AO2) or the hyperparathyroidism-jaw tumor (HPT-JT)."
    )
    assert sorted((long.text, s.text) for long, shorts in component.definitions(doc) for s in shorts) == [
        ("atelosteogenesis type 2", "AO2"),
        ("hyperparathyroidism-jaw tumor", "HPT-JT"),
    ]


def test_slashes_and_brackets_make_no_short_form():
    nlp = make_tokenizer_pipeline()
    component = nlp.add_pipe("bioner_abbreviations")
    doc = nlp.make_doc(
        "Women took cyproterone acetate plus ethinylestradiol (CPA/EE) or cyproterone (C), or others (O)."
    )
    assert component.definitions(doc) == []


def test_an_example_in_brackets_is_no_short_form():
    nlp = make_tokenizer_pipeline()
    component = nlp.add_pipe("bioner_abbreviations")
    doc = nlp.make_doc("Each group got drugs (e.g., aspirin) daily.")
    assert component.definitions(doc) == []


def test_the_word_window_stops_at_the_end_of_the_sentence_before():
    nlp = make_tokenizer_pipeline()
    component = nlp.add_pipe("bioner_abbreviations")
    # Six words back would reach "Values" (V, A of "anti-", P of "pro-drug"), across the full stop.
    doc = nlp.make_doc("Values rose. The well-known anti-inflammatory pro-drug (VAP) was given.")
    assert component.definitions(doc) == []
    doc = nlp.make_doc("Values rose, the well-known anti-inflammatory pro-drug (VAP) was given.")
    assert [long.text for long, _ in component.definitions(doc)] == [
        "Values rose, the well-known anti-inflammatory pro-drug"
    ]


def elsewhere(nlp, text: str, surface: str, label: str):
    """A doc whose one entity is the last occurrence of `surface`."""
    doc = nlp.make_doc(text)
    start = text.rindex(surface)
    doc.ents = [doc.char_span(start, start + len(surface), label=label)]
    return doc


def test_a_long_form_ending_with_an_entity_tagged_elsewhere_takes_its_label():
    nlp = make_tokenizer_pipeline()
    component = nlp.add_pipe("bioner_abbreviations", config={"suffixes": True})
    text = "Ketamine helps in treatment-resistant depression (TRD). TRD differs from depression."
    doc = component(elsewhere(nlp, text, "depression", "Disease"))
    assert ents(doc) == [
        ("treatment-resistant depression", "Disease"),
        ("TRD", "Disease"),
        ("TRD", "Disease"),
        ("depression", "Disease"),
    ]


def test_without_suffixes_an_untagged_definition_stays_untagged():
    nlp = make_tokenizer_pipeline()
    component = nlp.add_pipe("bioner_abbreviations", config={"suffixes": False})
    text = "Ketamine helps in treatment-resistant depression (TRD). TRD differs from depression."
    doc = component(elsewhere(nlp, text, "depression", "Disease"))
    assert ents(doc) == [("depression", "Disease")]


def test_punctuation_at_the_edges_of_a_long_form_is_left_out():
    nlp = make_tokenizer_pipeline()
    component = nlp.add_pipe("bioner_abbreviations")
    text = "Rats got testosterone propionate [(TP) CAS: 57-85-2] daily; TP raised weight."
    doc = tagged(nlp, text, [("testosterone propionate", "Chemical")])
    assert ents(component(doc)) == [("testosterone propionate", "Chemical"), ("TP", "Chemical"), ("TP", "Chemical")]


def test_a_short_form_inside_a_longer_entity_leaves_that_entity_whole():
    nlp = make_tokenizer_pipeline()
    component = nlp.add_pipe("bioner_abbreviations")
    text = "Red cell glucose-6-phosphate dehydrogenase (G6PD) was low; severe G6PD deficiency followed."
    doc = tagged(nlp, text, [("glucose-6-phosphate dehydrogenase", "Chemical"), ("G6PD deficiency", "Disease")])
    assert ents(component(doc)) == [
        ("glucose-6-phosphate dehydrogenase", "Chemical"),
        ("G6PD", "Chemical"),
        ("G6PD deficiency", "Disease"),
    ]


def test_a_long_form_naming_nothing_makes_its_words_and_short_form_no_entity_everywhere():
    nlp = make_tokenizer_pipeline()
    component = nlp.add_pipe("bioner_abbreviations", config={"non_entities": "head"})
    text = (
        "A single nucleotide polymorphism (SNP) in CYP2C9 changed warfarin doses. "
        "Each SNP, and every single nucleotide polymorphism nearby, was typed."
    )
    doc = nlp.make_doc(text)
    spans = [doc.char_span(m, m + len("nucleotide"), label="Chemical") for m in _all(text, "nucleotide")]
    spans += [doc.char_span(m, m + 3, label="Chemical") for m in _all(text, "SNP")]
    spans.append(doc.char_span(text.index("warfarin"), text.index("warfarin") + 8, label="Chemical"))
    doc.ents = sorted(spans, key=lambda span: span.start)
    assert ents(component(doc)) == [("warfarin", "Chemical")]


def test_a_plural_short_form_naming_nothing_takes_its_singular_along():
    nlp = make_tokenizer_pipeline()
    component = nlp.add_pipe("bioner_abbreviations", config={"non_entities": "head"})
    text = "Three single nucleotide polymorphisms (SNPs) were typed; each SNP was tested."
    doc = tagged(nlp, text, [("nucleotide", "Chemical"), ("SNPs", "Chemical")])
    doc.ents = list(doc.ents) + [doc.char_span(text.rindex("SNP"), text.rindex("SNP") + 3, label="Chemical")]
    assert ents(component(doc)) == []


def test_short_non_entities_drop_the_short_form_but_keep_the_words_inside():
    nlp = make_tokenizer_pipeline()
    component = nlp.add_pipe("bioner_abbreviations", config={"non_entities": "short"})
    text = "Dobutamine stress echocardiography (DSE) is safe; DSE found ischemia."
    doc = nlp.make_doc(text)
    dse = [i for i, t in enumerate(doc) if t.text == "DSE"]
    doc.ents = [Span(doc, 0, 1, label="Chemical")] + [Span(doc, i, i + 1, label="Chemical") for i in dse]
    assert ents(component(doc)) == [("Dobutamine", "Chemical")]


def test_strict_non_entities_leave_a_long_form_starting_with_an_entity_to_the_votes():
    text = "Human prothrombin complex concentrate (PCC) works; PCC and selective serotonin reuptake inhibitors (SSRIs) differ."
    expected = {
        "strict": [("serotonin", "Chemical")],
        "short": [("prothrombin", "Chemical"), ("serotonin", "Chemical")],
    }
    for setting, found in expected.items():
        nlp = make_tokenizer_pipeline()
        component = nlp.add_pipe("bioner_abbreviations", config={"non_entities": setting})
        doc = tagged(nlp, text, [("prothrombin", "Chemical"), ("PCC", "Chemical"), ("serotonin", "Chemical")])
        pcc = [i for i, t in enumerate(doc) if t.text == "PCC"][1]
        ssris = [i for i, t in enumerate(doc) if t.text == "SSRIs"][0]
        doc.ents = list(doc.ents) + [
            Span(doc, pcc, pcc + 1, label="Chemical"),
            Span(doc, ssris, ssris + 1, label="Chemical"),
        ]
        if setting == "strict":
            found = [("prothrombin complex concentrate", "Chemical"), ("PCC", "Chemical"), ("PCC", "Chemical"), *found]
        assert ents(component(doc)) == found


def test_without_non_entities_a_tagged_short_form_still_labels_its_long_form():
    nlp = make_tokenizer_pipeline()
    component = nlp.add_pipe("bioner_abbreviations", config={"non_entities": "off"})
    text = "A single nucleotide polymorphism (SNP) was typed."
    doc = tagged(nlp, text, [("nucleotide", "Chemical"), ("SNP", "Chemical")])
    assert ents(component(doc)) == [("single nucleotide polymorphism", "Chemical"), ("SNP", "Chemical")]


def test_a_short_form_defined_as_an_entity_keeps_its_label_with_non_entities():
    nlp = make_tokenizer_pipeline()
    component = nlp.add_pipe("bioner_abbreviations", config={"non_entities": "head"})
    text = (
        "Sodium nitroprusside (SNP) lowered pressure; SNP relaxed arteries as 5-fluorouracil (5-FU) "
        "and doxorubicin (DOX) did; DOX less."
    )
    doc = tagged(
        nlp, text, [("Sodium nitroprusside", "Chemical"), ("5-fluorouracil", "Chemical"), ("5-FU", "Chemical")]
    )
    dox = [i for i, t in enumerate(doc) if t.text == "DOX"][1]
    doc.ents = list(doc.ents) + [Span(doc, dox, dox + 1, label="Chemical")]
    assert ents(component(doc)) == [
        ("Sodium nitroprusside", "Chemical"),
        ("SNP", "Chemical"),
        ("SNP", "Chemical"),
        ("5-fluorouracil", "Chemical"),
        ("5-FU", "Chemical"),  # scispaCy finds no definition of a short form of several tokens
        ("doxorubicin", "Chemical"),
        ("DOX", "Chemical"),
        ("DOX", "Chemical"),
    ]


def test_an_entity_holding_the_head_of_the_long_form_is_not_a_non_entity():
    nlp = make_tokenizer_pipeline()
    component = nlp.add_pipe("bioner_abbreviations", config={"non_entities": "head", "widen": False})
    text = "Patients with treatment-resistant depression (TRD) got ketamine."
    doc = tagged(nlp, text, [("depression", "Disease")])
    assert ents(component(doc)) == [("depression", "Disease"), ("TRD", "Disease")]


def test_word_non_entities_leave_a_long_form_holding_a_longer_entity_to_the_votes():
    nlp = make_tokenizer_pipeline()
    text = "Levels of reactive oxygen species generators (ROSG) rose; ROSG fell."
    for setting, expected in [("word", "reactive oxygen species generators"), ("head", None)]:
        component = make_tokenizer_pipeline().add_pipe("bioner_abbreviations", config={"non_entities": setting})
        doc = nlp.make_doc(text)
        rosg = [i for i, t in enumerate(doc) if t.text == "ROSG"]
        start = text.index("reactive oxygen species")
        doc.ents = [
            doc.char_span(start, start + 23, label="Chemical"),
            Span(doc, rosg[1], rosg[1] + 1, label="Chemical"),
        ]
        found = [text for text, _ in ents(component(doc))]
        assert found == ([expected, "ROSG", "ROSG"] if expected else [])


def test_repeat_makes_every_occurrence_of_a_labelled_long_form_one_mention():
    nlp = make_tokenizer_pipeline()
    component = nlp.add_pipe("bioner_abbreviations", config={"widen": True, "repeat": True})
    text = (
        "Glutamate in Treatment-resistant Depression. Patients with treatment-resistant depression (TRD) "
        "got ketamine; TRD and treatment-resistant depression scales improved."
    )
    doc = nlp.make_doc(text)
    spans = [doc.char_span(m, m + len("depression"), label="Disease") for m in _all(text.lower(), "depression")]
    doc.ents = [span for span in spans if span is not None]
    assert ents(component(doc)) == [
        ("Treatment-resistant Depression", "Disease"),
        ("treatment-resistant depression", "Disease"),
        ("TRD", "Disease"),
        ("TRD", "Disease"),
        ("treatment-resistant depression", "Disease"),
    ]


def test_repeat_leaves_an_entity_reaching_beyond_the_long_form_whole():
    nlp = make_tokenizer_pipeline()
    component = nlp.add_pipe("bioner_abbreviations", config={"repeat": True})
    text = "Doxorubicin (DOX) was given; doxorubicin cardiomyopathy followed."
    doc = tagged(nlp, text, [("Doxorubicin", "Chemical"), ("doxorubicin cardiomyopathy", "Disease")])
    assert ents(component(doc)) == [
        ("Doxorubicin", "Chemical"),
        ("DOX", "Chemical"),
        ("doxorubicin cardiomyopathy", "Disease"),
    ]


def test_without_repeat_other_occurrences_of_a_long_form_stay_as_tagged():
    nlp = make_tokenizer_pipeline()
    component = nlp.add_pipe("bioner_abbreviations", config={"widen": True, "repeat": False})
    text = "Patients with treatment-resistant depression (TRD) improved; treatment-resistant depression is common."
    doc = nlp.make_doc(text)
    doc.ents = [doc.char_span(m, m + len("depression"), label="Disease") for m in _all(text, "depression")]
    assert ents(component(doc)) == [
        ("treatment-resistant depression", "Disease"),
        ("TRD", "Disease"),
        ("depression", "Disease"),
    ]


def test_an_unknown_non_entities_setting_is_refused():
    nlp = make_tokenizer_pipeline()
    with pytest.raises(ValueError, match="non_entities"):
        nlp.add_pipe("bioner_abbreviations", config={"non_entities": "all"})


def _all(text: str, word: str) -> list[int]:
    return [i for i in range(len(text)) if text.startswith(word, i)]


def _references(nlp, rows):
    """Examples whose reference docs carry (text, entities, missing outside the entities?)."""
    from spacy.training import Example

    examples = []
    for text, entities, missing in rows:
        doc = tagged(nlp, text, entities)
        if missing:
            doc.set_ents(list(doc.ents), default="missing")
        examples.append(Example(nlp.make_doc(text), doc))
    return examples


def _known_mentions(nlp, rows, **config):
    component = nlp.add_pipe("bioner_known_mentions", config=config)
    examples = _references(nlp, rows)
    component.initialize(lambda: examples, nlp=nlp)
    return component


def test_known_mentions_tag_a_name_the_training_data_tag_wherever_it_occurs():
    nlp = make_tokenizer_pipeline()
    component = _known_mentions(
        nlp,
        [
            ("Thrombocytopenia followed heparin.", [("Thrombocytopenia", "Disease"), ("heparin", "Chemical")], False),
            ("Heparin caused thrombocytopenia.", [("Heparin", "Chemical"), ("thrombocytopenia", "Disease")], False),
        ],
    )
    assert component.names == {"heparin": "Chemical", "thrombocytopenia": "Disease"}
    doc = component(nlp.make_doc("Severe THROMBOCYTOPENIA was seen."))
    assert ents(doc) == [("THROMBOCYTOPENIA", "Disease")]
    # a word of a virus's name is no disease mention
    assert ents(component(nlp.make_doc("The thrombocytopenia mosaic virus infects beets."))) == []


def test_known_mentions_leave_a_name_the_training_data_often_leave_untagged():
    nlp = make_tokenizer_pipeline()
    rows = [
        ("Septic shock after heparin.", [("shock", "Disease")], False),
        ("The shock resolved.", [("shock", "Disease")], False),
        ("An electric shock was applied.", [], False),  # "O": an occurrence that is no mention
    ]
    assert _known_mentions(nlp, rows).names == {}
    # where the corpus does not annotate the label (missing), the occurrence does not count
    assert _known_mentions(make_tokenizer_pipeline(), [*rows[:2], (rows[2][0], [], True)]).names == {"shock": "Disease"}


def test_known_mentions_keep_the_models_entities_and_labels_asked_for(tmp_path):
    nlp = make_tokenizer_pipeline()
    rows = [("Heparin caused thrombocytopenia.", [("Heparin", "Chemical"), ("thrombocytopenia", "Disease")], False)]
    component = _known_mentions(nlp, rows * 2, labels=["Disease"])
    assert component.names == {"thrombocytopenia": "Disease"}
    text = "Heparin-induced thrombocytopenia; heparin and thrombocytopenia."
    doc = component(tagged(nlp, text, [("Heparin-induced thrombocytopenia", "Disease")]))
    assert ents(doc) == [("Heparin-induced thrombocytopenia", "Disease"), ("thrombocytopenia", "Disease")]
    component.to_disk(tmp_path / "known")
    loaded = make_tokenizer_pipeline().add_pipe("bioner_known_mentions").from_disk(tmp_path / "known")
    assert loaded.names == component.names
    assert ents(loaded(nlp.make_doc(text))) == [("thrombocytopenia", "Disease"), ("thrombocytopenia", "Disease")]
