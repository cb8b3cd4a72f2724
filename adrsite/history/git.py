"""History layer: stream ADR commits from one `git log`, read blobs through one `cat-file`.

Whatever the number of files or commits, reading a history costs two git
processes: `git log --raw -z -M` over the ADR folder (and the usual places it
may have lived before it moved), streamed oldest first, and one long-lived
`git cat-file --batch` that GitPython keeps open for blob contents. Never a
process per file or per commit (log4brains runs one per file, and again per link).

Authors are read through `.mailmap` (`%aN`, `%aE`). Renames are git's own
detection within a commit (`-M`), never `--follow`, which links a new ADR to an
older one that shares its template.
"""

from __future__ import annotations

import itertools
import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from subprocess import PIPE

import git
from git.refs.symbolic import SymbolicReference

from adrsite.records.folder import USUAL_DIRS

ADDED, MODIFIED, RENAMED, DELETED = "added", "modified", "renamed", "deleted"
_STATUS = {"A": ADDED, "M": MODIFIED, "T": MODIFIED, "R": RENAMED, "D": DELETED}
_REGULAR_FILES = {"100644", "100755"}  # not symlinks (120000) nor submodules (160000)
_NO_BLOB = "0" * 40

# One record per commit: \x01 then header fields split by \x02, ended by \x03;
# `-z` then lists the changed paths NUL-separated.
_FORMAT = "%x01%H%x02%P%x02%aN%x02%aE%x02%aI%x02%cI%x02%B%x03"
_CHUNK = 1 << 16
_REQUESTS_PER_WRITE = 1000  # 41 KB of requests: fits in a pipe (64 KB) while git answers
_COMMITS_PER_ROUND_TRIP = 32  # their blobs fetched together: a few hundred KB at most
_READ_AHEAD = 4  # groups of commits (with their blobs) read ahead of the caller
_END = object()


class HistoryError(Exception):
    """The repository cannot be read; the message is for the user."""


@dataclass(frozen=True, slots=True)
class FileChange:
    """One ADR file changed by one commit."""

    status: str  # ADDED, MODIFIED, RENAMED or DELETED
    path: str  # after the commit; for DELETED, the path it had
    old_path: str  # before a rename, else ""
    blob: str  # the content after the commit; for DELETED, the content before it
    similarity: int = 100  # git's rename similarity, in percent


@dataclass(frozen=True, slots=True)
class Commit:
    sha: str
    parents: tuple[str, ...]
    author: str  # the name, through .mailmap
    author_email: str
    authored_at: datetime
    committed_at: datetime
    message: str
    changes: tuple[FileChange, ...]


