"""BioC XML and JSON: mapping to documents, validation like PubTator's, and round trips."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from bioner.document import Document, Mention, Relation
from bioner.errors import BionerError, InputError, InputProblem
from bioner.formats.bioc import read_bioc, write_bioc

TITLE = "Famotidine-associated delirium."
ABSTRACT = "Famotidine caused delirium."


def annotation(ann_id: str, label_key: str, label: str, offset: int, length: int, text: str, extra: str = "") -> str:
    return (
        f'<annotation id="{ann_id}"><infon key="{label_key}">{label}</infon>{extra}'
        f'<location offset="{offset}" length="{length}"/><text>{text}</text></annotation>'
    )


def xml(*annotations: str, relations: str = "") -> str:
    return (
        "<?xml version='1.0' encoding='utf-8'?>\n<collection><source>test</source><date>2024</date><key/>"
        "<document><id>1</id>"
        f'<passage><infon key="type">title</infon><offset>0</offset><text>{TITLE}</text>'
        + "".join(annotations[:1])
        + "</passage>"
        f'<passage><infon key="type">abstract</infon><offset>32</offset><text>{ABSTRACT}</text>'
        + "".join(annotations[1:])
        + f"</passage>{relations}</document></collection>\n"
    )


GOOD_ANNOTATIONS = (
    annotation("T1", "type", "Chemical", 0, 10, "Famotidine", '<infon key="MESH">D015738</infon>'),
    annotation("T2", "type", "Disease", 50, 8, "delirium", '<infon key="identifier">D003693</infon>'),
)
RELATION = (
    '<relation id="R1"><infon key="relation">CID</infon>'
    '<node refid="T1" role="Chemical"/><node refid="T2" role="Disease"/></relation>'
)


def write(tmp_path: Path, content: str, name: str = "in.xml") -> Path:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return path


def test_xml_passages_mentions_identifiers_and_relation_nodes(tmp_path):
    (document,) = read_bioc(write(tmp_path, xml(*GOOD_ANNOTATIONS, relations=RELATION)))
    assert document.id == "1"
    assert [(p.kind, p.offset) for p in document.passages] == [("title", 0), ("abstract", 32)]
    assert document.text == TITLE + " " + ABSTRACT
    assert [(m.start, m.end, m.text, m.label, m.identifier) for m in document.mentions] == [
        (0, 10, "Famotidine", "Chemical", "D015738"),
        (50, 58, "delirium", "Disease", "D003693"),
    ]
    # Nodes name annotations; an argument is the annotation's identifier, as in PubTator.
    assert document.relations == [Relation("CID", ["D015738", "D003693"])]


def test_label_falls_back_to_label_infon(tmp_path):
    content = xml(annotation("T1", "label", "Chemical", 0, 10, "Famotidine"))
    (document,) = read_bioc(write(tmp_path, content))
    assert document.mentions[0].label == "Chemical"


def test_relation_without_nodes_takes_identifier_infons(tmp_path):
    relation = (
        '<relation id="R1"><infon key="relation">CID</infon><infon key="Chemical">D1</infon>'
        '<infon key="Disease">D2</infon></relation>'
    )
    (document,) = read_bioc(write(tmp_path, xml(*GOOD_ANNOTATIONS, relations=relation)))
    assert document.relations == [Relation("CID", ["D1", "D2"])]


MENTION_CASES = {
    "offsets outside the text": (annotation("T2", "type", "Disease", 50, 80, "delirium"), "outside"),
    "text mismatch": (annotation("T2", "type", "Disease", 50, 8, "delirious"), "does not equal"),
    "discontinuous": (
        '<annotation id="T2"><infon key="type">Disease</infon><location offset="50" length="3"/>'
        '<location offset="55" length="3"/><text>del rium</text></annotation>',
        "discontinuous",
    ),
    "no label": (
        '<annotation id="T2"><location offset="50" length="8"/><text>delirium</text></annotation>',
        "no 'type'",
    ),
}


@pytest.mark.parametrize("case", MENTION_CASES)
def test_bad_annotation_raises_naming_file_document_and_annotation(tmp_path, case):
    bad, words = MENTION_CASES[case]
    path = write(tmp_path, xml(GOOD_ANNOTATIONS[0], bad))
    with pytest.raises(InputError) as caught:
        read_bioc(path)
    assert str(caught.value).startswith(str(path))
    assert "'1'" in caught.value.message and "T2" in caught.value.message and words in caught.value.message


@pytest.mark.parametrize("case", MENTION_CASES)
def test_lenient_skips_bad_annotation_into_problems(tmp_path, case):
    bad, words = MENTION_CASES[case]
    problems: list[InputProblem] = []
    (document,) = read_bioc(write(tmp_path, xml(GOOD_ANNOTATIONS[0], bad)), lenient=True, problems=problems)
    assert [m.text for m in document.mentions] == ["Famotidine"]
    assert len(problems) == 1 and problems[0].document_id == "1" and words in problems[0].message


def test_malformed_xml_raises_naming_file_and_line(tmp_path):
    content = xml(*GOOD_ANNOTATIONS).replace("</passage>", "</pasage>", 1)
    path = write(tmp_path, content)
    with pytest.raises(InputError) as caught:
        read_bioc(path, lenient=True)
    assert caught.value.source == str(path)
    assert caught.value.line == 2
    assert "not well-formed XML" in caught.value.message


def test_xml_without_collection_is_an_error(tmp_path):
    with pytest.raises(InputError, match="collection"):
        read_bioc(write(tmp_path, "<root><document/></root>"))


def test_malformed_json_raises_naming_file_and_line(tmp_path):
    path = write(tmp_path, '{"documents": [\n{"id": "1",\n "passages": [}\n]}', "in.json")
    with pytest.raises(InputError) as caught:
        read_bioc(path)
    assert caught.value.line == 3
    assert "not valid JSON" in caught.value.message


def test_json_missing_required_key_is_an_input_error(tmp_path):
    content = json.dumps({"documents": [{"id": "1", "passages": [{"text": "x"}]}]})
    with pytest.raises(InputError, match="offset"):
        read_bioc(write(tmp_path, content, "in.json"))


def test_json_document_list_without_optional_keys_reads(tmp_path):
    content = json.dumps(
        [
            {
                "id": "9",
                "passages": [
                    {
                        "offset": 0,
                        "text": "Aspirin helps.",
                        "infons": {"type": "title"},
                        "annotations": [
                            {
                                "id": "a",
                                "infons": {"type": "Chemical"},
                                "locations": [{"offset": 0, "length": 7}],
                                "text": "Aspirin",
                            }
                        ],
                    }
                ],
            }
        ]
    )
    (document,) = read_bioc(write(tmp_path, content, "in.json"))
    assert document.id == "9"
    assert [m.key() for m in document.mentions] == [(0, 7, "Chemical")]


def sample_documents() -> list[Document]:
    first = Document.from_title_abstract("1", TITLE, ABSTRACT)
    first.mentions = [Mention(0, 10, "Famotidine", "Chemical", "D015738"), Mention(50, 58, "delirium", "Disease")]
    first.relations = [Relation("CID", ["D015738", "D003693"])]
    second = Document.from_text("2", "Aspirin helps.", mentions=[Mention(0, 7, "Aspirin", "Chemical")])
    return [first, second]


@pytest.mark.parametrize("fmt,name", [("xml", "out.xml"), ("json", "out.json"), ("xml", "out.bioc")])
def test_write_then_read_keeps_passages_mentions_and_relations(tmp_path, fmt, name):
    documents = sample_documents()
    path = tmp_path / name
    assert write_bioc(documents, path, format=fmt) == 2
    back = read_bioc(path)  # format detected from extension or content
    assert [d.id for d in back] == ["1", "2"]
    for a, b in zip(documents, back, strict=True):
        assert a.text == b.text
        assert [(p.kind, p.offset) for p in a.passages] == [(p.kind, p.offset) for p in b.passages]
        assert [(m.key(), m.text, m.identifier) for m in a.mentions] == [
            (m.key(), m.text, m.identifier) for m in b.mentions
        ]
        assert a.relations == b.relations


def test_written_collection_has_source_bioner_and_type_infons():
    stream = io.StringIO()
    write_bioc(sample_documents(), stream, format="json")
    data = json.loads(stream.getvalue())
    assert data["source"] == "bioner"
    annotations = [a for p in data["documents"][0]["passages"] for a in p["annotations"]]
    assert annotations[0]["infons"] == {"type": "Chemical", "identifier": "D015738"}
    assert annotations[1]["infons"] == {"type": "Disease"}
    assert all(len(a["locations"]) == 1 for a in annotations)


def test_read_from_text_stream_with_explicit_format():
    stream = io.StringIO()
    write_bioc(sample_documents(), stream, format="xml")
    back = read_bioc(io.StringIO(stream.getvalue()), format="xml")
    assert [d.id for d in back] == ["1", "2"]


def test_unknown_bioc_format_is_refused(tmp_path):
    with pytest.raises(BionerError, match="xml, json"):
        write_bioc(sample_documents(), tmp_path / "x", format="yaml")


# --- nothing lost at the edges (issue 13) -----------------------------------------------------


def json_collection() -> dict:
    """A BioC JSON collection of one good document, for the tests to spoil."""
    document = {
        "id": "1",
        "infons": {},
        "passages": [
            {
                "offset": 0,
                "infons": {"type": "title"},
                "text": TITLE,
                "annotations": [
                    {
                        "id": "T1",
                        "infons": {"type": "Chemical"},
                        "text": "Famotidine",
                        "locations": [{"offset": 0, "length": 10}],
                    }
                ],
            },
            {"offset": 32, "infons": {"type": "abstract"}, "text": ABSTRACT, "annotations": []},
        ],
    }
    return {"source": "test", "documents": [document]}


@pytest.mark.parametrize(
    "edit,position,fragment",
    [
        (lambda d: d.update(id=7), "document 1", "'id' must be a string, found 7"),
        (
            lambda d: d["passages"][1].update(offset="32"),
            "document 1 ('1'), passage 2",
            "'offset' must be a whole number",
        ),
        (
            lambda d: d["passages"][1].update(offset=None),
            "document 1 ('1'), passage 2",
            "'offset' must be a whole number",
        ),
        (lambda d: d["passages"][0].update(text=5), "document 1 ('1'), passage 1", "'text' must be a string"),
        (lambda d: d.update(infons=None), "document 1", "'infons' must be an object, found null"),
        (
            lambda d: d["passages"][0]["annotations"][0]["locations"][0].update(length="10"),
            "document 1 ('1'), passage 1, annotation 1, location 1",
            "'length' must be a whole number",
        ),
    ],
)
def test_json_of_the_wrong_types_is_an_error_with_its_position(tmp_path, edit, position, fragment):
    data = json_collection()
    edit(data["documents"][0])
    with pytest.raises(InputError, match=None) as error:
        read_bioc(write(tmp_path, json.dumps(data), "in.json"))
    assert str(error.value).startswith(f"{tmp_path / 'in.json'}: {position}: "), str(error.value)
    assert fragment in str(error.value)


def test_semantic_errors_name_the_document_and_annotation_position(tmp_path):
    bad = annotation("T9", "type", "Chemical", 0, 10, "Wrongtext")
    with pytest.raises(InputError, match=r"document 1 \('1'\), annotation T9: text 'Wrongtext'"):
        read_bioc(write(tmp_path, xml(bad)))


def test_overlapping_sentences_are_an_error_not_misplaced_annotations(tmp_path):
    content = (
        "<?xml version='1.0' encoding='utf-8'?>\n<collection><source>t</source><date>2024</date><key/>"
        "<document><id>1</id><passage><offset>0</offset>"
        "<sentence><offset>0</offset><text>Aspirin helps.</text></sentence>"
        "<sentence><offset>10</offset><text>Cisplatin harms.</text>"
        + annotation("A", "type", "Chemical", 10, 9, "Cisplatin")
        + "</sentence></passage></document></collection>"
    )
    with pytest.raises(InputError, match=r"document 1 \('1'\), passage 1: sentence 2 at offset 10 overlaps"):
        read_bioc(write(tmp_path, content))


def test_a_huge_passage_offset_is_an_error_not_gigabytes_of_padding(tmp_path):
    data = json_collection()
    data["documents"][0]["passages"][1]["offset"] = 4_000_000_000
    path = write(tmp_path, json.dumps(data), "in.json")
    assert path.stat().st_size < 1000
    with pytest.raises(InputError, match=r"passage 2: offset 4,000,000,000 leaves .* characters between passages"):
        read_bioc(path)


def test_json_nested_too_deeply_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="nested too deeply"):
        read_bioc(write(tmp_path, "[" * 100_000 + "]" * 100_000, "in.json"))


def test_labels_with_surrounding_spaces_are_the_same_label(tmp_path):
    padded = annotation("T1", "type", "Chemical ", 0, 10, "Famotidine")
    (document,) = read_bioc(write(tmp_path, xml(padded)))
    assert [m.label for m in document.mentions] == ["Chemical"]


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_writer_streams_and_writes_what_bioc_writes_for_the_whole_collection(fmt):
    import bioc
    from bioc import biocjson, biocxml

    from bioner.formats.bioc import to_bioc_document

    documents = [
        Document(f"{d.id}-{i}", d.passages, d.mentions, d.relations) for i in range(3) for d in sample_documents()
    ]
    out = io.StringIO()

    def lazily():
        for number, document in enumerate(documents):
            if number:  # the documents before this one are already written
                assert f"{documents[number - 1].id}" in out.getvalue()
            yield document

    write_bioc(lazily(), out, format=fmt)
    collection = bioc.BioCCollection()
    collection.source = "bioner"
    for document in documents:
        collection.add_document(to_bioc_document(document))
    expected = (
        biocxml.dumps(collection) if fmt == "xml" else biocjson.dumps(collection, indent=2, ensure_ascii=False) + "\n"
    )
    assert out.getvalue() == expected


# --- predicted relations: nodes at their supporting annotations ---------------------------------


def predicted_document() -> Document:
    document = Document.from_title_abstract("5", "Aspirin and asthma.", "Aspirin again: asthma.")
    document.mentions = [
        Mention(0, 7, "Aspirin", "Chemical", "D001241"),
        Mention(12, 18, "asthma", "Disease", "D001249"),
        Mention(20, 27, "Aspirin", "Chemical", "D001241"),
        Mention(35, 41, "asthma", "Disease", "D001249"),
    ]
    document.relations = [Relation("CID", ["D001241", "D001249"], 0.87, [(0, 7, 12, 18), (20, 27, 35, 41)])]
    return document


def test_a_predicted_relation_has_type_score_and_a_node_per_supporting_annotation():
    stream = io.StringIO()
    write_bioc([predicted_document()], stream, format="json")
    (document,) = json.loads(stream.getvalue())["documents"]
    ids = {a["locations"][0]["offset"]: a["id"] for p in document["passages"] for a in p["annotations"]}
    (relation,) = document["relations"]
    assert relation["infons"] == {"type": "CID", "score": "0.87", "arg1": "D001241", "arg2": "D001249"}
    assert relation["nodes"] == [
        {"refid": ids[0], "role": "Chemical"},
        {"refid": ids[12], "role": "Disease"},
        {"refid": ids[20], "role": "Chemical"},
        {"refid": ids[35], "role": "Disease"},
    ]


@pytest.mark.parametrize(("fmt", "name"), [("xml", "out.xml"), ("json", "out.json")])
def test_a_predicted_relation_reads_back_with_its_arguments_score_and_support(tmp_path, fmt, name):
    path = tmp_path / name
    write_bioc([predicted_document()], path, format=fmt)
    (back,) = read_bioc(path)
    assert back.relations == predicted_document().relations


def test_xml_relation_nodes_are_written_as_node_elements(tmp_path):
    stream = io.StringIO()
    write_bioc([predicted_document()], stream, format="xml")
    assert '<node refid="0" role="Chemical"/>' in stream.getvalue()
    assert '<infon key="score">0.87</infon>' in stream.getvalue()


def test_a_relation_without_support_keeps_its_argument_infons_and_no_nodes():
    document = predicted_document()
    document.relations = [Relation("CID", ["D001241", "D001249"])]
    stream = io.StringIO()
    write_bioc([document], stream, format="json")
    (relation,) = json.loads(stream.getvalue())["documents"][0]["relations"]
    assert relation["infons"] == {"type": "CID", "arg1": "D001241", "arg2": "D001249"} and relation["nodes"] == []


def test_support_at_offsets_where_no_mention_is_cannot_be_written_as_nodes():
    document = predicted_document()
    document.relations[0].support.append((1, 5, 12, 18))
    with pytest.raises(BionerError, match="supported by offsets 1-5, where the document has no mention"):
        write_bioc([document], io.StringIO(), format="xml")


def test_a_node_naming_no_annotation_is_an_error_naming_the_relation(tmp_path):
    relation = (
        '<relation id="R7"><infon key="type">CID</infon><infon key="arg1">D1</infon><infon key="arg2">D2</infon>'
        '<node refid="T1" role="Chemical"/><node refid="T9" role="Disease"/></relation>'
    )
    path = write(tmp_path, xml(*GOOD_ANNOTATIONS, relations=relation))
    with pytest.raises(InputError, match=r"relation R7: node refid 'T9' names no annotation"):
        read_bioc(path)
    problems: list[InputProblem] = []
    (document,) = read_bioc(path, lenient=True, problems=problems)
    assert document.relations == [] and "R7" in problems[0].message


def test_a_score_infon_is_the_score_not_an_argument(tmp_path):
    relation = (
        '<relation id="R1"><infon key="relation">CID</infon><infon key="Chemical">D1</infon>'
        '<infon key="Disease">D2</infon><infon key="score">0.5</infon></relation>'
    )
    (document,) = read_bioc(write(tmp_path, xml(*GOOD_ANNOTATIONS, relations=relation)))
    assert document.relations == [Relation("CID", ["D1", "D2"], 0.5)]
