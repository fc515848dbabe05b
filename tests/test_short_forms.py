"""`bioner.tagging.short_forms`: abbreviations defined in one piece of a long document hold in the others."""

from __future__ import annotations

import pytest
import spacy

from bioner.document import Document, Mention
from bioner.regions import Content, Region, Skip
from bioner.tagging import tag_documents
from bioner.tagging.short_forms import ShortForms

PAPER = "Conjugated linoleic acid (CLA) was fed to pigs.\n\nCLA-fed pigs lost fat, and CLA lowered their weight."
SNP_PAPER = "A single nucleotide polymorphism (SNP) was found.\n\nThe SNP was common in the cohort we studied."


@pytest.fixture(scope="module")
def nlp():
    """Rules for the entities, then the abbreviation component as the trained pipelines have it."""
    pipeline = spacy.blank("en")
    pipeline.add_pipe("entity_ruler").add_patterns(
        [
            {"label": "Chemical", "pattern": [{"LOWER": "conjugated"}, {"LOWER": "linoleic"}, {"LOWER": "acid"}]},
            {"label": "Chemical", "pattern": "SNP"},  # what a tagger reading the strings alone does
            {"label": "Chemical", "pattern": "nucleotide"},
        ]
    )
    pipeline.add_pipe(
        "bioner_abbreviations",
        config={"drop_orphans": True, "long_forms": ["Chemical"], "non_entities": "strict"},  # configs/multi.cfg
    )
    return pipeline


def spans(document: Document) -> list[tuple[str, str]]:
    return [(m.text, m.label) for m in document.mentions]


def test_a_short_form_defined_in_one_paragraph_is_tagged_in_the_later_ones(nlp):
    (whole,) = tag_documents(nlp, [Document.from_text("p", PAPER)])
    (pieces,) = tag_documents(nlp, [Document.from_text("p", PAPER)], max_chars=60)
    expected = [("Conjugated linoleic acid", "Chemical"), ("CLA", "Chemical"), ("CLA", "Chemical"), ("CLA", "Chemical")]
    assert spans(whole) == expected
    assert spans(pieces) == expected  # paragraph by paragraph, as tagged whole
    assert [PAPER[m.start : m.end] for m in pieces.mentions] == [m.text for m in pieces.mentions]


def test_a_short_form_its_defining_paragraph_left_untagged_is_untagged_in_the_later_ones(nlp):
    (pieces,) = tag_documents(nlp, [Document.from_text("s", SNP_PAPER)], max_chars=60)
    assert [text for text, _ in spans(pieces)] == ["nucleotide"]  # "SNP" in neither paragraph
    (alone,) = tag_documents(nlp, [Document.from_text("s", "The SNP was common in the cohort we studied.")])
    assert spans(alone) == [("SNP", "Chemical")]  # nothing defines it there: the tagger's call stands


def test_no_short_form_is_added_inside_skipped_text_or_over_another_mention():
    text = "CLA here. See doi CLA there. CLA plus CLAX and xCLA."
    forms = ShortForms(entities={"CLA": ("Chemical", "MESH:D019787")})
    content = Content([Region(0, len(text))], [Skip(14, 27, "doi", inline=True)])
    kept = Mention(29, 32, "CLA", "Disease", "-1")  # the pipeline's own call at that place stands
    added = forms.apply(text, [kept], content)
    assert [(m.start, m.text, m.label, m.identifier) for m in added] == [
        (0, "CLA", "Chemical", "MESH:D019787"),
        (29, "CLA", "Disease", "-1"),
    ]
