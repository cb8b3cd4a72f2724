"""Records layer: read and write one decision file, keeping its line endings, never half-written."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def read_text(path: Path) -> str:
    """A decision's text: a BOM dropped, CRLF read as LF."""
    return path.read_text(encoding="utf-8-sig")  # universal newlines: CRLF reads as LF


def write_text(path: Path, text: str) -> None:
    """Write through a temporary file, so a crash never leaves half a decision."""
    original = path.read_bytes() if path.exists() else b""
    if b"\r\n" in original:
        text = text.replace("\n", "\r\n")
    if not text.endswith(("\n", "\r\n")):
        text += "\n"
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as file:
            file.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
