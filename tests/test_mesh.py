"""`bioner data --corpus mesh`: MeSH XML from a local HTTP server or a local copy (MESH_DIR)."""

from __future__ import annotations

import pytest

from bioner.errors import BionerError
from bioner.linking.mesh import fetch_mesh
from local_http import Server, serving
from test_kb import DESCRIPTORS, SUPPLEMENTARY


@pytest.fixture
def server():
    with serving(Server()) as running:
        yield running


@pytest.fixture(autouse=True)
def no_mesh_dir(monkeypatch):
    monkeypatch.delenv("MESH_DIR", raising=False)


def test_download_puts_both_verified_files_in_place(server, tmp_path):
    server.routes["/mesh/desc2030.xml"] = DESCRIPTORS.encode()
    server.routes["/mesh/supp2030.xml"] = SUPPLEMENTARY.encode()
    info = fetch_mesh(tmp_path / "mesh", base_url=server.url("/mesh/"), year=2030, timeout=10)
    assert info.entries == {"desc2030.xml": 4, "supp2030.xml": 3}
    assert sorted(p.name for p in (tmp_path / "mesh").iterdir()) == ["desc2030.xml", "supp2030.xml"]
    assert server.requests == ["/mesh/desc2030.xml", "/mesh/supp2030.xml"]
    again = fetch_mesh(tmp_path / "mesh", base_url=server.url("/mesh/"), year=2030, timeout=10)
    assert set(again.sources.values()) == {"already in place"} and len(server.requests) == 2


def test_a_download_that_is_not_mesh_fails_and_leaves_no_file(server, tmp_path):
    server.routes["/mesh/desc2030.xml"] = b"<html>maintenance</html>"
    with pytest.raises(BionerError, match="no MeSH"):
        fetch_mesh(tmp_path / "mesh", base_url=server.url("/mesh/"), year=2030, timeout=10)
    assert list((tmp_path / "mesh").iterdir()) == []


def test_missing_file_on_the_server_is_an_http_error(server, tmp_path):
    with pytest.raises(BionerError, match="HTTP 404"):
        fetch_mesh(tmp_path / "mesh", base_url=server.url("/mesh/"), year=2030, timeout=10)


def test_local_copy_from_mesh_dir_downloads_nothing(tmp_path, monkeypatch):
    local = tmp_path / "nlm"
    local.mkdir()
    (local / "desc2024.xml").write_text(DESCRIPTORS, encoding="utf-8")
    (local / "supp2024.xml").write_text(SUPPLEMENTARY, encoding="utf-8")
    monkeypatch.setenv("MESH_DIR", str(local))
    info = fetch_mesh(tmp_path / "out", base_url="http://127.0.0.1:9/unreachable/")
    assert info.entries == {"desc2024.xml": 4, "supp2024.xml": 3}
    assert all(source.startswith("copied from") for source in info.sources.values())


def test_data_command_fetches_mesh_from_mesh_dir(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from bioner.cli import _register, app

    local = tmp_path / "nlm"
    local.mkdir()
    (local / "desc2024.xml").write_text(DESCRIPTORS, encoding="utf-8")
    _register()
    result = CliRunner().invoke(
        app, ["data", "--corpus", "mesh", "--output", str(tmp_path / "raw")], env={"MESH_DIR": str(local)}
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "raw" / "mesh" / "desc2024.xml").read_text(encoding="utf-8") == DESCRIPTORS
