"""Records layer: the bytes that decide a file's status, so that a later revision beginning
with the same bytes need not be read again (pure core).

`parse_status` reads a file line by line from the top and stops where the
status is known: the front matter, the preamble or the Status section.
Whatever follows cannot change it. Most revisions of an ADR edit its text
below those lines, so the indexer keeps, per file, the bytes that decided the
last status it read, and reads a new revision only when it does not begin
with them. tests/test_parse_status.py holds this on every sample and on every
generated file, whatever follows.
"""

from __future__ import annotations

from adrsite.records.parse import _BINARY_PROBE, MAX_BYTES, _Reader


def parse_status_prefix(path: str, data: bytes) -> tuple[str, bytes]:
    """`parse_status`, and the leading bytes of `data` that decided it (b"": all of them):
    any file that begins with them states the same status (`states_the_same_status`)."""
    status, lines = _Reader(path, data).read_status_only()
    if lines is None or b"\r" in data:  # "\r" ends lines too: bytes and lines no longer align
        return status, b""
    end = -1
    for _ in range(lines):  # through the newline that ends the last line read
        end = data.find(b"\n", end + 1)
        if end < 0:
            return status, b""
    return status, data[: end + 1]


def states_the_same_status(prefix: bytes, data: bytes) -> bool:
    """Whether `data` states the status that `prefix` (from `parse_status_prefix`) decided."""
    return (
        bool(prefix)
        and data.startswith(prefix)
        # What `decode` reads beyond the lines: the size, and a NUL early on.
        and len(data) <= MAX_BYTES
        and b"\0" not in data[:_BINARY_PROBE]
    )
