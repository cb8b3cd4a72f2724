"""Records layer: read one ADR file, in any common style, into a Record (pure core, no Django).

Three styles are read (see README.md, "The ADR file"):

- MADR 3/4 and ours: YAML front matter (`status:`, `date:`, `deciders:` ...).
- MADR 2 / log4brains: `* Status: accepted` bullets between the title and the
  first section.
- adr-tools / Nygard: `Date:` under the title and a `## Status` section whose
  lines are a status word and link lines (`Supersedes [1. X](0001-x.md)`).

Real folders mix them, so every source is tried and the first that states a
status wins. Nothing here raises on bad input: what cannot be read becomes a
Problem with a line number, and the decision is still returned.
"""

from __future__ import annotations

import functools
import re
from typing import Any

import yaml

from adrsite.records.dates import ambiguous_date, normalize_date
from adrsite.records.enforce import read_enforce
from adrsite.records.front_matter import _FRONT_MATTER, _failing_line, _load_yaml
from adrsite.records.links import _LINK_LINE, _MD_LINK, clean_text_keep_links, link_targets
from adrsite.records.model import (
    ERROR,
    STYLE_ADR_TOOLS,
    STYLE_MADR,
    STYLE_MADR2,
    WARNING,
    LinkRef,
    Problem,
    Record,
)
from adrsite.records.naming import _humanize, date_in_name, parse_file_name
from adrsite.records.problems import ProblemCode, Severity
from adrsite.records.scan import (
    LIST_MARK,
    META_LINE,
    TITLE_NUMBER,
    _value_as_written,
    find_section,
    heading,
    outside_fences,
)
from adrsite.records.status_lines import (
    HTML_COMMENT,
    farthest_line_read,
    latest_entry,
    preamble_status,
    section_lines,
    status_of_text,
)
from adrsite.records.summary import decision_summary
from adrsite.records.vocabulary import (
    LINK_VERBS,
    REVERSE_KIND,
    clean_text,
    is_placeholder_value,
    is_status_placeholder,
    link_kind,
    status_word,
)

MAX_BYTES = 1024 * 1024  # an ADR is a page or two; anything this big is a mistake
_BINARY_PROBE = 8192  # a NUL in the first bytes: a binary file, as git decides

# Every pattern here is linear on any line (ADR 22): no two unbounded quantifiers
# over the same characters meet unless the first is possessive (*+, ++), and a
# pattern tried at every position cannot rescan the same run from each of them.
# "Date 09/04/2018" under the title: a date line without its colon.
_BARE_DATE_LINE = re.compile(r"^\s*(?:[-*+]\s+)?(?:\*\*|__)?date(?:\*\*|__)?\s+(\d.*)$", re.I)
# A front matter line's key: "status:", "Decision makers :".
_META_KEY = re.compile(r"^([A-Za-z][\w -]*+)\s*+:")
# "a, b and c": tried only where a run of spaces starts (or at a comma, where an
# earlier match ended), so a long run of spaces is scanned once, not from each one.
_LIST_SEPARATOR = re.compile(r"(?:(?<!\s)|(?=,))\s*+,\s*+|(?<!\s)\s++and\s++")
_METADATA_KEYS = {"status", "date", "deciders", "decision-makers", "tags", "review-by"}
_EXPECTED = "(expected proposed, accepted, rejected, deprecated or superseded)"
_LINK_SECTIONS = {"links", "related decisions", "related adrs", "related records", "related"}


def parse(path: str, data: bytes) -> Record:
    """Read one ADR file. `path` is relative to the repository root."""
    return _Reader(path, data).read()


def parse_status(path: str, data: bytes) -> str:
    """`parse(path, data).status`, for less: the same reading, stopped once the status is known.

    The indexer needs only the status of each past revision of a file (its
    status history); only the latest revision needs the whole record.
    """
    return _Reader(path, data).read_status_only()[0]


