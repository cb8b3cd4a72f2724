"""Records layer: every rule about decision file names (pure core).

What a name says (its number and slug, the date in it), the name of a new or
renumbered decision, and a folder's own naming convention with the files that break it.

Real folders name their decisions `0001-x.md`, `001-x.md`, `adr-001-x.md`,
`ADR001-x.md`, `2020-09-26-x.md` or `20200926-x.md`, each keeping to its own
choice. A folder that follows one convention is fine whichever it is; the
signal worth a warning is a file that breaks the convention of its folder.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from adrsite.records.dates import is_date

NUMBERED, DATED, PLAIN = "numbered", "dated", "plain"
LOWER, SENTENCE, TITLE, UPPER, MIXED = (
    "lowercase",
    "sentence case",
    "title case",
    "uppercase",
    "mixed case",
)
_JOINERS = "-_ "
_SEPARATORS = "-_ ."
# The same names parse.parse_file_name reads a number from: 0012-x, adr-012-x, ADR012-x.
_NUMBER = re.compile(r"^(m?adr[-_ ]?)?(\d{1,6})(?=[-_ .]|\Z)", re.IGNORECASE)
_DATE = re.compile(r"^\d{4}-?\d{2}-?\d{2}")
_RENUMBERED = re.compile(r"^((?:m?adr[-_ ]?)?)(\d+)([-_ .]?)", re.IGNORECASE)
_SLUG_WORD = re.compile(r"[a-z0-9]+")
# File names: 0001-x.md, 001-x.md, adr-001-x.md, ADR001-x.md; date prefixes are not numbers.
_DATE_NAME = re.compile(r"^(\d{4}-?\d{2}-?\d{2})(?:[-_ .]+|$)(.*)$")
_NUMBER_NAME = re.compile(r"^(?:m?adr[-_ ]?)?(\d{1,6})(?:[-_ .]+|$)(.*)$", re.IGNORECASE)
_CANDIDATES = 20  # the most common exact conventions are tried: real folders hold a few


@dataclass(frozen=True, slots=True)
class Convention:
    """How a file name is built: what leads (a number, a date or nothing), then the words."""

    kind: str  # NUMBERED, DATED or PLAIN
    prefix: str  # before the number, as written: "", "adr-", "ADR", "ADR-"
    width: int  # digits a number is zero-padded to; 1: not padded
    date_format: str  # "YYYY-MM-DD" or "YYYYMMDD" for a dated name, else ""
    separator: str  # between the number or date and the words: "-", "_", " ", "."
    case: str  # LOWER, SENTENCE, TITLE, UPPER or MIXED
    joiner: str  # between words: "-", "_" or " "
    extension: str  # ".md", ".markdown", as written

    @property
    def pattern(self) -> str:
        """The convention as a reader recognises it: "adr-NNN-slug.md", "YYYYMMDD-slug.md"."""
        words = {LOWER: "slug", UPPER: "SLUG", MIXED: "slug"}.get(self.case, "Slug")
        if self.joiner != "-" or self.case in {TITLE, MIXED}:
            second = {LOWER: "words", SENTENCE: "words", UPPER: "WORDS"}.get(self.case, "Words")
            words = f"{words}{self.joiner}{second}"
        if self.kind == NUMBERED:
            lead = self.prefix + "N" * self.width
        elif self.kind == DATED:
            lead = self.date_format
        else:
            return words + self.extension
        if not self.separator:
            return lead + self.extension  # "0001.md": a number and nothing else
        return f"{lead}{self.separator}{words}{self.extension}"

    def file_name(self, *, slug: str, number: int | None, date: str) -> str:
        """A new file's name in this convention; `slug` is lowercase words joined by hyphens."""
        words = [word for word in slug.split("-") if word]
        if self.case == UPPER:
            words = [word.upper() for word in words]
        elif self.case == TITLE:
            words = [word.capitalize() for word in words]
        elif self.case == SENTENCE:
            words[:1] = [word.capitalize() for word in words[:1]]
        elif self.case == MIXED:  # camelCase and the like: every word but the first capitalized
            words[1:] = [word.capitalize() for word in words[1:]]
        text = self.joiner.join(words)
        if self.kind == NUMBERED and number is not None:
            lead = self.prefix + str(number).zfill(self.width)
        elif self.kind == DATED:
            year, month, day = date.split("-")
            lead = self.date_format.replace("YYYY", year).replace("MM", month).replace("DD", day)
        else:
            return text + self.extension
        if not self.separator:
            return lead + self.extension
        return f"{lead}{self.separator}{text}{self.extension}"

    def differences(self, name: str) -> list[str]:
        """How `name` departs from this convention, in words; empty when it follows it."""
        return self._differences(_Parts.of(name))

    def _differences(self, parts: _Parts) -> list[str]:
        found = []
        if parts.kind != self.kind:
            found.append(_kind_difference(parts.kind, self.kind))
        elif self.kind == NUMBERED:
            if parts.prefix != self.prefix:
                actual = f"the prefix {parts.prefix!r}" if parts.prefix else "no prefix"
                expected = repr(self.prefix) if self.prefix else "none"
                found.append(f"{actual} (expected {expected})")
            if not _width_fits(self.width, parts.lead):
                found.append(_width_difference(parts.lead, self.width))
        elif self.kind == DATED and parts.date_format != self.date_format:
            found.append(f"a date written {parts.date_format} (expected {self.date_format})")
        if self.kind != PLAIN and parts.kind == self.kind and parts.separator != self.separator:
            after = "number" if self.kind == NUMBERED else "date"
            actual, expected = _one(parts.separator), _one(self.separator)
            found.append(f"{actual} after the {after} (expected {expected})")
        if not _case_fits(self.case, parts.words):
            found.append(f"words in {parts.case} (expected {self.case})")
        if any(joiner != self.joiner for joiner in parts.joiners):
            joiners = " and ".join(_many(joiner) for joiner in parts.joiners)
            found.append(f"words joined by {joiners} (expected {_many(self.joiner)})")
        if parts.extension != self.extension:
            found.append(f"the extension {parts.extension!r} (expected {self.extension!r})")
        return found


