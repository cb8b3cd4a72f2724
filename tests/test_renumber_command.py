"""The `adr renumber` command after a merge collision: a number reference follows its file.

Two branches each added an ADR 3; ADR 4 says `amends: [3]`. Renumbering one of
the 3s rewrites that reference only when git tells which file it meant (what 3
named at ADR 4's last commit); otherwise it is left alone, with a note.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_check import commit_all, decision, git, new_project, run_adr, write

AMENDS_3 = "amends: [3]"


@pytest.fixture
def collided(tmp_path: Path) -> Path:
    """ADR 3 Kafka and ADR 4 amending it on `kafka`, ADR 3 Redis on main, merged: two 3s."""
    repo = new_project(tmp_path / "project")
    write(repo, "0001-use-x.md", decision("Use X"))
    write(repo, "0002-use-y.md", decision("Use Y"))
    commit_all(repo, "ADR 1 and 2")
    git(repo, "switch", "--quiet", "--create", "kafka")
    write(repo, "0003-use-kafka.md", decision("Use Kafka", "proposed"))
    write(repo, "0004-tune-kafka.md", decision("Tune Kafka", "proposed", AMENDS_3))
    commit_all(repo, "Kafka")
    git(repo, "switch", "--quiet", "main")
    write(repo, "0003-use-redis.md", decision("Use Redis", "proposed"))
    commit_all(repo, "Redis")
    git(repo, "merge", "--quiet", "--no-edit", "kafka")
    return repo


def amends(repo: Path) -> str:
    """ADR 4's amends line, as it is on disk."""
    text = (repo / "adr" / "0004-tune-kafka.md").read_text(encoding="utf-8")
    return next(line for line in text.splitlines() if line.startswith("amends:"))


def test_the_reference_follows_the_file_it_meant(collided):
    result = run_adr(collided, "renumber", "adr/0003-use-kafka.md")

    assert result.stdout == (
        "adr/0003-use-kafka.md -> adr/0005-use-kafka.md\nupdated adr/0004-tune-kafka.md\n"
    )
    assert amends(collided) == "amends: [5]"


def test_the_reference_stays_with_the_file_it_meant_when_the_other_one_moves(collided):
    result = run_adr(collided, "renumber", "adr/0003-use-redis.md")

    assert result.stdout == "adr/0003-use-redis.md -> adr/0005-use-redis.md\n"
    assert amends(collided) == AMENDS_3
    assert run_adr(collided, "check").returncode == 0  # 3 now names Kafka alone


def test_a_reference_changed_since_its_commit_is_left_alone_with_a_note(collided):
    # Edited since: the number may have been written after the merge, meaning either file.
    path = collided / "adr" / "0004-tune-kafka.md"
    path.write_text(path.read_text(encoding="utf-8") + "More.\n", encoding="utf-8")

    result = run_adr(collided, "renumber", "adr/0003-use-kafka.md")

    assert result.stdout == (
        "adr/0003-use-kafka.md -> adr/0005-use-kafka.md\n"
        "adr/0004-tune-kafka.md:4: note: number 3 now names the other file; "
        "change it to 5 if it meant adr/0005-use-kafka.md\n"
    )
    assert amends(collided) == AMENDS_3


def test_a_reference_committed_while_the_number_was_shared_is_left_alone_with_a_note(collided):
    # At ADR 4's last commit 3 named both files: git cannot tell which was meant.
    path = collided / "adr" / "0004-tune-kafka.md"
    path.write_text(path.read_text(encoding="utf-8") + "More.\n", encoding="utf-8")
    commit_all(collided, "Edit ADR 4 after the merge")

    result = run_adr(collided, "renumber", "adr/0003-use-redis.md")

    assert result.stdout == (
        "adr/0003-use-redis.md -> adr/0005-use-redis.md\n"
        "adr/0004-tune-kafka.md:4: note: number 3 now names the other file; "
        "change it to 5 if it meant adr/0005-use-redis.md\n"
    )
    assert amends(collided) == AMENDS_3
