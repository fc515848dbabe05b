"""The PubTator reader and writer: both dialects, round trips, and an error naming the line for
every kind of malformed input."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from bioner.document import Document, Mention, Relation
from bioner.errors import BionerError, InputError, InputProblem
from bioner.formats.pubtator import read_pubtator, write_pubtator

FIXTURES = Path(__file__).parent / "fixtures"

TITLE = "Famotidine-associated delirium."
ABSTRACT = "Famotidine caused renal and hepatic failure."
# Offsets into TITLE + " " + ABSTRACT.
GOOD = (
    f"1|t|{TITLE}\n"
    f"1|a|{ABSTRACT}\n"
    "1\t0\t10\tFamotidine\tChemical\tD015738\n"
    "1\t22\t30\tdelirium\tDisease\tD003693\n"
    "1\t50\t75\trenal and hepatic failure\tDisease\tD051437|D048550\trenal failure|hepatic failure\n"
    "1\tCID\tD015738\tD003693\n"
    "\n"
)


def write(tmp_path: Path, content: str | bytes, name: str = "corpus.txt") -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def test_bc5cdr_dialect_reads_mentions_relations_and_composite_parts(tmp_path):
    (document,) = read_pubtator(write(tmp_path, GOOD))
    assert document.id == "1"
    assert document.text == TITLE + " " + ABSTRACT
    assert [(m.start, m.end, m.text, m.label) for m in document.mentions] == [
        (0, 10, "Famotidine", "Chemical"),
        (22, 30, "delirium", "Disease"),
        (50, 75, "renal and hepatic failure", "Disease"),
    ]
    composite = document.mentions[2]
    assert composite.identifier == "D051437|D048550"
    assert composite.identifiers == ["D051437", "D048550"]
    assert composite.parts == ["renal failure", "hepatic failure"]
    assert document.relations == [Relation("CID", ["D015738", "D003693"])]


def test_pubtator3_export_reads_prefixed_ids_dash_ids_and_association_relation():
    (document,) = read_pubtator(FIXTURES / "pubtator3-37424412.pubtator")
    assert document.id == "37424412"
    assert document.title.startswith("The Role of Glutamate")
    labels = {m.label for m in document.mentions}
    assert {"Chemical", "Disease"} <= labels
    assert any(m.identifier.startswith("MESH:") for m in document.mentions)
    assert all(document.text[m.start : m.end] == m.text for m in document.mentions)
    assert Relation("Association", ["MESH:D018698", "MESH:D061218"]) in document.relations


def test_round_trip_keeps_mentions_relations_and_parts(tmp_path):
    for source in (write(tmp_path, GOOD), FIXTURES / "pubtator3-37424412.pubtator"):
        first = read_pubtator(source)
        out = tmp_path / "out.pubtator"
        assert write_pubtator(first, out) == len(first)
        second = read_pubtator(out)
        assert [d.id for d in second] == [d.id for d in first]
        for a, b in zip(first, second, strict=True):
            assert a.text == b.text
            assert [(m.key(), m.text, m.identifier, m.parts) for m in a.mentions] == [
                (m.key(), m.text, m.identifier, m.parts) for m in b.mentions
            ]
            assert a.relations == b.relations


def test_writer_puts_non_title_abstract_document_on_title_line_keeping_offsets(tmp_path):
    document = Document.from_text("x", "Aspirin helps.", mentions=[Mention(0, 7, "Aspirin", "Chemical")])
    out = tmp_path / "out.pubtator"
    write_pubtator([document], out)
    (back,) = read_pubtator(out)
    assert back.text.startswith("Aspirin helps.")
    assert back.mentions[0].key() == (0, 7, "Chemical")


def test_mention_text_with_surrounding_whitespace_is_accepted_and_offsets_win(tmp_path):
    # NCBI disease train line 3249 has trailing spaces in its text column.
    content = GOOD.replace("1\t22\t30\tdelirium\t", "1\t22\t30\tdelirium  \t")
    (document,) = read_pubtator(write(tmp_path, content))
    assert document.mentions[1].text == "delirium"
    assert (document.mentions[1].start, document.mentions[1].end) == (22, 30)


def test_identical_repeated_document_is_read_once_and_noted(tmp_path):
    problems: list[InputProblem] = []
    documents = read_pubtator(write(tmp_path, GOOD + GOOD), problems=problems)
    assert len(documents) == 1
    assert len(problems) == 1 and problems[0].line == 8 and "word for word" in problems[0].message


# Mention-level problems: an error naming the line, or with lenient a problem and a skipped mention.
MENTION_CASES = {
    "offsets outside the text": ("1\t22\t30\tdelirium\t", "1\t22\t300\tdelirium\t", "outside the text"),
    "text mismatch": ("1\t22\t30\tdelirium\t", "1\t22\t30\tdelirious\t", "does not equal"),
    "whitespace inside is still a mismatch": ("1\t22\t30\tdelirium\t", "1\t22\t30\tdeli rium\t", "does not equal"),
    "wrong number of columns": ("1\t22\t30\tdelirium\tDisease\tD003693\n", "1\t22\t30\tdelirium\n", "columns"),
    "non-integer offset": ("1\t22\t30\tdelirium\t", "1\t22\tthirty\tdelirium\t", "whole numbers"),
}


@pytest.mark.parametrize("case", MENTION_CASES)
def test_malformed_mention_raises_naming_its_line(tmp_path, case):
    old, new, words = MENTION_CASES[case]
    assert old in GOOD
    path = write(tmp_path, GOOD.replace(old, new))
    with pytest.raises(InputError) as caught:
        read_pubtator(path)
    assert caught.value.line == 4
    assert str(caught.value).startswith(f"{path}:4: ")
    assert words in str(caught.value)


@pytest.mark.parametrize("case", MENTION_CASES)
def test_lenient_turns_malformed_mention_into_problem_and_skips_it(tmp_path, case):
    old, new, words = MENTION_CASES[case]
    problems: list[InputProblem] = []
    (document,) = read_pubtator(write(tmp_path, GOOD.replace(old, new)), lenient=True, problems=problems)
    assert [p.line for p in problems] == [4]
    assert problems[0].document_id == "1" and words in problems[0].message
    assert [m.text for m in document.mentions] == ["Famotidine", "renal and hepatic failure"]


FILE_CASES = {
    "missing title line": (GOOD.replace(f"1|t|{TITLE}\n", ""), 1, "title"),
    "missing abstract line": (GOOD.replace(f"1|a|{ABSTRACT}\n", ""), 1, "abstract"),
    "repeated document id": (GOOD + GOOD.replace("Famotidine caused", "Famotidine made"), 8, "more than once"),
}


@pytest.mark.parametrize("case", FILE_CASES)
def test_file_level_problem_raises_naming_line_even_when_lenient(tmp_path, case):
    content, line, words = FILE_CASES[case]
    path = write(tmp_path, content)
    for lenient in (False, True):
        with pytest.raises(InputError) as caught:
            read_pubtator(path, lenient=lenient, problems=[])
        assert caught.value.line == line
        assert words in caught.value.message


def test_file_not_utf8_raises_naming_the_line_even_when_lenient(tmp_path):
    content = GOOD.replace("delirium.", "d\u00e9lirium.", 1).encode("latin-1")
    path = write(tmp_path, content)
    for lenient in (False, True):
        with pytest.raises(InputError) as caught:
            read_pubtator(path, lenient=lenient)
        assert caught.value.line == 1
        assert "not UTF-8" in str(caught.value)


def test_real_bc5cdr_and_ncbi_files_read_without_error(shared_corpus):
    splits = ("CDR_TrainingSet.PubTator.txt", "CDR_DevelopmentSet.PubTator.txt", "CDR_TestSet.PubTator.txt")
    bc5cdr = shared_corpus("bc5cdr", *splits)
    ncbi = shared_corpus("ncbi-disease", "NCBItrainset_corpus.txt", "NCBIdevelopset_corpus.txt")
    counts = {name: sum(len(d.mentions) for d in read_pubtator(bc5cdr / name)) for name in splits}
    assert list(counts.values()) == [9385, 9591, 9809]
    problems: list[InputProblem] = []
    train = read_pubtator(ncbi / "NCBItrainset_corpus.txt", problems=problems)
    assert len(train) == 592 and len(problems) == 1  # one abstract is in the file twice
    assert read_pubtator(ncbi / "NCBIdevelopset_corpus.txt")


def test_writer_turns_line_breaks_into_spaces_keeping_offsets():
    from bioner.formats.pubtator import format_pubtator

    text = "Line one\nhas aspirin.\r\nEnd"
    start = text.index("aspirin")
    document = Document.from_text("d1", text, mentions=[Mention(start, start + 7, "aspirin", "Chemical")])
    block = format_pubtator(document)
    assert block.splitlines()[0] == "d1|t|Line one has aspirin.  End"
    [back] = read_pubtator(io.StringIO(block + "\n"))
    assert [(m.start, m.end, m.text) for m in back.mentions] == [(start, start + 7, "aspirin")]


# --- nothing lost at the edges (issue 13) -----------------------------------------------------


def test_an_empty_label_is_an_error_naming_its_line(tmp_path):
    path = write(tmp_path, GOOD.replace("\tChemical\t", "\t \t"))
    with pytest.raises(InputError, match=r"corpus.txt:3: empty label"):
        read_pubtator(path)
    problems: list[InputProblem] = []
    (document,) = read_pubtator(path, lenient=True, problems=problems)
    assert len(document.mentions) == 2 and problems[0].line == 3


def test_a_label_with_surrounding_spaces_is_the_same_label(tmp_path):
    (document,) = read_pubtator(write(tmp_path, GOOD.replace("\tChemical\t", "\tChemical \t")))
    assert {m.label for m in document.mentions} == {"Chemical", "Disease"}


@pytest.mark.parametrize("doc_id", ["", "a|b", "a\tb", "a\nb", "a\rb"])
def test_writer_refuses_ids_pubtator_cannot_hold(tmp_path, doc_id):
    from bioner.errors import BionerError

    document = Document.from_title_abstract(doc_id, "Title.", "Abstract.")
    with pytest.raises(BionerError, match="cannot be written as PubTator"):
        write_pubtator([document], tmp_path / "out.pubtator")
    assert list(tmp_path.iterdir()) == []


def test_line_breaks_and_tabs_in_text_are_written_so_they_read_back_at_the_same_offsets(tmp_path):
    text = "Keta\rmine\ttrial\nfor depression"
    document = Document.from_text("9", text)
    document.mentions = [Mention(0, 15, text[0:15], "Chemical")]
    write_pubtator([document], tmp_path / "out.pubtator")
    (back,) = read_pubtator(tmp_path / "out.pubtator")
    assert [(m.start, m.end, m.label) for m in back.mentions] == [(0, 15, "Chemical")]
    assert len(back.text) == len(text)


def test_a_relation_line_with_a_score_column_reads_its_four_columns_and_the_score(tmp_path):
    # The BioCreative V CDR kit's sample predictions write a system score after the two ids.
    path = tmp_path / "pred.txt"
    path.write_text("1|t|Lidocaine asystole.\n1|a|x\n1\tCID\tD008012\tMESH:D006331\t0.25\n\n", encoding="utf-8")
    (document,) = read_pubtator(path)
    assert document.relations == [Relation("CID", ["D008012", "MESH:D006331"], score=0.25)]
    assert document.relations[0].line == 3


def test_a_relation_line_with_too_few_columns_is_an_error_naming_its_line(tmp_path):
    path = tmp_path / "pred.txt"
    path.write_text("1|t|Lidocaine asystole.\n1|a|x\n1\tCID\tD008012\n\n", encoding="utf-8")
    with pytest.raises(
        InputError, match=r"pred.txt:3: relation line 'CID' has 3 tab-separated columns; a relation needs 4"
    ):
        read_pubtator(path)


# --- relations ---------------------------------------------------------------------------------


def test_a_relation_records_the_line_it_was_read_from(tmp_path):
    (document,) = read_pubtator(write(tmp_path, GOOD))
    assert document.relations[0].line == 6


def test_predicted_relations_are_written_after_the_mentions_as_bc5cdr_writes_them_and_read_back(tmp_path):
    document = Document.from_title_abstract(
        "7",
        "Aspirin and asthma.",
        "",
        mentions=[Mention(0, 7, "Aspirin", "Chemical", "D001241"), Mention(12, 18, "asthma", "Disease", "D001249")],
        relations=[Relation("CID", ["D001241", "D001249"], 0.9, [(0, 7, 12, 18)])],
    )
    out = tmp_path / "out.pubtator"
    write_pubtator([document], out)
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[2:] == [
        "7\t0\t7\tAspirin\tChemical\tD001241",
        "7\t12\t18\tasthma\tDisease\tD001249",
        "7\tCID\tD001241\tD001249",
        "",
    ]
    (back,) = read_pubtator(out)
    assert [(r.type, r.arguments) for r in back.relations] == [("CID", ["D001241", "D001249"])]


@pytest.mark.parametrize(
    ("line", "fragment"),
    [
        ("1\tCID\tD015738", "relation line 'CID' has 3 tab-separated columns; a relation needs 4"),
        ("1\tCID", "relation line 'CID' has 2 tab-separated columns"),
        ("1\tCID\tD015738\t ", "relation 'CID': argument 2 (column 4) is empty"),
    ],
)
def test_a_malformed_relation_line_names_the_file_the_line_and_what_is_wrong(tmp_path, line, fragment):
    path = write(tmp_path, GOOD.replace("1\tCID\tD015738\tD003693", line))
    with pytest.raises(InputError) as raised:
        read_pubtator(path)
    assert str(raised.value).startswith(f"{path}:6: ")
    assert fragment in str(raised.value)


def test_a_relation_of_a_type_bc5cdr_does_not_have_is_read(tmp_path):
    (document,) = read_pubtator(write(tmp_path, GOOD.replace("1\tCID\t", "1\tTreatment\t")))
    assert document.relations == [Relation("Treatment", ["D015738", "D003693"])]


def test_a_relation_argument_pubtator_cannot_hold_is_an_error_not_a_broken_file(tmp_path):
    document = Document.from_text("1", "Aspirin.", relations=[Relation("CID", ["D1\tD2", "D3"])])
    with pytest.raises(BionerError, match="cannot be written as PubTator"):
        write_pubtator([document], tmp_path / "out.pubtator")


def test_a_relation_of_other_than_two_arguments_is_an_error_not_a_line_that_does_not_read_back(tmp_path):
    document = Document.from_text("1", "Aspirin.", relations=[Relation("CID", ["D1", "D2", "D3"])])
    with pytest.raises(BionerError, match="a type and two argument ids"):
        write_pubtator([document], tmp_path / "out.pubtator")
