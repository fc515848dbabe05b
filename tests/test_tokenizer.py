"""The biomedical tokenizer puts BC5CDR-style mentions on token boundaries."""

import spacy

from bioner.pipeline.tokenizer import make_tokenizer_pipeline


def tokens(text: str) -> list[str]:
    return [t.text for t in make_tokenizer_pipeline().make_doc(text)]


def test_splits_inside_hyphenated_and_slashed_words():
    assert tokens("Famotidine-associated delirium") == ["Famotidine", "-", "associated", "delirium"]
    assert tokens("5-fluorouracil/leucovorin") == ["5", "-", "fluorouracil", "/", "leucovorin"]


def test_splits_charges_brackets_and_element_digits():
    assert tokens("Ca2+ overload") == ["Ca", "2", "+", "overload"]
    assert tokens("(+)-propranolol") == ["(", "+", ")", "-", "propranolol"]
    assert tokens("5-HT6 receptor")[:4] == ["5", "-", "HT", "6"]
    assert tokens("Na-K-2Cl") == ["Na", "-", "K", "-", "2", "Cl"]


def test_splits_a_stop_glued_to_the_next_token():
    assert tokens("glucose.4. Both") == ["glucose", ".", "4", ".", "Both"]
    assert tokens("myoglobinuria.(ABSTRACT") == ["myoglobinuria", ".", "(", "ABSTRACT"]


def test_emoticon_and_single_letter_exceptions_do_not_swallow_mentions():
    # spaCy's English exceptions keep "8)" and "d." whole; in abstracts they end mentions.
    assert tokens("(CCK-8), S-312-d.") == ["(", "CCK", "-", "8", ")", ",", "S", "-", "312", "-", "d", "."]


def test_keeps_scispacy_abbreviations_whole():
    assert "e.g." in tokens("drugs, e.g. aspirin")
    assert "i.v." in tokens("given i.v. daily")


def test_is_usable_from_a_config_by_its_registered_name():
    nlp = spacy.blank("en", config={"nlp": {"tokenizer": {"@tokenizers": "bioner.BiomedicalTokenizer.v1"}}})
    assert [t.text for t in nlp("DOX-induced")] == ["DOX", "-", "induced"]
    assert nlp.config["nlp"]["tokenizer"]["@tokenizers"] == "bioner.BiomedicalTokenizer.v1"
