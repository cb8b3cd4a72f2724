"""Decisions in review: what an open pull request or branch proposes, and where proposals collide.

Pure: the history layer reads the refs and the indexer stores them; this module
names a ref for people, says what a change does in one line, and finds the
collisions across every open ref at once (`adr check --against` for every pair).
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

ADDED, CHANGED, DELETED = "added", "changed", "deleted"
CHANGE_KINDS = (ADDED, CHANGED, DELETED)

# Where hosts keep the head of each pull request: GitHub, GitLab. Branch patterns
# ("refs/heads/*") are the repository's to add (`--review-refs`).
DEFAULT_REVIEW_REFS = ("refs/pull/*/head", "refs/merge-requests/*/head")
DEFAULT_MAX_AGE_DAYS = 90  # without a host token, a ref untouched this long is hidden

_PULL = re.compile(r"refs/pull/([0-9]{1,12})/head")
_MERGE_REQUEST = re.compile(r"refs/merge-requests/([0-9]{1,12})/head")


@dataclass(frozen=True, slots=True)
class ProposedChange:
    """One ADR file a ref changes against its merge base with the tracked branch."""

    change: str  # ADDED, CHANGED or DELETED
    path: str  # the path on the ref; a deleted file's last path
    path_before: str  # the path at the merge base ("" when added); differs when renamed
    number: int | None
    title: str
    status_before: str | None  # normalized, None when added
    status_after: str | None  # normalized, None when deleted
    blob_before: str = ""
    blob_after: str = ""

    @property
    def label(self) -> str:
        """ "ADR 23", or the file name for a decision without a number."""
        if self.number is not None:
            return f"ADR {self.number}"
        return self.path.rsplit("/", 1)[-1]


@dataclass(frozen=True, slots=True)
class OpenReview:
    """What collision finding needs to know of an open ref."""

    ref: str
    label: str
    changes: tuple[ProposedChange, ...]


@dataclass(frozen=True, slots=True)
class CollidingRef:
    """An open ref that adds a collision's number, and the command that renumbers its file."""

    ref: str
    label: str
    path: str
    fix: str  # run on the ref's branch


# How many other refs a ref's message names; the rest are counted. A number every open
# pull request picks (the next free one) would otherwise make k messages of k names each.
NAMED_OTHERS = 3


@dataclass(frozen=True, slots=True)
class Collision:
    """A number that several open refs, or an open ref and the tracked branch, add as
    different files: each merges cleanly, and the log then has two decisions with one number.
    One per number, whatever the number of refs: its size grows with theirs, not its square."""

    number: int
    refs: tuple[CollidingRef, ...]  # every open ref that should renumber, in the given order
    tracked_label: str  # the tracked branch's name
    tracked_paths: tuple[str, ...]  # its files with the number; () when only open refs use it

    def others(self, mine: CollidingRef) -> tuple[list[CollidingRef], int]:
        """Up to NAMED_OTHERS refs adding the number as another file than `mine`'s (one per
        file), and how many more refs add another file."""
        named: list[CollidingRef] = []
        seen = {mine.path}
        for other in self.refs:
            if other.path not in seen:
                seen.add(other.path)
                named.append(other)
                if len(named) == NAMED_OTHERS:
                    break
        same_file = sum(1 for other in self.refs if other.path == mine.path)
        return named, len(self.refs) - same_file - len(named)

    def message(self, mine: CollidingRef) -> str:
        """`mine`'s problem, in one line: what it collides with and the command that fixes it."""
        who = []
        if self.tracked_paths:
            who.append(f"{self.tracked_label} already has ({', '.join(self.tracked_paths)})")
        named, more = self.others(mine)
        if named:
            names = [f"{other.label} ({other.path})" for other in named]
            if more:
                names.append(f"{more} more")
            listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
            who.append(f"{listed} {'also adds' if len(names) == 1 else 'also add'}")
        return (
            f"{mine.label} adds ADR {self.number} ({mine.path}), which {', and '.join(who)}; "
            f"renumber it: {mine.fix}"
        )


def review_label(ref: str) -> str:
    """How people name a ref: "#412" (GitHub), "!7" (GitLab), else the branch's name.

    A branch named "#412" or "!7" keeps its "heads/" (a longer form of its name): it
    would pass for the pull request otherwise."""
    if match := _PULL.fullmatch(ref):
        return f"#{match[1]}"
    if match := _MERGE_REQUEST.fullmatch(ref):
        return f"!{match[1]}"
    for prefix in ("refs/heads/", "refs/remotes/", "refs/"):
        if ref.startswith(prefix) and not ref.removeprefix(prefix).startswith(("#", "!")):
            return ref.removeprefix(prefix)
    return ref


def review_number(ref: str) -> tuple[str, int] | None:
    """("github", 412) for a pull request's ref, ("gitlab", 7) for a merge request's; else None."""
    if match := _PULL.fullmatch(ref):
        return "github", int(match[1])
    if match := _MERGE_REQUEST.fullmatch(ref):
        return "gitlab", int(match[1])
    return None


