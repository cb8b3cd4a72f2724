"""The history layer: what git knows about an ADR folder. Plain Python and GitPython, never Django.

Nothing in this package may import `django`, `adrsite.decisions` or `adrsite.cli`
(ADR 4); it may use `adrsite.records`, the layer below it.
"""
