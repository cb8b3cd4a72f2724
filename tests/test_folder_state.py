"""FolderState: after any sequence of changes, the answers of `check` and `resolved_links`
on the whole folder, though it asks again only about the records a change can affect."""

from __future__ import annotations

import random

import pytest

from adrsite.records.dates import settle_dates
from adrsite.records.folder import resolved_links
from adrsite.records.folder_state import FolderState
from adrsite.records.lint import check
from adrsite.records.naming import LOG4BRAINS, OURS
from adrsite.records.parse import parse

STATUSES = ["accepted", "proposed", "superseded", "rejected", "deprecated", "Accepted or Rejected"]
DATES = ["2024-01-02", "01/06/2019", "26/03/2018", "12/20/2019", "05/04/2020", ""]
NAMES = ["{n:04d}-use-{w}.md", "ADR{n:03d}-{w}.md", "{n}-{w}.md", "team/{n:04d}-use-{w}.md"]
WORDS = ["cache", "queue", "forms", "tokens"]
# A folder's own template; a body keeps some of its sections as written (template-text).
TEMPLATE = "# TITLE\n\n## Context\n\nWhat we faced.\n\n## Decision\n\nWhat we chose.\n"
SECTIONS = [
    "",
    "## Context\n\nWhat we faced.\n",
    "## Context\n\nOur own words.\n\n## Decision\n\nWhat we chose.\n",
    "## Context\n\nOur own words.\n",
]


def _text(rng: random.Random, numbers: list[int]) -> bytes:
    links = []
    for _ in range(rng.randint(0, 3)):
        kind = rng.choice(["supersedes", "supersedes", "superseded-by", "amends", "relates-to"])
        target = rng.choice(numbers) if numbers else 1
        spelled = rng.choice([str(target), f"{target:04d}-use-{rng.choice(WORDS)}.md", "x.md"])
        links.append(f"{kind}: [{spelled}]\n")
    date = rng.choice(DATES)
    return (
        f"---\nstatus: {rng.choice(STATUSES)}\n"
        + (f"date: {date}\n" if date else "")
        + f"tags: [{rng.choice(WORDS)}]\n{''.join(links)}---\n# Use {rng.choice(WORDS)}\n\nText.\n"
        + rng.choice(SECTIONS)
    ).encode()


def _path(rng: random.Random, number: int) -> str:
    return "adr/" + rng.choice(NAMES).format(n=number, w=rng.choice(WORDS))


def _whole(raw: dict, **options) -> tuple[list, dict]:
    records = settle_dates([raw[path] for path in sorted(raw)])
    links: dict = {}
    for link in resolved_links(records):
        links.setdefault((link.source, link.target, link.kind), link)
    return check(records, **options), links


@pytest.mark.parametrize("seed", range(12))
def test_updates_give_the_whole_folders_answers(seed: int) -> None:
    rng = random.Random(seed)
    # Half the folders have their own template and log4brains' names as the default.
    options = {"naming": LOG4BRAINS, "template": TEMPLATE} if seed % 2 else {"naming": OURS}
    raw, texts = {}, {}
    for number in range(1, 25):
        path = _path(rng, number)
        texts[path] = _text(rng, list(range(1, 25))).decode()
        raw[path] = parse(path, texts[path].encode())
    state = FolderState(raw.values(), **options)
    stored_problems = {p: list(found) for p, found in _by_path(state.all_problems()).items()}
    stored_links = dict(state.stored_links())
    for _ in range(60):
        changed: dict = {}
        for _ in range(rng.randint(1, 3)):
            action = rng.choice(["edit", "status", "status", "add", "delete", "rename"])
            numbers = sorted({r.number for r in raw.values() if r.number is not None})
            if action == "add" or not raw:
                path = _path(rng, rng.randint(1, 30))
                texts[path] = _text(rng, numbers).decode()
                changed[path] = raw[path] = parse(path, texts[path].encode())
            elif action == "edit":
                path = rng.choice(sorted(raw))
                texts[path] = _text(rng, numbers).decode()
                changed[path] = raw[path] = parse(path, texts[path].encode())
            elif action == "status":  # links kept: only what its successor-ship shows changes
                path = rng.choice(sorted(raw))
                text = texts[path].replace(f"status: {raw[path].status_text}", "status: ", 1)
                text = text.replace("status: ", f"status: {rng.choice(STATUSES)}", 1)
                changed[path] = raw[path] = parse(path, text.encode())
                texts[path] = text
            elif action == "delete":
                path = rng.choice(sorted(raw))
                del raw[path]
                changed[path] = None
            else:
                old = rng.choice(sorted(raw))
                new = _path(rng, rng.randint(1, 30))
                texts[new] = texts.pop(old)  # renumbered or retitled: links to it may break
                del raw[old]
                changed[old] = None
                changed[new] = raw[new] = parse(new, texts[new].encode())
        result = state.update(changed, {})
        for path, now in result.problems.items():
            stored_problems[path] = now
        for key, link in result.links.items():
            if link is None:
                stored_links.pop(key, None)
            else:
                stored_links[key] = link
        problems, links = _whole(raw, **options)
        # What an indexer applying only the changes holds is the whole folder's answer.
        assert {p: v for p, v in stored_problems.items() if v} == _by_path(problems)
        assert stored_links == links
        assert state.all_problems() == problems


def _by_path(problems: list) -> dict:
    found: dict = {}
    for problem in problems:
        found.setdefault(problem.path, []).append(problem)
    return found


def test_a_supersede_cycle_comes_and_goes_with_one_file():
    def record(number: int, supersedes: int | None) -> object:
        path = f"adr/{number:04d}-use-x{number}.md"
        extra = f"supersedes: [{supersedes}]\n" if supersedes else ""
        return parse(path, f"---\nstatus: accepted\n{extra}---\n# Use X{number}\n".encode())

    # 1 > 2 > 3, 4 > 1: the cycle closes between 3 and 4, and is named on 0001.
    raw = {r.path: r for r in (record(1, 2), record(2, 3), record(3, None), record(4, 1))}
    state = FolderState(raw.values())
    for supersedes in (4, None, 2, None, 4):
        changed = record(3, supersedes)
        raw[changed.path] = changed
        result = state.update({changed.path: changed}, {})
        problems = _whole(raw)[0]
        assert state.all_problems() == problems
        cycle = [p for p in problems if p.code == "supersede-cycle"]
        assert bool(cycle) == (supersedes is not None)
        if cycle:  # the update says so, on the cycle's first file
            assert cycle[0] in result.problems[cycle[0].path]
