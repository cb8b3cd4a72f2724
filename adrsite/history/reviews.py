"""History layer: the ADR changes of open pull requests and branches, read from their refs.

For each ref matching the review patterns (`refs/pull/*/head`, ...), what it
changes in the ADR folder against its merge base with the tracked tip: one
`git for-each-ref` lists the refs and, when one of them or the tip moved, one
more says which the tip has merged; one `git rev-list` finds where every moved
ref parted from the tip (`merge_bases`), and one more per ref read walks only
the commits since that base (who proposed it, when).
The diffs of every ref come from one `git diff-tree --stdin`, and their blobs
and commits from the history's one `cat-file --batch`. Nothing here re-reads the
tracked branch's history.

Ref names are git's (check-ref-format forbids control characters, spaces and
`~`): framing on newlines is safe. Everything inside commits and files is the
committer's: read from objects, never from formatted output.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from subprocess import PIPE

import git

from adrsite.history.git import Commit, GitHistory
from adrsite.history.plumbing import ADDED as FILE_ADDED
from adrsite.history.plumbing import DELETED as FILE_DELETED
from adrsite.history.plumbing import (
    RENAMED,
    FileChange,
    HistoryError,
    _history_error,
    _Process,
    _read_changes,
)
from adrsite.records.folder import is_decision_path
from adrsite.records.parse import parse
from adrsite.records.reviews import ADDED, CHANGED, DELETED, ProposedChange, same_decision


class ReviewRefProblem(ValueError):
    """A review ref pattern git would misread; the message is for the user."""


@dataclass(frozen=True, slots=True)
class RefHead:
    ref: str
    head: str
    committed_at: datetime  # the head commit's date: how long the ref has been untouched


@dataclass(frozen=True, slots=True)
class ReadReview:
    """One ref's ADR changes against its merge base with the tracked tip."""

    ref: str
    head: str
    merge_base: str
    author: str  # of the first commit since the merge base that changed the ADR folder
    author_email: str
    proposed_at: datetime  # that commit's author date
    committed_at: datetime  # the head's commit date: the last activity
    changes: tuple[ProposedChange, ...]
    contents: dict[str, str]  # path -> the proposed text of each added or changed file


# What git refuses in a refspec's pattern (git check-ref-format --refspec-pattern): a
# fetch given one fails, and the tracked branch with it. Fixed strings only: linear.
_NOT_IN_A_REF_PATTERN = re.compile(r"[~^?\[\\]|\.\.|@\{|//|/\.|\.lock(?:/|$)|[/.]$")


def pattern_problem(pattern: str) -> str:
    """Why `pattern` cannot select review refs, or ""."""
    if not pattern.startswith("refs/"):
        return f"{pattern!r}: a review ref pattern starts with refs/ (e.g. 'refs/heads/*')"
    if any(ord(character) <= 32 or ord(character) == 127 for character in pattern):
        return f"{pattern!r}: a review ref pattern holds no spaces or control characters"
    # Exactly one '*': a fetch of a name without one fails once the host drops that ref.
    if pattern.count("*") != 1 or ":" in pattern or pattern.startswith("refs/-"):
        return (
            f"{pattern!r}: one '*' (as in 'refs/heads/*'), and no ':' (it is fetched as a refspec)"
        )
    if _NOT_IN_A_REF_PATTERN.search(pattern):
        return (
            f"{pattern!r}: git takes no ~ ^ ? [ \\ .. @{{ // in a ref pattern, nor a part "
            "that starts with '.' or ends with '.lock', nor a '/' or '.' at its end"
        )
    return ""


