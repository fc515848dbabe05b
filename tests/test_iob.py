"""CoNLL/IOB: decoding tags into mentions, errors naming lines, and writing over a tokenizer."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from bioner.document import Document, Mention
from bioner.errors import BionerError, InputError, InputProblem
from bioner.formats.iob import read_iob, whitespace_tokenize, write_iob

SENTENCES = (
    "Selegiline\tB-Chemical\n-\tO\ninduced\tO\npostural\tB-Disease\nhypotension\tI-Disease\n.\tO\n"
    "\n"
    "Famotidine\tB-Chemical\ncaused\tO\ndelirium\tB-Disease\n"
    "\n"
)


def write(tmp_path: Path, content: str, name: str = "train.tsv") -> Path:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return path


def spans(document: Document) -> list[tuple[str, str]]:
    return [(m.text, m.label) for m in document.mentions]


def test_one_document_per_sentence_with_stem_ids_and_space_joined_text(tmp_path):
    documents = read_iob(write(tmp_path, SENTENCES))
    assert [d.id for d in documents] == ["train:1", "train:2"]
    assert documents[0].text == "Selegiline - induced postural hypotension ."
    assert spans(documents[0]) == [("Selegiline", "Chemical"), ("postural hypotension", "Disease")]
    assert [(m.start, m.end) for m in documents[1].mentions] == [(0, 10), (18, 26)]
    assert all(d.text[m.start : m.end] == m.text for d in documents for m in d.mentions)


def test_docstart_blocks_group_sentences_into_documents(tmp_path):
    content = "-DOCSTART-\tO\n\n" + SENTENCES + "-DOCSTART- -X- O O\n\nAspirin\tB-Chemical\n"
    documents = read_iob(write(tmp_path, content))
    assert len(documents) == 2
    assert documents[0].text == "Selegiline - induced postural hypotension . Famotidine caused delirium"
    assert len(documents[0].mentions) == 4
    assert spans(documents[1]) == [("Aspirin", "Chemical")]


def test_iobes_and_bilou_tags_decode(tmp_path):
    content = "a\tS-Chemical\nb\tB-Disease\nc\tI-Disease\nd\tE-Disease\ne\tU-Chemical\nf\tB-X\ng\tL-X\n"
    (document,) = read_iob(write(tmp_path, content))
    assert spans(document) == [("a", "Chemical"), ("b c d", "Disease"), ("e", "Chemical"), ("f g", "X")]


def test_i_without_b_starts_a_mention_like_conlleval_and_is_noted_when_lenient(tmp_path):
    content = "a\tO\nb\tI-Disease\nc\tI-Disease\nd\tB-Chemical\ne\tI-Disease\n"
    path = write(tmp_path, content)
    (strict,) = read_iob(path)
    assert spans(strict) == [("b c", "Disease"), ("d", "Chemical"), ("e", "Disease")]
    problems: list[InputProblem] = []
    (lenient,) = read_iob(path, lenient=True, problems=problems)
    assert spans(lenient) == spans(strict)
    assert [p.line for p in problems] == [2, 5]


def test_mention_does_not_span_sentences(tmp_path):
    content = "-DOCSTART-\tO\n\na\tB-Disease\n\nb\tI-Disease\n"
    (document,) = read_iob(write(tmp_path, content))
    assert spans(document) == [("a", "Disease"), ("b", "Disease")]


@pytest.mark.parametrize(
    "line,words",
    [
        ("hypotension\tI-Disease\textra", "expected 2 columns"),
        ("hypotension", "expected 2 columns"),
        ("hypotension\tDisease", "unknown tag"),
        ("hypotension\tX-Disease", "unknown tag"),
        ("hypotension\tB-", "unknown tag"),
    ],
)
def test_malformed_line_raises_naming_file_and_line_even_when_lenient(tmp_path, line, words):
    path = write(tmp_path, SENTENCES.replace("hypotension\tI-Disease", line))
    with pytest.raises(InputError) as caught:
        read_iob(path, lenient=True, problems=[])
    assert caught.value.line == 5
    assert str(caught.value).startswith(f"{path}:5: ") and words in caught.value.message


def test_write_then_read_round_trips_mentions(tmp_path):
    documents = read_iob(write(tmp_path, SENTENCES))
    out = tmp_path / "out.tsv"
    stats = write_iob(documents, out, whitespace_tokenize)
    assert (stats.documents, stats.mentions, stats.snapped) == (2, 4, 0)
    assert out.read_text(encoding="utf-8") == SENTENCES
    back = read_iob(out)
    assert [spans(d) for d in back] == [spans(d) for d in documents]


def test_write_with_docstart_keeps_documents_whole(tmp_path):
    document = Document.from_title_abstract("1", "Aspirin works.", "No ulcer seen.")
    document.mentions = [Mention(0, 7, "Aspirin", "Chemical"), Mention(18, 23, "ulcer", "Disease")]
    out = tmp_path / "out.iob"
    write_iob([document, document], out, whitespace_tokenize, docstart=True)
    back = read_iob(out)
    assert len(back) == 2
    assert back[0].text == document.text
    assert [m.key() for m in back[0].mentions] == [m.key() for m in document.mentions]


def test_mention_off_token_boundaries_is_an_error_unless_snapped():
    document = Document.from_text("d", "anti-inflammatory drugs", mentions=[Mention(5, 17, "inflammatory", "Disease")])
    with pytest.raises(BionerError, match="token boundaries"):
        write_iob([document], io.StringIO(), whitespace_tokenize)
    out = io.StringIO()
    stats = write_iob([document], out, whitespace_tokenize, snap=True)
    assert stats.snapped == 1 and stats.mentions == 1
    assert out.getvalue() == "anti-inflammatory\tB-Disease\ndrugs\tO\n\n"


def test_split_cuts_tokens_at_mention_edges_so_every_mention_is_kept_exactly():
    document = Document.from_text("d", "anti-inflammatory drugs", mentions=[Mention(5, 17, "inflammatory", "Disease")])
    out = io.StringIO()
    stats = write_iob([document], out, whitespace_tokenize, split=True)
    assert stats.snapped == 0 and stats.mentions == 1
    assert out.getvalue() == "anti-\tO\ninflammatory\tB-Disease\ndrugs\tO\n\n"


def test_project_style_tokenizer_spans_are_used_and_whitespace_tokens_skipped():
    def tokenize(text: str) -> list[tuple[int, int]]:
        # Splits off the hyphen and yields a whitespace token, as spaCy does for double spaces.
        return [(0, 4), (4, 5), (5, 17), (17, 18), (18, 19), (19, 24)]

    document = Document.from_text("d", "anti-inflammatory  drugs", mentions=[Mention(5, 17, "inflammatory", "Disease")])
    out = io.StringIO()
    stats = write_iob([document], out, tokenize)
    assert stats.snapped == 0
    assert out.getvalue() == "anti\tO\n-\tO\ninflammatory\tB-Disease\ndrugs\tO\n\n"


def test_real_bc5cdr_iob_files_read_with_expected_mention_counts(shared_corpus):
    from collections import Counter

    folder = shared_corpus("bc5cdr-iob", "train.tsv", "devel.tsv", "test.tsv")
    counts = {}
    for split in ("train", "devel", "test"):
        problems: list[InputProblem] = []
        documents = read_iob(folder / f"{split}.tsv", lenient=True, problems=problems)
        assert problems == []
        counts[split] = Counter(m.label for d in documents for m in d.mentions)
    assert counts["train"] == {"Chemical": 5203, "Disease": 4182}
    assert counts["devel"] == {"Chemical": 5347, "Disease": 4246}
    assert counts["test"] == {"Chemical": 5385, "Disease": 4424}
