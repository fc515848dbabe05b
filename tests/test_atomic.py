"""`bioner.atomic`: every output is written whole or not at all, through symlinks, with ordinary
permissions, and a bad output path is one line naming it."""

from __future__ import annotations

import errno
import os
import stat

import pytest

from bioner.atomic import atomic_open, atomic_path, check_distinct, check_output, write_text
from bioner.errors import BionerError


def test_a_failed_write_keeps_the_old_file_and_leaves_no_partial(tmp_path):
    target = tmp_path / "out.json"
    target.write_text("good")
    with pytest.raises(RuntimeError), atomic_open(target) as handle:
        handle.write("half")
        raise RuntimeError("stopped")
    assert target.read_text() == "good"
    assert os.listdir(tmp_path) == ["out.json"]


def test_a_symlink_given_as_output_is_written_through(tmp_path):
    real = tmp_path / "real.txt"
    real.write_text("old")
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    write_text(link, "new")
    assert link.is_symlink()
    assert real.read_text() == "new"


def test_new_files_get_the_umask_mode_and_the_umask_is_untouched(tmp_path):
    previous = os.umask(0o027)
    try:
        write_text(tmp_path / "new.txt", "x")
        assert os.umask(0o027) == 0o027  # nothing changed it
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "new.txt").stat().st_mode) == 0o640


def test_an_existing_output_keeps_its_mode(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old")
    target.chmod(0o600)
    write_text(target, "new")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_disk_full_is_one_line_naming_the_output_and_leaves_nothing(tmp_path, monkeypatch):
    target = tmp_path / "out.txt"
    target.write_text("good")

    with (
        pytest.raises(BionerError, match=r"out.txt: cannot write: no space left on the device"),
        atomic_path(target) as temporary,
    ):
        temporary.write_text("partial")
        raise OSError(errno.ENOSPC, "No space left on device")
    assert target.read_text() == "good"
    assert os.listdir(tmp_path) == ["out.txt"]


@pytest.mark.parametrize("folder", [False, True])
def test_folder_file_and_unwritable_outputs_are_refused_with_the_option(tmp_path, folder):
    a_file = tmp_path / "file"
    a_file.write_text("x")
    a_folder = tmp_path / "folder"
    a_folder.mkdir()
    wrong = a_file if folder else a_folder
    with pytest.raises(BionerError, match=f"{wrong.name}: is a .*--report"):
        check_output(wrong, "--report", folder=folder)
    with pytest.raises(BionerError, match="file, not a folder"):
        check_output(a_file / "below" / "out.txt", "-o", folder=folder)


def test_an_unwritable_folder_is_refused(tmp_path, monkeypatch):
    real_access = os.access
    monkeypatch.setattr(
        os, "access", lambda path, mode: False if str(path) == str(tmp_path) else real_access(path, mode)
    )
    with pytest.raises(BionerError, match="is not writable"):
        check_output(tmp_path / "out.txt", "--json")


def test_an_output_that_is_an_input_or_another_output_is_refused(tmp_path):
    source = tmp_path / "in.txt"
    source.write_text("x")
    (tmp_path / "alias.txt").symlink_to(source)
    with pytest.raises(BionerError, match="would write over the input"):
        check_distinct([source], [("--output", tmp_path / "alias.txt")])
    with pytest.raises(BionerError, match="--report would write over the --output output"):
        check_distinct([source], [("--output", tmp_path / "a.json"), ("--report", tmp_path / "a.json")])
    check_distinct([source], [("--output", tmp_path / "a.json"), ("--report", tmp_path / "b.json")])
