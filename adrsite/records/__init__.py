"""The pure core: read, lint, render and write ADR files. Plain Python, never Django.

Nothing in this package may import `django`, `adrsite.decisions` or `adrsite.cli`
(ADR 4, our own unidirectional-flow rule); `tests/test_layers.py` enforces it.
"""
