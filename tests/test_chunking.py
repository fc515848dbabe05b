"""`bioner.chunking` and long documents in `bioner.tagging`: pieces at paragraph, line and
sentence boundaries, offsets restored, the same entities as paragraphs tagged one by one."""

from __future__ import annotations

import pytest

from bioner.chunking import chunk_spans
from bioner.document import Document
from bioner.tagging import tag_documents

PARAGRAPH = (
    "Ketamine reduced depression scores within a day in patients with treatment-resistant depression. "
    "Glutamate levels rose after ketamine, and TRD remitted in half of them."
)


def pieces(text: str, spans: list[tuple[int, int]]) -> list[str]:
    return [text[start:end] for start, end in spans]


def test_a_text_within_the_limit_is_one_piece_as_it_is():
    text = f"  {PARAGRAPH}\n\n{PARAGRAPH}\n"
    assert chunk_spans(text, max_chars=1000) == [(0, len(text))]


def test_a_long_text_is_cut_at_blank_lines_into_its_paragraphs():
    paragraphs = [f"{i}. {PARAGRAPH}" for i in range(6)]
    text = "Title\n\n" + "\n\n  \n".join(paragraphs) + "\n"
    spans = chunk_spans(text, max_chars=300)
    assert pieces(text, spans) == ["Title", *paragraphs]


def test_a_long_paragraph_is_cut_between_lines_then_sentences_within_the_limit():
    wrapped = "\n".join([PARAGRAPH[:80], PARAGRAPH[80:]] * 4)  # hard-wrapped lines
    one_line = " ".join([PARAGRAPH] * 5)
    text = f"{wrapped}\n\n{one_line}"
    spans = chunk_spans(text, max_chars=400)
    assert all(end - start <= 400 for start, end in spans)
    assert all(not text[s].isspace() and not text[e - 1].isspace() for s, e in spans)
    assert "".join(text[s:e] for s, e in spans).replace(" ", "").replace("\n", "") == text.replace(" ", "").replace(
        "\n", ""
    )
    sentence_pieces = [p for p in pieces(text, spans) if p in one_line]
    assert all(p.endswith(".") for p in sentence_pieces)  # cut between sentences


def test_a_word_longer_than_the_limit_is_cut_at_the_limit():
    text = "x" * 25 + " short"
    assert pieces(text, chunk_spans(text, max_chars=10)) == ["x" * 10, "x" * 10, "x" * 5, "short"]


def test_a_region_is_cut_within_its_own_offsets():
    text = "skip me\n\n" + "\n\n".join([PARAGRAPH] * 3) + "\n\nskip me too"
    start, end = text.index(PARAGRAPH), text.rindex(PARAGRAPH) + len(PARAGRAPH)
    assert pieces(text, chunk_spans(text, start, end, max_chars=200)) == [PARAGRAPH] * 3


@pytest.mark.parametrize("max_chars", [0, -5])
def test_the_limit_must_be_positive(max_chars):
    with pytest.raises(ValueError):
        chunk_spans("text", max_chars=max_chars)


@pytest.fixture(scope="module")
def tiny_nlp():
    from tiny_ner import train_tiny_ner

    return train_tiny_ner()


def test_a_long_document_gets_the_entities_of_its_paragraphs_tagged_one_by_one(tiny_nlp):
    paragraphs = [f"Case {i}: {PARAGRAPH} Riluzole and fluoxetine were also given." for i in range(40)]
    text = "\n\n".join(paragraphs)
    tiny_nlp.max_length = 2_000  # far below the document: pieces must keep under it
    (tagged,) = tag_documents(tiny_nlp, [Document.from_text("long", text)], max_chars=1_000)
    assert tiny_nlp.max_length == 2_000 and len(text) > 2_000

    expected = []
    position = 0
    for paragraph in paragraphs:
        start = text.index(paragraph, position)
        expected += [(start + e.start_char, start + e.end_char, e.label_) for e in tiny_nlp(paragraph).ents]
        position = start + len(paragraph)
    got = [(m.start, m.end, m.label) for m in tagged.mentions]
    assert got and got == expected
    assert all(m.text == text[m.start : m.end] for m in tagged.mentions)


def test_documents_before_and_after_a_long_one_keep_their_order_and_mentions(tiny_nlp):
    short = Document.from_text("a", PARAGRAPH)
    empty = Document.from_text("empty", "")
    long = Document.from_text("long", "\n\n".join([PARAGRAPH] * 10))
    results = list(tag_documents(tiny_nlp, [short, empty, long, short], max_chars=500, batch_size=3))
    assert [d.id for d in results] == ["a", "empty", "long", "a"]
    assert results[1].mentions == []
    single = [(m.start, m.end, m.label) for m in results[0].mentions]
    assert [(m.start, m.end, m.label) for m in results[3].mentions] == single
    assert [(m.start, m.end, m.label) for m in results[2].mentions if m.end <= len(PARAGRAPH)] == single


def test_split_cuts_a_short_region_into_paragraphs_and_false_keeps_a_long_one_whole():
    text = f"{PARAGRAPH}\n\n{PARAGRAPH}"
    assert pieces(text, chunk_spans(text, max_chars=10_000, split=True)) == [PARAGRAPH, PARAGRAPH]
    assert chunk_spans(text, max_chars=10, split=False) == [(0, len(text))]


def test_every_region_of_a_long_document_is_tagged_by_paragraph(tiny_nlp):
    from bioner.content import find_content

    body = "\n\n".join(f"Case {i}: {PARAGRAPH}" for i in range(3))
    text = f"{body}\n\nReferences\n\n1. Berman RM, Anand A (2000) Ketamine. Biol Psychiatry 47:351–354\n\n{body}"
    document = Document.from_text("long", text)
    document.content = find_content(text)
    seen: list[str] = []
    original_pipe = tiny_nlp.pipe

    def spying_pipe(items, **kwargs):
        def record(pairs):
            for piece, context in pairs:
                seen.append(piece)
                yield piece, context

        return original_pipe(record(items) if kwargs.get("as_tuples") else items, **kwargs)

    tiny_nlp.pipe = spying_pipe
    try:
        list(tag_documents(tiny_nlp, [document], max_chars=len(text) - 1))
    finally:
        del tiny_nlp.pipe
    assert seen == [f"Case {i}: {PARAGRAPH}" for i in range(3)] * 2
