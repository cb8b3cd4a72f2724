"""History layer: an ADR folder's whole history, from a fixed number of git processes.

Reading a history costs a handful of git processes, whatever the number of
files or commits (log4brains runs one per file, and again per link):

1. **What changed** (`commits`): one `git log --raw -z -M` per place, read
   as git walks and replayed oldest first (history/log.py). It prints only
   hashes, never a message or a name: a commit message may hold any byte, so
   no byte of it may frame the stream.
2. **Where the folder has lived** (`discover`, from history/moves.py): the
   commits each walk finds adding files, diffed meanwhile; one to three more
   processes per place found, never per file or commit.
3. **Who, why and the text**: commit objects and blobs from one long-lived
   `git cat-file --batch`, each answer framed by its size; author names go
   through `.mailmap` in one long-lived `git check-mailmap --stdin`.

Renames are git's own detection within a commit (`-M`), never `--follow`, and
never git's copy detection when deciding what a decision is: it pairs a new ADR
with the template it was written from (see the indexer for the copy-then-delete rule).
"""

from __future__ import annotations

import codecs
import functools
import itertools
import os
import queue
import threading
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from pathlib import Path
from subprocess import PIPE

import git
from git.refs.symbolic import SymbolicReference

from adrsite.history.log import _Log, _LoggedCommit
from adrsite.history.moves import FolderMoves, Move, place_of
from adrsite.history.plumbing import (
    _REGULAR_FILES,
    ADDED,
    DELETED,
    MODIFIED,
    RENAMED,
    FileChange,
    HistoryError,
    _output_of,
    _path,
    _Process,
)

# What other modules import from here: the history's records, and its moves.
__all__ = [
    "ADDED",
    "DELETED",
    "MODIFIED",
    "RENAMED",
    "Commit",
    "FileChange",
    "GitHistory",
    "HistoryError",
    "Move",
    "place_of",
]

# Only fields that cannot carry a committer's bytes: hashes. Dates, names and
# messages come from the commit object. With -z, each header and path end with a NUL.
_FORMAT = "%H %P"
_REQUESTS_PER_WRITE = 1000  # 41 KB of requests: fits in a pipe (64 KB) while git answers
_COMMITS_PER_ROUND_TRIP = 32  # their objects fetched together: a few hundred KB at most
_READ_AHEAD = 4  # groups of commits (with their blobs) read ahead of the caller

# The arguments of a `commits(...)` whose log was started early: since, places, tips, full_history.
_LogKey = tuple[str | None, tuple[str, ...], tuple[str, ...], bool]
# What the read-ahead thread hands over: a group of commits with their blobs, the
# error that stopped it, or None at the end.
_ReadAhead = tuple[list["Commit"], dict[str, bytes]] | BaseException | None


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


