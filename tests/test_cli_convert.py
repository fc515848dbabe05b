"""`bioner convert` and the CLI shell: reports, NCBI-style label maps, and errors without tracebacks."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bioner.spacy_docs import doc_relations, read_docbin

FIXTURES = Path(__file__).parent / "fixtures"

NCBI_STYLE = (
    "1|t|Colon cancer and APC.\n"
    "1|a|Adenomatous polyposis coli (APC) causes colon cancer.\n"
    "1\t0\t12\tColon cancer\tDiseaseClass\tD003110\n"
    "1\t17\t20\tAPC\tSpecificDisease\tD011125\n"
    "1\t22\t48\tAdenomatous polyposis coli\tSpecificDisease\tD011125\n"
    "1\t62\t74\tcolon cancer\tModifier\tD003110\n"
    "\n"
)


def test_convert_writes_docbin_and_a_balanced_report(tmp_path, run_bioner):
    result = run_bioner(
        "convert",
        str(FIXTURES / "tiny.pubtator"),
        "--output",
        str(tmp_path / "t.spacy"),
        "--report",
        str(tmp_path / "r.json"),
    )
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "r.json").read_text())["splits"]["t"]
    assert report["documents"] == 6
    assert report["total"]["mentions"] == report["total"]["aligned"] == 59
    assert len(list(read_docbin(tmp_path / "t.spacy"))) == 6


def test_convert_maps_ncbi_labels_to_disease_and_filters_the_rest(tmp_path, run_bioner):
    source = tmp_path / "ncbi.txt"
    source.write_text(NCBI_STYLE)
    result = run_bioner(
        "convert",
        str(source),
        "--output",
        str(tmp_path / "n.spacy"),
        "--report",
        str(tmp_path / "r.json"),
        "--map",
        "SpecificDisease=Disease",
        "--map",
        "DiseaseClass=Disease",
        "--labels",
        "Disease",
    )
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "r.json").read_text())["splits"]["n"]
    assert report["labels"]["Disease"]["aligned"] == 3
    assert report["labels"]["Modifier"]["filtered"] == 1
    [doc] = read_docbin(tmp_path / "n.spacy")
    assert {ent.label_ for ent in doc.ents} == {"Disease"}


def test_convert_with_dev_output_splits_documents_between_two_files(tmp_path, run_bioner):
    result = run_bioner(
        "convert",
        str(FIXTURES / "tiny.pubtator"),
        "--output",
        str(tmp_path / "train.spacy"),
        "--dev-output",
        str(tmp_path / "dev.spacy"),
        "--dev-fraction",
        "0.34",
        "--seed",
        "1",
        "--report",
        str(tmp_path / "r.json"),
    )
    assert result.exit_code == 0, result.output
    splits = json.loads((tmp_path / "r.json").read_text())["splits"]
    assert splits["train"]["documents"] + splits["dev"]["documents"] == 6
    assert splits["dev"]["documents"] == 3


def test_malformed_input_is_one_line_naming_file_and_line_without_traceback(tmp_path):
    bad = tmp_path / "bad.pubtator"
    bad.write_text("1|t|Aspirin.\n1|a|Text.\n1\tzero\t7\tAspirin\tChemical\tD1\n\n")
    result = subprocess.run(
        [sys.executable, "-m", "bioner.cli", "convert", str(bad), "--output", str(tmp_path / "o.spacy")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert f"{bad}:3:" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "o.spacy").exists()


def test_every_command_explains_itself(run_bioner):
    for command in ["convert", "data", "vectors", "train", "evaluate", "package"]:
        result = run_bioner(command, "--help")
        assert result.exit_code == 0, command
        assert "Usage" in result.output


def test_unknown_format_is_a_usage_error_listing_the_formats(tmp_path, run_bioner):
    result = run_bioner("convert", FIXTURES / "tiny.pubtator", "-o", tmp_path / "t.spacy", "--format", "xlsx")
    assert result.exit_code == 2
    assert "'xlsx' is not one of pubtator, pubmed, bioc" in result.output
    assert not (tmp_path / "t.spacy").exists()


# --- nothing lost at the edges (issue 13) -----------------------------------------------------

PUBTATOR_ONE = (
    "7|t|Ketamine and depression.\n"
    "7|a|Glutamate in mood.\n"
    "7\t0\t8\tKetamine\tChemical\tD007649\n"
    "7\t13\t23\tdepression\tDisease\tD003866\n"
    "\n"
)


@pytest.mark.parametrize(
    "content,fragment",
    [
        ("# exported from PubTator\n" + PUBTATOR_ONE, ":1: expected 'ID|t|title'"),
        ("7\t0\t8\tKetamine\tChemical\tD007649\n" + PUBTATOR_ONE, ":2: a '|t|' line after annotation lines"),
        ("Ketamine\tNNP\tB-Chemical\nhelps\tVBZ\tO\n", ":1: expected 2 columns (token, tag), found 3"),
    ],
)
def test_annotated_looking_txt_that_cannot_be_read_is_an_error_with_its_line(tmp_path, content, fragment, run_bioner):
    source = tmp_path / "corpus.txt"
    source.write_text(content)
    assert f"{source}{fragment}" in run_bioner.error("convert", source, "-o", tmp_path / "out.spacy")
    assert not (tmp_path / "out.spacy").exists()


def test_iob_with_a_trailing_space_in_a_tag_is_read_as_iob(tmp_path, run_bioner):
    source = tmp_path / "corpus.txt"
    source.write_text("Ketamine\tB-Chemical \nhelps\tO\n")
    assert run_bioner("convert", source, "-o", tmp_path / "out.spacy").exit_code == 0
    [doc] = read_docbin(tmp_path / "out.spacy")
    assert [(e.text, e.label_) for e in doc.ents] == [("Ketamine", "Chemical")]


def test_plain_text_is_not_converted_silently(tmp_path, run_bioner):
    source = tmp_path / "notes.txt"
    source.write_text("Ketamine helps some patients.\n")
    assert "reads as plain text" in run_bioner.error("convert", source, "-o", tmp_path / "out.spacy")


def test_empty_input_is_an_error_not_an_empty_docbin(tmp_path, run_bioner):
    (tmp_path / "empty.pubtator").write_text("")
    assert "no documents" in run_bioner.error("convert", tmp_path / "empty.pubtator", "-o", tmp_path / "out.spacy")
    (tmp_path / "empty.txt").write_text("\n")
    assert "empty" in run_bioner.error("convert", tmp_path / "empty.txt", "-o", tmp_path / "out.spacy")
    assert not (tmp_path / "out.spacy").exists()


def test_same_input_twice_is_refused(tmp_path, run_bioner):
    source = tmp_path / "a.txt"
    source.write_text(PUBTATOR_ONE)
    assert "given twice" in run_bioner.error("convert", source, source, "-o", tmp_path / "out.spacy")


def test_same_document_id_in_two_inputs_is_refused(tmp_path, run_bioner):
    (tmp_path / "a.pubtator").write_text(PUBTATOR_ONE)
    (tmp_path / "b.pubtator").write_text(PUBTATOR_ONE.replace("Glutamate", "Serotonin"))
    line = run_bioner.error("convert", tmp_path / "a.pubtator", tmp_path / "b.pubtator", "-o", tmp_path / "out.spacy")
    assert "document id '7' appears again" in line


def test_labels_in_another_case_are_an_error_naming_the_corpus_label(tmp_path, run_bioner):
    source, out = tmp_path / "a.pubtator", tmp_path / "out.spacy"
    source.write_text(PUBTATOR_ONE)
    assert "'chemical' is 'Chemical'" in run_bioner.error("convert", source, "-o", out, "--labels", "chemical,disease")
    assert "'disease' is 'Disease'" in run_bioner.error("convert", source, "-o", out, "--labels", "Chemical,disease")
    assert "keeps none of the 2 mentions" in run_bioner.error("convert", source, "-o", out, "--labels", "Gene")
    assert "names no label" in run_bioner.error("convert", source, "-o", out, "--labels", ",")
    assert not (tmp_path / "out.spacy").exists()


def test_empty_and_padded_labels(tmp_path, run_bioner):
    source = tmp_path / "a.pubtator"
    source.write_text(PUBTATOR_ONE.replace("\tChemical\t", "\tChemical \t"))
    assert run_bioner("convert", source, "-o", tmp_path / "out.spacy", "--report", tmp_path / "r.json").exit_code == 0
    assert set(json.loads((tmp_path / "r.json").read_text())["splits"]["out"]["labels"]) == {"Chemical", "Disease"}
    source.write_text(PUBTATOR_ONE.replace("\tChemical\t", "\t\t"))
    assert f"{source}:3: empty label" in run_bioner.error("convert", source, "-o", tmp_path / "out.spacy")


@pytest.mark.parametrize(
    "outputs,fragment",
    [
        (["-o", "{src}"], "--output would write over the input"),
        (["-o", "{tmp}/t.spacy", "--dev-output", "{tmp}/t.spacy"], "--dev-output would write over the --output"),
        (["-o", "{tmp}/t.spacy", "--report", "{tmp}/t.spacy"], "--report would write over the --output"),
        (["-o", "{tmp}/t.spacy", "--report", "{src}"], "--report would write over the input"),
        (["-o", "{link}"], "--output would write over the input"),
    ],
)
def test_an_output_over_an_input_or_another_output_is_refused(tmp_path, outputs, fragment, run_bioner):
    source = tmp_path / "x.txt"
    source.write_text(PUBTATOR_ONE * 1)
    (tmp_path / "link.spacy").symlink_to(source)
    args = [a.format(src=source, tmp=tmp_path, link=tmp_path / "link.spacy") for a in outputs]
    assert fragment in run_bioner.error("convert", source, *args, "--dev-fraction", "0.5")
    assert source.read_text() == PUBTATOR_ONE


def test_a_symlink_given_as_output_is_written_through(tmp_path, run_bioner):
    source = tmp_path / "a.pubtator"
    source.write_text(PUBTATOR_ONE)
    (tmp_path / "real.spacy").write_bytes(b"old")
    (tmp_path / "link.spacy").symlink_to(tmp_path / "real.spacy")
    assert run_bioner("convert", source, "-o", tmp_path / "link.spacy").exit_code == 0
    assert (tmp_path / "link.spacy").is_symlink()
    assert len(list(read_docbin(tmp_path / "real.spacy"))) == 1


@pytest.mark.parametrize("option", ["-o", "--report", "--dev-output"])
def test_folder_and_unwritable_outputs_are_one_line(tmp_path, option, run_bioner):
    source = tmp_path / "a.pubtator"
    source.write_text(PUBTATOR_ONE + PUBTATOR_ONE.replace("7", "8"))
    args = {"-o": tmp_path / "t.spacy", "--report": None, "--dev-output": None}
    args[option] = tmp_path  # a folder
    flat = [str(x) for key, value in args.items() if value is not None for x in (key, value)]
    line = run_bioner.error("convert", source, *flat, "--dev-fraction", "0.5")
    assert f"{tmp_path}: is a folder" in line and option in line
    args[option] = source / "below.spacy"  # under a file
    flat = [str(x) for key, value in args.items() if value is not None for x in (key, value)]
    line = run_bioner.error("convert", source, *flat, "--dev-fraction", "0.5")
    assert "below.spacy" in line and option in line


def test_disk_full_while_writing_the_docbin_is_one_line_and_keeps_the_old_file(tmp_path, monkeypatch, run_bioner):
    import errno

    import bioner.spacy_docs as spacy_docs

    source = tmp_path / "a.pubtator"
    source.write_text(PUBTATOR_ONE)
    (tmp_path / "out.spacy").write_bytes(b"previous")

    class Full:
        def __init__(self, *args, **kwargs):
            pass

        def compress(self, data):
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(spacy_docs.zlib, "compressobj", Full)
    assert "out.spacy: cannot write: no space left" in run_bioner.error("convert", source, "-o", tmp_path / "out.spacy")
    assert (tmp_path / "out.spacy").read_bytes() == b"previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.pubtator", "out.spacy"]


def test_a_file_size_limit_leaves_the_previous_docbin_whole(tmp_path, run_bioner):
    import resource

    good = tmp_path / "out.spacy"
    assert run_bioner("convert", FIXTURES / "tiny.pubtator", "-o", good).exit_code == 0
    before = good.read_bytes()
    result = subprocess.run(
        [sys.executable, "-m", "bioner.cli", "convert", str(FIXTURES / "tiny.pubtator"), "-o", str(good)],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (1000, resource.RLIM_INFINITY)),
    )
    assert result.returncode == 1, result.stderr
    assert "out.spacy: cannot write" in result.stderr and "Traceback" not in result.stderr
    assert good.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.spacy"]


def test_dev_fraction_leaving_no_training_document_is_one_line(tmp_path, run_bioner):
    source = tmp_path / "a.pubtator"
    source.write_text(PUBTATOR_ONE + PUBTATOR_ONE.replace("7", "8"))
    line = run_bioner.error(
        "convert", source, "-o", tmp_path / "t.spacy", "--dev-output", tmp_path / "d.spacy", "--dev-fraction", "0.9"
    )
    assert "--dev-fraction 0.9 of 2 documents" in line


CID_STYLE = (
    "7|t|Lithium-induced polyuria and lithium tremor.\n"
    "7|a|BRCA1 was not involved.\n"
    "7\t0\t7\tLithium\tChemical\tD008094\n"
    "7\t16\t24\tpolyuria\tDisease\tD011141\n"
    "7\t29\t36\tlithium\tChemical\tD008094\n"
    "7\t37\t43\ttremor\tDisease\tD014202\n"
    "7\t45\t50\tBRCA1\tGene\t672\n"
    "7\tCID\tD008094\tD011141\n"
    "7\tCID\tD008094\tD014202\n"
    "7\tCID\tD008094\tD000000\n"
    "7\tAssociation\t672\tD014202\n"
    "\n"
)


def test_convert_report_counts_relations_kept_and_dropped_with_their_reasons(tmp_path, run_bioner):
    source = tmp_path / "cid.pubtator"
    source.write_text(CID_STYLE, encoding="utf-8")
    result = run_bioner(
        "convert",
        source,
        "--output",
        tmp_path / "c.spacy",
        "--labels",
        "Chemical,Disease",
        "--report",
        tmp_path / "r.json",
    )
    assert result.exit_code == 0, result.output
    assert "relations: 4 read, 2 kept, 2 dropped" in result.output
    relations = json.loads((tmp_path / "r.json").read_text())["splits"]["c"]["relations"]
    assert (relations["read"], relations["kept"]) == (4, 2)
    assert [(d["line"], d["type"], d["reason"]) for d in relations["dropped"]] == [
        (10, "CID", "argument 'D000000': no mention of the document carries this id"),
        (
            11,
            "Association",
            "argument '672': its mentions are labelled Gene, a label outside the output labels (--labels)",
        ),
    ]
    (doc,) = read_docbin(tmp_path / "c.spacy")
    assert [r.arguments for r in doc_relations(doc)] == [["D008094", "D011141"], ["D008094", "D014202"]]
