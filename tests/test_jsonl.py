"""JSON lines: the reader's defaults and errors, and the exact shape the writer promises."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from bioner.document import Document, Mention
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