class GitHistory(FolderMoves):
    """An ADR folder's history in one repository. Close it (or use `with`) to end git's helpers."""

    def __init__(self, path: Path, adr_dir: str, ref: str = "") -> None:
        try:
            self.repo = git.Repo(path)
        except (git.InvalidGitRepositoryError, git.NoSuchPathError):
            raise HistoryError(f"{path}: not a git repository") from None
        # What is read: HEAD, or `ref` (a branch of a bare mirror, `adr index --ref`)
        # pinned to its commit now, so a fetch meanwhile changes nothing of this read.
        self.ref = ref or "HEAD"
        self.tip = "HEAD" if not ref else _commit_of_ref(self.repo, ref)
        # Paths are names, never patterns: a file called "*.md" means itself.
        self.repo.git.update_environment(GIT_LITERAL_PATHSPECS="1")
        self.adr_dir = adr_dir.strip("/")
        self._cat_file: _Process | None = None  # started on first use
        self._cat_file_turn = threading.Lock()  # one round trip at a time (`blobs`)
        self._mailmap_turn = threading.Lock()
        self._mailmap: _Process | None = None
        self._mailmap_wanted: bool | None = None
        self._identities: dict[bytes, tuple[str, str]] = {}
        self._started_logs: dict[_LogKey, _Log] = {}

    def __enter__(self) -> GitHistory:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        for log in list(self._started_logs.values()):  # started, never read
            log.kill()
        self._started_logs.clear()
        for process in (self._cat_file, self._mailmap):
            if process is not None:
                process.kill()  # nothing to finish
        self._cat_file = self._mailmap = None
        self.repo.close()

    @property
    def head(self) -> str | None:
        """The commit HEAD (or the ref read) points at, or None in a repository with no commits."""
        if self.tip != "HEAD":
            return self.tip
        try:
            # Read from the ref files: `repo.head.commit` would start another git
            # process (`cat-file --batch-check`) only to check the object's type.
            return SymbolicReference.dereference_recursive(self.repo, "HEAD")
        except ValueError:
            return None

    @property
    def branch(self) -> str:
        """What is read, for people: the ref asked for, else the branch HEAD names."""
        if self.ref != "HEAD":
            return self.ref.removeprefix("refs/heads/")
        try:  # from the ref file, as `head`: no git process
            return str(self.repo.head.reference.name)
        except TypeError:  # detached
            return f"detached HEAD at {self.head[:7]}" if self.head else "HEAD"

    @property
    def shallow(self) -> bool:
        """A shallow clone hides the commits before its cut: history would be incomplete."""
        answer: str = self.repo.git.rev_parse("--is-shallow-repository")
        return answer.strip() == "true"

    def is_ancestor(self, sha: str) -> bool:
        """Whether `sha` still leads to HEAD (false after a force-push that dropped it)."""
        try:
            self.repo.git.merge_base("--is-ancestor", sha, self.tip)
        except git.GitCommandError:
            return False
        return True

    # --- what changed -----------------------------------------------------

    def commits(
        self, since: str | None = None, *, places: list[str] | None = None, tips: Iterable[str] = ()
    ) -> Iterator[Commit]:
        """Every commit that changed one of `places` (the ADR folder by default), oldest first.

        After `since` when given; from `tips` (their ancestors, themselves
        included) instead of HEAD when given.
        """
        stream = self._logged(since, places, tips)
        for group in itertools.batched(stream, _COMMITS_PER_ROUND_TRIP):
            yield from self._with_authors(group, self.blobs([c.sha for c in group]))

    def _logged(
        self,
        since: str | None,
        places: list[str] | None,
        tips: Iterable[str],
        full_history: bool = False,
    ) -> Generator[_LoggedCommit, None, None]:
        """The log's records, oldest first: hashes and changed paths, framed by NULs only."""
        if self.head is None:
            return
        key = _log_key(since, places, tips, full_history)
        log = self._started_logs.pop(key, None) or self._start_log(
            since, places, tips, full_history
        )
        finished = False
        try:
            yield from log.oldest_first()
            finished = True
        finally:
            if not finished:  # the reader stopped early (or git failed): no walk left behind
                log.kill()

    def commits_adding(
        self,
        since: str | None = None,
        *,
        places: list[str] | None = None,
        full_history: bool = False,
    ) -> Iterator[str]:
        """The commits that add a file to `places`, newest first, as git's walk finds them.

        They come from the log a later `commits(...)` with the same arguments
        reads (started now, if it is not yet): one walk serves both.
        """
        if self.head is None:
            return iter(())
        key = _log_key(since, places, (), full_history)
        if key not in self._started_logs:
            self._started_logs[key] = self._start_log(since, places, (), full_history)
        return self._started_logs[key].adding()

    def _start_log(
        self, since: str | None, places: list[str] | None, tips: Iterable[str], full_history: bool
    ) -> _Log:
        revisions = [f"{since}..{self.tip}"] if since else (sorted(set(tips)) or [self.tip])
        started = self.repo.git.log(
            "--root",
            *(["--full-history"] if full_history else []),
            "--raw",
            "-z",
            "-M",
            "--no-abbrev",
            "--no-color",
            "--no-show-signature",
            f"--format={_FORMAT}",
            *revisions,
            "--",
            *(places or [self.adr_dir]),
            as_process=True,
        )
        return _Log(_Process(started, "log"))

    def _with_authors(self, group: Iterable[_LoggedCommit], objects: list[bytes]) -> list[Commit]:
        return [
            self._commit_of(logged.sha, logged.parents, data, logged.changes)
            for logged, data in zip(group, objects, strict=True)
        ]

    def _commit_of(
        self, sha: str, parents: tuple[str, ...], data: bytes, changes: tuple[FileChange, ...]
    ) -> Commit:
        """A commit from its raw object: who (through .mailmap), when, and why."""
        author, committer, message = _commit_object(data)
        name, email = self._mapped(author)
        # A date that cannot be read (a hand-made object) borrows the other one's.
        committed_at = _ident_time(committer)
        authored_at = _ident_time(author) or committed_at or datetime.fromtimestamp(0, UTC)
        return Commit(
            sha=sha,
            parents=parents,
            author=name,
            author_email=email,
            authored_at=authored_at,
            committed_at=committed_at or authored_at,
            message=message,
            changes=changes,
        )

    def commits_with_blobs(
        self,
        since: str | None = None,
        *,
        wanted: Callable[[FileChange], bool],
        places: list[str] | None = None,
        tips: Iterable[str] = (),
        full_history: bool = False,
        on_blob: Callable[[FileChange, bytes], object] | None = None,
    ) -> ReadingAhead:
        """`commits(...)`, each with a blob -> bytes mapping that holds its `wanted` changes.

        A thread reads ahead, from the moment this is called: it takes the log
        and fetches commit objects and blobs while the caller works on earlier
        commits, so git's answers and the caller's parsing overlap instead of
        taking turns (waiting on a pipe releases the GIL). It fetches the objects
        of several commits in one round trip, and the queue between the two is
        bounded: memory stays flat, whatever the history's length. Several may
        read at once: they take turns on `cat-file` and `check-mailmap`, a round
        trip at a time.

        `on_blob` is called in that thread with each wanted change and its bytes,
        before the caller sees the commit: the caller's own reading of the bytes
        can run there, while the caller's thread waits on its database.
        """

        def read(put: Callable[[_ReadAhead], bool]) -> None:
            stream = self._logged(since, places, tips, full_history)
            try:
                for group in itertools.batched(stream, _COMMITS_PER_ROUND_TRIP):
                    changes = [
                        change
                        for commit in group
                        for change in commit.changes
                        if change.status != DELETED and wanted(change)
                    ]
                    shas = [change.blob for change in changes]
                    found = self.blobs([*(commit.sha for commit in group), *shas])
                    commits = self._with_authors(group, found[: len(group)])
                    if on_blob is not None:
                        for change, data in zip(changes, found[len(group) :], strict=True):
                            on_blob(change, data)
                    if not put((commits, dict(zip(shas, found[len(group) :], strict=True)))):
                        return
                put(None)
            except BaseException as error:  # raised again in the caller's thread
                put(error)
            finally:
                stream.close()  # stops `git log` if the caller stopped early

        return ReadingAhead(read)

    # --- objects ----------------------------------------------------------

    def blob(self, sha: str) -> bytes:
        """An object's bytes, through the one long-lived `git cat-file --batch`."""
        return self.blobs([sha])[0]

    def blobs(self, shas: list[str]) -> list[bytes]:
        """Several objects in one round trip: every request written, then every answer read.

        The requests of one call are small enough (41 bytes each, in chunks) to
        sit in the pipe while git answers, so writing never waits on reading.
        Each answer is framed by the size git states, never by its content.
        Threads take turns: one round trip at a time.
        """
        with self._cat_file_turn:
            return self._round_trip(shas)

    def _round_trip(self, shas: list[str]) -> list[bytes]:
        if self._cat_file is None:
            self._cat_file = _Process(
                self.repo.git.cat_file("--batch", as_process=True, istream=PIPE), "cat-file"
            )
        process = self._cat_file
        requests, answers = process.stdin, process.stdout
        found = []
        for at in range(0, len(shas), _REQUESTS_PER_WRITE):
            chunk = shas[at : at + _REQUESTS_PER_WRITE]
            requests.write("".join(f"{sha}\n" for sha in chunk).encode())
            requests.flush()
            for sha in chunk:
                header = answers.readline().split()
                if len(header) != 3:
                    # Its other answers are left unread: a process that cannot go on.
                    self._cat_file = None
                    process.kill()
                    raise HistoryError(f"git cat-file: {sha} is missing from the repository")
                found.append(answers.read(int(header[2])))
                answers.read(1)  # the newline after each object
        return found

    def commit(self, sha: str, data: bytes | None = None) -> Commit:
        """One commit, with no changes, from its object (`data`, or read now)."""
        data = self.blob(sha) if data is None else data
        header = data.partition(b"\n\n")[0].split(b"\n")
        parents = tuple(
            line.split(b" ", 1)[1].decode("ascii", "replace")
            for line in header
            if line.startswith(b"parent ")
        )
        return self._commit_of(sha, parents, data, ())

    def files_at_head(self) -> dict[str, str]:
        """Path -> blob of every file in the ADR folder at HEAD (one `git ls-tree`)."""
        if self.head is None:
            return {}
        process = _Process(
            self.repo.git.ls_tree(
                "-r", "-z", "--full-tree", self.tip, "--", self.adr_dir, as_process=True
            ),
            "ls-tree",
        )
        listing = _output_of(process)
        files = {}
        for entry in listing.split(b"\0"):
            if entry:
                meta, path = entry.split(b"\t", 1)
                mode, _, sha = meta.decode().split(" ")
                if mode in _REGULAR_FILES:
                    files[_path(path)] = sha
        return files

    def files_changed_since(self, since: str) -> dict[str, str | None]:
        """Path -> blob at the tip read (HEAD or the ref; None: gone) of each file in the ADR
        folder that differs from `since`: what an incremental index must look at again (one
        `git diff-tree`).

        A symbolic link or submodule at the tip counts as gone, as `files_at_head` leaves it out.
        """
        if self.head is None:
            return {}
        process = _Process(
            self.repo.git.diff_tree(
                "-r", "-z", "--no-renames", "--no-abbrev", since, self.tip, "--", self.adr_dir,
                as_process=True,
            ),
            "diff-tree",
        )  # fmt: skip
        fields = _output_of(process).split(b"\0")
        changed: dict[str, str | None] = {}
        for meta, path in zip(fields[0::2], fields[1::2], strict=False):
            _, mode, _, sha, _ = meta.lstrip(b":").decode().split(" ")
            changed[_path(path)] = sha if mode in _REGULAR_FILES else None
        return changed

    # --- authors through .mailmap -----------------------------------------

    def _mapped(self, ident: bytes) -> tuple[str, str]:
        """(name, email) of an author line's identity, through `.mailmap` when there is one."""
        if ident not in self._identities:
            self._identities[ident] = self._map(ident)
        return self._identities[ident]

    def _map(self, ident: bytes) -> tuple[str, str]:
        name, email = _split_ident(ident)
        # check-mailmap reads a line per identity and dies on one it cannot parse:
        # only plain identities are asked; others keep their name as written.
        plain = all(32 <= byte != 127 and byte not in b"<>" for byte in name + email)
        if not plain or not self._has_mailmap():
            return _text(name), _text(email)
        with self._mailmap_turn:  # threads take turns: started once, one question at a time
            if self._mailmap is None:
                self._mailmap = _Process(
                    self.repo.git.check_mailmap("--stdin", as_process=True, istream=PIPE),
                    "check-mailmap",
                )
            process = self._mailmap
            try:
                process.stdin.write(name + b" <" + email + b">\n")
                process.stdin.flush()
                answer = process.stdout.readline().rstrip(b"\n")
            except (BrokenPipeError, OSError):
                answer = b""
        if not answer.endswith(b">") or b"<" not in answer:
            return _text(name), _text(email)
        mapped_name, mapped_email = _split_ident(answer + b" 0 +0000")
        return _text(mapped_name), _text(mapped_email)

    def _has_mailmap(self) -> bool:
        """Whether a mailmap applies: a `.mailmap` file, or git configuration naming one."""
        if self._mailmap_wanted is None:
            tree = self.repo.working_tree_dir
            configured = self.repo.config_reader()
            self._mailmap_wanted = (
                (tree is not None and os.path.isfile(os.path.join(tree, ".mailmap")))
                or tree is None  # a bare mirror reads HEAD:.mailmap
                or configured.has_option("mailmap", "file")
                or configured.has_option("mailmap", "blob")
            )
        return self._mailmap_wanted