class GitHistory:
    """An ADR folder's history in one repository. Close it (or use `with`) to end `cat-file`."""

    def __init__(self, path: Path, adr_dir: str) -> None:
        try:
            self.repo = git.Repo(path)
        except (git.InvalidGitRepositoryError, git.NoSuchPathError):
            raise HistoryError(f"{path}: not a git repository") from None
        self.adr_dir = adr_dir.strip("/")
        # Where the folder may have lived before it moved (doc/adr -> docs/adr):
        # history from there belongs to the same decisions when a rename links them.
        self.pathspecs = [self.adr_dir, *(d for d in USUAL_DIRS if d != self.adr_dir)]
        self._cat_file: git.cmd.Git.AutoInterrupt | None = None  # started on first use

    def __enter__(self) -> GitHistory:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        if self._cat_file is not None:
            self._cat_file.proc.stdin.close()
            self._cat_file.proc.wait()
            self._cat_file = None
        self.repo.close()

    @property
    def head(self) -> str | None:
        """The commit HEAD points at, or None in a repository with no commits."""
        try:
            # Read from the ref files: `repo.head.commit` would start a third git
            # process (`cat-file --batch-check`) only to check the object's type.
            return SymbolicReference.dereference_recursive(self.repo, "HEAD")
        except ValueError:
            return None

    @property
    def shallow(self) -> bool:
        """A shallow clone hides the commits before its cut: history would be incomplete."""
        return self.repo.git.rev_parse("--is-shallow-repository").strip() == "true"

    def is_ancestor(self, sha: str) -> bool:
        """Whether `sha` still leads to HEAD (false after a force-push that dropped it)."""
        try:
            self.repo.git.merge_base("--is-ancestor", sha, "HEAD")
        except git.GitCommandError:
            return False
        return True

    def commits(self, since: str | None = None) -> Iterator[Commit]:
        """Every commit that changed the ADR folder, oldest first; after `since` when given."""
        if self.head is None:
            return
        revisions = [f"{since}..HEAD"] if since else ["HEAD"]
        process = self.repo.git.log(
            "--reverse",
            "--raw",
            "-z",
            "-M",
            "--no-abbrev",
            "--no-color",
            f"--format={_FORMAT}",
            *revisions,
            "--",
            *self.pathspecs,
            as_process=True,
        )
        buffer, finished = b"", False
        try:
            while chunk := process.proc.stdout.read(_CHUNK):
                buffer += chunk
                *complete, buffer = buffer.split(b"\x01")
                yield from (_commit(record) for record in complete if record)
            if buffer:
                yield _commit(buffer)
            finished = True
        finally:
            if finished:
                process.wait()  # raises GitCommandError if git failed
            else:  # the reader stopped early
                process.proc.kill()
                process.proc.wait()

    def commits_with_blobs(
        self, since: str | None = None, *, wanted: Callable[[FileChange], bool]
    ) -> Iterator[tuple[Commit, dict[str, bytes]]]:
        """`commits(since)`, each with a blob -> bytes mapping that holds its `wanted` changes.

        A thread reads ahead: it streams the log and fetches blobs while the
        caller works on earlier commits, so git's answers and the caller's
        parsing overlap instead of taking turns (waiting on a pipe releases the
        GIL). It fetches the blobs of several commits in one round trip, and the
        queue between the two is bounded: memory stays flat, whatever the
        history's length. While this runs, the thread owns `cat-file`.
        """
        ahead: queue.Queue[object] = queue.Queue(maxsize=_READ_AHEAD)
        stop = threading.Event()

        def put(item: object) -> bool:
            while not stop.is_set():
                try:
                    ahead.put(item, timeout=0.1)
                    return True
                except queue.Full:
                    continue
            return False  # the caller stopped early: nobody will read it

        def read() -> None:
            stream = self.commits(since)
            try:
                for group in itertools.batched(stream, _COMMITS_PER_ROUND_TRIP):
                    shas = [
                        change.blob
                        for commit in group
                        for change in commit.changes
                        if change.status != DELETED and wanted(change)
                    ]
                    contents = dict(zip(shas, self.blobs(shas), strict=True))
                    if not put((group, contents)):
                        return
                put(_END)
            except BaseException as error:  # raised again in the caller's thread
                put(error)
            finally:
                stream.close()  # stops `git log` if the caller stopped early

        reader = threading.Thread(target=read, name="adrsite-history-read-ahead", daemon=True)
        reader.start()
        try:
            while (item := ahead.get()) is not _END:
                if isinstance(item, BaseException):
                    raise item
                group, contents = item  # type: ignore[misc]
                for commit in group:
                    yield commit, contents
        finally:
            stop.set()
            reader.join()

    def blob(self, sha: str) -> bytes:
        """A blob's bytes, through the one long-lived `git cat-file --batch`."""
        return self.blobs([sha])[0]

    def blobs(self, shas: list[str]) -> list[bytes]:
        """Several blobs in one round trip: every request written, then every answer read.

        The requests of one call are small enough (41 bytes each, in chunks) to
        sit in the pipe while git answers, so writing never waits on reading.
        """
        if self._cat_file is None:
            self._cat_file = self.repo.git.cat_file("--batch", as_process=True, istream=PIPE)
        process = self._cat_file.proc
        found = []
        for at in range(0, len(shas), _REQUESTS_PER_WRITE):
            chunk = shas[at : at + _REQUESTS_PER_WRITE]
            process.stdin.write("".join(f"{sha}\n" for sha in chunk).encode())
            process.stdin.flush()
            for sha in chunk:
                header = process.stdout.readline().split()
                if len(header) != 3:
                    raise HistoryError(f"git cat-file: {sha} is missing from the repository")
                found.append(process.stdout.read(int(header[2])))
                process.stdout.read(1)  # the newline after each object
        return found

    def files_at_head(self) -> dict[str, str]:
        """Path -> blob of every file in the ADR folder at HEAD (one `git ls-tree`)."""
        if self.head is None:
            return {}
        listing = self.repo.git.ls_tree("-r", "-z", "--full-tree", "HEAD", "--", self.adr_dir)
        files = {}
        for entry in listing.split("\0"):
            if entry:
                meta, path = entry.split("\t", 1)
                mode, _, sha = meta.split(" ")
                if mode in _REGULAR_FILES:
                    files[path] = sha
        return files


def _commit(record: bytes) -> Commit:
    header, _, raw = record.partition(b"\x03")
    sha, parents, author, email, authored, committed, message = header.decode(
        "utf-8", errors="replace"
    ).split("\x02", 6)
    return Commit(
        sha=sha,
        parents=tuple(parents.split()),
        author=author,
        author_email=email,
        authored_at=datetime.fromisoformat(authored),
        committed_at=datetime.fromisoformat(committed),
        message=message.strip(),
        changes=tuple(_changes(raw)),
    )


def _changes(raw: bytes) -> Iterator[FileChange]:
    """Parse `--raw -z` entries: ":old_mode new_mode old_sha new_sha STATUS\\0path\\0[path\\0]"."""
    fields = raw.lstrip(b"\0\n").split(b"\0")
    index = 0
    while index < len(fields) and fields[index].startswith(b":"):
        old_mode, new_mode, old_sha, new_sha, status = fields[index][1:].decode().split(" ")
        paths = fields[index + 1 : index + (3 if status[0] in "RC" else 2)]
        index += 1 + len(paths)
        names = [path.decode("utf-8", errors="surrogateescape") for path in paths]
        kind = _STATUS.get(status[0])
        mode = old_mode if kind == DELETED else new_mode
        if kind is None or mode not in _REGULAR_FILES:
            continue
        if kind == RENAMED:
            yield FileChange(RENAMED, names[1], names[0], new_sha, int(status[1:] or 100))
        elif kind == DELETED:
            yield FileChange(DELETED, names[0], "", old_sha)
        else:
            yield FileChange(kind, names[0], "", new_sha if new_sha != _NO_BLOB else old_sha)
