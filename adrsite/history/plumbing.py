"""History layer: the git plumbing both readers share (pure Python and git, no Django).

A git process started through GitPython, checked once; git's errors in its own
words; and the change records of `--raw -z` output, framed by position alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from subprocess import Popen
from typing import IO

import git

ADDED, MODIFIED, RENAMED, DELETED = "added", "modified", "renamed", "deleted"
COPIED = "copied"  # only from `moves_into`
_STATUS = {"A": ADDED, "M": MODIFIED, "T": MODIFIED, "R": RENAMED, "D": DELETED}
_REGULAR_FILES = {"100644", "100755"}  # not symlinks (120000) nor submodules (160000)
_NO_BLOB = "0" * 40


class HistoryError(Exception):
    """The repository cannot be read; the message is for the user."""


@dataclass(frozen=True, slots=True)
class FileChange:
    """One file changed by one commit."""

    status: str  # ADDED, MODIFIED, RENAMED or DELETED
    path: str  # after the commit; for DELETED, the path it had
    old_path: str  # before a rename, else ""
    blob: str  # the content after the commit; for DELETED, the content before it
    similarity: int = 100  # git's rename similarity, in percent
    old_blob: str = ""  # the content before the commit ("" for an add)


class _Process:
    """A git process started with `as_process=True`; its process and pipes checked once, here.

    GitPython types what its commands return as Any, and its handle's process and
    pipes as optional (None once GitPython has ended the process itself, or for a
    pipe nobody asked for). The handle is kept: GitPython ends the process when
    the handle is collected, and its `wait` raises GitCommandError in git's words.
    """

    __slots__ = ("command", "handle", "popen")

    def __init__(self, started: object, command: str) -> None:
        if not isinstance(started, git.cmd.Git.AutoInterrupt) or started.proc is None:
            raise HistoryError(f"git {command} could not be started")
        self.command = command
        self.handle = started
        self.popen: Popen[bytes] = started.proc

    @property
    def stdin(self) -> IO[bytes]:
        return self._pipe(self.popen.stdin, "input")

    @property
    def stdout(self) -> IO[bytes]:
        return self._pipe(self.popen.stdout, "output")

    def _pipe(self, pipe: IO[bytes] | None, which: str) -> IO[bytes]:
        if pipe is None:
            raise HistoryError(f"git {self.command} has no pipe for its {which}")
        return pipe

    def kill(self) -> None:
        """End it at once, so that answers left unread never hold it (or us) on a full pipe."""
        self.popen.kill()
        self.popen.wait()


def _read_changes(
    fields: list[bytes], index: int, *, keep_copies: bool = False
) -> tuple[list[FileChange], int]:
    """The raw entries from `fields[index]` on, up to the next field that is not one."""
    changes = []
    while index < len(fields) and fields[index].lstrip(b"\n").startswith(b":"):
        field = fields[index].lstrip(b"\n")
        count = 1 + paths_after(field)
        change = _change(field, fields[index + 1 : index + count], keep_copies=keep_copies)
        if change is not None:
            changes.append(change)
        index += count
    return changes, index


def paths_after(entry: bytes) -> int:
    """How many path fields follow a `--raw -z` entry ":modes shas STATUS": two for a rename
    or a copy, else one. Framing by position alone: no byte of a path can pass for it."""
    return 2 if entry.rsplit(b" ", 1)[-1][:1] in b"RC" else 1


def _change(raw: bytes, paths: list[bytes], *, keep_copies: bool = False) -> FileChange | None:
    """One `--raw -z` entry: ":old_mode new_mode old_sha new_sha STATUS" and its paths."""
    old_mode, new_mode, old_sha, new_sha, status = raw[1:].decode("ascii").split(" ")
    names = [_path(path) for path in paths]
    if status[0] == "C" and keep_copies:
        return FileChange(COPIED, names[1], names[0], new_sha, int(status[1:] or 100), old_sha)
    kind = _STATUS.get(status[0])
    mode = old_mode if kind == DELETED else new_mode
    if kind is None or mode not in _REGULAR_FILES or len(names) < (2 if kind == RENAMED else 1):
        return None
    if kind == RENAMED:
        return FileChange(RENAMED, names[1], names[0], new_sha, int(status[1:] or 100), old_sha)
    if kind == DELETED:
        return FileChange(DELETED, names[0], "", old_sha, old_blob=old_sha)
    old = old_sha if old_sha != _NO_BLOB else ""
    return FileChange(kind, names[0], "", new_sha if new_sha != _NO_BLOB else old_sha, 100, old)


def _path(raw: bytes) -> str:
    # A name that is not UTF-8 keeps its odd bytes as \\xNN: text a database
    # stores, the same for the log and for ls-tree.
    return raw.decode("utf-8", errors="backslashreplace")


def _output_of(process: _Process) -> bytes:
    """A git process's whole output, or a HistoryError in git's own words."""
    output, errors = process.popen.communicate()
    if process.popen.returncode:
        said = (errors or b"").decode("utf-8", "replace").strip().splitlines()
        raise HistoryError(
            f"git {process.command} failed: {said[0] if said else process.popen.returncode}"
        )
    return output


def _history_error(error: git.GitCommandError) -> HistoryError:
    """git's own words on what it could not read (a corrupt object, a missing pack)."""
    said = error.stderr if isinstance(error.stderr, str) else str(error.stderr or "")
    first = next((line.strip() for line in said.splitlines() if line.strip()), "")
    return HistoryError(
        f"git {error.command[1] if len(error.command) > 1 else ''} failed: "
        f"{first.removeprefix('stderr: ').strip(chr(39)) or error.status}"
    )