class ReadingAhead:
    """The (commit, blobs) pairs of `commits_with_blobs`, read ahead by a thread of their own.

    The thread starts at once. `close` stops it (and its `git log`) early;
    reading to the end, or an error, closes it too; so does dropping it.
    """

    def __init__(self, read: Callable[[Callable[[_ReadAhead], bool]], None]) -> None:
        ahead = self._ahead = queue.Queue[_ReadAhead](maxsize=_READ_AHEAD)
        stop = self._stop = threading.Event()

        # The thread holds the queue and the event, never this object: one dropped unclosed
        # is collected, and `__del__` stops its thread.
        def put(item: _ReadAhead) -> bool:
            while not stop.is_set():
                try:
                    ahead.put(item, timeout=0.1)
                    return True
                except queue.Full:
                    continue
            return False  # the caller stopped early: nobody will read it

        self._group: Iterator[tuple[Commit, dict[str, bytes]]] = iter(())
        self._closed = False
        self._reader = threading.Thread(
            target=read, args=(put,), name="adrsite-history-read-ahead", daemon=True
        )
        self._reader.start()

    def __del__(self) -> None:
        self._stop.set()  # dropped without `close`: its thread ends at its next hand-over

    def __iter__(self) -> ReadingAhead:
        return self

    def __next__(self) -> tuple[Commit, dict[str, bytes]]:
        while (pair := next(self._group, None)) is None:
            item = None if self._closed else self._ahead.get()
            if item is None or isinstance(item, BaseException):
                self.close()
                if item is None:
                    raise StopIteration
                raise item
            commits, contents = item
            self._group = ((commit, contents) for commit in commits)
        return pair

    def close(self) -> None:
        self._closed = True
        self._stop.set()
        self._reader.join()


