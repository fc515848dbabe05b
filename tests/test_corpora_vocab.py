"""MeSH and CTD for `bioner data`: gzipped or plain, local copy or download, checked before placed."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from bioner.corpora.vocab import fetch_ctd, fetch_mesh
from bioner.errors import BionerError
from local_http import Server, serving
from test_vocabularies import CTD_DISEASES, DESCRIPTORS, SUPPLEMENTARY


@pytest.fixture
def server():
    with serving(Server()) as running:
        yield running


@pytest.fixture(autouse=True)
def no_local_copies(monkeypatch):
    monkeypatch.delenv("MESH_DIR", raising=False)
    monkeypatch.delenv("CTD_DIR", raising=False)


def contents(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_gzipped_mesh_in_mesh_dir_is_copied_as_is_and_counted_through_gzip(tmp_path, monkeypatch):
    local = tmp_path / "nlm"
    local.mkdir()
    (local / "desc2024.xml.gz").write_bytes(gzip.compress(DESCRIPTORS.encode()))
    (local / "supp2024.xml.gz").write_bytes(gzip.compress(SUPPLEMENTARY.encode()))
    (local / "desc2023.xml").write_text(DESCRIPTORS, encoding="utf-8")  # older year: not copied
    monkeypatch.setenv("MESH_DIR", str(local))

    info = fetch_mesh(tmp_path / "mesh", base_url="http://127.0.0.1:9/unreachable/")

    descriptors, supplementary = DESCRIPTORS.count("<DescriptorRecord "), SUPPLEMENTARY.count("<SupplementalRecord ")
    assert info.documents == {"desc2024": descriptors, "supp2024": supplementary}
    assert info.mentions["desc2024"] == DESCRIPTORS.count("<Term ") + DESCRIPTORS.count("<Term>")
    assert contents(tmp_path / "mesh") == ["desc2024.xml.gz", "supp2024.xml.gz"]
    assert (tmp_path / "mesh" / "desc2024.xml.gz").read_bytes() == (local / "desc2024.xml.gz").read_bytes()


def test_mesh_download_is_checked_and_a_second_fetch_downloads_nothing(server, tmp_path):
    server.routes["/mesh/desc2030.xml"] = DESCRIPTORS.encode()
    server.routes["/mesh/supp2030.xml"] = SUPPLEMENTARY.encode()
    info = fetch_mesh(tmp_path / "mesh", base_url=server.url("/mesh/"), year=2030, timeout=10, progress=False)
    assert sorted(info.documents) == ["desc2030", "supp2030"] and all(info.documents.values())
    again = fetch_mesh(tmp_path / "mesh", base_url=server.url("/mesh/"), year=2030, timeout=10, progress=False)
    assert set(again.sources.values()) == {"already in place"} and len(server.requests) == 2


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"<html>maintenance</html>", "not MeSH XML"),
        (DESCRIPTORS.encode()[:-40], "cut short"),
        (gzip.compress(DESCRIPTORS.encode())[:-20], "cannot be read"),
        (b'<?xml version="1.0"?>\n<DescriptorRecordSet>\n</DescriptorRecordSet>\n', "holds no MeSH"),
    ],
)
def test_a_mesh_file_that_is_not_whole_mesh_fails_naming_it_and_leaves_nothing(server, tmp_path, body, message):
    server.routes["/mesh/desc2030.xml"] = body
    server.routes["/mesh/supp2030.xml"] = SUPPLEMENTARY.encode()
    with pytest.raises(BionerError, match=f"desc2030.xml: .*{message}"):
        fetch_mesh(tmp_path / "mesh", base_url=server.url("/mesh/"), year=2030, timeout=10, progress=False)
    assert contents(tmp_path / "mesh") == []


def test_ctd_is_downloaded_gzipped_and_read_whole(server, tmp_path):
    server.routes["/reports/CTD_diseases.tsv.gz"] = gzip.compress(CTD_DISEASES.encode())
    info = fetch_ctd(tmp_path / "ctd", base_url=server.url("/reports/"), timeout=10, progress=False)
    rows = [line for line in CTD_DISEASES.splitlines() if line and not line.startswith("#")]
    assert info.documents == {"CTD_diseases": len(rows)}
    assert info.mentions["CTD_diseases"] > len(rows)  # synonyms counted with the names
    assert info.sources["CTD_diseases"].startswith("downloaded from")
    assert contents(tmp_path / "ctd") == ["CTD_diseases.tsv.gz"]


def test_a_ctd_page_that_is_not_the_vocabulary_fails_and_leaves_nothing(server, tmp_path):
    server.routes["/reports/CTD_diseases.tsv.gz"] = gzip.compress(b"<html>Please complete the CAPTCHA</html>\n")
    with pytest.raises(BionerError, match="CTD_diseases.tsv.gz"):
        fetch_ctd(tmp_path / "ctd", base_url=server.url("/reports/"), timeout=10, progress=False)
    assert contents(tmp_path / "ctd") == []


def test_ctd_dir_is_copied_and_nothing_is_downloaded(server, tmp_path, monkeypatch):
    local = tmp_path / "copy"
    local.mkdir()
    (local / "CTD_diseases.tsv.gz").write_bytes(gzip.compress(CTD_DISEASES.encode()))
    monkeypatch.setenv("CTD_DIR", str(local))
    info = fetch_ctd(tmp_path / "ctd", base_url=server.url("/reports/"), progress=False)
    assert server.requests == [] and info.sources["CTD_diseases"].startswith("copied from")


def test_ctd_dir_without_the_file_says_what_it_wanted(tmp_path):
    (tmp_path / "copy").mkdir()
    with pytest.raises(BionerError, match="holds no CTD_diseases.tsv.gz"):
        fetch_ctd(tmp_path / "ctd", local_dir=tmp_path / "copy")
