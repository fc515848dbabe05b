"""`bioner.formats.registry`: every format once, and everything that lists formats reads the table."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer

from bioner.cli.predict import app as predict_app
from bioner.document import Document, Mention
from bioner.errors import BionerError
from bioner.formats import detect_format, read_documents, write_documents
from bioner.formats.registry import (
    BY_NAME,
    EXTENSIONS,
    INPUT_FORMATS,
    OUTPUT_EXTENSIONS,
    OUTPUT_FORMATS,
    SHARD_FORMATS,
    TABLE,
    describe,
    get_format,
    markdown_tables,
    output_format_for,
    shard_suffix,
)
from bioner.pubmed_tagging import plan_shards, shard_name
from bioner.tagging.inputs import InputPlan
from bioner.tagging.outputs import default_output_format


def test_each_format_and_each_extension_is_in_the_table_once():
    names = [entry.name for entry in TABLE]
    assert len(names) == len(set(names))
    read_extensions = [extension for entry in TABLE for extension in entry.extensions]
    assert len(read_extensions) == len(set(read_extensions))
    written = [extension for entry in TABLE for extension in entry.output_extensions]
    assert len(written) == len(set(written))
    assert all(extension.startswith(".") and extension == extension.lower() for extension in read_extensions + written)


def test_every_format_is_an_input_or_an_output_and_outputs_have_an_extension():
    for entry in TABLE:
        assert entry.input or entry.output, entry.name
        assert not entry.output or entry.output_extensions, entry.name
        assert not entry.shards or entry.output, entry.name


def test_the_lists_everyone_uses_come_from_the_table():
    assert tuple(entry.name for entry in TABLE if entry.input) == INPUT_FORMATS
    assert set(OUTPUT_FORMATS) == {entry.name for entry in TABLE if entry.output}
    ranks = [BY_NAME[name].output_rank for name in OUTPUT_FORMATS]
    assert ranks == sorted(ranks) and len(set(ranks)) == len(ranks)  # the defaults first, each once
    assert set(SHARD_FORMATS) <= set(OUTPUT_FORMATS) and all(BY_NAME[name].shards for name in SHARD_FORMATS)
    for entry in TABLE:
        assert all(EXTENSIONS[extension] == entry.name for extension in entry.extensions)
        assert all(OUTPUT_EXTENSIONS[extension] == entry.name for extension in entry.output_extensions)


def test_the_default_output_formats_are_ones_every_shard_can_be_written_in():
    # ner-predict's default for annotated input and tag-pubmed's default shard format
    assert {"pubtator", "jsonl"} <= set(SHARD_FORMATS)


def test_the_documentation_tables_have_a_row_per_format_saying_what_reads_and_writes_it():
    tables = markdown_tables()
    for table in tables.values():
        rows = table.splitlines()[2:]
        assert len(rows) == len(TABLE)
        for entry, row in zip(TABLE, rows, strict=True):
            assert f"| `{entry.name}` |" in row and entry.title in row
            assert ("| no |" in row) == (not entry.output and not entry.written_by)
    full = tables["formats-table:full"].splitlines()[2:]
    assert all(
        f"`{extension}`" in row for entry, row in zip(TABLE, full, strict=True) for extension in entry.extensions
    )


@pytest.mark.parametrize("name", [name for name in OUTPUT_FORMATS if name != "html"])
def test_every_annotated_output_format_reads_back_what_it_wrote(tmp_path, name):
    document = Document.from_text("d1", "Aspirin helps.", mentions=[Mention(0, 7, "Aspirin", "Chemical")])
    path = tmp_path / f"out{BY_NAME[name].output_extensions[0]}"
    assert write_documents([document], path, name) == 1
    assert output_format_for(path) == name
    (back,) = read_documents(path, name)
    assert [(m.start, m.end, m.label) for m in back.mentions] == [(0, 7, "Chemical")]


def test_html_is_written_through_the_table_as_a_page_with_its_title(tmp_path):
    document = Document.from_text("d1", "Aspirin helps.", mentions=[Mention(0, 7, "Aspirin", "Chemical")])
    path = tmp_path / "view.html"
    assert write_documents([document], path, "html", title="Tagged: d1") == 1
    page = path.read_text(encoding="utf-8")
    assert "<title>Tagged: d1</title>" in page and "Aspirin" in page
    assert detect_format(path) == "html"  # a page bioner wrote reads as a web page


def test_output_file_extensions_choose_the_format_of_ner_predict():
    plan = InputPlan("x.txt", [(Path("x.txt"), "text")])
    for extension, name in OUTPUT_EXTENSIONS.items():
        assert default_output_format(plan, f"out{extension.upper()}") == name
    assert default_output_format(plan, "out.tsv") == "jsonl"  # read as IOB, not chosen for output
    assert default_output_format(InputPlan("p", [(Path("p"), "pubtator")]), "-") == "pubtator"


def test_tag_pubmed_shards_are_named_by_the_format_s_first_extension(tmp_path):
    (tmp_path / "pubmed26n0001.xml.gz").write_bytes(b"")
    assert shard_name(Path("pubmed26n0001.xml.gz"), "jsonl") == "pubmed26n0001" + shard_suffix("jsonl")
    [shard] = plan_shards([tmp_path], tmp_path / "out", "pubtator")
    assert shard.output.name == "pubmed26n0001.pubtator"


def test_an_unknown_name_lists_the_known_ones():
    with pytest.raises(BionerError) as caught:
        get_format("brat")
    assert all(name in str(caught.value) for name in INPUT_FORMATS)
    with pytest.raises(BionerError) as caught:
        get_format("docbin", OUTPUT_FORMATS)
    assert "docbin" not in str(caught.value).split("known formats:")[1]


def test_the_format_options_of_ner_predict_list_the_table():
    help_texts = {param.name: param.help for param in typer.main.get_command(predict_app).params}
    assert describe(OUTPUT_FORMATS) in help_texts["output_format"]
    assert describe(INPUT_FORMATS) in help_texts["input_format"]
    assert " or " in describe(SHARD_FORMATS) or len(SHARD_FORMATS) == 1  # tag-pubmed's --output-format
