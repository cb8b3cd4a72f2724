"""History layer: a repository from its git host, mirrored into a local bare clone (ADR 32).

The index never reads a working copy of a hosted repository: it reads a bare
clone, fetched with `git fetch --prune`, holding the host's branches as they
are (`refs/heads/*`), and every blob up to `BLOB_LIMIT`. Larger blobs (the
images, archives and data files of a monorepo) stay on the host: the clone is
partial, but never `blob:none`, where reading each revision of a decision would
fetch its blob in a round trip of its own.

A URL is user input: one starting with `-` is refused, and it is always passed
after `--`. Credentials are git's own business (credential helpers, SSH keys,
`GIT_SSH_COMMAND`); git never prompts (`GIT_TERMINAL_PROMPT=0`, no terminal, no
standard input) and is stopped after a timeout, so a dead host never hangs us.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO

# Every decision, template and .mailmap is far below it; binaries and data files above.
BLOB_LIMIT = "1m"
_FILTER = f"--filter=blob:limit={BLOB_LIMIT}"
DEFAULT_TIMEOUT = 600.0  # seconds for one clone or fetch: a large first clone fits
_BRANCHES = "+refs/heads/*:refs/heads/*"
_MESSAGE_LINES = 5  # the last lines of git's stderr, as the error's message
_MESSAGE_LENGTH = 2000


class MirrorError(Exception):
    """The repository could not be fetched; the message is git's, for the user."""


def url_problem(url: str) -> str:
    """Why `url` cannot be cloned from, or "" when git may try it."""
    if not url.strip():
        return "the URL is empty"
    if url.startswith("-"):
        return f"{url!r} starts with '-': not a URL (git would read it as an option)"
    if any(ord(character) < 32 or ord(character) == 127 for character in url):
        return f"{url!r} holds a control character"
    return ""


