"""Reading and writing one decision file (pure core, on a temporary folder)."""

from __future__ import annotations

from pathlib import Path

import pytest

from adrsite.records.files import read_text, write_text


def test_a_file_written_with_crlf_keeps_crlf_and_reads_back_as_lf(tmp_path: Path):
    path = tmp_path / "0001-x.md"
    path.write_bytes(b"\xef\xbb\xbf# X\r\n\r\nOld.\r\n")
    assert read_text(path) == "# X\n\nOld.\n"
    write_text(path, "# X\n\nNew.\n")
    assert path.read_bytes() == b"# X\r\n\r\nNew.\r\n"


def test_a_new_file_is_written_with_lf_and_a_final_newline(tmp_path: Path):
    path = tmp_path / "0001-x.md"
    write_text(path, "# X")
    assert path.read_bytes() == b"# X\n"


def test_a_failed_write_leaves_the_old_text_and_no_temporary_file(tmp_path: Path):
    path = tmp_path / "0001-x.md"
    path.write_text("# X\n")
    with pytest.raises(UnicodeEncodeError):
        write_text(path, "# \ud800 lone surrogate")
    assert path.read_text() == "# X\n"
    assert [p.name for p in tmp_path.iterdir()] == ["0001-x.md"]
