"""`adr check --enforce` on a generated 500-module project, against import-linter's own CLI.

A layered project (app -> services -> domain -> util, 125 modules each, every module
importing three of the layers below it) carries one decision whose `enforce:` is a
layers contract; `lint-imports` runs the same contract from an .importlinter file.
Both run as whole processes, interpreter start-up included, median of 5 runs.
Run from the repository root: `.venv/bin/python benchmarks/enforce_speed.py`.
"""

from __future__ import annotations

import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
LAYERS = ["app", "services", "domain", "util"]
PER_LAYER = 125  # 500 modules


def generate(root: Path) -> None:
    rng = random.Random(16)
    for depth, layer in enumerate(LAYERS):
        package = root / "project" / layer
        package.mkdir(parents=True)
        (package / "__init__.py").write_text("")
        below = LAYERS[depth + 1 :]
        for n in range(PER_LAYER):
            imports = [
                f"from project.{rng.choice(below)} import m{rng.randrange(PER_LAYER)}"
                for _ in range(3 if below else 0)
            ]
            (package / f"m{n}.py").write_text("\n".join([*imports, f"VALUE = {n}", ""]))
    (root / "project" / "__init__.py").write_text("")
    layers = ", ".join(f"project.{layer}" for layer in LAYERS)
    (root / "adr").mkdir()
    (root / "adr" / "0001-layers.md").write_text(
        "---\nstatus: accepted\ndate: 2026-12-01\nenforce:\n  - imports: layers\n"
        f"    layers: [{layers}]\n---\n# Layers\n\n## Context\n\nLayers.\n"
    )
    (root / ".importlinter").write_text(
        "[importlinter]\nroot_package = project\n\n[importlinter:contract:layers]\n"
        "name = Layers\ntype = layers\nlayers =\n"
        + "".join(f"    project.{layer}\n" for layer in LAYERS)
    )
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)


def median_time(command: list[str], cwd: Path, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
        times.append(time.perf_counter() - start)
        if result.returncode != 0:
            sys.exit(f"{command[0]} failed:\n{result.stdout}{result.stderr}")
    return statistics.median(times)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        generate(root)
        ours = median_time([str(BIN / "adr"), "check", "--enforce"], root)
        theirs = median_time([str(BIN / "lint-imports"), "--no-cache"], root)
    print(f"layers contract on {len(LAYERS) * PER_LAYER} modules, median of 5 runs")
    print(f"  adr check --enforce      {ours:.3f} s")
    print(f"  lint-imports --no-cache  {theirs:.3f} s")
    print(f"  ratio {ours / theirs:.2f}x")


if __name__ == "__main__":
    main()
