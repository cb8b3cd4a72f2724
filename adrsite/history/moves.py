"""History layer: where an ADR folder has lived, from the moves git shows into it.

A path-limited log sees a move into the folder only as an add; the source
shows when the commits that add files to the folder are diffed without a
pathspec. So: the walk of each place's pass (one `git log`, history/log.py)
names the commits that add files as it finds them, and one `git diff-tree
--stdin -M` diffs just those commits meanwhile (for commits that add several
files whose source still exists, a folder copied, one more with copy
detection; and one `git rev-list` of commits alone, to keep only the moves
into a found place made before the folder left it). Each newly found place
takes the same one to three processes beside its pass: the count grows with
the moves found, never with files or commits.
"""

from __future__ import annotations

import itertools
import threading
from abc import abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from subprocess import PIPE

import git

from adrsite.history.plumbing import (
    ADDED,
    COPIED,
    RENAMED,
    FileChange,
    HistoryError,
    _output_of,
    _path,
    _Process,
    _read_changes,
)


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


class FolderMoves:
    """The part of GitHistory that finds where the folder has lived; GitHistory gives it
    `repo`, `tip` (what is read: HEAD, or a ref pinned to its commit) and `head`."""

    repo: git.Repo
    tip: str

    @property
    @abstractmethod
    def head(self) -> str | None:
        """The commit HEAD points at, or None in a repository with no commits."""

    @abstractmethod
    def commits_adding(
        self,
        since: str | None = None,
        *,
        places: list[str] | None = None,
        full_history: bool = False,
    ) -> Iterator[str]:
        """The commits that add a file to `places`, newest first, from the walk of their pass."""

    def discover(
        self, known: list[str], since: str | None = None, adding: Iterable[str] | None = None
    ) -> Iterator[tuple[list[Move], list[str]]]:
        """Round by round, the moves into the places so far and the places they came from.

        The first round looks at `known` places; each later one at the places
        the round before found, back through every move. A round's commits that
        add files come from the walk of the pass over its places
        (`commits_adding`; given as `adding` for the first round, newest first,
        possibly still arriving): diffed as the walk finds them, in one process
        (two when the commit that first put files in a place added several: a
        folder copied). With `since`, only moves after that commit, in one round.
        """
        places, frontier = list(known), list(known)
        if adding is None:
            adding = self.commits_adding(since, places=known)
        origins: list[str] = []  # later rounds: the commits that moved files out of the frontier
        while frontier and self.head is not None:
            moves = self.moves_into(adding, frontier, newest_first=True)
            if origins:
                moves = self._made_before_leaving(moves, origins)
            moves, new = self._copies_confirmed(moves), []
            for move in moves:
                if place_of(move.source, places) is None:
                    new.append(origin(move, place_of(move.target, frontier) or "", places))
                    places.append(new[-1])
            # The walk of the places found, on every branch (as their pass reads them),
            # starts now: it is under way while the caller takes this round.
            frontier = [] if since else new
            origins = sorted({move.commit for move in moves if place_of(move.source, new)})
            if frontier:
                adding = self.commits_adding(places=frontier, full_history=True)
            yield moves, new

    def _made_before_leaving(self, moves: list[Move], origins: list[str]) -> list[Move]:
        """The `moves` made while their place was still the folder's: each in the history of
        a commit that moved files out of it (`origins`).

        A place found by a move is walked from the tip, on every branch, for its
        pass; a file moved into it after the folder had left is not one of the
        folder's, nor is the place it came from. One `git rev-list` of the
        commits alone (no trees), ended as soon as every move's commit is met.
        """
        waiting = {move.commit for move in moves}
        if not waiting:
            return moves
        process = _Process(self.repo.git.rev_list(*origins, as_process=True), "rev-list")
        reached = set()
        try:
            for line in process.stdout:
                if (commit := line.strip().decode("ascii", "replace")) in waiting:
                    reached.add(commit)
                    if len(reached) == len(waiting):
                        break
            else:  # read to its end: it must have ended well, or nothing is known
                if process.popen.wait():
                    raise HistoryError(f"git rev-list failed (exit {process.popen.returncode})")
        finally:
            process.kill()
        return [move for move in moves if move.commit in reached]

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
            "--format=%H", self.tip, *after, "--", *sorted({_folder(path) for path in copies}),
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

    def moves_into(
        self, commits: Iterable[str], places: list[str], *, newest_first: bool = False
    ) -> list[Move]:
        """The files `commits` (oldest first, or `newest_first`) moved, or copied whole, into
        `places` from elsewhere.

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
        diffs = list(self._diff_tree(commits, "-M"))
        for sha, changes in reversed(diffs) if newest_first else diffs:
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