def branch_problem(branch: str) -> str:
    """Why `branch` cannot name a branch, or "" (git's own check-ref-format decides)."""
    if branch.startswith("-"):
        return f"{branch!r} starts with '-': not a branch name"
    result = subprocess.run(
        ["git", "check-ref-format", "--branch", branch],
        capture_output=True,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    return "" if result.returncode == 0 else f"{branch!r} is not a valid branch name"


def mirror_ref(branch: str) -> str:
    """The ref the index reads in a mirror: the branch's, or HEAD (the host's default branch)."""
    return f"refs/heads/{branch}" if branch else "HEAD"


def sync_mirror(
    url: str,
    mirror: Path,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    progress: Callable[[str], None] | None = None,
    review_refs: Sequence[str] = (),
) -> None:
    """Bring the bare clone at `mirror` up to `url`'s branches: clone it, or fetch with --prune.

    `review_refs` (patterns such as `refs/pull/*/head`) are mirrored too, each to
    the same name, and pruned with the branches: a pull request's ref the host
    dropped is gone here after the fetch (ADR 37).

    Safe to call from several processes at once: they take turns (a lock file
    beside the mirror). A first clone is made aside and renamed into place, so a
    failed one leaves nothing. MirrorError with git's message when git fails.
    """
    if problem := url_problem(url):
        raise MirrorError(problem)
    mirror.parent.mkdir(parents=True, exist_ok=True)
    with _locked(mirror.with_name(mirror.name + ".lock")):
        fetch = ["fetch", "--prune", "--no-tags", "--progress", "origin", _BRANCHES]
        fetch += [f"+{pattern}:{pattern}" for pattern in review_refs]
        if (mirror / "HEAD").is_file():
            _git(["config", "remote.origin.url", url], mirror, timeout, None)  # it may change
            _git(fetch, mirror, timeout, progress)
            return
        shutil.rmtree(mirror, ignore_errors=True)  # a folder that is no mirror: ours, half-made
        aside = Path(tempfile.mkdtemp(prefix=f".{mirror.name}.", dir=mirror.parent))
        try:
            clone = aside / "clone.git"
            _git(
                [
                    "clone", "--bare", "--no-tags", "--progress", _FILTER, "--", url, str(clone),
                ],
                mirror.parent, timeout, progress,
            )  # fmt: skip
            # A bare clone fetches nothing on `git fetch` until told which refs to mirror.
            _git(["config", "remote.origin.fetch", _BRANCHES], clone, timeout)
            if review_refs:  # the clone brought branches only
                _git(fetch, clone, timeout, progress)
            clone.rename(mirror)
        finally:
            shutil.rmtree(aside, ignore_errors=True)


def remove_mirror(mirror: Path) -> bool:
    """Delete the mirror and its lock file; whether there was one."""
    existed = mirror.exists()
    shutil.rmtree(mirror, ignore_errors=True)
    mirror.with_name(mirror.name + ".lock").unlink(missing_ok=True)
    return existed


def has_branch(mirror: Path, branch: str) -> bool:
    """Whether the mirror holds `branch` (after a fetch: whether the host has it)."""
    verified = _read(
        mirror, ["rev-parse", "--verify", "--quiet", f"{mirror_ref(branch)}^{{commit}}"]
    )
    return verified is not None


def adr_dir_in(mirror: Path, ref: str, usual: tuple[str, ...]) -> str:
    """The ADR folder at `ref`, found as adr-tools finds it at the root: `.adr-dir`, else
    the first of `usual` that is a folder; "" when there is none."""
    marker = _read(mirror, ["cat-file", "blob", f"{ref}:.adr-dir"])
    if marker is not None:
        named = marker.decode("utf-8", "replace").strip().strip("/")
        if named and "\0" not in named and not named.startswith("-"):
            return named
    for folder in usual:
        if _read(mirror, ["cat-file", "-t", f"{ref}:{folder}"]) == b"tree\n":
            return folder
    return ""


def _read(mirror: Path, arguments: list[str]) -> bytes | None:
    result = subprocess.run(
        ["git", *arguments],
        cwd=mirror,
        capture_output=True,
        stdin=subprocess.DEVNULL,
        env=_environment(),
        check=False,
    )
    return result.stdout if result.returncode == 0 else None


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    with open(path, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _environment() -> dict[str, str]:
    return {
        **os.environ,
        "GIT_TERMINAL_PROMPT": "0",  # no username/password prompt: fail instead
        "GCM_INTERACTIVE": "never",  # Git Credential Manager's own prompt
        "SSH_ASKPASS_REQUIRE": "never",
    }


def _git(
    arguments: list[str],
    where: Path,
    timeout: float,
    progress: Callable[[str], None] | None = None,
) -> None:
    """Run git in `where`, its stderr's lines to `progress`; MirrorError with its last lines."""
    process = subprocess.Popen(
        ["git", *arguments],
        cwd=where,
        env=_environment(),
        stdin=subprocess.DEVNULL,  # nothing to read a password from
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # no terminal for ssh to prompt on; killed as a group
    )
    lines: list[str] = []

    def read() -> None:
        assert process.stderr is not None
        for line in _lines(process.stderr):
            lines.append(line)
            del lines[:-_MESSAGE_LINES]
            if progress:
                progress(line)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        code = process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        raise MirrorError(f"git {arguments[0]} gave no answer in {timeout:g} s (stopped)") from None
    finally:
        reader.join(timeout=5)
    if code != 0:
        said = [line for line in lines if line.startswith(("fatal:", "error:"))]
        message = " ".join(said[:1] or lines[-1:]).strip() or f"git {arguments[0]} failed"
        raise MirrorError(message[:_MESSAGE_LENGTH])


def _lines(stream: IO[bytes]) -> Iterator[str]:
    """Lines of git's stderr, progress updates (ended by a carriage return) each its own."""
    buffer = b""
    while chunk := os.read(stream.fileno(), 4096):  # what git has written so far
        buffer += chunk
        *complete, buffer = buffer.replace(b"\r", b"\n").split(b"\n")
        for line in complete:
            if line.strip():
                yield line.decode("utf-8", "replace")
    if buffer.strip():
        yield buffer.decode("utf-8", "replace")