class _Reader:
    """Reads one file; collects problems instead of raising."""

    def __init__(self, path: str, data: bytes) -> None:
        self.path = path
        self.data = data
        self.problems: list[Problem] = []
        self.links: list[LinkRef] = []
        self.meta_lines: dict[str, int] | None = {}  # front matter key -> its line
        self.body_start = 0
        self.lines: list[str] = []
        self.number: int | None = None  # from the file's name, when `read` needs it
        self.title_stop: int | None = None  # the line `read_title` stopped at (None: at the end)
        self.slug = ""

    def problem(self, line: int, severity: Severity, code: ProblemCode, message: str) -> None:
        self.problems.append(Problem(self.path, line, severity, code, message))

    def read(self) -> Record:
        self.number, self.slug = parse_file_name(self.path.rsplit("/", 1)[-1])
        text = self.decode()
        if text is None:
            return self.record(title=_humanize(self.slug))
        lines = self.lines = text.split("\n")
        meta, body_start = self.read_front_matter(text, lines)
        title, title_line = self.read_title(lines, body_start, meta)
        preamble = self.read_preamble(lines, body_start, title_line)
        status, status_text, status_line, date_value, date_line, style = self.read_status(
            lines, body_start, title_line, meta, preamble
        )
        date_iso, date_text = self.read_date(date_value, date_line)
        fields = self.read_fields(meta, {key: value for key, (value, _) in preamble.items()})
        fields |= self.read_onboarding(meta)
        fields |= self.read_review_by(meta, preamble)
        fields |= self.read_enforce(meta, title)
        self.read_link_sections(lines, body_start)
        return self.record(
            title=title,
            title_line=title_line,
            status=status,
            status_text=status_text,
            status_line=status_line,
            date=date_iso or date_in_name(self.path),
            date_text=date_text,
            style=style,
            body="\n".join(lines[body_start:]).strip("\n") + "\n",
            summary=decision_summary(lines, body_start),
            **fields,
        )

    def read_status_only(self) -> tuple[str, int | None]:
        """What `read` finds for the status: its sources in its order, and nothing else; and
        how many of the first lines it read to find it (None: every line, or the whole text).

        No problem, link or date is built (none of them changes the status), and
        each walk stops where its source ends. The indexer reads this for every
        past revision; tests/test_parse_status.py holds it equal to `read`'s.
        """
        text = self.decode()
        if text is None:
            return "", None
        lines = self.lines = text.split("\n")
        meta, body_start = self.read_front_matter(text, lines)
        # The closing "---" ends where the blank lines after it end: the next line decides.
        # A first line of dashes with no front matter after all (never closed, say): the
        # whole text decided that.
        reach: int | None = body_start + 1 if body_start else 1
        if not body_start and text.startswith("---"):
            reach = None
        if meta.get("status") is not None:
            return status_of_text(self.front_matter_text("status", meta["status"])), reach
        _, title_line = self.read_title(lines, body_start, meta)
        written, stop = preamble_status(lines, max(body_start, title_line))
        if written is not None:
            return status_of_text(written), farthest_line_read(reach, self.title_stop, stop)
        section = find_section(lines, body_start, {"status"})
        status = self.status_in_section(lines, section)
        if section is None:
            return status, None  # every heading was read
        return status, farthest_line_read(reach, self.title_stop, stop, section[1], end=len(lines))

    def status_in_section(self, lines: list[str], section: tuple[int, int] | None) -> str:
        if section is None:
            return ""
        entries = [
            (i, date, text, status)
            for i, date, text, status in section_lines(lines, section)
            if status
        ]
        return latest_entry(entries)[3] if entries else ""

    def record(self, **fields: Any) -> Record:
        defaults: dict[str, Any] = {
            "status": "",
            "status_text": "",
            "date": "",
            "date_text": "",
            "deciders": (),
            "tags": (),
            "affects": (),
            "rule": "",
            "body": "",
            "style": STYLE_MADR,
        }
        return Record(
            path=self.path,
            number=self.number,
            slug=self.slug,
            links=tuple(self.links),
            problems=tuple(sorted(self.problems, key=lambda p: p.line)),
            **(defaults | fields),
        )

    # --- bytes to text ---------------------------------------------------

    def decode(self) -> str | None:
        size = len(self.data)
        if size > MAX_BYTES:
            self.problem(
                1,
                ERROR,
                ProblemCode.TOO_LARGE,
                f"file is too large to be an ADR ({size / MAX_BYTES:.1f} MiB; the limit is 1 MiB)",
            )
            return None
        if b"\x00" in self.data[:_BINARY_PROBE]:
            self.problem(1, ERROR, ProblemCode.BINARY, "binary file, not Markdown")
            return None
        try:
            text = self.data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = self.data.count(b"\n", 0, error.start) + 1
            byte = self.data[error.start : error.start + 1].hex()
            self.problem(
                line,
                ERROR,
                ProblemCode.NOT_UTF8,
                f"not valid UTF-8 (byte 0x{byte}); save the file as UTF-8",
            )
            text = self.data.decode("utf-8-sig", errors="replace")
        if not text or text.isspace():  # what strip() removes, without copying the file
            self.problem(1, ERROR, ProblemCode.EMPTY, "file is empty")
            return None
        if "\0" in text:  # past the first 8 KB: text, with a byte no database keeps
            line = text.count("\n", 0, text.index("\0")) + 1
            self.problem(
                line, ERROR, ProblemCode.NUL_BYTE, "a NUL byte (0x00) in the text; read as \ufffd"
            )
            text = text.replace("\0", "\ufffd")
        if "\r" not in text:  # one scan for most files, not two
            return text
        return text.replace("\r\n", "\n").replace("\r", "\n")

    def read_front_matter(self, text: str, lines: list[str]) -> tuple[dict[str, Any], int]:
        """The front matter as a dict with normalised keys, and the first body line's index."""
        if not _FRONT_MATTER.detect(text):
            return {}, 0
        try:
            raw, content = _FRONT_MATTER.split(text)
        except ValueError:
            self.problem(
                1,
                ERROR,
                ProblemCode.FRONT_MATTER_UNCLOSED,
                "front matter is not closed (no second '---' line)",
            )
            return {}, 0
        body_start = text.count("\n", 0, len(text) - len(content)) + 1
        try:
            # libyaml is fast but cannot refuse aliases; anchors are the only way
            # to define one, so files with "&" take the careful loader.
            loaded = _load_yaml(raw)
        except (ValueError, TypeError, RecursionError) as error:
            # Valid syntax, impossible value: "date: 2026-02-30".
            message = f"front matter has a value YAML cannot read: {error}"
            self.problem(_failing_line(raw), ERROR, ProblemCode.FRONT_MATTER_YAML, message)
            return {}, body_start
        except yaml.YAMLError as error:
            # An unclosed "[" or quote is found where scanning gave up (often the
            # closing ---); the line that opened it is the one to fix.
            mark = getattr(error, "context_mark", None) or getattr(error, "problem_mark", None)
            line = mark.line + 1 if mark else 1
            reason = getattr(error, "problem", None) or str(error).splitlines()[0]
            self.problem(
                line,
                ERROR,
                ProblemCode.FRONT_MATTER_YAML,
                f"front matter is not valid YAML: {reason}",
            )
            return {}, body_start
        if loaded is None:
            return {}, body_start
        if not isinstance(loaded, dict):
            self.problem(
                2,
                ERROR,
                ProblemCode.FRONT_MATTER_NOT_MAPPING,
                f"front matter is {_a_type(loaded)}, not a mapping of keys to values",
            )
            return {}, body_start
        self.meta_lines, self.body_start = None, body_start  # found when first asked
        return {_norm_key(str(key)): value for key, value in loaded.items()}, body_start

    def meta_line(self, key: str) -> int:
        if self.meta_lines is None:
            self.meta_lines = {
                _norm_key(match[1]): index + 1
                for index, line in enumerate(self.lines[1 : self.body_start - 1], start=1)
                if (match := _META_KEY.match(line))  # _norm_key strips
            }
        return self.meta_lines.get(key, 1)

    # --- title -----------------------------------------------------------

    def read_title(self, lines: list[str], start: int, meta: dict[str, Any]) -> tuple[str, int]:
        for index, line in outside_fences(lines, start):
            found = heading(line)
            setext = (
                index + 1 < len(lines) and re.match(r"^=+\s*$", lines[index + 1]) and line.strip()
            )
            if (found and found[0] == 1) or setext:
                self.title_stop = index
                return self.strip_title_number(found[1] if found else line.strip()), index + 1
            if found:
                self.title_stop = index
                break  # a lower heading came first: no H1 title
        if isinstance(meta.get("title"), str) and meta["title"].strip():
            return self.strip_title_number(meta["title"].strip()), self.meta_line("title")
        self.problem(
            start + 1,
            ERROR,
            ProblemCode.NO_TITLE,
            "no title (the first heading should be '# Title')",
        )
        return _humanize(self.slug), start + 1

    def strip_title_number(self, title: str) -> str:
        match = TITLE_NUMBER.match(title)
        if not match:
            return title
        if self.number is None:
            self.number = int(match[1] or match[2])
        return title[match.end() :].strip() or title

    # --- status, the style that carries it, and the date -----------------

    def read_status(
        self,
        lines: list[str],
        start: int,
        title_line: int,
        meta: dict[str, Any],
        preamble: dict[str, tuple[str, int]],
    ) -> tuple[str, str, int, Any, int, str]:
        """(status, text, line, date value, date line, style) from whichever source has it."""
        date_value, date_line = None, 0
        if "date" in meta:
            date_value, date_line = meta["date"], self.meta_line("date")
        elif "date" in preamble:
            date_value, date_line = preamble["date"]

        if meta.get("status") is not None:
            line = self.meta_line("status")
            status, text = self.status_from_text(
                self.front_matter_text("status", meta["status"]), line
            )
            return status, text, line, date_value, date_line, STYLE_MADR
        if "status" in preamble:
            value, line = preamble["status"]
            status, text = self.status_from_text(value, line)
            return status, text, line, date_value, date_line, STYLE_MADR2

        section = find_section(lines, start, {"status"})
        if section is not None:
            status, text, line, changelog_date = self.status_from_section(lines, section)
            if changelog_date and date_value is None:
                date_value, date_line = changelog_date, line
            return status, text, line, date_value, date_line, STYLE_ADR_TOOLS

        style = STYLE_MADR if meta or start else (STYLE_MADR2 if preamble else STYLE_ADR_TOOLS)
        line = self.meta_line("status") if style == STYLE_MADR else title_line
        if any(p.code.startswith("front-matter-") for p in self.problems):
            # The status is most likely in the front matter that could not be read;
            # that error is the one to fix, so don't pile a second on top of it.
            return "", "", line, date_value, date_line, style
        self.problem(
            line,
            ERROR,
            ProblemCode.NO_STATUS,
            "no status (proposed, accepted, rejected, deprecated or superseded)",
        )
        return "", "", line, date_value, date_line, style

    def read_preamble(
        self, lines: list[str], start: int, title_line: int
    ) -> dict[str, tuple[str, int]]:
        """`Key: value` lines between the title and the first section (MADR 2, Nygard's Date:)."""
        found: dict[str, tuple[str, int]] = {}
        for index, line in outside_fences(lines, max(start, title_line)):
            if heading(line):
                break
            match = META_LINE.match(line)
            bare_date = None if match else _BARE_DATE_LINE.match(line)
            if bare_date and "date" not in found and normalize_date(bare_date[1])[1] != ERROR:
                found["date"] = (bare_date[1].strip(), index + 1)  # "Date 09/04/2018"
                continue
            if not match:
                # adr-tools style link lines sit here too, without a colon:
                # "Related to ADR025 and [MADR 099](./099-x.md)."
                link = _LINK_LINE.match(clean_text_keep_links(LIST_MARK.sub("", line.strip())))
                if link and link_kind(link["verb"]) in REVERSE_KIND:
                    self.add_links(link_kind(link["verb"]), link["rest"], index + 1)
                continue
            key = _norm_key(match["key"])
            if key in _METADATA_KEYS and key not in found:
                # log4brains' template ends lines with "<!-- optional -->"
                value = HTML_COMMENT.sub("", _value_as_written(line, match)).strip()
                if key != "status" and is_placeholder_value(value):
                    continue  # the template's words, not data: no tags, no deciders
                found[key] = (value, index + 1)
            elif link_kind(match["key"]) in REVERSE_KIND:
                self.add_links(link_kind(match["key"]), match["value"], index + 1)
        return found

    def front_matter_text(self, key: str, value: Any) -> str:
        """A front matter value as written: a YAML list or mapping (`[Proposed, Accepted]`,
        an unquoted `{proposed | rejected}`) is not a status, so its source line is."""
        if isinstance(value, (list, dict)):
            line = self.meta_line(key)
            match = META_LINE.match(self.lines[line - 1]) if 0 < line <= len(self.lines) else None
            return match["value"] if match else str(value)
        return str(value).strip()

    def status_from_text(self, text: str, line: int) -> tuple[str, str]:
        """(status, the text as written) of a `status:` value; a template's choices are none."""
        written = text.strip()
        if self.warned_as_placeholder(written, line):
            return "", written
        status, rest = status_word(written)
        if not status:
            shown = clean_text(_MD_LINK.sub(lambda m: m[1], written))
            self.problem(
                line, WARNING, ProblemCode.UNKNOWN_STATUS, f"unknown status {shown!r} {_EXPECTED}"
            )
        elif status == "superseded" and rest.lower().startswith("by"):
            self.add_links("superseded-by", written, line)
        return status, written

    def warned_as_placeholder(self, written: str, line: int) -> bool:
        """Whether `written` is a template's list of statuses (a warning says so)."""
        if not is_status_placeholder(written):
            return False
        self.problem(
            line,
            WARNING,
            ProblemCode.STATUS_PLACEHOLDER,
            f"status {written!r} is the template's placeholder, not a status; "
            "write one of proposed, accepted, rejected, deprecated or superseded",
        )
        return True

    def status_from_section(
        self, lines: list[str], section: tuple[int, int]
    ) -> tuple[str, str, int, str]:
        """The status a `## Status` section states: its latest dated entry, else its last."""
        entries: list[tuple[int, str, str, str]] = []  # (index, date, text, status)
        unknown: list[tuple[str, str, int]] = []  # (text as written, cleaned, line)
        placeholder: tuple[str, int] | None = None
        for index, entry_date, text, status in section_lines(lines, section):
            if status is None:
                placeholder = (text, index + 1)
                continue
            if status:
                if status == "superseded" and status_word(text)[1].lower().startswith("by"):
                    self.add_links("superseded-by", text, index + 1)
                entries.append((index, entry_date, text, status))
                continue
            match = _LINK_LINE.match(clean_text_keep_links(text))
            if (
                match
                and (kind := link_kind(match["verb"]))
                and link_targets(match["rest"])
                and (kind in REVERSE_KIND or _MD_LINK.search(match["rest"]))
            ):
                self.add_links(kind, match["rest"], index + 1)
                continue
            unknown.append((text, clean_text(text), index + 1))
        if not entries:
            if placeholder:
                text, line = placeholder
                self.warned_as_placeholder(text, line)
                return "", text, line, ""
            if unknown:
                text, shown, line = unknown[0]
                self.problem(
                    line,
                    WARNING,
                    ProblemCode.UNKNOWN_STATUS,
                    f"unknown status {shown!r} {_EXPECTED}",
                )
                return "", text, line, ""
            self.problem(
                section[0], ERROR, ProblemCode.NO_STATUS, "the Status section states no status"
            )
            return "", "", section[0], ""
        index, entry_date, text, status = latest_entry(entries)
        return status, text, index + 1, entry_date

    def read_date(self, value: Any, line: int) -> tuple[str, str]:
        """(ISO date or "", the date as written when it is not ISO: settle_dates reads it again)."""
        iso, severity, message = normalize_date(value)
        if not severity:
            return iso, ""
        written = clean_text(str(value))
        code = ProblemCode.DATE_AMBIGUOUS if ambiguous_date(written) else ProblemCode.DATE
        self.problem(line or 1, severity, code, message)
        return iso, written

    # --- everything else -------------------------------------------------

    def read_fields(self, meta: dict[str, Any], preamble: dict[str, str]) -> dict[str, Any]:
        for key, value in meta.items():
            kind = link_kind(key)
            if kind in REVERSE_KIND and value is not None:
                for target in value if isinstance(value, list) else [value]:
                    self.add_links(kind, str(target), self.meta_line(key), plain=True)
        deciders = meta.get("deciders", meta.get("decision-makers", preamble.get("deciders", "")))
        rule = meta.get("rule", "")
        return {
            "deciders": self.string_list(deciders, "deciders"),
            "tags": tuple(
                t.lstrip("#")
                for t in self.string_list(meta.get("tags", preamble.get("tags", "")), "tags")
            ),
            "affects": self.string_list(meta.get("affects", ""), "affects", split=False),
            "rule": rule.strip() if isinstance(rule, str) else "",
        }

    def read_onboarding(self, meta: dict[str, Any]) -> dict[str, Any]:
        """`onboarding: 3` (its place on the reading path) or `onboarding: skip` (left out)."""
        value = meta.get("onboarding")
        if value is None:
            return {}
        text = str(value).strip().lower() if not isinstance(value, bool) else ""
        if text == "skip":
            return {"onboarding_skip": True}
        if text.isascii() and text.isdigit() and len(text) <= 6:
            return {"onboarding": int(text)}
        self.problem(
            self.meta_line("onboarding"),
            WARNING,
            ProblemCode.ONBOARDING,
            f"onboarding {str(value)[:60]!r} should be a number "
            "(the decision's place on the reading path) or skip",
        )
        return {}

    def read_review_by(
        self, meta: dict[str, Any], preamble: dict[str, tuple[str, int]]
    ) -> dict[str, Any]:
        """`review-by: 2027-06-01` in front matter, or a `Review by:` line under the title."""
        if meta.get("review-by") is not None:
            value, line = meta["review-by"], self.meta_line("review-by")
        elif "review-by" in preamble:
            value, line = preamble["review-by"]
        else:
            return {}
        iso, severity, message = normalize_date(value)
        if severity:
            self.problem(line, severity, ProblemCode.REVIEW_BY, f"review-by: {message}")
        return {"review_by": iso, "review_by_line": line}

    def read_enforce(self, meta: dict[str, Any], title: str) -> dict[str, Any]:
        """Front matter `enforce:`: the checks that prove the code follows the decision."""
        if meta.get("enforce") is None:
            return {}
        label = f"ADR {self.number}" if self.number is not None else self.path.rsplit("/", 1)[-1]
        checks, problems = read_enforce(
            self.path, f"{label} ({title})", meta["enforce"], self.meta_line("enforce"), self.lines
        )
        self.problems.extend(problems)
        return {"enforce": checks}

    def string_list(self, value: Any, key: str, *, split: bool = True) -> tuple[str, ...]:
        if value is None or value == "":
            return ()
        if isinstance(value, str) and not split:
            return (value.strip(),) if value.strip() else ()  # a glob: its "**" is not bold
        if isinstance(value, str):
            items = _LIST_SEPARATOR.split(value)
            return tuple(clean_text(item) for item in items if clean_text(item))
        if isinstance(value, list) and all(isinstance(item, (str, int, float)) for item in value):
            return tuple(str(item).strip() for item in value if str(item).strip())
        self.problem(
            self.meta_line(key),
            WARNING,
            ProblemCode.FRONT_MATTER_TYPE,
            f"'{key}' should be a list of names",
        )
        return ()

    def read_link_sections(self, lines: list[str], start: int) -> None:
        """`## Links` sections of MADR 2: bullets like `* Refines [ADR-0005](0005-x.md)`."""
        section = find_section(lines, start, _LINK_SECTIONS)
        if section is None:
            return
        for index in range(*section):
            text = clean_text_keep_links(LIST_MARK.sub("", lines[index].strip()))
            match = _LINK_LINE.match(text)
            if match and (
                _MD_LINK.search(match["rest"]) or link_kind(match["verb"]) in LINK_VERBS.values()
            ):
                self.add_links(link_kind(match["verb"]), match["rest"], index + 1)

    def add_links(self, kind: str, text: str, line: int, *, plain: bool = False) -> None:
        targets = [text.strip()] if plain else link_targets(text)
        self.links.extend(LinkRef(kind, target, line) for target in targets if target)


def _norm_key(key: str) -> str:
    # The same few keys, file after file: short ones are remembered.
    return _remembered_key(key) if len(key) <= 64 else _normalize_key(key)


def _normalize_key(key: str) -> str:
    return key.strip().lower().replace("_", "-").replace(" ", "-")


_remembered_key = functools.lru_cache(maxsize=1024)(_normalize_key)


def _a_type(value: Any) -> str:
    names = {list: "a list", str: "a string", int: "a number", float: "a number", bool: "a boolean"}
    return names.get(type(value), f"a {type(value).__name__}")
