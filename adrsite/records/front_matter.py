"""Records layer: front matter, read safely with YAML and edited line by line (pure core).

The parser loads a file's front matter through here: a safe loader that
refuses aliases, libyaml when present, each distinct small block read once.
The writer edits it here, one key's lines at a time, never re-dumped, so
comments, key order and quoting stay as the author wrote them.
"""

from __future__ import annotations

import functools
import re
from typing import Any

import yaml
from frontmatter.default_handlers import YAMLHandler

from adrsite.records.scan import _match_of

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


# --- editing its lines in place ----------------------------------------------

# A YAML key needs a space (or the line's end) after its colon: "status:x" is a string.
_FRONT_MATTER_KEY = re.compile(r"^([A-Za-z][\w-]*)\s*:(?:\s|$)")
_FRONT_MATTER_VALUE = re.compile(
    r"^(?P<key>\s*+[\w-]++\s*+:)(?P<space>\s*)(?P<value>.*?)(?P<comment>(?<!\s)\s++#.*)?$"
)
# Matches any line, if only the empty string at its start.
_INDENT = re.compile(r"\s*")


def _front_matter_end(lines: list[str]) -> int:
    """Index of the closing `---` of the front matter, or 0 when there is none."""
    if not lines or not _dashes(lines[0]):
        return 0
    return next((index for index in range(1, len(lines)) if _dashes(lines[index])), 0)


def _dashes(line: str) -> bool:
    """Whether a line opens or closes front matter as the reader takes it: `---`, `-----  `."""
    bare = line.rstrip()
    return len(bare) >= 3 and not bare.strip("-")


def _key_index(lines: list[str], end: int, key: str) -> int:
    names = {key, key.replace("-", "_")}
    for index in range(1, end):
        match = _FRONT_MATTER_KEY.match(lines[index])
        if match and match[1].lower() in names:
            return index
    return 0


def _set_front_matter(lines: list[str], values: dict[str, str]) -> list[str]:
    lines = list(lines)
    end = _front_matter_end(lines)
    if not end:
        lines[:0] = ["---", "---"]
        end = 1
    for key, value in values.items():
        index = _key_index(lines, end, key)
        if index:
            match = _match_of(_FRONT_MATTER_VALUE, lines[index])
            last, _, rest, _ = _value_span(lines, end, index) or (index, "", "", False)
            lines[index : last + 1] = [_with_value(match, value, rest)]
            end -= last - index
        else:
            after = _key_index(lines, end, "status") or end - 1
            lines.insert(after + 1, f"{key}: {value}")
            end += 1
    return lines


def _with_value(match: re.Match[str], value: str, rest: str = "") -> str:
    """The front matter line with a new value; its spacing and comment kept.

    `rest` is what followed a value that ran over several lines, on its last one.
    """
    return f"{match['key']}{match['space'] or ' '}{value}{rest or match['comment'] or ''}"


def _value_span(lines: list[str], end: int, index: int) -> tuple[int, str, str, bool] | None:
    """Where the value of the front matter key on line `index` ends, when past its line.

    A flow list or quoted string a line break splits, a list or text block below
    its key: YAML's marks tell their span. Gives (the index of its last line, its
    text with line breaks folded to spaces, what follows it on its last line,
    whether it is a block list); None when it ends on its key's line, or when
    YAML cannot read the front matter (the key's line is then all there is).
    """
    raw = "\n".join(lines[1:end])
    try:
        root = yaml.compose(raw, Loader=_YAML_LOADER)
    except (yaml.YAMLError, RecursionError):
        return None
    if not isinstance(root, yaml.MappingNode):
        return None
    key_at = sum(len(line) + 1 for line in lines[1:index])
    node = next((value for key, value in root.value if key.start_mark.index == key_at), None)
    if node is None:
        return None
    start, stop = node.start_mark.index, node.end_mark.index
    last = index + raw.count("\n", key_at, stop)
    column = stop - (raw.rfind("\n", 0, stop) + 1)
    rest = lines[last][column:]
    if column == 0 and last > index:
        # A block ends where the next key starts, past the comments and blank lines before it.
        last, rest = last - 1, ""
        while last > index and lines[last].strip()[:1] in {"", "#"}:
            last -= 1
    if last == index:
        return None
    folded = " ".join(part.strip() for part in raw[start:stop].split("\n"))
    return last, folded, rest, isinstance(node, yaml.SequenceNode) and not node.flow_style


def _append_to_front_matter_list(lines: list[str], key: str, value: str) -> list[str]:
    lines = list(lines)
    end = _front_matter_end(lines)
    index = _key_index(lines, end, key)
    if not index:
        lines.insert(end, f"{key}: [{value}]")
        return lines
    match = _match_of(_FRONT_MATTER_VALUE, lines[index])
    current, last, rest = match["value"].strip(), index, ""
    if span := _value_span(lines, end, index):
        last, folded, rest, block = span
        current = "" if block else folded.strip()
    if current.startswith("[") and current.endswith("]"):
        items = [item.strip() for item in current[1:-1].split(",") if item.strip()]
        if value not in items and value.strip('"') not in [i.strip("\"'") for i in items]:
            items.append(value)
        lines[index : last + 1] = [_with_value(match, f"[{', '.join(items)}]", rest)]
    elif current:
        if current.strip("\"'") != value.strip('"'):
            lines[index : last + 1] = [_with_value(match, f"[{current}, {value}]", rest)]
    else:  # a block list follows: "- 3" lines
        last = index
        while last + 1 < end and re.match(r"^\s*-\s", lines[last + 1]):
            last += 1
        existing = [
            re.sub(r"^\s*-\s*", "", lines[i]).strip().strip("\"'")
            for i in range(index + 1, last + 1)
        ]
        if value.strip('"') not in existing:
            indent = (
                _match_of(_INDENT, lines[last + 1 - (last > index)])[0] if last > index else "  "
            )
            lines.insert(last + 1, f"{indent}- {value}")
    return lines
