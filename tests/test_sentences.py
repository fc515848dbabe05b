from bioner.pipeline.sentences import sentence_index, sentence_spans


def test_sentences_end_at_a_full_stop_before_a_capital():
    text = "Cocaine caused seizures. The rats died. 5 of 10 survived."
    spans = sentence_spans(text)
    assert [text[s:e] for s, e in spans] == ["Cocaine caused seizures.", "The rats died.", "5 of 10 survived."]


def test_abbreviations_and_initials_do_not_end_a_sentence():
    text = "Drugs, e.g. Cocaine, act fast (Smith et al. 2001). As J. Doe showed, vs. Placebo it was worse."
    spans = sentence_spans(text)
    assert [text[s:e] for s, e in spans] == [
        "Drugs, e.g. Cocaine, act fast (Smith et al. 2001).",
        "As J. Doe showed, vs. Placebo it was worse.",
    ]


def test_a_passage_offset_always_breaks_and_a_decimal_never_does():
    title = "Lithium toxicity"
    text = title + " " + "Levels of 1.5 mM were toxic."
    spans = sentence_spans(text, breaks=[len(title) + 1])
    assert [text[s:e] for s, e in spans] == ["Lithium toxicity", "Levels of 1.5 mM were toxic."]
    assert sentence_index(spans, text.index("toxic.")) == 1
    assert sentence_index(spans, 0) == 0
