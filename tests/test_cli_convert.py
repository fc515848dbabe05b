"""`bioner convert` and the CLI shell: reports, NCBI-style label maps, and errors without tracebacks."""

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from bioner.cli import _register, app
from bioner.spacy_docs import read_docbin

FIXTURES = Path(__file__).parent / "fixtures"
runner = CliRunner()
_register()

NCBI_STYLE = (
    "1|t|Colon cancer and APC.\n"
    "1|a|Adenomatous polyposis coli (APC) causes colon cancer.\n"
    "1\t0\t12\tColon cancer\tDiseaseClass\tD003110\n"
    "1\t17\t20\tAPC\tSpecificDisease\tD011125\n"
    "1\t22\t48\tAdenomatous polyposis coli\tSpecificDisease\tD011125\n"
    "1\t62\t74\tcolon cancer\tModifier\tD003110\n"
    "\n"
)


def test_convert_writes_docbin_and_a_balanced_report(tmp_path):
    result = runner.invoke(app, ["convert", str(FIXTURES / "tiny.pubtator"), "--output", str(tmp_path / "t.spacy"),
                                 "--report", str(tmp_path / "r.json")])
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "r.json").read_text())["splits"]["t"]
    assert report["documents"] == 6
    assert report["total"]["mentions"] == report["total"]["aligned"] == 59
    assert len(list(read_docbin(tmp_path / "t.spacy"))) == 6


def test_convert_maps_ncbi_labels_to_disease_and_filters_the_rest(tmp_path):
    source = tmp_path / "ncbi.txt"
    source.write_text(NCBI_STYLE)
    result = runner.invoke(app, [
        "convert", str(source), "--output", str(tmp_path / "n.spacy"), "--report", str(tmp_path / "r.json"),
        "--map", "SpecificDisease=Disease", "--map", "DiseaseClass=Disease", "--labels", "Disease",
    ])
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "r.json").read_text())["splits"]["n"]
    assert report["labels"]["Disease"]["aligned"] == 3
    assert report["labels"]["Modifier"]["filtered"] == 1
    [doc] = read_docbin(tmp_path / "n.spacy")
    assert {ent.label_ for ent in doc.ents} == {"Disease"}


def test_convert_with_dev_output_splits_documents_between_two_files(tmp_path):
    result = runner.invoke(app, ["convert", str(FIXTURES / "tiny.pubtator"), "--output", str(tmp_path / "train.spacy"),
                                 "--dev-output", str(tmp_path / "dev.spacy"), "--dev-fraction", "0.34", "--seed", "1",
                                 "--report", str(tmp_path / "r.json")])
    assert result.exit_code == 0, result.output
    splits = json.loads((tmp_path / "r.json").read_text())["splits"]
    assert splits["train"]["documents"] + splits["dev"]["documents"] == 6
    assert splits["dev"]["documents"] == 3


def test_malformed_input_is_one_line_naming_file_and_line_without_traceback(tmp_path):
    bad = tmp_path / "bad.pubtator"
    bad.write_text("1|t|Aspirin.\n1|a|Text.\n1\tzero\t7\tAspirin\tChemical\tD1\n\n")
    result = subprocess.run([sys.executable, "-m", "bioner.cli", "convert", str(bad), "--output", str(tmp_path / "o.spacy")],
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert f"{bad}:3:" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "o.spacy").exists()


def test_every_command_explains_itself():
    for command in ["convert", "data", "vectors", "train", "evaluate", "package"]:
        result = runner.invoke(app, [command, "--help"])
        assert result.exit_code == 0, command
        assert "Usage" in result.output


def test_unknown_format_is_a_usage_error_listing_the_formats(tmp_path):
    result = runner.invoke(app, ["convert", str(FIXTURES / "tiny.pubtator"), "-o", str(tmp_path / "t.spacy"),
                                 "--format", "xlsx"])
    assert result.exit_code == 2
    assert "'xlsx' is not one of pubtator, bioc" in result.output
    assert not (tmp_path / "t.spacy").exists()
