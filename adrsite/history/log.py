"""History layer: one `git log --raw -z`, read to its end while git walks, replayed oldest first.

The indexer needs a place's commits oldest first, but `git log --reverse`
prints nothing until its walk is done. Read newest first instead, as git walks,
a thread of its own keeps the log's bytes and, on the way, hands out the
commits that add files: finding where the folder lived (history/moves.py)
diffs those while the walk goes on, so one walk per place serves both the
pass and the search for moves. The pass then replays the kept bytes oldest
first, a commit at a time.

The bytes (hashes and paths, about 170 per file change) are kept in a
temporary file, not in memory: memory stays flat whatever the history's
length, and the file lives in the system's page cache, which is where git
held them for `--reverse`.
"""

from __future__ import annotations

import tempfile
import threading
from array import array
from collections.abc import Iterator
from dataclasses import dataclass

import git

from adrsite.history.plumbing import (
    FileChange,
    HistoryError,
    _change,
    _history_error,
    _Process,
    paths_after,
)

_CHUNK = 1 << 16
_SPAN = 1 << 18  # bytes of kept log read back at a time


@dataclass(frozen=True, slots=True)
class _LoggedCommit:
    """What the log says of a commit; who, when and why come from its object."""

    sha: str
    parents: tuple[str, ...]
    changes: tuple[FileChange, ...]


class _Log:
    """A started `git log --raw -z --format='%H %P'` (newest first), read by a thread of its own.

    `adding()` gives, as git finds them, the commits whose changes add a file (asked
    again, from any thread, it gives them again); `oldest_first()` waits for the end
    of the walk and replays every commit, oldest first, once.
    """

    def __init__(self, process: _Process) -> None:
        self.process = process
        self._adds: list[str] = []  # the commits that add a file, newest first, so far
        self._news = threading.Condition()  # more of them, or the end of the walk
        self._ended = False
        # The log's bytes, gone when closed: by the replay's end, or `kill`.
        self._kept = tempfile.TemporaryFile()  # noqa: SIM115 (it outlives this method)
        self._size = 0
        self._starts = array("q")  # where each commit's header begins in `_kept`
        self._error: HistoryError | None = None
        self._reader = threading.Thread(target=self._read, name="adrsite-log", daemon=True)
        self._reader.start()

    def adding(self) -> Iterator[str]:
        """The commits that add a file, newest first, as the walk finds them."""
        given = 0
        while True:
            with self._news:
                while len(self._adds) == given and not self._ended:
                    self._news.wait()
                found, ended = self._adds[given:], self._ended
            yield from found
            given += len(found)
            if ended and not found:
                return

    def oldest_first(self) -> Iterator[_LoggedCommit]:
        """Every commit of the log, oldest first, once git's walk has ended."""
        self._reader.join()
        if self._error is not None:
            raise self._error
        starts, ends = self._starts, array("q", self._starts[1:])
        ends.append(self._size)
        last = len(starts)  # the commits before it are still to replay
        while last:
            # Commits read back in spans of a few hundred KB, the span's newest first.
            first = last - 1
            while first and ends[last - 1] - starts[first - 1] <= _SPAN:
                first -= 1
            self._kept.seek(starts[first])
            span = self._kept.read(ends[last - 1] - starts[first])
            for at in range(last - 1, first - 1, -1):
                reader = _LogReader()
                piece = span[starts[at] - starts[first] : ends[at] - starts[first]]
                yield from reader.feed(piece.split(b"\0"))
                yield from reader.finish()
            last = first
        self._kept.close()

    def kill(self) -> None:
        """End git's walk at once (nobody will read it), and the thread reading it."""
        self.process.kill()
        self._reader.join()
        self._kept.close()

    def _read(self) -> None:
        scanner = _Scanner()
        try:
            output = self.process.stdout
            while chunk := output.read(_CHUNK):
                self._kept.write(chunk)
                self._size += len(chunk)
                self._found(scanner.feed(chunk))
            self._found(scanner.finish())
            self.process.handle.wait()  # raises GitCommandError if git failed
        except git.GitCommandError as error:
            self._error = _history_error(error)
        except (OSError, ValueError) as error:  # the pipe closed under us: killed
            self._error = HistoryError(f"git log stopped: {error}")
        finally:
            self._starts = scanner.starts
            with self._news:
                self._ended = True
                self._news.notify_all()

    def _found(self, adds: list[str]) -> None:
        if adds:
            with self._news:
                self._adds.extend(adds)
                self._news.notify_all()


