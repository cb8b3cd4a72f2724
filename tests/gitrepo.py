"""A real git repository for tests: commits with fixed, increasing dates and chosen authors."""

from __future__ import annotations

import os
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

TEMPLATE = "---\nstatus: {status}\n---\n# {title}\n\n## Context\n\n{body}\n"


class Repo:
    """A git repository in a temporary folder, committing with fixed, increasing dates."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.day = 0
        path.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str, author: str = "Ada Lovelace <ada@example.com>") -> str:
        name, email = author[:-1].split(" <")
        stamp = (datetime(2026, 1, 1, 9, tzinfo=UTC) + timedelta(days=self.day)).isoformat()
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("GIT_")},
            "GIT_AUTHOR_NAME": name,
            "GIT_AUTHOR_EMAIL": email,
            "GIT_COMMITTER_NAME": name,
            "GIT_COMMITTER_EMAIL": email,
            "GIT_AUTHOR_DATE": stamp,
            "GIT_COMMITTER_DATE": stamp,
        }
        result = subprocess.run(
            ["git", *args], cwd=self.path, env=env, capture_output=True, check=True, text=True
        )
        return result.stdout.strip()

    def write(self, name: str, text: str | bytes) -> None:
        path = self.path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text if isinstance(text, bytes) else text.encode())

    def commit_object(self, header: bytes, message: bytes) -> str:
        """A commit object written as given (the tree of the index, then `header`), for bytes
        and headers that `git commit` would refuse; HEAD is moved to it."""
        raw = f"tree {self.git('write-tree')}\n".encode() + header + b"\n" + message
        sha = subprocess.run(
            ["git", "hash-object", "-t", "commit", "-w", "--literally", "--stdin"],
            cwd=self.path, input=raw, capture_output=True, check=True,
        ).stdout.decode().strip()  # fmt: skip
        self.git("reset", "-q", "--soft", sha)
        return sha

    def commit(self, message: str, **kwargs: str) -> str:
        self.day += 1
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message, **kwargs)
        return self.git("rev-parse", "HEAD")


def adr(title: str, status: str = "proposed", body: str = "Why we chose it.") -> str:
    return TEMPLATE.format(title=title, status=status, body=body)
