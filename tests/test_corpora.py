"""`make data`: corpus download and local copies, against a local HTTP server on 127.0.0.1."""

from __future__ import annotations

import gzip
import io
import re
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from bioner import corpora
from bioner.corpora import Expected, catalogue, fetch_corpus
from bioner.errors import BionerError
from local_http import Server, serving

BC5CDR_FILES = {
    "train": "CDR_TrainingSet.PubTator.txt",
    "development": "CDR_DevelopmentSet.PubTator.txt",
    "test": "CDR_TestSet.PubTator.txt",
}
FOLDER = "CDR_Data/CDR.Corpus.v010516/"
DOCUMENTS = {"train": 3, "development": 2, "test": 1}
EXPECTED = {split: Expected(n, 2 * n) for split, n in DOCUMENTS.items()}


def pubtator(split: str, documents: int) -> str:
    """`documents` small abstracts, each with one Chemical and one Disease mention."""
    blocks = []
    for number in range(documents):
        doc_id = f"{split[:3]}{number}"
        blocks.append(
            f"{doc_id}|t|Aspirin causes headache.\n"
            f"{doc_id}|a|Aspirin was given to {number} patients.\n"
            f"{doc_id}\t0\t7\tAspirin\tChemical\tD001241\n"
            f"{doc_id}\t15\t23\theadache\tDisease\tD006261\n"
        )
    return "\n".join(blocks) + "\n"


FILES = {split: pubtator(split, n) for split, n in DOCUMENTS.items()}


def cdr_zip(files: dict[str, str] = FILES) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(FOLDER + "README.txt", "not a corpus file")
        for split, text in files.items():
            archive.writestr(FOLDER + BC5CDR_FILES[split], text)
    return buffer.getvalue()


@pytest.fixture
def server():
    with serving(Server()) as running:
        yield running


@pytest.fixture(autouse=True)
def no_local_copy_from_environment(monkeypatch):
    monkeypatch.delenv("BC5CDR_DIR", raising=False)
    for env in ("NCBI_DISEASE_DIR", "GNORMPLUS_DIR", "NLM_GENE_DIR", "NLM_CHEM_DIR", "TMVAR3_DIR", "SPECIES_DIR"):
        monkeypatch.delenv(env, raising=False)


def fetch(destination: Path, urls: list[str], **kwargs):
    return fetch_corpus(
        "bc5cdr",
        destination,
        urls=urls,
        expected=kwargs.pop("expected", EXPECTED),
        progress=False,
        timeout=10,
        **kwargs,
    )


