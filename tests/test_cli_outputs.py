"""Every command's output options: a folder where a file is wanted (or the reverse), an output
under a file or in an unwritable folder, is one `error:` line naming the path and the option,
before any work (issue 13). Commands with their own test files test their outputs there too."""

from __future__ import annotations

import os

import pytest


@pytest.fixture
def places(tmp_path):
    """A file, a folder, and paths that cannot be outputs."""
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    return {"file": a_file, "folder": tmp_path, "under-a-file": a_file / "out"}


def commands(tmp_path):
    """(command line before the output, option, wants a folder) for each command and option."""
    config = tmp_path / "some.cfg"
    texts = tmp_path / "t.jsonl"
    return [
        (["data"], "--output", True),
        (["package", tmp_path / "model"], "--output", True),
        (["vectors", texts], "--output", True),
        (["train", config], "--output", True),
        (["pretrain", config, texts], "--output", True),
        (["kb", texts], "--output", False),
        (["multi-corpus"], "--output", False),
        (["multi-corpus"], "--report", False),
    ]


@pytest.mark.parametrize("index", range(8))
def test_wrong_kind_of_output_path_is_one_line_before_any_work(tmp_path, places, index, monkeypatch, run_bioner):
    import bioner.cli.data
    import bioner.packaging

    def no_work(*args, **kwargs):
        raise AssertionError("the command started its work before checking its output")

    monkeypatch.setattr(bioner.packaging, "package_model", no_work)
    monkeypatch.setattr(bioner.cli.data, "fetch_entry", no_work)
    head, option, folder = commands(tmp_path)[index]
    wrong = places["file"] if folder else places["folder"]
    line = run_bioner.error(*head, option, wrong)
    assert str(wrong) in line and option in line
    line = run_bioner.error(*head, option, places["under-a-file"])
    assert "is a file, not a folder" in line and option in line


def test_unwritable_output_folder_is_one_line(tmp_path, monkeypatch, run_bioner):
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: False if str(p) == str(tmp_path) else real_access(p, mode))
    line = run_bioner.error("data", "--output", tmp_path / "raw")
    assert "is not writable" in line and "--output" in line


def test_package_refuses_an_invalid_version_before_building(tmp_path, monkeypatch, run_bioner):
    import bioner.packaging

    def no_build(*args, **kwargs):
        raise AssertionError("built before checking the version")

    monkeypatch.setattr(bioner.packaging, "package_model", no_build)
    line = run_bioner.error("package", tmp_path, "--version", "not a version!!", "-o", tmp_path / "dist")
    assert "--version 'not a version!!' is not a package version" in line
