"""The `adr` console script: file commands call the pure core; database commands start Django.

File commands (init, new, status, link, list, show, check, renumber, toc, why)
never import Django: `adr check` runs in pre-commit hooks and must be fast.
Errors a user can cause print `adr: ...` and exit 1, never a traceback.

Each module only reads arguments, calls a lower layer and prints: `app` (the
parser and `main`), `writing` and `reading` (file commands), `database`
(commands that start Django), `common` (finding the folder and a decision).
"""

from __future__ import annotations

from adrsite.cli.app import build_parser, main
from adrsite.cli.database import _loopback  # noqa: F401  (tests/test_site.py imports it here)

__all__ = ["build_parser", "main"]
