"""Records layer: edit ADR text in the style it is written in (pure core, no Django).

Every function takes a file's text and returns new text, changing only the
lines it must: front matter keys in a MADR file, `* Status:` bullets in a
MADR 2 file, the `## Status` section of an adr-tools file. Front matter is
edited line by line, never re-dumped, so comments, key order and quoting stay
as the author wrote them.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from pathlib import Path

from adrsite.records.folder import Resolver
from adrsite.records.front_matter import (
    _append_to_front_matter_list,
    _front_matter_end,
    _set_front_matter,
)
from adrsite.records.model import STYLE_ADR_TOOLS, STYLE_MADR, STYLE_MADR2, Record
from adrsite.records.parse import parse
from adrsite.records.scan import (
    META_LINE,
    TITLE_NUMBER,
    _match_of,
    changelog_entry,
    find_section,
    heading,
    outside_fences,
)
from adrsite.records.vocabulary import status_word

_VERBS = {
    "supersedes": "Supersedes",
    "superseded-by": "Superseded by",
    "amends": "Amends",
    "amended-by": "Amended by",
    "relates-to": "Relates to",
}
# Matches any line, if only the empty string at its start.
_LIST_PREFIX = re.compile(r"\s*(?:[-*+>]\s+)?")
_ADR_TOOLS_TOKENS = re.compile(r"\b(NUMBER|TITLE|DATE|STATUS)\b")


class EditError(ValueError):
    """An edit the writer cannot make so that the file reads it back: `path:line: why`."""


def verb(kind: str) -> str:
    """How a link kind reads in prose: "superseded-by" → "Superseded by"."""
    return _VERBS.get(kind, kind.replace("-", " ").capitalize())


def href(source: Record | str, target: Record) -> str:
    """A relative link from `source`'s file to `target`'s file."""
    source_path = source if isinstance(source, str) else source.path
    return posixpath.relpath(target.path, posixpath.dirname(source_path) or ".")


def new_decision(
    template: str,
    *,
    path: str,
    number: int | None,
    title: str,
    status: str,
    date: str,
    tags: tuple[str, ...] = (),
) -> str:
    """A new decision's text from a template of any style (ours, MADR, log4brains, adr-tools)."""
    tokens = {
        "NUMBER": str(number or ""),
        "TITLE": title,
        "DATE": date,
        "STATUS": status.capitalize(),
    }
    text = _ADR_TOOLS_TOKENS.sub(lambda m: tokens[m[1]], template)
    text = set_title(text, parse(path, text.encode()), number=number, title=title)
    text = set_status(text, parse(path, text.encode()), status=status, date=date)
    record = parse(path, text.encode())
    if record.style == STYLE_ADR_TOOLS:  # set_status keeps an adr-tools date: a new one gets today
        text = "\n".join(_set_date_line(text.split("\n"), record, date, replace=True))
    if tags:
        text = set_tags(text, parse(path, text.encode()), tags)
    return text


def set_title(text: str, record: Record, *, number: int | None, title: str) -> str:
    """Rewrite the H1; adr-tools titles keep their "12. " number prefix."""
    lines = text.split("\n")
    index = record.title_line - 1
    found = heading(lines[index]) if index < len(lines) else None
    if found is None or found[0] != 1:
        return text
    numbered = record.style == STYLE_ADR_TOOLS or TITLE_NUMBER.match(found[1])
    lines[index] = f"# {number}. {title}" if numbered and number is not None else f"# {title}"
    return "\n".join(lines)


def renumber_title(text: str, record: Record, number: int) -> str:
    """Change the number in a title like "# 12. Use X" or "# ADR-0012: Use X", if it has one."""
    lines = text.split("\n")
    index = record.title_line - 1
    found = heading(lines[index]) if index < len(lines) else None
    if found is None or not TITLE_NUMBER.match(found[1]):
        return text
    lines[index] = re.sub(
        r"\d+",
        lambda m: str(number).zfill(len(m[0]) if m[0].startswith("0") else 1),
        lines[index],
        count=1,
    )
    return "\n".join(lines)


def set_status(
    text: str, record: Record, *, status: str, date: str, successor: tuple[str, str] | None = None
) -> str:
    """Set the status (and the date) where this file's style keeps it.

    `successor` is (label, href) of the decision that supersedes this one; the
    MADR 2 and adr-tools styles write it on the status line, as their tools do.
    The date changes where it means "last updated" (MADR's front matter, MADR 2's
    bullets); an adr-tools `Date:` line is the day of the decision, and stays,
    as adr-tools itself keeps it when it supersedes one.
    """
    lines = text.split("\n")
    if record.style == STYLE_MADR or _front_matter_end(lines):
        lines = _set_front_matter(lines, {"status": status, "date": date})
    elif record.style == STYLE_MADR2:
        value = (
            f"superseded by [{successor[0]}]({successor[1]})"
            if successor and status == "superseded"
            else status
        )
        lines = _set_preamble(lines, record, {"status": value, "date": date})
    else:
        word = status.capitalize()
        if successor and status == "superseded":
            word = f"Superseded by [{successor[0]}]({successor[1]})"
        lines = _set_date_line(
            _set_status_section(lines, record, word, date), record, date, replace=False
        )
    return _read_back(
        text,
        "\n".join(lines),
        record,
        f"set the status to {status}",
        changed={"status"},
        found=lambda again: again.status == status,
    )


