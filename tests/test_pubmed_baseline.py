"""`bioner data --corpus pubmed` and PubMed abstracts for the vectors, against a local HTTP server."""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bioner import corpora
from bioner.corpora.text import evaluation_pmids, pubmed_pretrain_text
from bioner.errors import BionerError
from bioner.pubmed_baseline import fetch_pubmed_baseline
from local_http import Server, serving

NAMES = ["pubmed26n0001.xml.gz", "pubmed26n0002.xml.gz", "pubmed26n0003.xml.gz"]


def citation(pmid: int, abstract: str = "Aspirin relieved the headache of most patients.") -> str:
    body = f"<Abstract><AbstractText>{abstract}</AbstractText></Abstract>" if abstract else ""
    return (
        f'<PubmedArticle><MedlineCitation><PMID Version="1">{pmid}</PMID><Article>'
        f"<ArticleTitle>Study {pmid}.</ArticleTitle>{body}</Article></MedlineCitation></PubmedArticle>\n"
    )


def baseline_file(pmids: list[int], *, without_abstract: tuple[int, ...] = ()) -> bytes:
    xml = (
        "<?xml version='1.0'?>\n<PubmedArticleSet>\n"
        + "".join(
            citation(p, "" if p in without_abstract else "Aspirin relieved the headache of most patients.")
            for p in pmids
        )
        + "</PubmedArticleSet>\n"
    )
    return gzip.compress(xml.encode("utf-8"))


FILES = {
    name: baseline_file(list(range(100 * n + 1, 100 * n + 11)), without_abstract=(100 * n + 10,))
    for n, name in enumerate(NAMES, start=1)
}


def md5_line(name: str, data: bytes) -> bytes:
    return f"MD5({name})= {hashlib.md5(data).hexdigest()}\n".encode()


class BaselineServer(Server):
    """NLM's baseline folder: a listing, each file and its `.md5`."""

    def __init__(self) -> None:
        super().__init__()
        self.baseline = self.url("/pubmed/baseline/")

    def publish(self, files: dict[str, bytes]) -> None:
        listing = "".join(
            f'<a href="{name}">{name}</a> <a href="{name}.md5">{name}.md5</a>\n' for name in reversed(list(files))
        )  # the order of the listing does not matter
        self.routes["/pubmed/baseline/"] = f"<html><body><pre>{listing}</pre></body></html>".encode()
        for name, data in files.items():
            self.routes[f"/pubmed/baseline/{name}"] = data
            self.routes[f"/pubmed/baseline/{name}.md5"] = md5_line(name, data)


@pytest.fixture
def server():
    with serving(BaselineServer()) as running:
        running.publish(FILES)
        yield running


@pytest.fixture(autouse=True)
def no_local_copies(monkeypatch):
    for env in ("PUBMED_DIR", "PRETRAIN_DIR", "PRETRAIN_PUBMED_FILES"):
        monkeypatch.delenv(env, raising=False)