def _matching(history: GitHistory, patterns: Sequence[str], *options: str) -> list[str]:
    """`git for-each-ref`'s lines for the refs matching `patterns` as a fetch matches them.

    for-each-ref's '*' stops at a '/' (refs/heads/* misses refs/heads/feature/x), a
    refspec's does not: git is asked for the folder before the '*', and the refs are
    matched here as the mirror's fetch matched them. The ref name ends each line.
    """
    folders = sorted({pattern.split("*", 1)[0].rsplit("/", 1)[0] for pattern in patterns})
    listing = _git(history, "for_each_ref", *options, *folders)
    wanted = [pattern.split("*", 1) for pattern in patterns]
    return [
        line
        for line in listing.splitlines()
        if any(_fetched_by(line.rsplit(" ", 1)[-1], before, after) for before, after in wanted)
    ]


def _fetched_by(ref: str, before: str, after: str) -> bool:
    return len(ref) >= len(before) + len(after) and ref.startswith(before) and ref.endswith(after)


def review_heads(history: GitHistory, patterns: Sequence[str]) -> list[RefHead]:
    """Every ref matching `patterns` that names a commit, but the tracked branch's own.

    A ref at the tip itself is kept: a pull request merged by fast-forward, which
    `merged_refs` then finds merged.
    """
    if not patterns or history.head is None:
        return []
    for pattern in patterns:
        if problem := pattern_problem(pattern):
            raise ReviewRefProblem(problem)
    listing = _matching(
        history, patterns, "--format=%(objectname) %(objecttype) %(committerdate:unix) %(refname)"
    )
    tracked = _tracked_ref(history)
    heads = []
    for line in listing:
        sha, kind, when, ref = line.split(" ", 3)
        if kind == "commit" and ref != tracked:
            heads.append(RefHead(ref, sha, datetime.fromtimestamp(int(when or 0), UTC)))
    return heads


def _tracked_ref(history: GitHistory) -> str:
    """The full name of the branch read (HEAD's, when HEAD is read); "" when detached."""
    if history.ref.startswith("refs/"):
        return history.ref
    if history.ref != "HEAD":
        return ""
    try:  # from the ref file: no git process
        return str(history.repo.head.reference.path)
    except TypeError:  # detached
        return ""


def _git(history: GitHistory, command: str, *args: str) -> str:
    """git's output; HistoryError in git's words when it fails (a ref at a missing object,
    a corrupt pack), so that the caller keeps the reviews it had and the index goes on."""
    try:
        output: str = getattr(history.repo.git, command)(*args)
    except git.GitCommandError as error:
        raise _history_error(error) from None
    return output


def merged_refs(history: GitHistory, patterns: Sequence[str]) -> set[str]:
    """The refs among `patterns` whose head the tracked tip reaches: merged (one process)."""
    if not patterns or history.head is None:
        return set()
    return set(_matching(history, patterns, "--format=%(refname)", f"--merged={history.head}"))


def merge_base(history: GitHistory, head: str) -> str:
    """Where `head` parted from the tracked tip; "" when they share no history."""
    try:
        answer: str = history.repo.git.merge_base(history.head, head)
    except git.GitCommandError as error:
        if error.status == 1:  # no common ancestor
            return ""
        raise _history_error(error) from None
    return answer.strip()


def merge_bases(history: GitHistory, heads: Iterable[str]) -> dict[str, str]:
    """head -> where it parted from the tracked tip ("" when they share no history), for
    many heads at once: one `rev-list` of every commit they have and the tip lacks.

    Each head's walk through those commits stops at parents the tip reaches; when
    there is one such parent it is the merge base (every common ancestor is one of its
    ancestors). A head with several (it merged the tracked branch in) asks `git
    merge-base`, as one head alone would.
    """
    heads = sorted(set(heads))
    if not heads:
        return {}
    process = _Process(
        history.repo.git.rev_list("--parents", "--stdin", istream=PIPE, as_process=True),
        "rev-list",
    )
    wanted = "".join(f"{head}\n" for head in [*heads, f"^{history.head}"]).encode()
    listing, errors = process.popen.communicate(wanted)
    if process.popen.returncode:
        said = errors.decode("utf-8", "replace").strip().splitlines()
        raise HistoryError(f"git rev-list failed: {said[0] if said else process.popen.returncode}")
    parents: dict[str, list[str]] = {}
    for line in listing.decode().splitlines():
        sha, *of = line.split()
        parents[sha] = of
    bases = {}
    for head in heads:
        boundary: set[str] = set()
        seen, walk = {head}, [head]
        while walk:
            for parent in parents.get(walk.pop(), ()):
                if parent in parents:
                    if parent not in seen:
                        seen.add(parent)
                        walk.append(parent)
                else:
                    boundary.add(parent)
        if len(boundary) == 1 and head in parents:
            bases[head] = boundary.pop()
        elif not boundary and head in parents:
            bases[head] = ""  # an unrelated history: nothing in common with the tip
        else:
            bases[head] = merge_base(history, head)
    return bases


