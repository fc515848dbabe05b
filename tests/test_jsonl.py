"""JSON lines: the reader's defaults and errors, and the exact shape the writer promises."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from bioner.document import Document, Mention, Relation
from bioner.errors import InputError, InputProblem
from bioner.formats.jsonl import read_jsonl, write_jsonl


def write(tmp_path: Path, *lines: str, name: str = "docs.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_reads_ids_text_and_entities_and_defaults_missing_id_to_stem_and_line(tmp_path):
    path = write(
        tmp_path,
        json.dumps(
            {
                "id": "a",
                "text": "Aspirin helps.",
                "entities": [{"start": 0, "end": 7, "label": "Chemical", "text": "Aspirin"}],
            }
        ),
        "",
        json.dumps({"text": "No entities here."}),
    )
    first, second = read_jsonl(path)
    assert first.id == "a" and first.text == "Aspirin helps."
    assert [(m.start, m.end, m.label, m.text) for m in first.mentions] == [(0, 7, "Chemical", "Aspirin")]
    assert second.id == "docs:3" and second.mentions == []


def test_title_and_abstract_keys_make_a_title_abstract_document(tmp_path):
    path = write(
        tmp_path,
        json.dumps(
            {
                "id": 7,
                "title": "Aspirin.",
                "abstract": "It helps.",
                "entities": [{"start": 9, "end": 11, "label": "Chemical"}],
            }
        ),
    )
    (document,) = read_jsonl(path)
    assert document.id == "7"
    assert (document.title, document.abstract, document.text) == ("Aspirin.", "It helps.", "Aspirin. It helps.")
    assert document.mentions[0].text == "It"


@pytest.mark.parametrize(
    "line,words",
    [
        ('{"id": "a", "text": "x"', "not valid JSON"),
        ('["a", "b"]', "expected a JSON object"),
        ('{"id": "a"}', 'no "text"'),
        ('{"id": "a", "text": 3}', '"text" must be a string'),
    ],
)
def test_bad_line_raises_naming_file_and_line_even_when_lenient(tmp_path, line, words):
    path = write(tmp_path, json.dumps({"text": "fine"}), line)
    with pytest.raises(InputError) as caught:
        read_jsonl(path, lenient=True)
    assert str(caught.value).startswith(f"{path}:2: ") and words in caught.value.message


BAD_ENTITIES = {
    "outside": ({"start": 0, "end": 99, "label": "Chemical"}, "outside the text"),
    "mismatch": ({"start": 0, "end": 7, "label": "Chemical", "text": "Aspirn"}, "does not equal"),
    "missing label": ({"start": 0, "end": 7}, "missing 'label'"),
    "string offset": ({"start": "0", "end": 7, "label": "Chemical"}, "whole numbers"),
    "line break in label": ({"start": 0, "end": 7, "label": "Chem\nical"}, "a line break"),
    "tab in label": ({"start": 0, "end": 7, "label": "Chem\tical"}, "a tab"),
    "double space in label": ({"start": 0, "end": 7, "label": "Chemical  drug"}, "single spaces"),
}


def test_a_label_with_a_line_break_is_refused_naming_file_and_line(tmp_path):
    good = {"id": "a", "text": "Aspirin helps.", "entities": [{"start": 0, "end": 7, "label": "Chemical drug"}]}
    bad = {"id": "b", "text": "Aspirin helps.", "entities": [{"start": 0, "end": 7, "label": "Chem\nical"}]}
    path = write(tmp_path, json.dumps(good), json.dumps(bad))
    with pytest.raises(InputError) as caught:
        read_jsonl(path)
    assert str(caught.value).startswith(f"{path}:2: entity 1: label 'Chem\\nical'")
    (document,) = read_jsonl(write(tmp_path, json.dumps(good)))
    assert [m.label for m in document.mentions] == ["Chemical drug"]  # single spaces are a label's words


@pytest.mark.parametrize("case", BAD_ENTITIES)
def test_bad_entity_raises_or_with_lenient_is_skipped_into_problems(tmp_path, case):
    entity, words = BAD_ENTITIES[case]
    good = {"start": 8, "end": 13, "label": "Disease"}
    path = write(tmp_path, json.dumps({"id": "a", "text": "Aspirin helps.", "entities": [entity, good]}))
    with pytest.raises(InputError) as caught:
        read_jsonl(path)
    assert caught.value.line == 1 and words in caught.value.message
    problems: list[InputProblem] = []
    (document,) = read_jsonl(path, lenient=True, problems=problems)
    assert [m.text for m in document.mentions] == ["helps"]
    assert len(problems) == 1 and problems[0].line == 1 and words in problems[0].message


def test_writer_writes_exactly_id_text_and_entities_with_their_keys():
    document = Document.from_title_abstract("p1", "Aspirin.", "Ulcers.")
    document.mentions = [Mention(9, 15, "Ulcers", "Disease", "D1"), Mention(0, 7, "Aspirin", "Chemical", "D2")]
    stream = io.StringIO()
    assert write_jsonl([document], stream) == 1
    (line,) = stream.getvalue().splitlines()
    assert json.loads(line) == {
        "id": "p1",
        "text": "Aspirin. Ulcers.",
        "entities": [
            {"start": 0, "end": 7, "label": "Chemical", "text": "Aspirin", "id": "D2"},
            {"start": 9, "end": 15, "label": "Disease", "text": "Ulcers", "id": "D1"},
        ],
    }


def test_write_then_read_round_trips_and_keeps_non_ascii(tmp_path):
    document = Document.from_text("x", "β-blocker use", mentions=[Mention(0, 9, "β-blocker", "Chemical")])
    path = tmp_path / "out.jsonl"
    write_jsonl([document], path)
    assert "β-blocker" in path.read_text(encoding="utf-8")
    (back,) = read_jsonl(path)
    assert (back.id, back.text, [m.key() for m in back.mentions]) == ("x", "β-blocker use", [(0, 9, "Chemical")])


# --- nothing lost at the edges (issue 13) -----------------------------------------------------


def test_a_repeated_id_is_an_error_naming_both_lines(tmp_path):
    path = write(tmp_path, '{"id": "1", "text": "a"}', '{"id": "2", "text": "b"}', '{"id": "1", "text": "c"}')
    with pytest.raises(
        InputError, match=r"docs.jsonl:3: document id '1' appears more than once in the file \(first at line 1\)"
    ):
        read_jsonl(path)


def test_an_empty_id_is_an_error(tmp_path):
    with pytest.raises(InputError, match=r':1: "id" is empty'):
        read_jsonl(write(tmp_path, '{"id": "", "text": "a"}'))


def test_deeply_nested_json_is_an_input_error_not_a_recursion_error(tmp_path):
    with pytest.raises(InputError, match=":1: JSON nested too deeply"):
        read_jsonl(write(tmp_path, '{"text": "a", "x": ' + "[" * 100_000 + "]" * 100_000 + "}"))


def test_a_label_with_surrounding_spaces_is_the_same_label(tmp_path):
    (document,) = read_jsonl(
        write(
            tmp_path,
            json.dumps({"id": "1", "text": "Ketamine", "entities": [{"start": 0, "end": 8, "label": " Chemical "}]}),
        )
    )
    assert document.mentions[0].label == "Chemical"
    with pytest.raises(InputError, match="label must be a non-empty string"):
        read_jsonl(
            write(
                tmp_path,
                json.dumps({"id": "1", "text": "Ketamine", "entities": [{"start": 0, "end": 8, "label": "  "}]}),
            )
        )


# --- relations ---------------------------------------------------------------------------------


def related_document() -> Document:
    return Document.from_text(
        "r1",
        "Aspirin and asthma.",
        mentions=[Mention(0, 7, "Aspirin", "Chemical", "D001241"), Mention(12, 18, "asthma", "Disease", "D001249")],
        relations=[Relation("CID", ["D001241", "D001249"], 0.87, [(0, 7, 12, 18)])],
    )


def test_writer_adds_relations_with_type_arguments_score_and_supporting_mention_pairs():
    stream = io.StringIO()
    write_jsonl([related_document()], stream)
    record = json.loads(stream.getvalue())
    assert record["relations"] == [
        {"type": "CID", "arguments": ["D001241", "D001249"], "score": 0.87, "mentions": [[[0, 7], [12, 18]]]}
    ]


def test_a_document_without_relations_has_no_relations_key():
    stream = io.StringIO()
    write_jsonl([Document.from_text("x", "Nothing.")], stream)
    assert set(json.loads(stream.getvalue())) == {"id", "text", "entities"}


def test_relations_round_trip_through_jsonl(tmp_path):
    path = tmp_path / "out.jsonl"
    write_jsonl([related_document()], path)
    (back,) = read_jsonl(path)
    assert back.relations == related_document().relations
    assert back.relations[0].line == 1


def test_an_annotated_relation_without_score_or_mentions_is_read():
    line = json.dumps({"id": "a", "text": "x", "relations": [{"type": "CID", "arguments": ["D1", "D2"]}]})
    (document,) = read_jsonl(io.StringIO(line))
    assert document.relations == [Relation("CID", ["D1", "D2"])]


@pytest.mark.parametrize(
    ("relations", "fragment"),
    [
        ({"type": "CID"}, 'relation 1: "arguments" must be a list of concept ids'),
        ([{"arguments": ["D1", "D2"]}], 'relation 1: "type" must be a non-empty string'),
        ([{"type": "CID", "arguments": ["D1", "D2"], "score": "high"}], '"score" must be a number or null'),
        (
            [{"type": "CID", "arguments": ["D1", "D2"], "mentions": [[0, 7, 12, 18]]}],
            "[[start1, end1], [start2, end2]]",
        ),
        ([{"type": "CID", "arguments": ["D1", "D2"], "mentions": [[[0, 7], [12, 99]]]}], "falls outside the text"),
    ],
)
def test_a_malformed_relation_names_the_file_line_and_what_is_wrong(tmp_path, relations, fragment):
    if isinstance(relations, dict):
        relations = [relations]
    path = write(tmp_path, json.dumps({"id": "a", "text": "Aspirin and asthma.", "relations": relations}))
    with pytest.raises(InputError) as raised:
        read_jsonl(path)
    assert str(raised.value).startswith(f"{path}:1: ")
    assert fragment in str(raised.value)


def test_lenient_reading_lists_a_bad_relation_instead_of_failing(tmp_path):
    path = write(tmp_path, json.dumps({"id": "a", "text": "x", "relations": [{"type": "CID", "arguments": "D1"}]}))
    problems: list[InputProblem] = []
    (document,) = read_jsonl(path, lenient=True, problems=problems)
    assert document.relations == [] and "relation 1" in problems[0].message