# adrsite's own: what `adr init` writes, and what a folder without a convention of its own follows.
OURS = Convention(NUMBERED, "", 4, "", "-", LOWER, "-", ".md")
# log4brains' own (`20261201-use-vite.md`): a folder `.log4brains.yml` names, and one mostly dated.
LOG4BRAINS = Convention(DATED, "", 0, "YYYYMMDD", "-", LOWER, "-", ".md")


@dataclass(frozen=True, slots=True)
class FolderNaming:
    """The convention a folder's files follow, and how many follow it."""

    convention: Convention  # the folder's own, or OURS when no convention has a majority
    following: int  # files whose names follow `convention`
    total: int

    @property
    def own(self) -> bool:
        """Whether most files follow `convention`, so that it is the folder's own."""
        return self.following * 2 > self.total


def classify(name: str) -> Convention:
    """The convention a single file name follows (its number's width taken as written)."""
    return _classify(_Parts.of(name))


def _classify(parts: _Parts) -> Convention:
    return Convention(
        kind=parts.kind,
        prefix=parts.prefix,
        width=len(parts.lead) if parts.kind == NUMBERED else 0,
        date_format=parts.date_format,
        separator=parts.separator,
        case=parts.case,
        joiner=parts.joiners[0] if parts.joiners else "-",
        extension=parts.extension,
    )


def folder_naming(names: list[str], default: Convention = OURS) -> FolderNaming:
    """The convention most of `names` follow (a folder and its sub-folders), else `default`.

    Widths are loose in one direction: `100-x.md` follows `NNN-slug.md`, and
    `10-x.md` follows an unpadded `N-slug.md`, so each candidate is scored by
    the files that follow it, not only by the files classified exactly as it.
    Ties go to the one more files were classified as, then to the default.
    A folder whose names are mostly dates, in no one format, falls back to
    log4brains' dated names rather than to numbers none of them has.
    """
    if not names:
        return FolderNaming(default, 0, 0)
    parts = [_Parts.of(name) for name in names]
    if sum(each.kind == DATED for each in parts) * 2 > len(parts):
        default = LOG4BRAINS if default.kind != DATED else default
    exact = Counter(_classify(each) for each in parts)
    candidates = [convention for convention, _ in exact.most_common(_CANDIDATES)]
    if default not in candidates:
        candidates.append(default)
    scored = [
        (sum(not c._differences(each) for each in parts), exact[c], c == default, c)
        for c in candidates
    ]
    following, _, _, best = max(scored, key=lambda score: score[:3])
    naming = FolderNaming(best, following, len(names))
    if naming.own:
        return naming
    fallback = next(score[0] for score in scored if score[3] == default)
    return FolderNaming(default, fallback, len(names))


def new_decision_name(
    names: list[str],
    numbers: list[int],
    *,
    title: str,
    date: str,
    default: Convention = OURS,
) -> tuple[str, int | None]:
    """The file name and number of a new decision, named as most of the folder's files are.

    A folder of date-named or unnumbered files gets a number only where its
    titles carry one ("# 12. Use X"); all others the next number. `default` is
    the convention of a folder with none of its own (log4brains' for its folders).
    """
    convention = folder_naming(names, default).convention
    number = None if convention.kind != NUMBERED and not numbers else max(numbers, default=0) + 1
    return convention.file_name(slug=slugify(title), number=number, date=date), number


def renumbered_name(name: str, number: int, slug: str) -> str:
    """`name` with `number` in place of its own, keeping its prefix, zero padding and separator."""
    match = _RENUMBERED.match(name)
    if not match:
        return f"{number:04d}-{slug}.md"
    width = len(match[2]) if match[2].startswith("0") else 1
    return f"{match[1]}{str(number).zfill(width)}{match[3] or '-'}{slug}.md"