def stacked_on_another(history: GitHistory, heads: Iterable[str]) -> set[str]:
    """The heads among `heads` that descend from another of them: a pull request stacked
    on another's branch. One `git merge-base --independent` (the heads no other reaches),
    and, only when some head reaches another, one `--is-ancestor` per pair to tell a
    stacked head from one unrelated to the others."""
    heads = sorted(set(heads))
    if len(heads) < 2:
        return set()
    independent = set(_git(history, "merge_base", "--independent", *heads).split())
    below = [head for head in heads if head not in independent]  # another head reaches it
    return {
        head for head in independent if any(_reaches(history, ancestor, head) for ancestor in below)
    }


def _reaches(history: GitHistory, ancestor: str, head: str) -> bool:
    try:
        history.repo.git.merge_base("--is-ancestor", ancestor, head)
    except git.GitCommandError as error:
        if error.status == 1:
            return False
        raise _history_error(error) from None
    return True


def merge_commit(history: GitHistory, head: str) -> str:
    """The commit on the tracked tip's first-parent line that brought `head` in: the merge,
    or `head` itself when the tip reached it by fast-forward."""
    span = f"{head}..{history.head}"
    listing = _git(history, "rev_list", "--first-parent", "--ancestry-path", span)
    oldest = listing.split()[-1:] if listing.strip() else []
    if not oldest:
        return head
    first_parent = history.commit(oldest[0]).parents[:1]
    return head if first_parent == (head,) else oldest[0]


def read_reviews(history: GitHistory, wanted: Iterable[tuple[RefHead, str]]) -> list[ReadReview]:
    """The ADR changes of each (ref, merge base), read together: one diff-tree for all."""
    wanted = [(ref, base) for ref, base in wanted if base]
    diffs = _diffs(history, {(ref.head, base) for ref, base in wanted})
    reviews = []
    for ref, base in wanted:
        changes = [c for c in diffs.get((ref.head, base), []) if _in_folder(history, c)]
        if not changes:
            continue
        read = _proposed(history, changes)
        first = _first_change(history, ref.head, base)
        reviews.append(
            ReadReview(
                ref=ref.ref,
                head=ref.head,
                merge_base=base,
                author=first.author,
                author_email=first.author_email,
                proposed_at=first.authored_at,
                committed_at=ref.committed_at,
                changes=tuple(change for change, _ in read),
                contents={change.path: text for change, text in read if text is not None},
            )
        )
    return reviews


def _first_change(history: GitHistory, head: str, base: str) -> Commit:
    """The oldest commit since `base` that changed the ADR folder (or `head`): who proposed."""
    listing = _git(history, "rev_list", "--reverse", head, f"^{base}", "--", history.adr_dir or ".")
    shas = listing.split()
    return history.commit(shas[0] if shas else head)


def _in_folder(history: GitHistory, change: FileChange) -> bool:
    return _is_decision(history, change.path) or (
        bool(change.old_path) and _is_decision(history, change.old_path)
    )


def _is_decision(history: GitHistory, path: str) -> bool:
    return is_decision_path(path, history.adr_dir)