class _Scanner:
    """Where each commit begins in the log's bytes, and which commits add a file.

    The same framing as `_LogReader`, by position alone: a header, then raw
    entries, each a ":modes shas STATUS" field and one path (two for a rename
    or copy). Nothing is parsed beyond what says which field is which.
    """

    def __init__(self) -> None:
        self.starts = array("q")
        self.offset = 0  # where `pending` begins in the log
        self.pending = b""  # a field cut by the end of a read
        self.paths_wanted = 0
        self.sha = b""
        self.adds = False

    def feed(self, chunk: bytes) -> list[str]:
        *fields, self.pending = (self.pending + chunk).split(b"\0")
        return self._fields(fields)

    def finish(self) -> list[str]:
        return [*self._fields([self.pending] if self.pending else []), *self._done()]

    def _fields(self, fields: list[bytes]) -> list[str]:
        found: list[str] = []
        offset = self.offset
        for field in fields:
            at, offset = offset, offset + len(field) + 1
            if self.paths_wanted:
                self.paths_wanted -= 1
                continue
            entry = field.lstrip(b"\n")
            if entry.startswith(b":"):
                self.paths_wanted = paths_after(entry)
                self.adds = self.adds or entry.rsplit(b" ", 1)[-1][:1] == b"A"
            elif entry:
                found.extend(self._done())
                self.starts.append(at)
                self.sha = entry.split(b" ", 1)[0]  # the hash, of any length
        self.offset = offset
        return found

    def _done(self) -> list[str]:
        """The commit just read, if it added a file."""
        sha, adds = self.sha, self.adds
        self.sha, self.adds = b"", False
        return [sha.decode("ascii", "replace")] if sha and adds else []


class _LogReader:
    """Turns `git log --raw -z` fields into commits, across reads that cut fields anywhere.

    A commit is its header field, then its raw entries: each a ":modes shas
    STATUS" field and its path (two for a rename or copy). Which field is which
    follows from position alone, so no byte of a path can pass for framing.
    """

    def __init__(self) -> None:
        self.header: bytes | None = None
        self.changes: list[FileChange] = []
        self.entry = b""
        self.paths: list[bytes] = []
        self.paths_wanted = 0

    def feed(self, fields: list[bytes]) -> list[_LoggedCommit]:
        done = []
        for field in fields:
            if self.paths_wanted:
                self.paths.append(field)
                self.paths_wanted -= 1
                if not self.paths_wanted and (change := _change(self.entry, self.paths)):
                    self.changes.append(change)
                continue
            field = field.lstrip(b"\n")
            if field.startswith(b":"):
                self.entry, self.paths = field, []
                self.paths_wanted = paths_after(field)
            elif field:
                done.extend(self.finish())
                self.header = field
        return done

    def finish(self) -> list[_LoggedCommit]:
        """The commit being read, now that the next one has begun (or the log has ended)."""
        if self.header is None:
            return []
        commit = _logged_commit(self.header, self.changes)
        self.header, self.changes = None, []
        return [commit]


def _logged_commit(header: bytes, changes: list[FileChange]) -> _LoggedCommit:
    sha, *parents = header.decode("ascii").split(" ")
    return _LoggedCommit(sha, tuple(parent for parent in parents if parent), tuple(changes))
