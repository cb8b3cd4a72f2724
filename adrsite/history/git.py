"""History layer: an ADR folder's whole history, from a fixed number of git processes.

Reading a history costs a handful of git processes, whatever the number of
files or commits (log4brains runs one per file, and again per link):

1. **Where the folder has lived** (`locations`). A path-limited log sees a
   move into the folder only as an add; the source shows when the commits that
   add files to the folder are diffed without a pathspec. So: one `git log` for
   the commits that add files, one `git diff-tree --stdin -M` over just those
   commits (and, for commits that add several files whose source still
   exists, a folder copied, one more with copy detection). Each newly found
   place takes the same two or three processes: the count grows with the moves
   found, never with files or commits.
2. **What changed** (`commits`): one `git log --raw -z -M` over every place at
   once, oldest first. It prints only hashes and dates, never a message or a
   name: a commit message may hold any byte, so no byte of it may frame the
   stream.
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
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from pathlib import Path
from subprocess import PIPE, Popen
from typing import IO

import git
from git.refs.symbolic import SymbolicReference

ADDED, MODIFIED, RENAMED, DELETED = "added", "modified", "renamed", "deleted"
COPIED = "copied"  # only from `moves_into`
_STATUS = {"A": ADDED, "M": MODIFIED, "T": MODIFIED, "R": RENAMED, "D": DELETED}
_REGULAR_FILES = {"100644", "100755"}  # not symlinks (120000) nor submodules (160000)
_NO_BLOB = "0" * 40

# Only fields that cannot carry a committer's bytes: hashes. Dates, names and
# messages come from the commit object. With -z, each header and path end with a NUL.
_FORMAT = "%H %P"
_CHUNK = 1 << 16
_REQUESTS_PER_WRITE = 1000  # 41 KB of requests: fits in a pipe (64 KB) while git answers
_COMMITS_PER_ROUND_TRIP = 32  # their objects fetched together: a few hundred KB at most
_READ_AHEAD = 4  # groups of commits (with their blobs) read ahead of the caller

# The arguments of a `commits(...)` whose log was started early: since, places, tips, full_history.
_LogKey = tuple[str | None, tuple[str, ...], tuple[str, ...], bool]
# What the read-ahead thread hands over: a group of commits with their blobs, the
# error that stopped it, or None at the end.
_ReadAhead = tuple[list["Commit"], dict[str, bytes]] | BaseException | None


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


@dataclass(frozen=True, slots=True)
class Move:
    """A file moved (or, `copy`, copied whole) into the places read from somewhere else."""

    commit: str
    source: str
    target: str
    source_blob: str  # the source's content as it was moved or copied
    copy: bool
    # For a copy: the commit that later deleted its source unedited, when one did.
    # The copy was then a move, in two commits.
    source_deleted_in: str = ""


@dataclass(frozen=True, slots=True)
class _LoggedCommit:
    """What the log says of a commit; who, when and why come from its object."""

    sha: str
    parents: tuple[str, ...]
    changes: tuple[FileChange, ...]


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


class GitHistory:
    """An ADR folder's history in one repository. Close it (or use `with`) to end git's helpers."""

    def __init__(self, path: Path, adr_dir: str) -> None:
        try:
            self.repo = git.Repo(path)
        except (git.InvalidGitRepositoryError, git.NoSuchPathError):
            raise HistoryError(f"{path}: not a git repository") from None
        # Paths are names, never patterns: a file called "*.md" means itself.
        self.repo.git.update_environment(GIT_LITERAL_PATHSPECS="1")
        self.adr_dir = adr_dir.strip("/")
        self._cat_file: _Process | None = None  # started on first use
        self._mailmap: _Process | None = None
        self._mailmap_wanted: bool | None = None
        self._identities: dict[bytes, tuple[str, str]] = {}
        self._started_logs: dict[_LogKey, _Process] = {}

    def __enter__(self) -> GitHistory:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        for log in self._started_logs.values():  # started, never read
            log.kill()
        self._started_logs.clear()
        for process in (self._cat_file, self._mailmap):
            if process is not None:
                process.kill()  # nothing to finish
        self._cat_file = self._mailmap = None
        self.repo.close()

    @property
    def head(self) -> str | None:
        """The commit HEAD points at, or None in a repository with no commits."""
        try:
            # Read from the ref files: `repo.head.commit` would start another git
            # process (`cat-file --batch-check`) only to check the object's type.
            return SymbolicReference.dereference_recursive(self.repo, "HEAD")
        except ValueError:
            return None

    @property
    def shallow(self) -> bool:
        """A shallow clone hides the commits before its cut: history would be incomplete."""
        answer: str = self.repo.git.rev_parse("--is-shallow-repository")
        return answer.strip() == "true"

    def is_ancestor(self, sha: str) -> bool:
        """Whether `sha` still leads to HEAD (false after a force-push that dropped it)."""
        try:
            self.repo.git.merge_base("--is-ancestor", sha, "HEAD")
        except git.GitCommandError:
            return False
        return True

    # --- where the folder has lived ---------------------------------------

    def discover(
        self, known: list[str], since: str | None = None, adding: Iterable[str] | None = None
    ) -> Iterator[tuple[list[Move], list[str]]]:
        """Round by round, the moves into the places so far and the places they came from.

        The first round looks at `known` places; each later one at the places
        the round before found, back through every move. A round costs two git
        processes (three when the commit that first put files in a place added
        several: a folder copied): the commits that add files, then those
        commits diffed; given `adding` (oldest first, possibly still arriving),
        the first round skips the log. With `since`, only moves after that
        commit, in one round.
        """
        places, frontier = list(known), list(known)
        # Where the walk for a round's adds starts: HEAD for the known places; for
        # places found since, the commits that moved files out of them. A file
        # that moved on from a place was in it in that commit's parent, so every
        # add that brought it there is an ancestor: the walk skips the history
        # newer than the last move out, most of it for the oldest places.
        revisions = [f"{since}..HEAD"] if since else ["HEAD"]
        while frontier and self.head is not None:
            if adding is None:
                try:
                    logged: str = self.repo.git.log(
                        "--root", "--no-renames", "--diff-filter=A", "--format=%H",
                        *revisions, "--", *frontier,
                    )  # fmt: skip
                except git.GitCommandError as error:
                    raise _history_error(error) from None
                adding = logged.split()[::-1]  # oldest first
            moves, new = self._copies_confirmed(self.moves_into(adding, frontier)), []
            for move in moves:
                if place_of(move.source, places) is None:
                    new.append(origin(move, place_of(move.target, frontier) or "", places))
                    places.append(new[-1])
            yield moves, new
            frontier, adding = ([] if since else new), None
            revisions = sorted({move.commit for move in moves if place_of(move.source, new)})

    def _copies_confirmed(self, moves: list[Move]) -> list[Move]:
        """`moves`, each copy marked with the commit that deleted its source unedited, if any.

        One log of the deletes of the copies' sources (on every branch, to the
        end): a copy whose source goes later, as it was copied, was a move.
        """
        copies = {move.source: move for move in moves if move.copy}
        if not copies:
            return moves
        # A delete that counts comes after its copy: with one copying commit (a
        # folder copied whole), the history before it is not walked.
        copying = {move.commit for move in copies.values()}
        after = [f"^{commit}" for commit in copying] if len(copying) == 1 else []
        process = _Process(self.repo.git.log(
            "--full-history", "--no-renames", "--diff-filter=D", "--raw", "-z", "--no-abbrev",
            # Their folders, not the files: a thousand pathspecs slow git's walk down.
            "--format=%H", "HEAD", *after, "--", *sorted({_folder(path) for path in copies}),
            as_process=True,
        ), "log")  # fmt: skip
        output = _output_of(process)
        deleted: dict[str, str] = {}  # source -> the commit that deleted it unedited
        fields, commit, index = output.split(b"\0"), "", 0
        while index < len(fields):
            field = fields[index].strip(b"\n")
            index += 1
            if not field.startswith(b":"):
                commit = field.decode("ascii", "replace")
                continue
            path = _path(fields[index]) if index < len(fields) else ""
            index += 1
            old_blob = field.split(b" ")[2].decode("ascii", "replace")
            move = copies.get(path)
            # Oldest last in git's order: the first delete after the copy wins.
            if move is not None and old_blob == move.source_blob:
                deleted[path] = commit
        return [
            replace(move, source_deleted_in=deleted.get(move.source, "")) if move.copy else move
            for move in moves
        ]

    def moves_into(self, commits: Iterable[str], places: list[str]) -> list[Move]:
        """The files `commits` (oldest first) moved, or copied whole, into `places` from elsewhere.

        A path-limited log sees a move into the folder only as an add: the
        source shows when those commits are diffed without a pathspec, in one
        `git diff-tree --stdin -M`. A folder copied to a new place, its old one
        deleted later, shows only with copy detection, which reads a commit's
        whole tree: it is asked only of the commit that first put files in
        each place, when that commit added several. Whether a copy was a move
        is the caller's call (its source deleted unedited), never git's: copy
        detection pairs new ADRs with the template they were written from.
        """
        found: list[Move] = []
        started: set[str] = set()  # places that already had files
        copied_folders = []
        for sha, changes in self._diff_tree(commits, "-M"):
            adds: dict[str, int] = {}  # place -> files added there, not moved in
            for change in changes:
                place = place_of(change.path, places)
                if place is None or change.status not in (ADDED, RENAMED):
                    continue
                if change.status == ADDED:
                    adds[place] = adds.get(place, 0) + 1
                elif place_of(change.old_path, places) is None:
                    found.append(Move(sha, change.old_path, change.path, change.old_blob, False))
            if any(count > 1 and place not in started for place, count in adds.items()):
                copied_folders.append(sha)
            started.update(adds)
            started.update(p for c in changes if (p := place_of(c.path, places)))
        for sha, changes in self._diff_tree(copied_folders, "-C", "--find-copies-harder"):
            for change in changes:
                if (
                    change.status == COPIED
                    and change.similarity >= 90
                    and place_of(change.path, places) is not None
                    and place_of(change.old_path, places) is None
                ):
                    found.append(Move(sha, change.old_path, change.path, change.old_blob, True))
        return found

    def _diff_tree(
        self, commits: Iterable[str], *options: str
    ) -> Iterator[tuple[str, list[FileChange]]]:
        """(commit, changes) for each of `commits`, from one `git diff-tree --stdin`.

        `commits` may arrive slowly (another pass finding them): each is handed
        to git as it comes, and a thread drains git's answers meanwhile, so the
        diffs are ready when the last commit is.
        """
        commits = iter(commits)
        first = next(commits, None)
        if first is None:
            return
        process = _Process(
            self.repo.git.diff_tree(
                "--stdin",
                "--root",
                "-r",
                "-z",
                "--no-abbrev",
                *options,
                istream=PIPE,
                as_process=True,
            ),
            "diff-tree",
        )
        requests, output = process.stdin, process.stdout
        answers: list[bytes] = []
        drain = threading.Thread(
            target=lambda: answers.append(output.read()), name="adrsite-diff-tree"
        )
        drain.start()
        try:
            for sha in itertools.chain([first], commits):
                requests.write(f"{sha}\n".encode())
                requests.flush()
        finally:
            requests.close()
            drain.join()
            process.popen.wait()
        if process.popen.returncode:
            raise HistoryError(f"git diff-tree failed (exit {process.popen.returncode})")
        fields = answers[0].split(b"\0")
        index = 0
        while index < len(fields):
            sha = fields[index].strip(b"\n").decode()
            index += 1
            if not sha:
                continue
            changes, index = _read_changes(fields, index, keep_copies=True)
            yield sha, changes

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
        """The log's records: hashes, dates and changed paths, framed by NULs only."""
        if self.head is None:
            return
        key = _log_key(since, places, tips, full_history)
        process = self._started_logs.pop(key, None)
        process = process or self._start_log(since, places, tips, full_history)
        reader, buffer, finished = _LogReader(), b"", False
        try:
            output = process.stdout
            while chunk := output.read(_CHUNK):
                *fields, buffer = (buffer + chunk).split(b"\0")
                yield from reader.feed(fields)
            yield from reader.feed([buffer] if buffer else [])
            yield from reader.finish()
            finished = True
        except git.GitCommandError as error:
            raise _history_error(error) from None
        finally:
            if finished:
                try:
                    process.handle.wait()  # raises GitCommandError if git failed
                except git.GitCommandError as error:
                    raise _history_error(error) from None
            else:  # the reader stopped early
                process.kill()

    def start_log(
        self,
        since: str | None = None,
        *,
        places: list[str] | None = None,
        tips: Iterable[str] = (),
        full_history: bool = False,
    ) -> None:
        """Start git's walk for a later `commits(...)` with the same arguments, which takes it.

        With `--reverse`, git walks the whole history before its first line:
        started early, that wait overlaps other work.
        """
        if self.head is not None:
            key = _log_key(since, places, tips, full_history)
            self._started_logs[key] = self._start_log(since, places, tips, full_history)

    def _start_log(
        self, since: str | None, places: list[str] | None, tips: Iterable[str], full_history: bool
    ) -> _Process:
        revisions = [f"{since}..HEAD"] if since else (sorted(set(tips)) or ["HEAD"])
        started = self.repo.git.log(
            "--reverse",
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
        return _Process(started, "log")

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
    ) -> Generator[tuple[Commit, dict[str, bytes]], None, None]:
        """`commits(...)`, each with a blob -> bytes mapping that holds its `wanted` changes.

        A thread reads ahead: it streams the log and fetches commit objects and
        blobs while the caller works on earlier commits, so git's answers and the
        caller's parsing overlap instead of taking turns (waiting on a pipe
        releases the GIL). It fetches the objects of several commits in one
        round trip, and the queue between the two is bounded: memory stays
        flat, whatever the history's length. While this runs, the thread owns
        `cat-file` and `check-mailmap`.
        """
        ahead: queue.Queue[_ReadAhead] = queue.Queue(maxsize=_READ_AHEAD)
        stop = threading.Event()

        def put(item: _ReadAhead) -> bool:
            while not stop.is_set():
                try:
                    ahead.put(item, timeout=0.1)
                    return True
                except queue.Full:
                    continue
            return False  # the caller stopped early: nobody will read it

        def read() -> None:
            stream = self._logged(since, places, tips, full_history)
            try:
                for group in itertools.batched(stream, _COMMITS_PER_ROUND_TRIP):
                    shas = [
                        change.blob
                        for commit in group
                        for change in commit.changes
                        if change.status != DELETED and wanted(change)
                    ]
                    found = self.blobs([*(commit.sha for commit in group), *shas])
                    commits = self._with_authors(group, found[: len(group)])
                    if not put((commits, dict(zip(shas, found[len(group) :], strict=True)))):
                        return
                put(None)
            except BaseException as error:  # raised again in the caller's thread
                put(error)
            finally:
                stream.close()  # stops `git log` if the caller stopped early

        reader = threading.Thread(target=read, name="adrsite-history-read-ahead", daemon=True)
        reader.start()
        try:
            while (item := ahead.get()) is not None:
                if isinstance(item, BaseException):
                    raise item
                commits, contents = item
                for commit in commits:
                    yield commit, contents
        finally:
            stop.set()
            reader.join()

    # --- objects ----------------------------------------------------------

    def blob(self, sha: str) -> bytes:
        """An object's bytes, through the one long-lived `git cat-file --batch`."""
        return self.blobs([sha])[0]

    def blobs(self, shas: list[str]) -> list[bytes]:
        """Several objects in one round trip: every request written, then every answer read.

        The requests of one call are small enough (41 bytes each, in chunks) to
        sit in the pipe while git answers, so writing never waits on reading.
        Each answer is framed by the size git states, never by its content.
        """
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
                "-r", "-z", "--full-tree", "HEAD", "--", self.adr_dir, as_process=True
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
        """Path -> blob at HEAD (None: gone) of each file in the ADR folder that differs from
        `since`: what an incremental index must look at again (one `git diff-tree`).

        A symbolic link or submodule at HEAD counts as gone, as `files_at_head` leaves it out.
        """
        if self.head is None:
            return {}
        process = _Process(
            self.repo.git.diff_tree(
                "-r", "-z", "--no-renames", "--no-abbrev", since, "HEAD", "--", self.adr_dir,
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
                self.paths_wanted = 2 if field.rsplit(b" ", 1)[-1][:1] in b"RC" else 1
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


def _log_key(
    since: str | None, places: list[str] | None, tips: Iterable[str], full_history: bool
) -> _LogKey:
    return since, tuple(places or ()), tuple(sorted(set(tips))), full_history


def _logged_commit(header: bytes, changes: list[FileChange]) -> _LoggedCommit:
    sha, *parents = header.decode("ascii").split(" ")
    return _LoggedCommit(sha, tuple(parent for parent in parents if parent), tuple(changes))


def _read_changes(
    fields: list[bytes], index: int, *, keep_copies: bool = False
) -> tuple[list[FileChange], int]:
    """The raw entries from `fields[index]` on, up to the next field that is not one."""
    changes = []
    while index < len(fields) and fields[index].lstrip(b"\n").startswith(b":"):
        field = fields[index].lstrip(b"\n")
        count = 3 if field.split(b" ")[-1][:1] in b"RC" else 2
        change = _change(field, fields[index + 1 : index + count], keep_copies=keep_copies)
        if change is not None:
            changes.append(change)
        index += count
    return changes, index


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


def _folder(path: str) -> str:
    return path.rsplit("/", 1)[0] if "/" in path else path


def place_of(path: str, places: list[str]) -> str | None:
    """The place (folder or file) of `places` that holds `path`, if any."""
    for place in places:
        if path == place or path.startswith(place + "/"):
            return place
    return None


def origin(move: Move, into: str, places: list[str]) -> str:
    """Where a file moved in from, as a place: its old folder, or itself.

    `target` sits at `relative` in the place `into`; the source's folder is what
    remains of `source` once as many trailing parts are dropped. When that is
    the root, or a folder that holds a known place (`docs` for `docs/adr`),
    following all of it would read everything else there too: the file alone is followed.
    """
    target, source = move.target, move.source
    relative = target[len(into) + 1 :] if target != into else target.rsplit("/", 1)[-1]
    depth = relative.count("/") + 1
    parts = source.split("/")
    folder = "/".join(parts[:-depth]) if len(parts) > depth else ""
    if not folder or any(place.startswith(folder + "/") for place in places):
        return source
    return folder
