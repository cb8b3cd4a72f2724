"""Transcript tests: every `adr` command run as a user runs it, output compared exactly.

Each `tests/transcripts/*.t` file reads like a terminal session (the format of
cram, Mercurial's test runner):

    Prose explaining the case, unindented.

      $ adr new "Use Redis"          a command, indented two spaces
      adr/0002-use-redis.md          its expected output (stdout and stderr)
      [1]                            its exit code, when not 0

A file runs as one bash script in a fresh git repository with a fixed date, so
`cd` and variables carry over between commands. The temporary directory shows
as `$TMP` in output. To accept new output after a deliberate change, run
`TRANSCRIPTS_UPDATE=1 pytest tests/test_transcripts.py` and read the diff.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

TRANSCRIPTS = sorted((Path(__file__).parent / "transcripts").glob("*.t"))
SALT = "ADRSITE-TRANSCRIPT-7f3a"


@dataclass
class Step:
    command: list[str]  # the "$ " line and its "> " continuations, without the prefix
    expected: list[str] = field(default_factory=list)  # output lines, then "[N]" when N != 0
    prose_before: list[str] = field(default_factory=list)


def read_transcript(path: Path) -> tuple[list[Step], list[str]]:
    steps: list[Step] = []
    prose: list[str] = []
    for line in path.read_text(encoding="utf-8").split("\n"):
        if line.startswith("  $ "):
            steps.append(Step([line[4:]], prose_before=prose))
            prose = []
        elif line.startswith("  > ") and steps and not steps[-1].expected:
            steps[-1].command.append(line[4:])
        elif line.startswith("  ") and steps and not prose:
            steps[-1].expected.append(line[2:])
        else:
            prose.append(line)
    return steps, prose


def write_transcript(steps: list[Step], trailing: list[str]) -> str:
    lines: list[str] = []
    for step in steps:
        lines += step.prose_before
        lines.append("  $ " + step.command[0])
        lines += ["  > " + continuation for continuation in step.command[1:]]
        lines += ["  " + output for output in step.expected]
    return "\n".join(lines + trailing)


def run_steps(steps: list[Step], workdir: Path) -> list[list[str]]:
    """Run every step in one bash process; return each step's output lines (+ "[N]")."""
    script = ["cd repo"]
    for index, step in enumerate(steps):
        script += step.command
        script.append(f'printf "%s %s %s\\n" "{SALT}" "$?" {index}')
    result = subprocess.run(
        ["bash", "--noprofile", "--norc"],
        input="\n".join(script) + "\n",
        cwd=workdir,
        env=transcript_env(workdir),
        capture_output=False,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=120,
        check=False,
    )
    output = result.stdout.replace(str(workdir), "$TMP")
    actual: list[list[str]] = []
    for match in re.finditer(rf"(.*?){SALT} (\d+) (\d+)\n", output, re.DOTALL):
        text, code = match[1], int(match[2])
        lines = text.split("\n")
        if lines[-1] == "":
            lines.pop()
        else:
            lines[-1] += " (no-eol)"
        actual.append(lines + ([f"[{code}]"] if code else []))
    missing = len(steps) - len(actual)
    actual += [["(the script stopped before this command)"]] * missing
    return actual


def transcript_env(workdir: Path) -> dict[str, str]:
    adr_bin = Path(sys.executable).parent
    return {
        "PATH": f"{adr_bin}:/usr/local/bin:/usr/bin:/bin",
        "HOME": str(workdir / "home"),
        "LANG": "C.UTF-8",
        "TZ": "UTC",
        "TERM": "dumb",
        "NO_COLOR": "1",
        "ADR_DATE": "2026-11-21",
        "GIT_AUTHOR_NAME": "Ada Lovelace",
        "GIT_AUTHOR_EMAIL": "ada@example.com",
        "GIT_COMMITTER_NAME": "Ada Lovelace",
        "GIT_COMMITTER_EMAIL": "ada@example.com",
        "GIT_AUTHOR_DATE": "2026-11-21T10:00:00Z",
        "GIT_COMMITTER_DATE": "2026-11-21T10:00:00Z",
        "GIT_CONFIG_NOSYSTEM": "1",
        "XDG_DATA_HOME": str(workdir / "data"),
        "PYTHONDONTWRITEBYTECODE": "1",
    }


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    (tmp_path / "home").mkdir()
    repo = tmp_path / "repo"
    repo.mkdir()
    env = transcript_env(tmp_path)
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=repo, env=env, check=True)
    return tmp_path


@pytest.mark.parametrize("path", TRANSCRIPTS, ids=[p.stem for p in TRANSCRIPTS])
def test_transcript(path: Path, workdir: Path) -> None:
    assert shutil.which("adr", path=transcript_env(workdir)["PATH"]), (
        "install the project: ./dev test"
    )
    steps, trailing = read_transcript(path)
    assert steps, f"{path.name} has no commands"
    expected = write_transcript(steps, trailing)
    for step, output in zip(steps, run_steps(steps, workdir), strict=True):
        step.expected = output
    actual = write_transcript(steps, trailing)
    if actual != expected and os.environ.get("TRANSCRIPTS_UPDATE"):
        path.write_text(actual, encoding="utf-8")
    assert actual == expected