def set_tags(text: str, record: Record, tags: tuple[str, ...]) -> str:
    lines = text.split("\n")
    if record.style == STYLE_MADR or _front_matter_end(lines):
        lines = _set_front_matter(lines, {"tags": "[" + ", ".join(tags) + "]"})
    else:
        lines = _set_preamble(lines, record, {"tags": ", ".join(tags)})
    wanted = tuple(tag.lstrip("#") for tag in tags)  # as the reader takes "#db"
    return _read_back(
        text,
        "\n".join(lines),
        record,
        f"set the tags to {', '.join(tags)}",
        changed={"tags"},
        found=lambda again: again.tags == wanted,
    )


def add_link(text: str, record: Record, *, kind: str, target: Record) -> str:
    """Declare a typed link to `target` in this file's style; unchanged if already there."""
    lines = text.split("\n")
    link_href = href(record, target)
    if record.style == STYLE_MADR or _front_matter_end(lines):
        value = str(target.number) if target.number is not None else f'"{link_href}"'
        lines = _append_to_front_matter_list(lines, kind, value)
    elif record.style == STYLE_MADR2:
        label = f"ADR-{target.number:04d}" if target.number is not None else target.title
        line = f"* {verb(kind)} [{label}]({link_href})"
        lines = _append_to_section(lines, record, "Links", line, bullet=True)
    else:
        label = f"{target.number}. {target.title}" if target.number is not None else target.title
        line = f"{verb(kind)} [{label}]({link_href})"
        lines = _append_to_section(lines, record, "Status", line, bullet=False)

    def found(again: Record) -> bool:
        if target.path == record.path:  # no link to itself resolves; the linter says so
            return any(link.kind == kind for link in again.links)
        resolver = Resolver([target, again])
        return any(
            link.kind == kind and resolver.resolve(link.target, again) is target
            for link in again.links
        )

    return _read_back(
        text,
        "\n".join(lines),
        record,
        f"add the link '{kind} {target.path}'",
        changed={"links"},
        found=found,
    )


def replace_file_references(text: str, old_name: str, new_name: str) -> str:
    """Point links at a renamed file: `](0012-x.md)`, `../adr/0012-x.md`, `"0012-x.md"`."""
    pattern = re.compile(r"(?<![\w.-])" + re.escape(old_name) + r"(?![\w.-])")
    return pattern.sub(new_name, text)


def replace_number_references(text: str, record: Record, old: int, new: int) -> str:
    """Point links written as numbers at a new number, only on the lines that declare links.

    "3", "0003", "ADR 3", "ADR-0003" all become the new number, zero-padded as before.
    """
    pattern = re.compile(
        rf"(?<![\w.-])(?P<prefix>m?adr[\s_-]?#?)?(?P<digits>0*{old})(?![\w.-])", re.I
    )

    def renumbered(match: re.Match[str]) -> str:
        digits = match["digits"]
        width = len(digits) if digits.startswith("0") else 0
        return (match["prefix"] or "") + str(new).zfill(width)

    lines = text.split("\n")
    for line_number in sorted({link.line for link in record.links}):
        lines[line_number - 1] = pattern.sub(renumbered, lines[line_number - 1])
    return "\n".join(lines)


# --- reading an edit back -----------------------------------------------------

_FIELDS = ("title", "status", "tags", "deciders", "affects", "rule", "links")
# What leaves a file unread, all or its front matter (the commands refuse to edit it).
_UNREADABLE = {
    "binary",
    "not-utf8",
    "too-large",
    "empty",
    "front-matter-yaml",
    "front-matter-not-mapping",
    "front-matter-unclosed",
}


def _read_back(
    text: str,
    edited: str,
    record: Record,
    what: str,
    *,
    changed: set[str],
    found: Callable[[Record], bool],
) -> str:
    """`edited`, once the reader finds the edit in it and all else the file said; else an EditError.

    The writer edits lines in place, so a file mangled in a way it does not
    foresee could lose the edit or another value: that is refused, never written.
    """
    before, again = parse(record.path, text.encode()), parse(record.path, edited.encode())
    if any(problem.code in _UNREADABLE for problem in before.problems):
        return edited  # nothing to lose: commands refuse such files, and an edit may mend it
    lost = [
        field
        for field in _FIELDS
        if field not in changed and _said(before, field, changed) != _said(again, field, changed)
    ]
    if found(again) and not lost:
        return edited
    old, new = text.split("\n"), edited.split("\n")
    line = next((i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b), len(old))
    why = f"its {lost[0]} would change" if lost else "the edit would not be read back"
    if _ends_in_code_block(new[: line + 1]):
        why += " (it would be in a code block: is a ``` left open above?)"
    raise EditError(f"{record.path}:{min(line + 1, len(old))}: cannot {what}: {why}")


