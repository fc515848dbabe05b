"""`bioner.names`: the names spelled once are the ones the components register under."""

from __future__ import annotations

import spacy

import bioner.pipeline  # noqa: F401  (registers the components)
from bioner.names import ABBREVIATIONS, LINKER, PACKAGE_NAME
from bioner.tagging.models import DEFAULT_MODEL_PACKAGE


def test_the_component_names_are_registered_spacy_factories():
    nlp = spacy.blank("en")
    for name in (ABBREVIATIONS, LINKER):
        assert nlp.has_factory(name), name


def test_the_package_name_is_the_default_model_of_ner_predict():
    assert DEFAULT_MODEL_PACKAGE == PACKAGE_NAME
    assert PACKAGE_NAME.startswith("en_")  # spaCy package names start with their language