def contents(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


# --- downloads -------------------------------------------------------------------------------


def test_download_puts_the_three_verified_files_in_place(server, tmp_path):
    server.routes["/CDR_Data.zip"] = cdr_zip()
    destination = tmp_path / "data" / "raw" / "bc5cdr"

    info = fetch(destination, [server.url("/CDR_Data.zip")])

    assert contents(destination) == sorted(BC5CDR_FILES.values())  # no temporary file left over
    for split, filename in BC5CDR_FILES.items():
        assert (destination / filename).read_text(encoding="utf-8") == FILES[split]
        assert info.paths[split] == destination / filename
    assert info.documents == DOCUMENTS
    assert info.mentions == {split: 2 * n for split, n in DOCUMENTS.items()}
    assert all(source.startswith("downloaded from http://127.0.0.1") for source in info.sources.values())
    assert server.requests == ["/CDR_Data.zip"]


@pytest.mark.parametrize(("how", "error"), [("short-file", "not a readable zip"), ("connection-cut", "cut short")])
def test_truncated_zip_fails_loudly_and_leaves_no_file(server, tmp_path, how, error):
    whole = cdr_zip()
    half = whole[: len(whole) // 2]
    server.routes["/CDR_Data.zip"] = half if how == "short-file" else (half, len(whole))
    destination = tmp_path / "bc5cdr"
    destination.mkdir()
    (destination / "unrelated.txt").write_text("kept")

    with pytest.raises(BionerError, match=error):
        fetch(destination, [server.url("/CDR_Data.zip")])

    assert contents(destination) == ["unrelated.txt"]


def test_failed_fetch_removes_the_folders_it_created(server, tmp_path):
    server.routes["/CDR_Data.zip"] = b"this is not a zip archive"

    with pytest.raises(BionerError, match="not a readable zip"):
        fetch(tmp_path / "new" / "bc5cdr", [server.url("/CDR_Data.zip")])

    assert not (tmp_path / "new").exists()


def test_changed_corpus_counts_fail_loudly_and_leave_no_file(server, tmp_path):
    server.routes["/CDR_Data.zip"] = cdr_zip()
    expected = {**EXPECTED, "development": Expected(2, 5)}
    destination = tmp_path / "bc5cdr"

    with pytest.raises(BionerError) as failure:
        fetch(destination, [server.url("/CDR_Data.zip")], expected=expected)

    message = str(failure.value)
    assert "development" in message
    assert "expected 2 documents and 5 mentions, found 2 documents and 4 mentions" in message
    assert contents(destination) == []


def test_zip_without_a_split_fails_naming_the_missing_member(server, tmp_path):
    server.routes["/CDR_Data.zip"] = cdr_zip({s: t for s, t in FILES.items() if s != "test"})
    destination = tmp_path / "bc5cdr"

    with pytest.raises(BionerError, match=r"no CDR_Data/CDR\.Corpus\.v010516/CDR_TestSet\.PubTator\.txt"):
        fetch(destination, [server.url("/CDR_Data.zip")])

    assert contents(destination) == []


def test_file_that_does_not_parse_fails_and_leaves_no_file(server, tmp_path):
    broken = {**FILES, "train": FILES["train"].replace("\t0\t7\tAspirin", "\t0\t7\tAspirine", 1)}
    server.routes["/CDR_Data.zip"] = cdr_zip(broken)
    destination = tmp_path / "bc5cdr"

    with pytest.raises(BionerError, match="does not parse as PubTator"):
        fetch(destination, [server.url("/CDR_Data.zip")])

    assert contents(destination) == []


def test_404_on_the_first_address_falls_through_to_the_second(server, tmp_path, capsys):
    server.routes["/mirror/CDR_Data.zip"] = cdr_zip()
    destination = tmp_path / "bc5cdr"

    info = fetch(destination, [server.url("/gone/CDR_Data.zip"), server.url("/mirror/CDR_Data.zip")])

    assert server.requests == ["/gone/CDR_Data.zip", "/mirror/CDR_Data.zip"]
    assert info.documents == DOCUMENTS
    assert contents(destination) == sorted(BC5CDR_FILES.values())
    stderr = capsys.readouterr().err
    assert "HTTP 404" in stderr and "trying the next address" in stderr


def test_corrupt_first_download_falls_through_to_the_second(server, tmp_path):
    server.routes["/bad/CDR_Data.zip"] = cdr_zip()[:100]
    server.routes["/good/CDR_Data.zip"] = cdr_zip()

    info = fetch(tmp_path / "bc5cdr", [server.url("/bad/CDR_Data.zip"), server.url("/good/CDR_Data.zip")])

    assert info.sources["train"].endswith("/good/CDR_Data.zip")
    assert contents(tmp_path / "bc5cdr") == sorted(BC5CDR_FILES.values())


def test_every_address_failing_is_one_error_naming_each(server, tmp_path):
    destination = tmp_path / "bc5cdr"

    with pytest.raises(BionerError) as failure:
        fetch(destination, [server.url("/a/CDR_Data.zip"), server.url("/b/CDR_Data.zip")])

    message = str(failure.value)
    assert "/a/CDR_Data.zip: HTTP 404" in message and "/b/CDR_Data.zip: HTTP 404" in message
    assert "BC5CDR_DIR" in message
    assert contents(destination) == []


# --- local copies and idempotence ---------------------------------------------------------


def write_local_copy(folder: Path, files: dict[str, str] = FILES) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for split, text in files.items():
        (folder / BC5CDR_FILES[split]).write_text(text, encoding="utf-8")
    return folder


def test_bc5cdr_dir_is_copied_and_nothing_is_downloaded(server, tmp_path, monkeypatch):
    local = write_local_copy(tmp_path / "shared")
    server.routes["/CDR_Data.zip"] = cdr_zip()
    monkeypatch.setenv("BC5CDR_DIR", str(local))
    destination = tmp_path / "bc5cdr"

    info = fetch(destination, [server.url("/CDR_Data.zip")])

    assert server.requests == []
    assert info.documents == DOCUMENTS
    for split, filename in BC5CDR_FILES.items():
        assert (destination / filename).read_text(encoding="utf-8") == FILES[split]
        assert not (destination / filename).is_symlink()
        assert info.sources[split] == f"copied from {local / filename}"


def test_local_dir_holding_the_zip_is_unpacked_without_download(server, tmp_path):
    local = tmp_path / "downloads"
    local.mkdir()
    (local / "CDR_Data.zip").write_bytes(cdr_zip())

    info = fetch(tmp_path / "bc5cdr", [server.url("/CDR_Data.zip")], local_dir=local)

    assert server.requests == []
    assert info.mentions == {split: expected.mentions for split, expected in EXPECTED.items()}
    assert contents(tmp_path / "bc5cdr") == sorted(BC5CDR_FILES.values())


def test_local_copy_with_wrong_counts_fails_and_leaves_no_file(tmp_path):
    local = write_local_copy(tmp_path / "shared", {**FILES, "test": pubtator("test", 4)})

    with pytest.raises(BionerError, match="test split .* expected 1 documents and 2 mentions, found 4 documents"):
        fetch(tmp_path / "bc5cdr", [], local_dir=local)

    assert contents(tmp_path / "bc5cdr") == []


def test_local_copy_missing_a_file_fails_naming_it(tmp_path):
    local = write_local_copy(tmp_path / "shared", {s: t for s, t in FILES.items() if s != "development"})

    with pytest.raises(BionerError, match="no development split: expected CDR_DevelopmentSet.PubTator.txt"):
        fetch(tmp_path / "bc5cdr", [], local_dir=local)

    assert contents(tmp_path / "bc5cdr") == []


def test_second_fetch_leaves_verified_files_alone_and_downloads_nothing(server, tmp_path):
    server.routes["/CDR_Data.zip"] = cdr_zip()
    destination = tmp_path / "bc5cdr"
    fetch(destination, [server.url("/CDR_Data.zip")])
    before = {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in destination.iterdir()}

    info = fetch(destination, [server.url("/CDR_Data.zip")])

    assert server.requests == ["/CDR_Data.zip"]  # only the first call's
    assert {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in destination.iterdir()} == before
    assert set(info.sources.values()) == {"already in place"}
    assert info.documents == DOCUMENTS


def test_file_in_place_that_no_longer_verifies_is_fetched_again(server, tmp_path):
    server.routes["/CDR_Data.zip"] = cdr_zip()
    destination = write_local_copy(tmp_path / "bc5cdr", {**FILES, "train": FILES["train"][:40]})

    info = fetch(destination, [server.url("/CDR_Data.zip")])

    assert server.requests == ["/CDR_Data.zip"]
    assert (destination / BC5CDR_FILES["train"]).read_text(encoding="utf-8") == FILES["train"]
    assert info.sources["train"].startswith("downloaded from")
    assert info.sources["test"] == "already in place"


# --- NCBI disease ------------------------------------------------------------------------------

NCBI_STEMS = {"train": "NCBItrainset_corpus", "development": "NCBIdevelopset_corpus", "test": "NCBItestset_corpus"}


def ncbi_text(split: str, documents: int) -> str:
    return (
        pubtator(split, documents).replace("\tChemical\t", "\tModifier\t").replace("\tDisease\t", "\tSpecificDisease\t")
    )


def single_file_zip(name: str, text: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, text)
    return buffer.getvalue()


def test_ncbi_disease_downloads_each_split_zip(server, tmp_path):
    for split, stem in NCBI_STEMS.items():
        server.routes[f"/DISEASE/{stem}.zip"] = single_file_zip(f"{stem}.txt", ncbi_text(split, DOCUMENTS[split]))
    destination = tmp_path / "ncbi-disease"

    info = fetch_corpus(
        "ncbi-disease",
        destination,
        urls=[server.url("/DISEASE/")],
        expected={s: Expected(n) for s, n in DOCUMENTS.items()},
        progress=False,
    )

    assert sorted(server.requests) == sorted(f"/DISEASE/{stem}.zip" for stem in NCBI_STEMS.values())
    assert info.documents == DOCUMENTS
    assert info.missing == []
    assert contents(destination) == sorted(f"{stem}.txt" for stem in NCBI_STEMS.values())


def test_ncbi_disease_wrong_document_count_fails_and_leaves_no_file(server, tmp_path):
    for split, stem in NCBI_STEMS.items():
        server.routes[f"/DISEASE/{stem}.zip"] = single_file_zip(f"{stem}.txt", ncbi_text(split, DOCUMENTS[split]))
    destination = tmp_path / "ncbi-disease"

    with pytest.raises(BionerError, match="train split .* expected 593 documents, found 3 documents"):
        fetch_corpus("ncbi-disease", destination, urls=[server.url("/DISEASE/")], progress=False)

    assert contents(destination) == []


def test_ncbi_local_copy_without_test_split_is_accepted_and_reported(server, tmp_path, monkeypatch):
    local = tmp_path / "shared"
    local.mkdir()
    # the real training file repeats one abstract verbatim; it is counted, not fatal
    train = ncbi_text("train", 2)
    train += "\n" + train.split("\n\n")[0] + "\n"
    (local / "NCBItrainset_corpus.txt").write_text(train, encoding="utf-8")
    (local / "NCBIdevelopset_corpus.txt").write_text(ncbi_text("development", 2), encoding="utf-8")
    monkeypatch.setenv("NCBI_DISEASE_DIR", str(local))

    info = fetch_corpus(
        "ncbi-disease",
        tmp_path / "ncbi-disease",
        urls=[server.url("/DISEASE/")],
        expected={"train": Expected(3, 6), "development": Expected(2, 4)},
        progress=False,
    )

    assert server.requests == []
    assert info.documents == {"train": 3, "development": 2}
    assert info.missing == ["test"]
    assert any("repeated verbatim" in note for note in info.notes)
    assert any("test: not in the local copy" in note for note in info.notes)


# --- the command --------------------------------------------------------------------------------


def test_data_command_prints_a_table_of_what_is_in_place(tmp_path, monkeypatch, capsys):
    from bioner.cli.data import CorpusChoice, data_command

    monkeypatch.setenv("BC5CDR_DIR", str(write_local_copy(tmp_path / "shared")))
    monkeypatch.setitem(corpora.CORPORA, "bc5cdr", replace(corpora.CORPORA["bc5cdr"], expected=EXPECTED))

    data_command(corpus=CorpusChoice.bc5cdr, output=tmp_path / "raw")

    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:4] == ["corpus", "split", "documents", "mentions"]
    assert lines[1].split()[:4] == ["bc5cdr", "train", "3", "6"]
    assert lines[3].split()[:4] == ["bc5cdr", "test", "1", "2"]
    assert contents(tmp_path / "raw" / "bc5cdr") == sorted(BC5CDR_FILES.values())


# --- the real corpora, where a copy is at hand ----------------------------------------------------


# `shared_corpus` (conftest.py) reads the variables as the session started: the autouse fixture above
# clears them for the code under test.


def test_real_bc5cdr_copy_has_the_published_counts(tmp_path, shared_corpus):
    local = shared_corpus("bc5cdr")

    info = fetch_corpus("bc5cdr", tmp_path / "bc5cdr", local_dir=local, urls=(), progress=False)

    assert info.documents == {"train": 500, "development": 500, "test": 500}
    assert info.mentions == {"train": 9385, "development": 9591, "test": 9809}


def test_real_ncbi_disease_copy_has_593_train_and_100_development_documents(tmp_path, shared_corpus):
    local = shared_corpus("ncbi-disease")

    info = fetch_corpus("ncbi-disease", tmp_path / "ncbi-disease", local_dir=local, urls=(), progress=False)

    assert info.documents["train"] == 593
    assert info.documents["development"] == 100
    assert ("test" in info.missing) == (not (local / "NCBItestset_corpus.txt").exists())


# --- corpora that annotate some types (AIONER's PubTator copies) ----------------------------

GENE_TEXT = "10|t|BRCA1 binds.\n10|a|TP53 too.\n10\t0\t5\tBRCA1\tGene\t672\n10\t13\t17\tTP53\tGene\t7157\n\n"


def test_gene_corpus_is_taken_from_the_aioner_zip_by_file_name(server, tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("AIONER/data/pubtator/GNormPlus_Train.PubTator", GENE_TEXT)
        archive.writestr("AIONER/data/pubtator/GNormPlus_Test.PubTator", GENE_TEXT.replace("10", "11"))
        archive.writestr("AIONER/data/pubtator/Other.PubTator", "")
    server.routes["/AIONER.zip"] = buffer.getvalue()

    info = fetch_corpus("gnormplus", tmp_path / "gnormplus", urls=[server.url("/AIONER.zip")], progress=False)

    assert info.documents == {"train": 1, "test": 1} and info.mentions == {"train": 2, "test": 2}
    assert contents(tmp_path / "gnormplus") == ["GNormPlus_Test.PubTator", "GNormPlus_Train.PubTator"]


VARIANT_TEXT = (
    "20|t|The Arg72Pro variant of TP53.\n20|a|Found in patients.\n"
    "20\t4\t12\tArg72Pro\tProteinMutation\tp.R72P\n20\t24\t28\tTP53\tGene\t7157\n"
    "20\t39\t47\tpatients\tSpecies\t9606\n\n"
)
SPECIES_TEXT = "30|t|Mice and rats.\n30|a|\n30\t0\t4\tMice\tSpecies\t10090\n30\t9\t13\trats\tSpecies\t10116\n\n"


@pytest.mark.parametrize(
    ("name", "files", "text", "mentions"),
    [
        ("tmvar3", ("tmVar3_Train.PubTator", "tmVar3_Test.PubTator"), VARIANT_TEXT, 3),
        ("species", ("SPECIES_Train.PubTator", "SPECIES_Test.PubTator"), SPECIES_TEXT, 2),
    ],
)
def test_variant_and_species_corpora_come_from_the_aioner_zip_counted(server, tmp_path, name, files, text, mentions):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("AIONER/data/pubtator/GNormPlus_Train.PubTator", GENE_TEXT)
        for filename in files:
            archive.writestr(f"AIONER/data/pubtator/{filename}", text)
    server.routes["/AIONER.zip"] = buffer.getvalue()

    info = fetch_corpus(name, tmp_path / name, urls=[server.url("/AIONER.zip")], progress=False)

    assert info.documents == {"train": 1, "test": 1} and info.mentions == {"train": mentions, "test": mentions}
    assert contents(tmp_path / name) == sorted(files)


def test_variant_corpus_local_copy_from_tmvar3_dir(server, tmp_path, monkeypatch):
    local = tmp_path / "copy"
    local.mkdir()
    for filename in ("tmVar3_Train.PubTator", "tmVar3_Test.PubTator"):
        (local / filename).write_text(VARIANT_TEXT, encoding="utf-8")
    monkeypatch.setenv("TMVAR3_DIR", str(local))

    info = fetch_corpus("tmvar3", tmp_path / "tmvar3", urls=[server.url("/never")], progress=False)

    assert server.requests == [] and info.mentions == {"train": 3, "test": 3}


def test_real_tmvar3_and_species_copies_have_their_documents(tmp_path, shared_corpus):
    tmvar3 = fetch_corpus("tmvar3", tmp_path / "t", local_dir=shared_corpus("tmvar3"), progress=False)
    species = fetch_corpus("species", tmp_path / "s", local_dir=shared_corpus("species"), progress=False)
    assert tmvar3.documents == {"train": 232, "test": 71}
    assert species.documents == {"train": 639, "test": 160}


def test_partial_corpus_local_copy_from_its_environment_variable(server, tmp_path, monkeypatch):
    local = tmp_path / "copy"
    local.mkdir()
    (local / "NLMchem_Test.passages.PubTator").write_text(GENE_TEXT.replace("Gene", "Chemical"), encoding="utf-8")
    monkeypatch.setenv("NLM_CHEM_DIR", str(local))

    info = fetch_corpus("nlm-chem", tmp_path / "nlm-chem", urls=[server.url("/never")], progress=False)

    assert server.requests == []
    assert info.sources["passages"].startswith("copied from")
    assert info.mentions == {"passages": 2}


def test_partial_corpus_that_does_not_parse_is_refused(server, tmp_path, monkeypatch):
    local = tmp_path / "copy"
    local.mkdir()
    (local / "NLMgene_Train.PubTator").write_text("10|t|BRCA1\n10|a|\n10\t0\t9\tBRCA1\tGene\t1\n", encoding="utf-8")
    (local / "NLMgene_Test.PubTator").write_text(GENE_TEXT, encoding="utf-8")
    with pytest.raises(BionerError, match="does not parse"):
        fetch_corpus("nlm-gene", tmp_path / "nlm-gene", local_dir=local, progress=False)
    assert contents(tmp_path / "nlm-gene") == []


def test_pretrain_text_is_copied_from_its_folder_and_counted(tmp_path, monkeypatch):
    local = tmp_path / "copy"
    local.mkdir()
    (local / "a.jsonl").write_text('{"text": "one two three"}\n\n{"text": "four"}\n', encoding="utf-8")
    monkeypatch.setenv("PRETRAIN_DIR", str(local))
    info = corpora.fetch_pretrain_text(tmp_path / "pretrain")
    assert (info.documents, info.mentions) == ({"a": 2}, {"a": 4})
    assert (tmp_path / "pretrain" / "a.jsonl").read_text(encoding="utf-8") == (local / "a.jsonl").read_text(
        encoding="utf-8"
    )
    assert any("few million" in note for note in info.notes)


def test_pretrain_text_with_a_bad_line_names_it_and_leaves_nothing(tmp_path):
    local = tmp_path / "copy"
    local.mkdir()
    (local / "a.jsonl").write_text('{"text": "fine"}\n{"title": "no text"}\n', encoding="utf-8")
    with pytest.raises(BionerError, match=r"a.jsonl:2: expected an object with a string \"text\""):
        corpora.fetch_pretrain_text(tmp_path / "pretrain", local_dir=local)
    assert contents(tmp_path / "pretrain") == []


def test_pretrain_text_without_a_source_says_how_to_get_one(tmp_path, monkeypatch):
    monkeypatch.delenv("PRETRAIN_DIR", raising=False)
    monkeypatch.setenv("PUBMED_DIR", str(tmp_path / "no-copy"))  # PubMed abstracts: no download in a test
    with pytest.raises(BionerError, match="PRETRAIN_DIR"):
        corpora.fetch_pretrain_text(tmp_path / "pretrain")


def test_data_command_fetches_a_catalogue_entry_by_name_and_help_says_mesh_is_opt_in(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from bioner.cli import _register, app

    local = tmp_path / "copy"
    local.mkdir()
    for filename in ("SPECIES_Train.PubTator", "SPECIES_Test.PubTator"):
        (local / filename).write_text(SPECIES_TEXT, encoding="utf-8")
    _register()
    result = CliRunner().invoke(
        app, ["data", "--corpus", "species", "--output", str(tmp_path / "raw")], env={"SPECIES_DIR": str(local)}
    )
    assert result.exit_code == 0, result.output
    assert [line.split()[:4] for line in result.output.splitlines()[1:3]] == [
        ["species", "train", "1", "2"],
        ["species", "test", "1", "2"],
    ]
    help_text = re.sub(r"[\s│╭╮╰╯─]+", " ", CliRunner().invoke(app, ["data", "--help"]).output)
    assert "mesh only when MESH_DIR is set" in help_text and "tmvar3" in help_text


# --- corpora published as plain or gzipped files ---------------------------------------------


def file_corpus(fetch: str) -> corpora.Corpus:
    """A corpus whose two splits are published each as its own file (`file`) or gzipped (`gzip`)."""
    return corpora.Corpus(
        "chemnames",
        "CHEMNAMES_DIR",
        catalogue._splits(None, "", [("train", "Chem_Train.PubTator"), ("test", "Chem_Test.PubTator")], fetch=fetch),
        ("https://example.org/chem/",),
        annotates=("Chemical",),
    )


@pytest.mark.parametrize("fetch", ["file", "gzip"])
def test_a_corpus_of_plain_or_gzipped_files_is_downloaded_one_file_a_split(server, tmp_path, fetch):
    corpus = file_corpus(fetch)
    for split in corpus.splits:
        data = GENE_TEXT.replace("Gene", "Chemical").encode()
        server.routes[f"/chem/{split.archive}"] = gzip.compress(data) if fetch == "gzip" else data

    info = corpora.fetch_catalogue_corpus(corpus, tmp_path / "chemnames", urls=[server.url("/chem/")], progress=False)

    assert info.documents == {"train": 1, "test": 1} and info.mentions == {"train": 2, "test": 2}
    assert contents(tmp_path / "chemnames") == ["Chem_Test.PubTator", "Chem_Train.PubTator"]
    suffix = ".gz" if fetch == "gzip" else ""
    assert sorted(server.requests) == [f"/chem/Chem_Test.PubTator{suffix}", f"/chem/Chem_Train.PubTator{suffix}"]


def test_a_gzipped_local_copy_is_unpacked_and_nothing_is_downloaded(server, tmp_path, monkeypatch):
    local = tmp_path / "copy"
    local.mkdir()
    for name in ("Chem_Train.PubTator", "Chem_Test.PubTator"):
        (local / f"{name}.gz").write_bytes(gzip.compress(GENE_TEXT.encode()))
    monkeypatch.setenv("CHEMNAMES_DIR", str(local))

    info = corpora.fetch_catalogue_corpus(
        file_corpus("gzip"), tmp_path / "out", urls=[server.url("/x/")], progress=False
    )

    assert server.requests == [] and info.sources["train"].startswith("copied from")
    assert (tmp_path / "out" / "Chem_Train.PubTator").read_text(encoding="utf-8") == GENE_TEXT


def test_a_truncated_gzip_download_fails_loudly_and_leaves_no_file(server, tmp_path):
    corpus = file_corpus("gzip")
    for split in corpus.splits:
        server.routes[f"/chem/{split.archive}"] = gzip.compress(GENE_TEXT.encode() * 50)[:40]

    with pytest.raises(BionerError, match="not a readable gzip file"):
        corpora.fetch_catalogue_corpus(corpus, tmp_path / "chemnames", urls=[server.url("/chem/")], progress=False)
    assert not (tmp_path / "chemnames").exists() or contents(tmp_path / "chemnames") == []