def _proposed(
    history: GitHistory, changes: list[FileChange]
) -> list[tuple[ProposedChange, str | None]]:
    """Each change as a proposal, read from its blobs: title and status before and after,
    and the proposed text (None for a deletion)."""
    wanted = sorted({sha for c in changes for sha in (c.blob, c.old_blob) if sha})
    blobs = dict(zip(wanted, history.blobs(wanted), strict=True))
    proposed: list[tuple[ProposedChange, str | None]] = []
    for change in sorted(_split_renames(history, changes, blobs), key=lambda c: c.path):
        before = change.old_path if change.status == RENAMED else change.path
        if change.status == FILE_ADDED:
            before = ""
        after = "" if change.status == FILE_DELETED else change.path
        was = bool(before) and _is_decision(history, before)
        now = bool(after) and _is_decision(history, after)
        if was and not now:
            old = parse(before, blobs[change.old_blob])
            gone = ProposedChange(
                DELETED, before, before, old.number, old.title, old.status or None, None,
                change.old_blob, "",
            )  # fmt: skip
            proposed.append((gone, None))
            continue
        data = blobs[change.blob]
        new = parse(after, data)
        if was:
            status_before = parse(before, blobs[change.old_blob]).status or None
            made = ProposedChange(
                CHANGED, after, before, new.number, new.title, status_before, new.status or None,
                change.old_blob, change.blob,
            )  # fmt: skip
        else:
            made = ProposedChange(
                ADDED, after, "", new.number, new.title, None, new.status or None, "", change.blob
            )
        proposed.append((made, data.decode("utf-8", "replace")))
    return proposed


def _split_renames(
    history: GitHistory, changes: list[FileChange], blobs: dict[str, bytes]
) -> list[FileChange]:
    """`changes`, each rename of one decision file to another that is not one decision moved
    (records.reviews.same_decision, the rule `adr review` follows) split into a deletion and
    an addition."""
    split: list[FileChange] = []
    for change in changes:
        if (
            change.status == RENAMED
            and _is_decision(history, change.old_path)
            and _is_decision(history, change.path)
        ):
            was = parse(change.old_path, blobs[change.old_blob])
            now = parse(change.path, blobs[change.blob])
            if not same_decision(was.path, was.number, was.title, now.path, now.number, now.title):
                split.append(
                    FileChange(
                        FILE_DELETED, change.old_path, "", change.old_blob, old_blob=change.old_blob
                    )
                )
                split.append(FileChange(FILE_ADDED, change.path, "", change.blob, 100, ""))
                continue
        split.append(change)
    return split


def _diffs(
    history: GitHistory, pairs: set[tuple[str, str]]
) -> dict[tuple[str, str], list[FileChange]]:
    """(head, base) -> the files changed from base to head in the ADR folder, renames found."""
    if not pairs:
        return {}
    process = _Process(
        history.repo.git.diff_tree(
            "--stdin", "--always", "-r", "-z", "--no-abbrev", "-M", "--", history.adr_dir or ".",
            istream=PIPE, as_process=True,
        ),
        "diff-tree",
    )  # fmt: skip
    answers: list[bytes] = []
    drain = threading.Thread(target=lambda: answers.append(process.stdout.read()))
    drain.start()
    ordered = sorted(pairs)
    try:
        for head, base in ordered:
            process.stdin.write(f"{head} {base}\n".encode())
    finally:
        process.stdin.close()
        drain.join()
        process.popen.wait()
    if process.popen.returncode:
        raise HistoryError(f"git diff-tree failed (exit {process.popen.returncode})")
    # --always: one header (the head's name) per request, even for a pair with no change in
    # the folder, so that the answers are matched to the requests by their order. Two refs
    # at one head may have different bases: the head alone would not say which was asked.
    found: dict[tuple[str, str], list[FileChange]] = {}
    fields = answers[0].split(b"\0")
    index = 0
    for pair in ordered:
        while index < len(fields) and not fields[index].strip(b"\n"):
            index += 1
        if index >= len(fields) or fields[index].strip(b"\n").decode() != pair[0]:
            raise HistoryError("git diff-tree answered out of order")
        found[pair], index = _read_changes(fields, index + 1)
    return found
