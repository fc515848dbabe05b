"""Format names, detection from extension and content, and dispatch to each reader and writer."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from bioner.document import Document, Mention
from bioner.errors import BionerError, InputProblem
from bioner.formats import FORMATS, WRITE_FORMATS, detect_format, read_documents, sniff_format, write_documents

FIXTURES = Path(__file__).parent / "fixtures"
PUBTATOR = "1|t|Aspirin.\n1|a|Ulcers.\n1\t0\t7\tAspirin\tChemical\tD1\n\n"


def write(tmp_path: Path, name: str, content: str) -> Path:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "name,expected",
    [
        ("a.pubtator", "pubtator"),
        ("a.xml", "bioc"),
        ("a.json", "bioc-json"),
        ("a.jsonl", "jsonl"),
        ("a.tsv", "iob"),
        ("a.conll", "iob"),
        ("a.iob", "iob"),
        ("a.spacy", "docbin"),
        ("A.XML", "bioc"),
    ],
)
def test_extension_decides_the_format(tmp_path, name, expected):
    assert detect_format(write(tmp_path, name, "anything")) == expected


@pytest.mark.parametrize(
    "content,expected",
    [
        (PUBTATOR, "pubtator"),
        ("Aspirin\tB-Chemical\nhelps\tO\n", "iob"),
        ("Ketamine | a conference abstract\nwith text.\n", "text"),
        ("", "text"),
        ("<?xml version='1.0'?><collection/>", "bioc"),
        ('{"text": "a"}\n{"text": "b"}\n', "jsonl"),
        ('{\n  "source": "x",\n  "documents": []\n}\n', "bioc-json"),
    ],
)
def test_txt_and_unknown_extensions_are_sniffed_from_content(tmp_path, content, expected):
    assert detect_format(write(tmp_path, "corpus.txt", content)) == expected
    assert detect_format(write(tmp_path, "corpus", content)) == expected
    assert sniff_format(content.encode("utf-8")) == expected  # what piped input is judged by


def test_detect_format_of_missing_file_or_stdin_is_a_clear_error(tmp_path):
    with pytest.raises(BionerError, match="no such file"):
        detect_format(tmp_path / "missing.txt")
    with pytest.raises(BionerError, match="--format"):
        detect_format("-")


def test_unknown_format_lists_the_known_ones(tmp_path):
    path = write(tmp_path, "a.txt", "x")
    with pytest.raises(BionerError) as caught:
        read_documents(path, "brat")
    assert all(name in str(caught.value) for name in FORMATS)
    with pytest.raises(BionerError) as caught:
        write_documents([], tmp_path / "o", "text")
    assert all(name in str(caught.value) for name in WRITE_FORMATS)


def test_read_documents_detects_and_dispatches_each_text_format(tmp_path):
    cases = {
        write(tmp_path, "p.txt", PUBTATOR): ("1", "Aspirin. Ulcers."),
        write(tmp_path, "s.tsv", "Aspirin\tB-Chemical\n"): ("s:1", "Aspirin"),
        write(tmp_path, "j.jsonl", json.dumps({"id": "j", "text": "Aspirin"})): ("j", "Aspirin"),
        write(tmp_path, "t.txt", "Plain words."): ("t", "Plain words."),
    }
    for path, (doc_id, text) in cases.items():
        (document,) = read_documents(path)
        assert (document.id, document.text) == (doc_id, text), path


def test_text_lines_option_reaches_the_text_reader(tmp_path):
    path = write(tmp_path, "t.txt", "One.\nTwo.\n")
    assert [d.id for d in read_documents(path, "text", lines=True)] == ["t:1", "t:2"]


def test_lenient_and_problems_reach_the_reader(tmp_path):
    path = write(tmp_path, "p.pubtator", PUBTATOR.replace("\t0\t7\t", "\t0\t70\t"))
    problems: list[InputProblem] = []
    (document,) = read_documents(path, lenient=True, problems=problems)
    assert document.mentions == [] and len(problems) == 1


@pytest.mark.parametrize(
    "fmt,name", [("pubtator", "o.pubtator"), ("bioc", "o.xml"), ("bioc-json", "o.json"), ("jsonl", "o.jsonl")]
)
def test_write_documents_then_read_documents_round_trips(tmp_path, fmt, name):
    document = Document.from_title_abstract("1", "Aspirin.", "Ulcers.")
    document.mentions = [Mention(0, 7, "Aspirin", "Chemical", "D1"), Mention(9, 15, "Ulcers", "Disease")]
    path = tmp_path / name
    assert write_documents([document], path, fmt) == 1
    (back,) = read_documents(path)
    assert back.id == "1" and back.text == document.text
    assert [m.key() for m in back.mentions] == [m.key() for m in document.mentions]


def test_bioc_json_is_read_from_a_stream_when_named():
    stream = io.StringIO()
    write_documents([Document.from_text("z", "Aspirin.")], stream, "bioc-json")
    (back,) = read_documents(io.StringIO(stream.getvalue()), "bioc-json")
    assert back.id == "z"


def test_docbin_is_read_through_spacy_docs(tmp_path):
    import spacy

    from bioner.spacy_docs import write_docbin

    nlp = spacy.blank("en")
    doc = nlp.make_doc("Aspirin helps.")
    doc.ents = [doc.char_span(0, 7, label="Chemical")]
    doc.user_data["id"] = "d1"
    path = tmp_path / "train.spacy"
    write_docbin([doc], path)
    (document,) = read_documents(path)
    assert document.id == "d1"
    assert [(m.start, m.end, m.label) for m in document.mentions] == [(0, 7, "Chemical")]


def test_pubtator3_fixture_is_detected_and_read():
    path = FIXTURES / "pubtator3-37424412.pubtator"
    assert detect_format(path) == "pubtator"
    (document,) = read_documents(path)
    assert document.id == "37424412" and document.relations


@pytest.mark.parametrize("fmt", ["pubtator", "bioc", "bioc-json", "jsonl"])
def test_binary_stream_input_is_read_when_its_format_is_named(fmt):
    text = io.StringIO()
    write_documents([Document.from_text("s1", "Aspirin.", mentions=[Mention(0, 7, "Aspirin", "Chemical")])], text, fmt)
    stream = io.BytesIO(text.getvalue().encode("utf-8"))
    assert sniff_format(stream.getvalue()) == fmt
    (back,) = read_documents(stream, fmt)
    assert back.id == "s1" and [m.key() for m in back.mentions] == [(0, 7, "Chemical")]


@pytest.mark.parametrize(
    "content,expected",
    [
        ("# a comment\n" + PUBTATOR, "pubtator"),  # the PubTator reader then names line 1
        ("1\t0\t7\tAspirin\tChemical\tD1\n" + PUBTATOR, "pubtator"),
        ("Aspirin\tNN\tB-Chemical\nhelps\tVBZ\tO\n", "iob"),  # CoNLL: the IOB reader names the line
        ("Aspirin\tB-Chemical \nhelps\tO\n", "iob"),
        ("Aspirin helps.\tIt does.\n", "text"),
    ],
)
def test_annotated_looking_files_are_sniffed_as_their_format_not_text(tmp_path, content, expected):
    assert detect_format(write(tmp_path, "corpus.txt", content)) == expected


def test_one_sniff_size_for_files_and_stdin():
    import bioner.formats as formats
    import bioner.formats._io as io_module
    import bioner.predict as predict_module

    assert formats.SNIFF_BYTES is io_module.SNIFF_BYTES
    assert not hasattr(predict_module, "_SNIFF_BYTES")