def slugify(title: str) -> str:
    """The words of a file name for `title`: ASCII, lowercase, hyphenated, about 60 characters."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = ""
    for word in _SLUG_WORD.findall(ascii_title.lower()):
        if len(slug) + len(word) + 1 > 60 and slug:
            break
        slug = f"{slug}-{word}" if slug else word
    return slug or "decision"


@dataclass(frozen=True, slots=True)
class _Parts:
    """A file name taken apart."""

    kind: str
    prefix: str
    lead: str  # the number's digits as written, or the date
    date_format: str
    separator: str
    words: str
    case: str
    joiners: tuple[str, ...]  # distinct, in order of appearance
    extension: str

    @classmethod
    def of(cls, name: str) -> _Parts:
        stem, dot, extension = name.rpartition(".")
        if not dot:
            stem, extension = name, ""
        kind, prefix, lead, date_format = PLAIN, "", "", ""
        if date_in_name(name) and (dated := _DATE.match(stem)):
            kind, lead = DATED, dated[0]
            date_format = _date_format(lead)
        elif numbered := _NUMBER.match(stem):
            kind, prefix, lead = NUMBERED, numbered[1] or "", numbered[2]
        rest = stem[len(prefix) + len(lead) :]
        words = rest.lstrip(_SEPARATORS) if kind != PLAIN else rest
        joiners = tuple(dict.fromkeys(ch for ch in words if ch in _JOINERS))
        return cls(
            kind=kind,
            prefix=prefix,
            lead=lead,
            date_format=date_format,
            separator=rest[: len(rest) - len(words)],
            words=words,
            case=_case(words),
            joiners=joiners,
            extension=dot + extension,
        )


def _date_format(text: str) -> str:
    letters = iter("YYYYMMDD")
    return "".join(ch if ch == "-" else next(letters) for ch in text)


def _case(words: str) -> str:
    first = next((ch for ch in words if ch.isupper() or ch.islower()), "")
    if not first or not any(ch.isupper() for ch in words):
        return LOWER
    if not any(ch.islower() for ch in words):
        return UPPER
    if first.islower():
        return MIXED
    each = [word for word in re.split(r"[-_ ]", words) if word]
    if len(each) > 1 and all(not word[0].islower() for word in each):
        return TITLE
    return SENTENCE


def _case_fits(case: str, words: str) -> bool:
    """Whether `words` could be written in `case`: "Use-API" fits title and sentence case."""
    first = next((ch for ch in words if ch.isupper() or ch.islower()), "")
    if not first:
        return True  # no letters: any case will do
    if case == LOWER:
        return not any(ch.isupper() for ch in words)
    if case == UPPER:
        return not any(ch.islower() for ch in words)
    if case == MIXED:
        return first.islower() and any(ch.isupper() for ch in words)
    return first.isupper()  # SENTENCE and TITLE: acronyms and names vary the rest


def _width_fits(width: int, digits: str) -> bool:
    """`0012` fits 4 digits only; `1234` and `12345` fit 4 (past 9999 the padding runs out)."""
    return len(digits) == width or (len(digits) > width and not digits.startswith("0"))


def _width_difference(digits: str, width: int) -> str:
    expected = "no zero-padding" if width == 1 else f"{width} digits"
    return f"a {len(digits)}-digit number (expected {expected})"


def _kind_difference(actual: str, expected: str) -> str:
    named = {NUMBERED: "a number", DATED: "a date", PLAIN: "no number or date"}
    if expected == PLAIN:
        return f"{named[actual]} (expected none)"
    if actual == PLAIN:
        return f"no {'number' if expected == NUMBERED else 'date'}"
    return f"{named[actual]} (expected {named[expected]})"


def _one(separator: str) -> str:
    names = {"-": "a hyphen", "_": "an underscore", " ": "a space", ".": "a dot", "": "nothing"}
    return names.get(separator, repr(separator))


def _many(joiner: str) -> str:
    return {"-": "hyphens", "_": "underscores", " ": "spaces"}[joiner]


def parse_file_name(name: str) -> tuple[int | None, str]:
    """Number and slug from a file name: "0012-use-x.md" gives (12, "use-x")."""
    stem = name.rsplit(".", 1)[0]
    date_match = _DATE_NAME.match(stem)
    if date_match and is_date(date_match[1]):
        return None, date_match[2] or stem
    number_match = _NUMBER_NAME.match(stem)
    if number_match:
        return int(number_match[1]), number_match[2] or stem
    return None, stem


def date_in_name(path: str) -> str:
    """The date a date-named file (20200926-x.md, 2020-09-26-x.md) carries in its name."""
    match = _DATE_NAME.match(path.rsplit("/", 1)[-1])
    if not match or not is_date(match[1]):
        return ""
    digits = match[1].replace("-", "")
    return f"{digits[:4]}-{digits[4:6]}-{digits[6:8]}"


def _humanize(slug: str) -> str:
    words = slug.replace("_", " ").replace("-", " ").strip()
    return words[:1].upper() + words[1:]