def _commit_of_ref(repo: git.Repo, ref: str) -> str:
    """The commit a branch, tag or commit names; HistoryError naming it when it names none."""
    if ref.startswith("-"):
        raise HistoryError(f"{ref}: no such branch, tag or commit")
    try:
        commit: str = repo.git.rev_parse("--verify", "--quiet", f"{ref}^{{commit}}")
    except git.GitCommandError:
        raise HistoryError(f"{ref}: no such branch, tag or commit") from None
    return commit.strip()


def _log_key(
    since: str | None, places: list[str] | None, tips: Iterable[str], full_history: bool
) -> _LogKey:
    return since, tuple(places or ()), tuple(sorted(set(tips))), full_history


def _commit_object(data: bytes) -> tuple[bytes, bytes, str]:
    """(author, committer, message) of a raw commit object, decoded as its `encoding` says.

    Identities are "Name <email> 1700000000 +0000", as written; where a header
    repeats, the first is the one git reads.
    """
    header, _, message = data.partition(b"\n\n")
    author, committer, encoding = b"", b"", "utf-8"
    for line in header.split(b"\n"):
        if line.startswith(b"author ") and not author:
            author = line[len(b"author ") :]
        elif line.startswith(b"committer ") and not committer:
            committer = line[len(b"committer ") :]
        elif line.startswith(b"encoding "):
            try:
                encoding = codecs.lookup(line[len(b"encoding ") :].decode("ascii")).name
            except (LookupError, UnicodeDecodeError):
                encoding = "utf-8"
    if encoding != "utf-8":  # a legacy encoding: names and message are in it
        try:
            author = author.decode(encoding).encode("utf-8", errors="replace")
            message = message.decode(encoding).encode("utf-8", errors="replace")
        except (UnicodeDecodeError, LookupError):
            pass
    return author, committer, _text(message).strip()


