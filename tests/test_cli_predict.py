"""`ner-predict`: the command line over `bioner.predict`, in process (CliRunner) and as a process.

stdout must hold nothing but the output format; messages, warnings and the summary go to stderr.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import spacy
from click.testing import CliRunner  # typer's wants a Typer app; this drives `main` itself

import fake_relations
from bioner.cli.predict import main

EXAMPLES = Path(__file__).parent / "fixtures" / "examples"
PUBTATOR = (
    "100|t|Ketamine for depression.\n100|a|Glutamate and mood disorders.\n100\t0\t8\tKetamine\tChemical\tD007649\n\n"
)


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory) -> Path:
    nlp = spacy.blank("en", config={"nlp": {"tokenizer": {"@tokenizers": "bioner.BiomedicalTokenizer.v1"}}})
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"})
    ruler.add_patterns(
        [{"label": "Chemical", "pattern": p} for p in ("ketamine", "glutamate", "serotonin", "fluoxetine")]
        + [{"label": "Disease", "pattern": p} for p in ("depression", "mood disorders", "TRD", "schizophrenia")]
    )
    path = tmp_path_factory.mktemp("cli-ruler") / "model"
    nlp.to_disk(path)
    return path


def run(*args: str, input: str | bytes | None = None):
    """Run `ner-predict ARGS` in process through `main` (so BionerError becomes exit 1 and one
    line, as installed); stdout and stderr come back apart."""
    return CliRunner().invoke(_Main(), list(args), input=input)


class _Main:
    """What CliRunner needs of a command (`name`, `main`), calling `bioner.cli.predict.main`."""

    name = "ner-predict"

    def main(self, args=None, prog_name=None, **extra):
        saved = sys.argv
        sys.argv = ["ner-predict", *(args or [])]
        try:
            main()
        finally:
            sys.argv = saved


def run_process(*args: str, input: bytes | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bioner.cli.predict", *args],
        input=input,
        capture_output=True,
        cwd=cwd,
        timeout=300,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )


def jsonl(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


# --- help -------------------------------------------------------------------------------------


def test_help_shows_the_examples_formats_and_empty_input_behaviour():
    result = run("--help")
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())
    for example in (
        "ner-predict abstracts/ -o tagged.pubtator",
        "cat abstract.txt | ner-predict -",
        "--output-format html -o view.html",
        "--input-format bioc --output-format bioc",
    ):
        assert example in text
    for word in ("pubtator", "jsonl", "bioc-json", "html", "--lines", "--n-process", "en_bioner_bc5cdr"):
        assert word in text
    assert "Empty input" in text and "exit status is 0" in text


def test_no_arguments_shows_help_instead_of_reading_stdin():
    result = run(input="ketamine\n")
    assert result.exit_code == 2  # click's usage status, not a run over the piped text
    assert "Usage: ner-predict" in result.stderr and "Examples:" in result.stderr
    assert result.stdout == ""


# --- inputs and outputs -----------------------------------------------------------------------


def test_text_file_to_stdout_is_clean_jsonl_with_the_summary_on_stderr(model_dir, tmp_path):
    source = tmp_path / "abstract.txt"
    source.write_text("Ketamine relieves depression.", encoding="utf-8")
    result = run(str(source), "--model", str(model_dir))
    assert result.exit_code == 0, result.output
    [record] = jsonl(result.stdout)
    assert record == {
        "id": "abstract",
        "text": "Ketamine relieves depression.",
        "entities": [
            {"start": 0, "end": 8, "label": "Chemical", "text": "Ketamine"},
            {"start": 18, "end": 28, "label": "Disease", "text": "depression"},
        ],
    }
    assert "tagged 1 document, 3 words" in result.stderr
    assert "words/s" in result.stderr and "Chemical 1" in result.stderr and "Disease 1" in result.stderr


def test_quiet_prints_nothing_on_stderr(model_dir, tmp_path):
    source = tmp_path / "abstract.txt"
    source.write_text("Ketamine.", encoding="utf-8")
    result = run(str(source), "--model", str(model_dir), "--quiet")
    assert result.exit_code == 0
    assert result.stderr == ""
    assert jsonl(result.stdout)[0]["entities"][0]["text"] == "Ketamine"


def test_stdin_dash_reads_piped_text(model_dir):
    result = run("-", "--model", str(model_dir), input="Serotonin in schizophrenia.\n")
    assert result.exit_code == 0, result.output
    [record] = jsonl(result.stdout)
    assert record["id"] == "stdin"
    assert [e["label"] for e in record["entities"]] == ["Chemical", "Disease"]


def test_stdin_lines_makes_a_document_per_line(model_dir):
    result = run("-", "--lines", "--model", str(model_dir), input="ketamine\n\nTRD\n")
    assert [r["id"] for r in jsonl(result.stdout)] == ["stdin:1", "stdin:3"]


def test_folder_to_an_output_file_named_pubtator_writes_pubtator(model_dir, tmp_path):
    folder = tmp_path / "abstracts"
    folder.mkdir()
    (folder / "one.txt").write_text("Fluoxetine for depression.", encoding="utf-8")
    (folder / "two.txt").write_text("Nothing to see.", encoding="utf-8")
    out = tmp_path / "tagged.pubtator"
    result = run(str(folder), "-o", str(out), "--model", str(model_dir))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    written = out.read_text(encoding="utf-8")
    assert written.startswith("one|t|Fluoxetine for depression.\none|a|\n")
    assert "one\t0\t10\tFluoxetine\tChemical\t-1\n" in written
    assert "two|t|Nothing to see." in written
    assert f"wrote {out} (pubtator)" in result.stderr


def test_pubtator_input_defaults_to_pubtator_output_with_gold_replaced(model_dir, tmp_path):
    source = tmp_path / "CDR_TestSet.PubTator.txt"
    source.write_text(PUBTATOR, encoding="utf-8")
    result = run(str(source), "--model", str(model_dir))
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith("\n\n")  # a blank line ends each document
    lines = result.stdout.rstrip("\n").splitlines()
    assert lines[:2] == ["100|t|Ketamine for depression.", "100|a|Glutamate and mood disorders."]
    assert lines[2:] == [
        "100\t0\t8\tKetamine\tChemical\t-1",
        "100\t13\t23\tdepression\tDisease\t-1",
        "100\t25\t34\tGlutamate\tChemical\t-1",
        "100\t39\t53\tmood disorders\tDisease\t-1",
    ]
    assert "D007649" not in result.stdout


def test_jsonl_input_with_explicit_jsonl_output(model_dir, tmp_path):
    source = tmp_path / "docs.jsonl"
    source.write_text('{"id": "x", "text": "glutamate"}\n{"id": "y", "text": "TRD"}\n', encoding="utf-8")
    result = run(str(source), "--output-format", "jsonl", "--model", str(model_dir))
    assert [(r["id"], r["entities"][0]["label"]) for r in jsonl(result.stdout)] == [("x", "Chemical"), ("y", "Disease")]


def test_bioc_xml_in_and_out(model_dir, tmp_path):
    from bioner.document import Document
    from bioner.formats import read_documents, write_documents

    paper = tmp_path / "paper.xml"
    write_documents([Document.from_title_abstract("p9", "Ketamine", "in TRD.")], paper, "bioc")
    out = tmp_path / "out.xml"
    result = run(
        str(paper), "--input-format", "bioc", "--output-format", "bioc", "-o", str(out), "--model", str(model_dir)
    )
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").lstrip().startswith("<?xml")
    [document] = list(read_documents(out, "bioc"))
    assert [(m.text, m.label) for m in document.sorted_mentions()] == [("Ketamine", "Chemical"), ("TRD", "Disease")]


def test_bioc_json_output_to_stdout_is_json(model_dir, tmp_path):
    source = tmp_path / "a.txt"
    source.write_text("serotonin", encoding="utf-8")
    result = run(str(source), "--output-format", "bioc-json", "--model", str(model_dir))
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert json.dumps(payload).count("serotonin") >= 2  # the text and the annotation


def test_html_output_is_a_page_with_the_entities_marked(model_dir, tmp_path):
    source = tmp_path / "abstract.txt"
    source.write_text("Ketamine & mood disorders <b>", encoding="utf-8")
    out = tmp_path / "view.html"
    result = run(str(source), "--output-format", "html", "-o", str(out), "--model", str(model_dir))
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert page.count('<mark class="entity"') == 2
    assert "&amp;" in page and "&lt;b&gt;" in page and "<b>" not in page


def test_the_model_defaults_to_training_model_best_in_the_current_folder(model_dir, tmp_path):
    shutil.copytree(model_dir, tmp_path / "training" / "model-best")
    (tmp_path / "a.txt").write_text("ketamine", encoding="utf-8")
    result = run_process("a.txt", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["entities"][0]["text"] == "ketamine"
    assert "model: " in result.stderr.decode() and "model-best" in result.stderr.decode()


# --- as a process: real stdin and stdout ------------------------------------------------------


def test_process_reads_stdin_and_writes_only_output_to_stdout(model_dir):
    result = run_process(
        "-", "--model", str(model_dir), input=(EXAMPLES / "conference-abstract-ketamine.txt").read_bytes()
    )
    assert result.returncode == 0, result.stderr
    [record] = jsonl(result.stdout.decode("utf-8"))
    assert {"ketamine", "depression"} <= {e["text"].lower() for e in record["entities"]}
    assert b"tagged 1 document" in result.stderr


def test_process_pubtator_from_stdin_is_detected(model_dir):
    result = run_process("-", "--model", str(model_dir), input=PUBTATOR.encode())
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode().startswith("100|t|Ketamine for depression.\n")


def test_process_n_process_2_gives_the_same_output(model_dir, tmp_path):
    source = tmp_path / "many.pubtator"
    source.write_text(
        "".join(f"{i}|t|Ketamine {i}\n{i}|a|TRD and depression.\n\n" for i in range(60)), encoding="utf-8"
    )
    one = run_process(str(source), "--model", str(model_dir), "--batch-size", "8")
    two = run_process(str(source), "--model", str(model_dir), "--batch-size", "8", "--n-process", "2")
    assert one.returncode == two.returncode == 0, two.stderr
    assert two.stdout == one.stdout and one.stdout.count(b"\tDisease\t") == 120


# --- errors -----------------------------------------------------------------------------------


def test_unknown_model_is_one_line_and_exit_1(tmp_path):
    (tmp_path / "a.txt").write_text("ketamine", encoding="utf-8")
    result = run_process(str(tmp_path / "a.txt"), "--model", "en_no_such_model")
    assert result.returncode == 1
    stderr = result.stderr.decode()
    assert stderr.startswith("error: unknown model 'en_no_such_model'") and stderr.count("\n") == 1
    assert "Traceback" not in stderr and result.stdout == b""


def test_no_model_anywhere_says_how_to_get_one(tmp_path):
    (tmp_path / "a.txt").write_text("ketamine", encoding="utf-8")
    if spacy.util.is_package("en_bioner_bc5cdr"):
        pytest.skip("the project model is installed here, so there is always a model")
    result = run_process("a.txt", cwd=tmp_path)
    assert result.returncode == 1
    stderr = result.stderr.decode()
    assert stderr.startswith("error: no model to tag with") and "make train" in stderr and "--model" in stderr


def test_not_utf8_names_file_and_line_and_exits_1(model_dir, tmp_path):
    source = tmp_path / "latin1.txt"
    source.write_bytes(b"ketamine\n\xe9t\xe9\n")
    result = run(str(source), "--model", str(model_dir))
    assert result.exit_code == 1
    assert (
        result.stderr.strip()
        == f"error: {source}:2: not UTF-8 (byte 0xe9 at column 1); convert the file to UTF-8 first"
    )
    assert result.stdout == ""


def test_malformed_pubtator_names_file_and_line_and_writes_nothing(model_dir, tmp_path):
    source = tmp_path / "bad.pubtator"
    source.write_text("1|t|Ketamine\n1|a|x\n\n2|a|abstract first\n", encoding="utf-8")
    out = tmp_path / "pred.pubtator"
    result = run(str(source), "-o", str(out), "--model", str(model_dir))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1].startswith(f"error: {source}:4: abstract line before the title line")
    assert not out.exists()


def test_malformed_pubtator_on_stdin_names_stdin_and_line(model_dir):
    result = run_process(
        "-", "--model", str(model_dir), input=b"1|t|Ketamine\n1|a|x\n1\t0\t99\tKetamine\tChemical\tD1\n"
    )
    assert result.returncode == 1
    assert result.stderr.decode().startswith("error: <stdin>:3: offsets 0-99 fall outside the text")


def test_missing_input_file_is_an_error(model_dir, tmp_path):
    result = run(str(tmp_path / "nope.txt"), "--model", str(model_dir))
    assert result.exit_code == 1
    assert "nope.txt: no such file or folder" in result.stderr


@pytest.mark.parametrize("content", [b"", b"\n  \n"])
def test_empty_input_exits_0_with_empty_output_and_a_note(model_dir, tmp_path, content):
    source = tmp_path / "empty.txt"
    source.write_bytes(content)
    result = run(str(source), "--model", str(model_dir))
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "empty input" in result.stderr


def test_empty_stdin_exits_0_with_empty_output(model_dir):
    result = run_process("-", "--model", str(model_dir), input=b"")
    assert result.returncode == 0
    assert result.stdout == b""
    assert b"empty input" in result.stderr


def test_unknown_output_format_is_a_usage_error(model_dir, tmp_path):
    (tmp_path / "a.txt").write_text("ketamine", encoding="utf-8")
    result = run(str(tmp_path / "a.txt"), "--output-format", "xlsx", "--model", str(model_dir))
    assert result.exit_code == 2
    assert "'xlsx' is not one of pubtator, jsonl, bioc, bioc-json, html" in result.stderr


def test_unknown_input_format_is_a_usage_error(model_dir, tmp_path):
    (tmp_path / "a.txt").write_text("ketamine", encoding="utf-8")
    result = run(str(tmp_path / "a.txt"), "--input-format", "docx", "--model", str(model_dir))
    assert result.exit_code == 2
    assert "--input-format" in result.stderr and "'docx'" in result.stderr


def test_lenient_skips_a_bad_input_mention_with_a_warning(model_dir, tmp_path):
    source = tmp_path / "gold.pubtator"
    source.write_text("1|t|Ketamine\n1|a|x\n1\t0\t8\tWRONG\tChemical\tD1\n", encoding="utf-8")
    strict = run(str(source), "--model", str(model_dir))
    lenient = run(str(source), "--model", str(model_dir), "--lenient")
    assert strict.exit_code == 1
    assert lenient.exit_code == 0, lenient.output
    assert f"warning: {source}:3:" in lenient.stderr
    assert "1\t0\t8\tKetamine\tChemical\t-1" in lenient.stdout


# --- nothing lost at the edges (issue 13) -----------------------------------------------------


def one_error_line(result, *fragments: str) -> None:
    assert result.exit_code == 1, (result.stdout, result.stderr)
    lines = [line for line in result.stderr.strip().splitlines() if not line.startswith("model: ")]
    assert len(lines) == 1 and lines[0].startswith("error:"), result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


def test_unreadable_input_is_one_line(model_dir, tmp_path, monkeypatch):
    source = tmp_path / "locked.txt"
    source.write_text("Ketamine helps.")
    real_open = Path.open

    def locked(self, *args, **kwargs):
        if self == source:
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", locked)
    one_error_line(run(str(source), "-m", str(model_dir)), f"{source}: cannot read: Permission denied")


@pytest.mark.parametrize(
    "where,fragment",
    [
        ("folder", "is a folder"),
        ("under-a-file", "is a file, not a folder"),
        ("input", "would write over the input"),
    ],
)
def test_bad_output_paths_are_one_line_before_the_model_loads(model_dir, tmp_path, where, fragment):
    source = tmp_path / "a.txt"
    source.write_text("Ketamine helps.")
    output = {"folder": tmp_path, "under-a-file": source / "x.jsonl", "input": source}[where]
    one_error_line(run(str(source), "-m", str(model_dir), "-o", str(output)), fragment)
    assert source.read_text() == "Ketamine helps."


def test_unwritable_output_folder_is_one_line(model_dir, tmp_path, monkeypatch):
    source = tmp_path / "a.txt"
    source.write_text("Ketamine helps.")
    out = tmp_path / "out"
    out.mkdir()
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: False if str(p) == str(out) else real_access(p, mode))
    one_error_line(run(str(source), "-m", str(model_dir), "-o", str(out / "t.jsonl")), "is not writable")


def test_disk_full_is_one_line_and_no_partial_file(model_dir, tmp_path, monkeypatch):
    import errno

    import bioner.formats.jsonl as jsonl_format

    source = tmp_path / "a.txt"
    source.write_text("Ketamine helps.")

    def full(document):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(jsonl_format, "format_jsonl", full)
    one_error_line(
        run(str(source), "-m", str(model_dir), "-o", str(tmp_path / "t.jsonl")),
        "t.jsonl: cannot write: no space left on the device",
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]


def test_output_onto_a_named_pipe_is_written_into_the_pipe(model_dir, tmp_path):
    import stat

    source = tmp_path / "a.txt"
    source.write_text("Ketamine helps.")
    pipe = tmp_path / "out.pipe"
    os.mkfifo(pipe)
    reader = os.open(pipe, os.O_RDONLY | os.O_NONBLOCK)  # a reader waits on the pipe, as `cat pipe` would
    try:
        result = run(str(source), "-m", str(model_dir), "-o", str(pipe), "-f", "jsonl")
        received = b""
        while chunk := os.read(reader, 65536):
            received += chunk
    finally:
        os.close(reader)
    assert result.exit_code == 0, result.stderr
    assert stat.S_ISFIFO(os.stat(pipe).st_mode)  # still the pipe, not a file renamed over it
    assert [e["text"] for e in jsonl(received.decode())[0]["entities"]] == ["Ketamine"]


def test_a_model_folder_that_cannot_be_read_is_one_line(model_dir, tmp_path, monkeypatch):
    source = tmp_path / "a.txt"
    source.write_text("Ketamine helps.")
    locked_model = tmp_path / "locked-model"
    shutil.copytree(model_dir, locked_model)
    real_stat = Path.stat

    def no_search_permission(self, *args, **kwargs):  # a folder without x permission: its files cannot be seen
        if self.parent == locked_model:
            raise PermissionError(13, "Permission denied", str(self))
        return real_stat(self, *args, **kwargs)

    monkeypatch.setattr(Path, "stat", no_search_permission)
    one_error_line(run(str(source), "-m", str(locked_model)), str(locked_model), "Permission denied")


def test_output_through_a_symlink_replaces_the_target_and_keeps_the_link(model_dir, tmp_path):
    source = tmp_path / "a.txt"
    source.write_text("Ketamine helps.")
    (tmp_path / "real.jsonl").write_text("old\n")
    (tmp_path / "link.jsonl").symlink_to(tmp_path / "real.jsonl")
    assert run(str(source), "-m", str(model_dir), "-o", str(tmp_path / "link.jsonl")).exit_code == 0
    assert (tmp_path / "link.jsonl").is_symlink()
    assert jsonl((tmp_path / "real.jsonl").read_text())[0]["entities"][0]["text"] == "Ketamine"


@pytest.mark.parametrize("doc_id", ["a|b", "a\tb", "a\nb"])
def test_ids_pubtator_cannot_hold_are_an_error_not_an_unreadable_file(model_dir, tmp_path, doc_id):
    source = tmp_path / "docs.jsonl"
    source.write_text(
        json.dumps({"id": "fine", "text": "Ketamine."})
        + "\n"
        + json.dumps({"id": doc_id, "text": "Ketamine helps."})
        + "\n"
    )
    one_error_line(
        run(str(source), "-m", str(model_dir), "-o", str(tmp_path / "p.pubtator")),
        f"document id {doc_id!r} cannot be written as PubTator",
    )
    assert not (tmp_path / "p.pubtator").exists()


def test_an_empty_jsonl_id_is_an_input_error(model_dir, tmp_path):
    source = tmp_path / "docs.jsonl"
    source.write_text(json.dumps({"id": "", "text": "Ketamine helps."}) + "\n")
    one_error_line(
        run(str(source), "-m", str(model_dir), "-o", str(tmp_path / "p.pubtator")), f"{source}:1:", '"id" is empty'
    )


def test_a_lone_carriage_return_round_trips_through_pubtator_and_evaluate(model_dir, tmp_path):
    from typer.testing import CliRunner as TyperRunner

    from bioner.cli import _register, app
    from bioner.formats import read_documents

    gold = tmp_path / "gold.jsonl"
    gold.write_text(
        json.dumps(
            {
                "id": "7",
                "title": "Ketamine\rtrial",
                "abstract": "for depression.",
                "entities": [{"start": 0, "end": 8, "label": "Chemical"}],
            }
        )
        + "\n"
    )
    assert run(str(gold), "-m", str(model_dir), "-o", str(tmp_path / "p.pubtator")).exit_code == 0
    [document] = read_documents(tmp_path / "p.pubtator")
    assert [(m.start, m.end, m.label) for m in document.mentions] == [(0, 8, "Chemical"), (19, 29, "Disease")]
    _register()
    result = TyperRunner().invoke(
        app,
        [
            "evaluate",
            "--gold",
            str(gold),
            "--predictions",
            str(tmp_path / "p.pubtator"),
            "--json",
            str(tmp_path / "s.json"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "s.json").read_text())["strict"]["Chemical"]["tp"] == 1


def test_annotated_looking_txt_is_read_as_pubtator_not_tagged_as_markup(model_dir, tmp_path):
    source = tmp_path / "export.txt"
    source.write_text("# exported from PubTator\n" + PUBTATOR)
    one_error_line(run(str(source), "-m", str(model_dir)), f"{source}:1: expected 'ID|t|title'")


# --- relations ---------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def relation_model_dir(tmp_path_factory) -> Path:
    nlp = fake_relations.ruler_with_relations(["ketamine", "glutamate"], ["depression", "mood disorders"])
    path = tmp_path_factory.mktemp("cli-relations") / "model"
    nlp.to_disk(path)
    return path


def test_a_model_with_the_relation_component_writes_relations_by_default(relation_model_dir, tmp_path):
    source = tmp_path / "in.pubtator"
    source.write_text(PUBTATOR, encoding="utf-8")
    result = run(str(source), "--model", str(relation_model_dir))
    assert result.exit_code == 0, result.output
    lines = result.stdout.rstrip("\n").splitlines()
    assert lines[-4:] == [
        "100\tCID\tD007649\tD003866",
        "100\tCID\tD007649\tmood disorders",
        "100\tCID\tglutamate\tD003866",
        "100\tCID\tglutamate\tmood disorders",
    ]
    assert "relations: 4 (CID 4)" in result.stderr


def test_no_relations_skips_the_component_and_writes_none(relation_model_dir, tmp_path):
    source = tmp_path / "in.txt"
    source.write_text("Ketamine for depression.", encoding="utf-8")
    fake_relations.CALLS.clear()
    result = run(str(source), "--model", str(relation_model_dir), "--no-relations")
    assert result.exit_code == 0, result.output
    (record,) = jsonl(result.stdout)
    assert "relations" not in record and len(record["entities"]) == 2
    assert fake_relations.CALLS == []
    assert "relations:" not in result.stderr


def test_relations_in_jsonl_name_their_supporting_mentions(relation_model_dir, tmp_path):
    source = tmp_path / "in.txt"
    source.write_text("Ketamine for depression.", encoding="utf-8")
    result = run(str(source), "--model", str(relation_model_dir), "--relations")
    (record,) = jsonl(result.stdout)
    assert record["relations"] == [
        {"type": "CID", "arguments": ["D007649", "D003866"], "score": 0.1, "mentions": [[[0, 8], [13, 23]]]}
    ]


def test_relations_with_a_model_without_the_component_is_one_error_line(model_dir, tmp_path):
    source = tmp_path / "in.txt"
    source.write_text("Ketamine for depression.", encoding="utf-8")
    result = run(str(source), "--model", str(model_dir), "--relations")
    one_error_line(result, "--relations", "has no bioner_relations component", "leave out --relations")
    assert result.stdout == ""


def test_iob_output_runs_no_relation_component_and_refuses_relations(relation_model_dir, tmp_path):
    source = tmp_path / "in.txt"
    source.write_text("Ketamine for depression.", encoding="utf-8")
    fake_relations.CALLS.clear()
    result = run(str(source), "--model", str(relation_model_dir), "--output-format", "iob")
    assert result.exit_code == 0, result.output
    assert fake_relations.CALLS == []  # IOB holds no relation: no time is spent predicting them
    result = run(str(source), "--model", str(relation_model_dir), "--output-format", "iob", "--relations")
    one_error_line(result, "--relations: iob output cannot hold relations")