def _said(record: Record, field: str, changed: set[str]) -> object:
    if field == "links":  # where they are may move; which they are may not
        # A new status replaces the line that said which decision superseded it.
        moot = {"superseded-by"} if "status" in changed else set()
        return sorted({(link.kind, link.target) for link in record.links if link.kind not in moot})
    return getattr(record, field)


# --- MADR 2 bullets and adr-tools sections -------------------------------------


def _set_preamble(lines: list[str], record: Record, values: dict[str, str]) -> list[str]:
    lines = list(lines)
    status_index = record.status_line - 1
    template = META_LINE.match(lines[status_index]) if status_index < len(lines) else None
    for key, value in values.items():
        index = _preamble_index(lines, record, key)
        if index is not None:
            line = lines[index]
            match = _match_of(META_LINE, line)
            closing = _closing_emphasis(line, match)
            lines[index] = (
                line[: match.start("value")] + value + closing + line[match.end("value") :]
            )
        elif template is not None:
            line = lines[status_index]
            new = (
                line[: template.start("key")]
                + key.capitalize()
                + line[template.end("key") : template.start("value")]
            )
            closing = _closing_emphasis(line, template)
            lines.insert(_last_preamble_index(lines, record) + 1, new + value + closing)
        else:
            lines.insert(record.title_line, f"* {key.capitalize()}: {value}")
            if record.title_line < len(lines) and lines[record.title_line - 1].strip():
                lines.insert(record.title_line, "")
    return lines


def _closing_emphasis(line: str, match: re.Match[str]) -> str:
    """The `**` that closes a bold value (`- **Status**: **accepted**`), kept when it changes."""
    before, value = line[: match.start("value")], match["value"]
    for mark in ("**", "__"):
        if value.endswith(mark) and before.rstrip().endswith(mark):
            return mark
    return ""


def _preamble_index(lines: list[str], record: Record, key: str) -> int | None:
    for index, line in outside_fences(lines, record.title_line):
        if heading(line):
            return None
        match = META_LINE.match(line)
        if match and match["key"].strip().lower() == key:
            return index
    return None


def _last_preamble_index(lines: list[str], record: Record) -> int:
    last = record.title_line - 1
    for index, line in outside_fences(lines, record.title_line):
        if heading(line):
            break
        if META_LINE.match(line):
            last = index
    return last


def _set_status_section(lines: list[str], record: Record, word: str, date: str) -> list[str]:
    lines = list(lines)
    section = find_section(lines, 0, {"status"})
    if section is None:
        at = _first_section_index(lines, record)
        if at < len(lines):  # a new section, ended by the next one
            lines[at:at] = ["## Status", "", word, ""]
        else:
            # No section follows (none at all, or a code block left open hides
            # them): a section here would run to the end and swallow the text,
            # so state it under the title, where the Date line is.
            at = _last_preamble_index(lines, record) + 1
            lines[at:at] = ["", f"Status: {word}"]
        return lines
    index = record.status_line - 1
    if index < len(lines) and changelog_entry(lines[index]):
        # A dated changelog keeps its history: the change is a new entry.
        last = max(i for i in range(*section) if changelog_entry(lines[i]))
        bullet = _match_of(_LIST_PREFIX, lines[last])[0]
        blank = last + 1 < len(lines) and not lines[last - 1].strip()
        entry = f"{bullet}{date} {word[:1].lower()}{word[1:]}"
        lines[last + 1 : last + 1] = ["", entry] if blank else [entry]
    elif section[0] <= index < section[1]:
        original = lines[index]
        prefix = _match_of(_LIST_PREFIX, original)[0]
        if not (word == "Superseded" and "by" in original.lower()):  # keep its successor link
            lines[index] = prefix + word
        # Other status lines ("Accepted" above "Superseded by ...") would contradict it.
        doomed = set()
        for other in range(*section):
            if other != index and status_word(_strip_list_mark(lines[other]))[0]:
                doomed.add(other)
                if other + 1 != index and other + 1 < len(lines) and not lines[other + 1].strip():
                    doomed.add(other + 1)  # and the blank line that set it apart
        lines = [line for number, line in enumerate(lines) if number not in doomed]
    else:
        first = section[0]
        while first < section[1] and not lines[first].strip():
            first += 1
        lines[first:first] = [word, ""]
    return lines