def _ident_time(ident: bytes) -> datetime | None:
    """The time of "Name <email> 1700000000 +0130": None when there is none to read.

    A zone git itself could not have written (`+9999`) is read as UTC.
    """
    when = ident[ident.rfind(b">") + 1 :].split()
    try:
        return datetime.fromtimestamp(int(when[0]), _zone(when[1] if len(when) > 1 else b""))
    except (IndexError, ValueError, OverflowError, OSError):
        return None


@functools.lru_cache(maxsize=256)  # a history has a handful of zones, met on every commit
def _zone(text: bytes) -> tzinfo:
    if len(text) == 5 and text[:1] in (b"+", b"-") and text[1:].isdigit() and int(text[1:3]) < 24:
        offset = timedelta(hours=int(text[1:3]), minutes=int(text[3:5]))
        return timezone(-offset if text[:1] == b"-" else offset)
    return UTC


def _split_ident(ident: bytes) -> tuple[bytes, bytes]:
    """(name, email) of "Name <email> 1700000000 +0000", as git reads it: from the first '<'
    to the first '>' after it."""
    opening = ident.find(b"<")
    closing = ident.find(b">", opening + 1) if opening >= 0 else -1
    if opening < 0 or closing < opening:
        return ident.rsplit(b" ", 2)[0].strip(), b""
    return ident[:opening].strip(), ident[opening + 1 : closing].strip()


def _text(raw: bytes) -> str:
    """Bytes a committer wrote, as text: invalid UTF-8 replaced, NUL (no database keeps it) too."""
    return raw.decode("utf-8", errors="replace").replace("\0", "\ufffd")