def review_url(ref: str, web_url: str, head: str) -> str:
    """The ref's page on its host, from the repository's web URL template
    (`https://github.com/org/repo/blob/{commit}/{path}`): the pull or merge request,
    else the tree at the ref's head; "" without a template."""
    if not web_url:
        return ""
    site, found, _ = web_url.partition("/blob/")
    known = review_number(ref)
    if found and known is not None:
        kind, number = known
        if kind == "github":
            return f"{site}/pull/{number}"
        return f"{site.removesuffix('/-')}/-/merge_requests/{number}"
    if found and "{commit}" in web_url:
        return f"{site}/tree/{head}"
    return web_url.replace("{commit}", head).replace("{path}", "")


def change_summary(change: ProposedChange) -> str:
    """One line for the log: "new: ADR 23 Use Kafka", "ADR 7: accepted → superseded"."""
    if change.change == ADDED:
        return f"new: {change.label} {change.title}".rstrip()
    if change.change == DELETED:
        return f"deleted: {change.label} {change.title}".rstrip()
    parts = []
    if change.path_before and change.path_before != change.path:
        parts.append(f"renamed from {change.path_before.rsplit('/', 1)[-1]}")
    if change.status_before != change.status_after:
        before = change.status_before or "no status"
        after = change.status_after or "no status"
        parts.append(f"{before} → {after}")
    if not parts:
        parts.append("text changed")
    return f"{change.label}: {', '.join(parts)}"


def same_decision(
    path_before: str, number_before: int | None, title_before: str,
    path_after: str, number_after: int | None, title_after: str,
) -> bool:  # fmt: skip
    """Whether a file git found renamed is one decision moved, or one deleted and another
    added: kept when the rename keeps the number or the title (a renumber, a new slug).
    Two short ADRs from one template are "similar" to git; the site and `adr review`
    both judge a rename by this one rule."""
    return path_before == path_after or number_before == number_after or title_before == title_after


def merged_already(changes: Sequence[ProposedChange], tracked: dict[str, str]) -> bool:
    """Whether every change is on the tracked tip already (same path, same blob; a deleted
    file gone): a squash or rebase merge, whose head the tip never reaches."""
    if not changes:
        return False
    for change in changes:
        if change.change == DELETED:
            if change.path in tracked:
                return False
        elif tracked.get(change.path) != change.blob_after:
            return False
        renamed = change.path_before and change.path_before != change.path
        if renamed and change.path_before in tracked:
            return False
    return True


def collisions(
    reviews: Iterable[OpenReview],
    tracked: dict[int, list[tuple[str, str]]],
    *,
    tracked_label: str,
    against: str,
) -> list[Collision]:
    """Every number open refs add as different files, or as another file than the tracked
    branch's: one Collision per number, listing each ref that should renumber with its fix.

    `tracked`: number -> (path, blob) of the tracked tip's decisions. A ref's file at the
    same path as another's, or the tracked branch's, is the same decision (a stacked pull
    request, an edit, a merge already made): if the contents differ, git reports the
    conflict at the merge; it is no silent duplicate number. `against` is the ref the
    tracked branch's fix renumbers against ("origin/main"); a fix against another open
    ref fetches it (the first that adds the number as another file).
    """
    added: dict[int, list[tuple[OpenReview, ProposedChange]]] = {}
    for review in reviews:
        for change in review.changes:
            if change.number is not None and adds_number(change):
                added.setdefault(change.number, []).append((review, change))
    found: list[Collision] = []
    for number, proposals in sorted(added.items()):
        tracked_paths = tuple(path for path, _ in tracked.get(number, ()))
        ours = [
            (review, change)
            for review, change in proposals
            if change.path not in tracked_paths and change.path_before not in tracked_paths
        ]
        paths = {change.path for _, change in ours}
        if not ours or (not tracked_paths and len(paths) < 2):
            continue
        first_of: dict[
            str, str
        ] = {}  # path -> the first ref adding it: what the others renumber against
        for review, change in ours:
            first_of.setdefault(change.path, review.ref)
        refs = []
        for review, change in ours:
            if tracked_paths:
                fix = renumber_fix(change.path, against)
            else:
                other = next(ref for path, ref in first_of.items() if path != change.path)
                fix = renumber_fix(change.path, other, fetch=True)
            refs.append(CollidingRef(review.ref, review.label, change.path, fix))
        found.append(Collision(number, tuple(refs), tracked_label, tracked_paths))
    return found


def renumber_fix(path: str, against: str, *, fetch: bool = False) -> str:
    """The command to run on the branch: renumber `path` past the numbers `against` uses.

    Another pull request's ref is not in a clone by default, so it is fetched first.
    """
    if fetch:
        fetched = shlex.join(["git", "fetch", "origin", against])
        return f"{fetched} && {shlex.join(['adr', 'renumber', '--against', 'FETCH_HEAD', path])}"
    return shlex.join(["adr", "renumber", "--against", against, path])


def adds_number(change: ProposedChange) -> bool:
    """A new file, or a file renumbered or renamed into a number: a number newly taken."""
    if change.change == ADDED:
        return True
    renamed = bool(change.path_before) and change.path_before != change.path
    return change.change == CHANGED and renamed