def _strip_list_mark(line: str) -> str:
    return re.sub(r"^\s*(?:[-*+>]|\d+[.)])\s+", "", line).strip()


def _set_date_line(lines: list[str], record: Record, date: str, *, replace: bool) -> list[str]:
    """The `Date:` line under the title set to `date`; an existing one only when `replace`."""
    lines = list(lines)
    for index, line in outside_fences(lines, record.title_line):
        if heading(line):
            break
        match = re.match(
            r"^(\s*(?:[-*+]\s+)?(?:\*\*)?Date(?:\*\*)?\s*:\s*(?:\*\*)?\s*)(.*)$",
            line,
            re.IGNORECASE,
        )
        if match:
            if replace:
                lines[index] = match[1] + date
            return lines
    lines[record.title_line : record.title_line] = ["", f"Date: {date}"]
    return lines


def _first_section_index(lines: list[str], record: Record) -> int:
    for index, line in outside_fences(lines, record.title_line):
        found = heading(line)
        if found and found[0] >= 2:
            return index
    return len(lines)


def _append_to_section(
    lines: list[str], record: Record, name: str, line: str, *, bullet: bool
) -> list[str]:
    lines = list(lines)
    section = find_section(lines, 0, {name.lower()})
    if section is None:
        at = len(lines)
        while at > 0 and not lines[at - 1].strip():
            at -= 1
        if _ends_in_code_block(lines[:at]):
            # A code block left open runs to the end, where a new section would be
            # code: it goes after the last text the reader still sees.
            at = _last_text_index(lines, record.title_line, at) + 1
        lines[at:at] = ["", f"## {name}", "", line]
        return lines
    if any(existing.strip() == line.strip() for _, existing in outside_fences(lines, *section)):
        return lines
    last = section[1] - 1
    while last >= section[0] and not lines[last].strip():
        last -= 1
    if _ends_in_code_block(lines[: last + 1]):  # as above, within the section
        last = _last_text_index(lines, section[0], section[1])
    block = (
        [line]
        if bullet and last >= section[0] and lines[last].lstrip().startswith(("*", "-"))
        else ["", line]
    )
    if last < section[0]:
        block = ["", line]
    lines[last + 1 : last + 1] = block
    return lines


def _last_text_index(lines: list[str], start: int, end: int) -> int:
    """The last non-blank line from `start` to `end` outside code blocks, or `start - 1`."""
    found = [index for index, line in outside_fences(lines, start, end) if line.strip()]
    return found[-1] if found else start - 1


def _ends_in_code_block(lines: list[str]) -> bool:
    """Whether a code block opened in `lines` is never closed: it runs to their end."""
    probe = len(lines)  # a blank line after the end: read only when outside a code block
    return all(index != probe for index, _ in outside_fences([*lines, ""], 0))


# --- the folder's README index ------------------------------------------------------

TOC_START, TOC_END = "<!-- adrlog -->", "<!-- adrlogstop -->"


def toc(existing: str, records: list[Record], root: Path, folder: Path) -> str:
    """The folder README with its index rewritten between markers; other text is kept."""
    rows = ["| # | Decision | Status | Date |", "|---|---|---|---|"]
    for r in records:
        relative = (root / r.path).relative_to(folder).as_posix()
        title = r.title.replace("|", "\\|")
        rows.append(
            f"| {r.number if r.number is not None else ''} | [{title}]({relative}) "
            f"| {r.status or '?'} | {r.date} |"
        )
    block = "\n".join([TOC_START, "", *rows, "", TOC_END])
    if TOC_START in existing and TOC_END in existing:
        before, rest = existing.split(TOC_START, 1)
        return before + block + rest.split(TOC_END, 1)[1]
    if existing.strip():
        return existing.rstrip("\n") + "\n\n" + block + "\n"
    intro = "Written with `adr new`; checked with `adr check`."
    return f"# Architecture decision records\n\n{intro}\n\n{block}\n"


def contents_list(
    records: list[Record],
    root: Path,
    folder: Path,
    *,
    prefix: str = "",
    intro: str = "",
    outro: str = "",
) -> str:
    """adr-tools' `adr generate toc`: a Markdown list of every decision, for its scripts.

    The same text adr-tools prints ("* [1. First Decision](0001-first-decision.md)"),
    with INTRO and OUTRO files around it and PREFIX before every link.
    """
    lines = ["# Architecture Decision Records", ""]
    if intro:
        lines += [intro.rstrip("\n"), ""]
    for r in records:
        title = (
            f"{r.number}. {r.title}"
            if r.number is not None and r.style == STYLE_ADR_TOOLS
            else r.title
        )
        lines.append(f"* [{title}]({prefix}{(root / r.path).relative_to(folder).as_posix()})")
    if outro:
        lines += ["", outro.rstrip("\n")]
    return "\n".join(lines) + "\n"
