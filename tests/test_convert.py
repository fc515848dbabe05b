"""Conversion to DocBin: every mention is aligned, expanded, dropped or filtered, and counted."""

from pathlib import Path

import pytest

from bioner.convert import (
    ConversionReport,
    convert_documents,
    parse_label_map,
    split_documents,
)
from bioner.document import Document, Mention
from bioner.errors import BionerError
from bioner.formats.pubtator import read_pubtator
from bioner.pipeline.tokenizer import make_tokenizer_pipeline
from bioner.spacy_docs import doc_id, read_docbin, write_docbin

FIXTURES = Path(__file__).parent / "fixtures"


def mention(text: str, surface: str, label: str, occurrence: int = 0) -> Mention:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(surface, start + 1)
    return Mention(start, start + len(surface), surface, label)


def convert_one(document: Document, **kwargs):
    report = ConversionReport("split")
    docs = list(convert_documents(make_tokenizer_pipeline(), [document], report, **kwargs))
    return docs[0], report


def test_mentions_on_token_boundaries_are_aligned_and_become_entities():
    text = "Famotidine-associated delirium was seen."
    document = Document.from_text(
        "1", text, mentions=[mention(text, "Famotidine", "Chemical"), mention(text, "delirium", "Disease")]
    )
    doc, report = convert_one(document)
    assert [(e.text, e.label_) for e in doc.ents] == [("Famotidine", "Chemical"), ("delirium", "Disease")]
    assert report.total.aligned == 2 and report.total.expanded == 0
    assert doc_id(doc) == "1"


def test_mention_inside_a_token_is_expanded_to_the_enclosing_token_and_listed():
    text = "Patients took xaspirin daily."
    document = Document.from_text("7", text, mentions=[Mention(15, 22, "aspirin", "Chemical")])
    doc, report = convert_one(document)
    assert [e.text for e in doc.ents] == ["xaspirin"]
    assert report.labels["Chemical"].expanded == 1
    [record] = report.records
    assert (record.document_id, record.start, record.end, record.outcome) == ("7", 15, 22, "expanded")
    assert (record.placed_start, record.placed_end) == (14, 22)


def test_overlapping_mention_is_dropped_with_its_reason():
    text = "renal failure"
    document = Document.from_text(
        "3", text, mentions=[Mention(0, 13, text, "Disease"), Mention(0, 5, "renal", "Disease")]
    )
    doc, report = convert_one(document)
    assert [e.text for e in doc.ents] == ["renal failure"]
    assert report.labels["Disease"].dropped == 1
    assert "overlaps" in report.records[0].reason


def test_label_map_renames_and_labels_filter_the_rest():
    text = "colon cancer and aspirin"
    document = Document.from_text(
        "9",
        text,
        mentions=[
            mention(text, "colon cancer", "SpecificDisease"),
            mention(text, "aspirin", "Chemical"),
        ],
    )
    doc, report = convert_one(document, label_map={"SpecificDisease": "Disease"}, labels=["Disease"])
    assert [(e.text, e.label_) for e in doc.ents] == [("colon cancer", "Disease")]
    assert report.labels["Chemical"].filtered == 1
    assert report.total.mentions == 2


def test_counts_balance_for_every_label_on_a_corpus():
    report = ConversionReport("tiny")
    docs = list(convert_documents(make_tokenizer_pipeline(), read_pubtator(FIXTURES / "tiny.pubtator"), report))
    assert report.documents == len(docs) == 6
    assert report.total.mentions == 59
    assert all(counts.is_balanced() for counts in report.labels.values())
    assert report.total.aligned == 59


def test_docbin_round_trip_keeps_ids_and_exact_mentions(tmp_path):
    documents = read_pubtator(FIXTURES / "tiny.pubtator")
    report = ConversionReport("tiny")
    nlp = make_tokenizer_pipeline()
    write_docbin(convert_documents(nlp, documents, report), tmp_path / "tiny.spacy")
    back = list(read_docbin(tmp_path / "tiny.spacy", nlp.vocab))
    assert [doc_id(doc) for doc in back] == [d.id for d in documents]
    for document, doc in zip(documents, back, strict=True):
        assert doc.text == document.text
        assert [(e.start_char, e.end_char, e.label_) for e in doc.ents] == [
            (m.start, m.end, m.label) for m in document.sorted_mentions()
        ]


def test_parse_label_map_rejects_items_without_equals():
    assert parse_label_map(["A=B", " C = D "]) == {"A": "B", "C": "D"}
    with pytest.raises(BionerError, match="SOURCE=TARGET"):
        parse_label_map(["SpecificDisease"])


def test_split_is_reproducible_from_the_seed_and_loses_no_document():
    documents = [Document.from_text(str(i), f"text {i}") for i in range(20)]
    train, dev = split_documents(documents, 0.25, seed=3)
    again_train, again_dev = split_documents(documents, 0.25, seed=3)
    assert [d.id for d in dev] == [d.id for d in again_dev] and len(dev) == 5
    assert sorted(d.id for d in train + dev) == sorted(d.id for d in documents)
    _, other_dev = split_documents(documents, 0.25, seed=4)
    assert [d.id for d in other_dev] != [d.id for d in dev]


def _pubtator_docbin_pubtator(documents, tmp_path):
    """PubTator documents to a DocBin and back out as PubTator text, read again."""
    import io

    from bioner.formats.pubtator import write_pubtator
    from bioner.spacy_docs import read_docbin_documents

    report = ConversionReport("rt")
    write_docbin(convert_documents(make_tokenizer_pipeline(), documents, report), tmp_path / "rt.spacy")
    buffer = io.StringIO()
    write_pubtator(read_docbin_documents(tmp_path / "rt.spacy"), buffer)
    return report, read_pubtator(io.StringIO(buffer.getvalue()))


def test_pubtator_to_docbin_to_pubtator_reproduces_every_aligned_mention(tmp_path):
    documents = read_pubtator(FIXTURES / "pubtator3-37424412.pubtator") + read_pubtator(FIXTURES / "tiny.pubtator")
    report, back = _pubtator_docbin_pubtator(documents, tmp_path)
    original = {(d.id, m.start, m.end, m.text, m.label) for d in documents for m in d.mentions}
    assert report.total.aligned == len(original)
    assert {(d.id, m.start, m.end, m.text, m.label) for d in back for m in d.mentions} == original
    assert [d.text for d in back] == [d.text for d in documents]


def test_bc5cdr_test_round_trips_exactly(tmp_path, shared_corpus):
    folder = shared_corpus("bc5cdr", "CDR_TestSet.PubTator.txt")
    documents = read_pubtator(folder / "CDR_TestSet.PubTator.txt")
    report, back = _pubtator_docbin_pubtator(documents, tmp_path)
    original = {(d.id, m.start, m.end, m.text, m.label) for d in documents for m in d.mentions}
    assert len(original) == report.total.aligned == 9809
    assert {(d.id, m.start, m.end, m.text, m.label) for d in back for m in d.mentions} == original
