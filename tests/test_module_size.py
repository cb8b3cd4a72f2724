"""No module over 650 lines (ADR 31, issue 10): one that grows past about 600 is split
along its seams before it reaches this, so the rule cannot erode one line at a time."""

from __future__ import annotations

from pathlib import Path

import adrsite

LIMIT = 650
PACKAGE = Path(adrsite.__file__).parent


def test_no_module_under_adrsite_is_over_650_lines():
    modules = sorted(PACKAGE.rglob("*.py"))
    assert len(modules) > 50  # the package itself, not an installed copy's few files
    sizes = {path: len(path.read_text(encoding="utf-8").splitlines()) for path in modules}
    too_long = [
        f"{path.relative_to(PACKAGE.parent)}: {lines} lines"
        for path, lines in sizes.items()
        if lines > LIMIT
    ]
    assert too_long == [], f"over {LIMIT} lines, split along its seams (ADR 31): {too_long}"
