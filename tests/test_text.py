"""Plain text input: one document per file or per line, strictly UTF-8 (or UTF-16 with its byte order mark)."""

from __future__ import annotations

import pytest

from bioner.errors import InputError
from bioner.formats.text import read_text_documents


def test_whole_file_is_one_document_named_after_the_file(tmp_path):
    path = tmp_path / "abstract.txt"
    path.write_text("Ketamine for depression.\nIt works fast.\n\n", encoding="utf-8")
    (document,) = read_text_documents(path)
    assert document.id == "abstract"
    assert document.text == "Ketamine for depression.\nIt works fast."
    assert document.mentions == []


def test_lines_mode_gives_one_document_per_non_empty_line_with_line_ids(tmp_path):
    path = tmp_path / "sentences.txt"
    path.write_text("First one.\n\n   \nThird line.\r\n", encoding="utf-8")
    documents = read_text_documents(path, lines=True)
    assert [(d.id, d.text) for d in documents] == [("sentences:1", "First one."), ("sentences:4", "Third line.")]


def test_byte_order_mark_is_dropped(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes("\ufeffAspirin.".encode("utf-8"))
    (document,) = read_text_documents(path)
    assert document.text == "Aspirin."


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_utf16_with_its_byte_order_mark_is_read_as_windows_editors_save_unicode(tmp_path, encoding):
    path = tmp_path / "notepad.txt"
    mark = "\ufeff" if encoding == "utf-16-be" else ""  # "utf-16" writes the mark itself
    path.write_bytes((mark + "Aspirin causes asthma.\r\nCocaine, seizures.\r\n").encode(encoding))
    (document,) = read_text_documents(path)
    assert document.text == "Aspirin causes asthma.\nCocaine, seizures."
    assert [d.text for d in read_text_documents(path, lines=True)] == ["Aspirin causes asthma.", "Cocaine, seizures."]


def test_non_utf8_file_raises_naming_the_line(tmp_path):
    path = tmp_path / "latin.txt"
    path.write_bytes("fine\nd\u00e9lire\n".encode("latin-1"))
    with pytest.raises(InputError) as caught:
        read_text_documents(path)
    assert caught.value.line == 2 and "not UTF-8" in caught.value.message