def contents(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_the_first_n_files_are_downloaded_with_their_md5_and_counted(server, tmp_path):
    info = fetch_pubmed_baseline(tmp_path / "pubmed", files=2, base_url=server.baseline, progress=False)
    assert contents(tmp_path / "pubmed") == sorted(NAMES[:2] + [n + ".md5" for n in NAMES[:2]])
    assert (tmp_path / "pubmed" / NAMES[0]).read_bytes() == FILES[NAMES[0]]
    assert info.documents == {"pubmed26n0001": 10, "pubmed26n0002": 10}
    assert info.mentions["pubmed26n0001"] == 9 * 9 + 2  # nine titles with abstracts, one title alone
    assert not any(NAMES[2] in request for request in server.requests)


def test_second_fetch_checks_the_md5_and_downloads_nothing(server, tmp_path):
    fetch_pubmed_baseline(tmp_path / "pubmed", files=2, base_url=server.baseline, progress=False)
    server.requests.clear()
    info = fetch_pubmed_baseline(tmp_path / "pubmed", files=2, base_url=server.baseline, progress=False)
    assert server.requests == ["/pubmed/baseline/"]
    assert set(info.sources.values()) == {"already in place"}


@pytest.mark.parametrize(
    "fault,message",
    [
        ("md5", "does not match the published"),
        ("short", "cut short"),
        ("corrupt", "not readable MEDLINE/PubMed XML"),
    ],
)
def test_a_bad_download_fails_naming_it_and_leaves_nothing(server, tmp_path, fault, message):
    name = NAMES[1]
    data = FILES[name]
    if fault == "md5":
        server.routes[f"/pubmed/baseline/{name}"] = data[:-10] + b"0123456789"
    elif fault == "short":
        server.routes[f"/pubmed/baseline/{name}"] = (data[:100], len(data))
    else:  # a truncated gzip whose published checksum is its own: only parsing finds it
        server.routes[f"/pubmed/baseline/{name}"] = data[: len(data) // 2]
        server.routes[f"/pubmed/baseline/{name}.md5"] = md5_line(name, data[: len(data) // 2])
    with pytest.raises(BionerError, match=message) as caught:
        fetch_pubmed_baseline(tmp_path / "pubmed", files=2, base_url=server.baseline, progress=False)
    assert name in str(caught.value)
    assert contents(tmp_path / "pubmed") == [NAMES[0], NAMES[0] + ".md5"]  # the good one stays, nothing partial


def test_asking_for_more_files_than_published_is_an_error(server, tmp_path):
    with pytest.raises(BionerError, match="asked for 5 baseline files.*has 3"):
        fetch_pubmed_baseline(tmp_path / "pubmed", files=5, base_url=server.baseline, progress=False)


def test_pubmed_dir_is_copied_and_nothing_is_downloaded(server, tmp_path, monkeypatch):
    local = tmp_path / "copy"
    local.mkdir()
    for name, data in FILES.items():
        (local / name).write_bytes(data)
    (local / (NAMES[0] + ".md5")).write_bytes(md5_line(NAMES[0], FILES[NAMES[0]]))
    monkeypatch.setenv("PUBMED_DIR", str(local))
    info = fetch_pubmed_baseline(tmp_path / "pubmed", files=3, base_url=server.baseline, progress=False)
    assert server.requests == [] and len(info.paths) == 3
    assert all(source.startswith("copied from") for source in info.sources.values())
    (local / (NAMES[0] + ".md5")).write_bytes(md5_line(NAMES[0], b"something else"))
    with pytest.raises(BionerError, match="MD5"):
        fetch_pubmed_baseline(tmp_path / "again", files=1, base_url=server.baseline, progress=False)


def write_evaluation_corpora(data: Path) -> None:
    (data / "bc5cdr").mkdir(parents=True)
    (data / "bc5cdr" / "CDR_TestSet.PubTator.txt").write_text("101|t|Study 101.\n101|a|Text.\n\n", encoding="utf-8")
    (data / "bc5cdr" / "CDR_TrainingSet.PubTator.txt").write_text("102|t|Study 102.\n102|a|Text.\n\n", encoding="utf-8")
    (data / "nlm-chem").mkdir()
    (data / "nlm-chem" / "NLMchem_Test.passages.PubTator").write_text(
        "203-1|t|Passage.\n203-1|a|\n\n", encoding="utf-8"
    )


def test_evaluation_pmids_come_from_held_out_files_only(tmp_path):
    write_evaluation_corpora(tmp_path)
    pmids, read = evaluation_pmids(tmp_path)
    assert pmids == {"101", "203"} and len(read) == 2


def test_pretrain_abstracts_leave_out_evaluation_sets_and_titles_alone(server, tmp_path):
    write_evaluation_corpora(tmp_path / "raw")
    info = pubmed_pretrain_text(tmp_path / "raw" / "pretrain", files=2, base_url=server.baseline, progress=False)
    lines = [
        json.loads(line) for line in (tmp_path / "raw" / "pretrain" / "pubmed-abstracts.jsonl").read_text().splitlines()
    ]
    texts = [line["text"] for line in lines]
    assert len(texts) == 9 + 9 - 2  # 20 citations, two titles alone, PMIDs 101 and 203 held out
    assert "Study 102. Aspirin relieved the headache of most patients." in texts  # training PMIDs stay
    assert not any(t.startswith(("Study 101.", "Study 203.", "Study 110.")) for t in texts)
    assert info.documents == {"pubmed-abstracts": 16}
    assert any("left out 2 citations" in note for note in info.notes)
    assert contents(tmp_path / "raw" / "pubmed") == sorted(NAMES[:2] + [n + ".md5" for n in NAMES[:2]])


def test_fetch_pretrain_text_without_pretrain_dir_takes_pubmed_abstracts(tmp_path, monkeypatch):
    local = tmp_path / "copy"
    local.mkdir()
    (local / NAMES[0]).write_bytes(FILES[NAMES[0]])
    monkeypatch.setenv("PUBMED_DIR", str(local))
    monkeypatch.setenv("PRETRAIN_PUBMED_FILES", "1")
    info = corpora.fetch_pretrain_text(tmp_path / "raw" / "pretrain")
    assert info.documents == {"pubmed-abstracts": 9}
    assert any("no evaluation corpora" in note for note in info.notes)
    assert any("few million" in note for note in info.notes)


def test_pretrain_without_any_source_says_how_to_get_one(tmp_path, monkeypatch):
    monkeypatch.setenv("PUBMED_DIR", str(tmp_path / "missing"))
    with pytest.raises(BionerError, match="PRETRAIN_DIR"):
        corpora.fetch_pretrain_text(tmp_path / "pretrain")
    assert contents(tmp_path / "pretrain") == []


def test_data_command_fetches_pubmed_files(tmp_path, monkeypatch):
    from bioner.cli import _register, app

    local = tmp_path / "copy"
    local.mkdir()
    for name, data in FILES.items():
        (local / name).write_bytes(data)
    monkeypatch.setenv("PUBMED_DIR", str(local))
    _register()
    result = CliRunner().invoke(app, ["data", "--corpus", "pubmed", "--files", "2", "--output", str(tmp_path / "raw")])
    assert result.exit_code == 0, result.output
    assert "pubmed26n0002" in result.output and "citations" in result.output
    assert contents(tmp_path / "raw" / "pubmed") == sorted(NAMES[:2] + [n + ".md5" for n in NAMES[:2]])
