"""Conversion to DocBin: every mention is aligned, expanded, dropped or filtered, and counted."""

from pathlib import Path

import pytest

from bioner.convert import (
    ConversionReport,
    convert_documents,
    parse_label_map,
    split_documents,
)
from bioner.document import Document, Mention, Relation
from bioner.errors import BionerError
from bioner.formats.pubtator import read_pubtator
from bioner.pipeline.tokenizer import make_tokenizer_pipeline
from bioner.spacy_docs import doc_id, doc_relations, read_docbin, write_docbin

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


# --- relations ---------------------------------------------------------------------------------

RELATION_TEXT = "Aspirin caused asthma; aspirin and ulcer; BRCA1."


def related_document(*relations: Relation) -> Document:
    text = RELATION_TEXT
    mentions = [
        mention(text, "Aspirin", "Chemical"),
        mention(text, "asthma", "Disease"),
        mention(text, "aspirin", "Chemical"),
        mention(text, "ulcer", "Disease"),
        mention(text, "BRCA1", "Gene"),
    ]
    for m, identifier in zip(mentions, ["D001241", "D001249", "D001241", "D014456", "672"], strict=True):
        m.identifier = identifier
    return Document.from_text("9", text, mentions=mentions, relations=list(relations))


def test_a_relation_goes_on_the_doc_supported_by_every_pair_of_mentions_carrying_its_ids():
    doc, report = convert_one(related_document(Relation("CID", ["D001241", "D001249"], line=7)))
    (stored,) = doc_relations(doc)
    assert (stored.type, stored.arguments) == ("CID", ["D001241", "D001249"])
    assert [(doc.text[a:b], doc.text[c:d]) for a, b, c, d in stored.support] == [
        ("Aspirin", "asthma"),
        ("aspirin", "asthma"),
    ]
    assert report.relations.to_json() == {"read": 1, "kept": 1, "dropped": []}


def test_a_relation_whose_argument_no_mention_carries_is_listed_with_the_reason():
    _, report = convert_one(related_document(Relation("CID", ["D001241", "D999999"], line=12)))
    assert report.relations.to_json() == {
        "read": 1,
        "kept": 0,
        "dropped": [
            {
                "document": "9",
                "line": 12,
                "type": "CID",
                "arguments": ["D001241", "D999999"],
                "reason": "argument 'D999999': no mention of the document carries this id",
            }
        ],
    }


def test_a_relation_whose_argument_has_a_label_outside_the_output_labels_is_listed():
    doc, report = convert_one(
        related_document(Relation("Association", ["672", "D014456"]), Relation("CID", ["D001241", "D014456"])),
        labels=["Chemical", "Disease"],
    )
    assert [r.arguments for r in doc_relations(doc)] == [["D001241", "D014456"]]
    (dropped,) = report.relations.dropped
    assert (
        dropped.reason == "argument '672': its mentions are labelled Gene, a label outside the output labels (--labels)"
    )
    assert report.relations.is_balanced()


def test_a_relation_with_other_than_two_arguments_is_listed():
    _, report = convert_one(related_document(Relation("CID", ["D001241"])))
    assert report.relations.dropped[0].reason == "has 1 argument(s); a relation links two concept ids"


def test_relations_survive_the_docbin(tmp_path):
    nlp = make_tokenizer_pipeline()
    report = ConversionReport("r")
    write_docbin(
        convert_documents(nlp, [related_document(Relation("CID", ["D001241", "D014456"]))], report),
        tmp_path / "r.spacy",
    )
    (doc,) = read_docbin(tmp_path / "r.spacy", nlp.vocab)
    (relation,) = doc_relations(doc)
    assert relation.arguments == ["D001241", "D014456"] and len(relation.support) == 2


def test_every_bc5cdr_test_relation_is_kept_with_support():
    import os

    folder = Path(os.environ.get("BC5CDR_DIR", Path(__file__).parents[2] / "shared" / "data" / "bc5cdr"))
    if not (folder / "CDR_TestSet.PubTator.txt").exists():
        pytest.skip("BC5CDR not available (set BC5CDR_DIR)")
    documents = read_pubtator(folder / "CDR_TestSet.PubTator.txt")
    report = ConversionReport("test")
    docs = list(convert_documents(make_tokenizer_pipeline(), documents, report))
    assert report.relations.read == report.relations.kept == 1066
    assert all(r.support for doc in docs for r in doc_relations(doc))
