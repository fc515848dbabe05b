"""Entity boundaries: entities running on past a clause boundary are decoded again or dropped."""

import spacy
from spacy.language import Language
from spacy.tokens import Span

from bioner.convert import make_tokenizer_pipeline

RUN_ON = "traumatic events in childhood, having a serious health condition such as cancer or heart disease"
TEXT = f"Risks include {RUN_ON}."


@Language.component("test_run_on_ner")
def run_on_ner(doc):
    """Stands in for a transition-based NER: one Disease over the run-on span, closed at every
    sentence start (as spaCy's NER is), leaving entities that are only punctuation out."""
    start = doc.text.index(RUN_ON)
    span = doc.char_span(start, start + len(RUN_ON))
    pieces, begin = [], span.start
    for i in range(span.start + 1, span.end):
        if doc[i].is_sent_start:
            pieces.append((begin, i))
            begin = i
    pieces.append((begin, span.end))
    doc.ents = [Span(doc, s, e, label="Disease") for s, e in pieces if not all(t.is_punct for t in doc[s:e])]
    return doc


def ents(doc) -> list[tuple[str, str]]:
    return [(e.text, e.label_) for e in doc.ents]


def pipeline(**config):
    nlp = make_tokenizer_pipeline()
    nlp.add_pipe("test_run_on_ner")
    nlp.add_pipe("bioner_boundaries", config={"ner": "test_run_on_ner", **config})
    return nlp


def test_the_model_decodes_again_and_no_entity_crosses_a_clause_boundary():
    doc = pipeline()(TEXT)
    assert ents(doc) == [
        ("traumatic events in childhood,", "Disease"),
        ("a serious health condition", "Disease"),
        ("cancer or heart disease", "Disease"),
    ]


def test_boundaries_are_unmarked_after_decoding():
    doc = pipeline()(TEXT)
    assert [t.is_sent_start for t in doc[1:]] == [None] * (len(doc) - 1)


def test_a_gerund_after_a_comma_may_start_an_entity_but_no_entity_runs_into_it():
    nlp = make_tokenizer_pipeline()
    component = nlp.add_pipe("bioner_boundaries", config={"ner": "absent"})
    doc = nlp.make_doc("nausea, vomiting and pain")
    doc.ents = [Span(doc, 2, 3, label="Disease")]
    assert ents(component(doc)) == [("vomiting", "Disease")]
    doc.ents = [Span(doc, 0, 3, label="Disease")]
    assert ents(component(doc)) == []


def test_without_a_model_to_ask_a_crossing_entity_is_dropped_and_others_kept():
    nlp = make_tokenizer_pipeline()
    component = nlp.add_pipe("bioner_boundaries", config={"ner": "absent"})
    doc = nlp.make_doc(TEXT + " Aspirin helps.")
    start = TEXT.index(RUN_ON)
    aspirin = doc.char_span(len(TEXT) + 1, len(TEXT) + 8, label="Chemical")
    doc.ents = [doc.char_span(start, start + len(RUN_ON), label="Disease"), aspirin]
    assert ents(component(doc)) == [("Aspirin", "Chemical")]


def test_break_words_match_case_sensitively_so_arsenic_stays():
    nlp = make_tokenizer_pipeline()
    component = nlp.add_pipe("bioner_boundaries", config={"ner": "absent"})
    doc = nlp.make_doc("As and such were found.")
    doc.ents = [Span(doc, 0, 1, label="Chemical"), Span(doc, 2, 3, label="Chemical")]
    assert ents(component(doc)) == [("As", "Chemical")]


def test_entities_longer_than_max_words_are_dropped():
    nlp = make_tokenizer_pipeline()
    component = nlp.add_pipe("bioner_boundaries", config={"ner": "absent", "max_words": 3})
    doc = nlp.make_doc("acute renal failure and chronic kidney disease of the elderly")
    doc.ents = [Span(doc, 0, 3, label="Disease"), Span(doc, 4, 10, label="Disease")]
    assert ents(component(doc)) == [("acute renal failure", "Disease")]


def test_boundaries_survive_a_save_and_load(tmp_path):
    nlp = make_tokenizer_pipeline()
    nlp.add_pipe("bioner_boundaries", config={"break_words": ["such"], "max_words": 7})
    nlp.to_disk(tmp_path / "pipeline")
    loaded = spacy.load(tmp_path / "pipeline")
    component = loaded.get_pipe("bioner_boundaries")
    assert (component.break_words, component.max_words, component.ner) == ({"such"}, 7, "ner")


def test_a_trained_ner_asked_again_ends_the_entity_before_the_boundary():
    """spaCy's own NER honours the marks: a model that learned run-ons re-decides where they end."""
    import random

    from spacy.training import Example

    from tiny_ner import CONFIG

    spacy.util.fix_random_seed(0)
    nlp = spacy.blank("en", config={"nlp": {"tokenizer": {"@tokenizers": "bioner.BiomedicalTokenizer.v1"}}})
    nlp.add_pipe("ner", config=CONFIG)
    examples = []
    for first, second in [("fever", "cough"), ("pain", "headache"), ("rash", "itch"), ("nausea", "vomiting")]:
        text = f"Risks include {first} such as {second} in adults."
        run_on = (text.index(first), text.index(second) + len(second), "Disease")
        examples.append(Example.from_dict(nlp.make_doc(text), {"entities": [run_on]}))
        for word in (first, second):
            alone = f"Adults had {word} ."
            examples.append(Example.from_dict(nlp.make_doc(alone), {"entities": [(11, 11 + len(word), "Disease")]}))
    optimizer = nlp.initialize(lambda: examples)
    rng = random.Random(0)
    for _ in range(30):
        rng.shuffle(examples)
        nlp.update(examples, sgd=optimizer, drop=0.0)
    text = "Risks include fever such as headache in adults."
    assert any("such" in e.text for e in nlp(text).ents)  # the model alone runs on
    nlp.add_pipe("bioner_boundaries")
    assert ents(nlp(text)) == [("fever", "Disease")]
