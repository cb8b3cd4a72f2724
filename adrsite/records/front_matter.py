"""Records layer: front matter read safely with YAML (pure core, no Django).

The parser loads a file's front matter through here: a safe loader that
refuses aliases, libyaml when present, each distinct small block read once.
"""

from __future__ import annotations

import functools
import re
from typing import Any

import yaml
from frontmatter.default_handlers import YAMLHandler

_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: 10x faster
_FRONT_MATTER = YAMLHandler()


class _NoAliasLoader(yaml.SafeLoader):
    """A safe loader that refuses aliases: ADRs never need them, and nested ones explode."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            # types-PyYAML leaves Parser.peek_event unannotated.
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not allowed in front matter", event.start_mark
            )
        return super().compose_node(parent, index)


def _read_yaml(raw: str) -> Any:
    # libyaml is fast but cannot refuse aliases; anchors are the only way to
    # define one, so files with "&" take the careful loader.
    loader = _NoAliasLoader if "&" in raw else _YAML_LOADER
    return yaml.load(raw, Loader=loader)  # both are safe loaders


# A file's history repeats its front matter in most revisions (edits are to the
# body): the indexer reads each distinct one once. Callers read what it returns
# and never change it, as it is shared. Small ones only: memory stays bounded.
_remembered_yaml = functools.lru_cache(maxsize=1024)(_read_yaml)


def _load_yaml(raw: str) -> Any:
    return _remembered_yaml(raw) if len(raw) <= 4096 else _read_yaml(raw)


def _failing_line(raw: str) -> int:
    """The line of the first `key: value` that fails on its own (raw's line 0 is the file's 1)."""
    for index, line in enumerate(raw.split("\n")):
        if re.match(r"^[\w-]+\s*:", line):
            try:
                yaml.load(line, Loader=_YAML_LOADER)  # a safe loader
            except (ValueError, TypeError, yaml.YAMLError):
                return index + 1
    return 1
