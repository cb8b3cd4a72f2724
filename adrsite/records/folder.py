"""Records layer: find the ADR folder, list its decisions, and resolve links between them.

Pure core, no Django. The folder is found as adr-tools finds it (a `.adr-dir`
file, walking up from the current directory) and also at the usual places.
"""

from __future__ import annotations

import bisect
import os
import posixpath
import re
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import yaml

from adrsite.records.dates import settle_dates
from adrsite.records.model import ERROR, WARNING, Problem, Record
from adrsite.records.naming import LOG4BRAINS, OURS, Convention, parse_file_name
from adrsite.records.parse import parse
from adrsite.records.problems import ProblemCode, Severity
from adrsite.records.vocabulary import FORWARD_KINDS, REVERSE_KIND

# Where a folder of ADRs usually lives, in the order they are tried.
USUAL_DIRS = (
    "adr",
    "doc/adr",
    "docs/adr",
    "docs/decisions",
    "doc/decisions",
    "docs/architecture/decisions",
)
_NOT_DECISIONS = {"readme.md", "index.md", "template.md", "adr-template.md", "changelog.md"}
# template.md, adr-template.md, 000-template.md, template-short.md, ADRXXX-title.md,
# NNNN-title.md; not 0005-use-a-template.md nor 0007-support-xxxl-sizes.md
_TEMPLATE = re.compile(
    r"^(?:(?:0+[-_ ]?)?(?:m?adr[-_ ]?)?template\b|(?:m?adr[-_ ]?)?(?:x{3,}|n{3,})\b)"
)
_URL = re.compile(r"[a-z][a-z0-9+.-]*://", re.IGNORECASE)
_SKIPPED_DIRS = {"templates", "template", "node_modules"}


class FolderError(Exception):
    """The ADR folder cannot be found or read; the message is for the user."""


@dataclass(frozen=True, slots=True)
class Folder:
    root: Path  # the repository root (or the start directory outside git)
    path: Path  # the ADR folder
    log4brains: bool = False  # named by .log4brains.yml: its files are named by date

    @property
    def naming(self) -> Convention:
        """The file names of a folder with no convention of its own yet."""
        return LOG4BRAINS if self.log4brains else OURS

    @property
    def relative(self) -> str:
        return self.path.relative_to(self.root).as_posix() if self.path != self.root else "."


def find_repository_root(start: Path) -> Path:
    """The nearest directory at or above `start` holding `.git`, else `start`."""
    start = start.resolve()
    for directory in (start, *start.parents):
        if (directory / ".git").exists():
            return directory
    return start


def find_folder(start: Path, override: str | None = None) -> Folder:
    """The ADR folder for a command run in `start`; `override` is `--dir`."""
    root = find_repository_root(start)
    if override:
        path = (start / override).resolve()
        return Folder(root if path.is_relative_to(root) else path, path)
    # A `.log4brains.yml` names its folders: an `adr/` below it is one of them or none.
    config = _nearest(start.resolve(), root, LOG4BRAINS_CONFIG)
    for directory in (start.resolve(), *start.resolve().parents):
        marker = directory / ".adr-dir"
        if marker.is_file():
            named = marker.read_text(encoding="utf-8", errors="replace").strip()
            path = (directory / named).resolve()
            if not path.is_relative_to(root):
                raise FolderError(
                    f"{marker}: names {named!r}, which is outside the repository ({root}); "
                    "write a folder inside it, or pass --dir"
                )
            return Folder(root, path)
        if config is not None and directory == config.parent:
            return Folder(root, log4brains_folder(config, start.resolve(), root), log4brains=True)
        for usual in USUAL_DIRS:
            if config is None and (directory / usual).is_dir():
                return Folder(root, directory / usual)
        if directory == root:
            break
    raise FolderError(
        f"no ADR folder found in {start} or above (looked for .adr-dir, "
        f"{', '.join(USUAL_DIRS)}); run 'adr init' or pass --dir"
    )


LOG4BRAINS_CONFIG = ".log4brains.yml"


@dataclass(frozen=True, slots=True)
class Log4brainsFolder:
    """An ADR folder `.log4brains.yml` names: the project's, or a package's."""

    package: str  # "" for the project's own folder
    path: Path  # the package's code (its folder's scope); the config's directory for the project
    adr_folder: Path


def log4brains_folders(config: Path) -> list[Log4brainsFolder]:
    """The folders `.log4brains.yml` names: `project.adrFolder`, then each package's `adrFolder`.

    Packages are read under `project.packages` (as log4brains writes them) and
    at the top level; paths are relative to the file's directory.
    """
    base = config.parent
    try:
        data = yaml.safe_load(config.read_text(encoding="utf-8", errors="replace"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        raise FolderError(f"{config}{line}: not valid YAML; fix it, or pass --dir") from None
    top: dict[str, Any] = data if isinstance(data, dict) else {}
    project: dict[str, Any] = top["project"] if isinstance(top.get("project"), dict) else {}
    found = []
    if main := _relative_path(project.get("adrFolder")):
        found.append(Log4brainsFolder("", base, (base / main).resolve()))
    packages = project.get("packages") or top.get("packages")
    for package in packages if isinstance(packages, list) else []:
        adr_folder = _relative_path(package.get("adrFolder")) if isinstance(package, dict) else ""
        if adr_folder:
            name = str(package.get("name") or adr_folder)
            scope = _relative_path(package.get("path")) or "."
            found.append(
                Log4brainsFolder(name, (base / scope).resolve(), (base / adr_folder).resolve())
            )
    return found


def _relative_path(value: Any) -> str:
    """A path as `.log4brains.yml` gives it, or "" when it is no usable path (a NUL in it)."""
    return value if isinstance(value, str) and value.strip() and "\0" not in value else ""


def log4brains_folder(config: Path, start: Path, root: Path) -> Path:
    """The folder a command run in `start` works in: its package's, else the project's.

    As log4brains scopes a package's decisions to its code, a command run
    inside `packages/core` writes to core's folder; elsewhere, the project's.
    """
    folders = [f for f in log4brains_folders(config) if f.adr_folder.is_relative_to(root)]
    inside = [f for f in folders if f.package and start.is_relative_to(f.path)]
    chosen = max(inside, key=lambda f: len(f.path.parts), default=None) or next(
        (f for f in folders if not f.package), None
    )
    if chosen is None:
        raise FolderError(
            f"{config}: names no ADR folder inside the repository (project.adrFolder); "
            "add one, or pass --dir"
        )
    return chosen.adr_folder


def _nearest(start: Path, root: Path, name: str) -> Path | None:
    """The file `name` in `start` or the nearest directory above it, up to `root`."""
    for directory in (start, *start.parents):
        if (directory / name).is_file():
            return directory / name
        if directory == root:
            break
    return None


def folder_template(folder: Folder) -> str:
    """The folder's own template for new decisions (adr-tools' `templates/template.md` too)."""
    for candidate in ("template.md", "templates/template.md", "adr-template.md"):
        path = folder.path / candidate
        if path.is_file():
            return path.read_text(encoding="utf-8", errors="replace")
    return ""


def is_decision_file(name: str) -> bool:
    """Markdown files that are decisions: not READMEs, indexes, templates or hidden files."""
    lowered = name.lower()
    if not lowered.endswith((".md", ".markdown")) or lowered[0] in "._":
        return False
    stem = lowered.rsplit(".", 1)[0]
    return lowered not in _NOT_DECISIONS and not _TEMPLATE.match(stem)


# A draft's or a placeholder's name without an extension: "ADR003-use-signon", "0004-x".
_EXTENSIONLESS_ADR = re.compile(r"^(?:m?adr[-_ ]?)?[0-9x]", re.IGNORECASE)


def could_be_decision_file(name: str) -> bool:
    """A decision, or a file a rename may yet make one: how the indexer keeps a lineage whole.

    `ADRXXX-use-vite.md` (a template's name) and `ADR003-use-signon` (no
    extension) are not decisions, but git may record their rename to one, and
    their history then belongs to it.
    """
    lowered = name.lower()
    if not lowered or lowered[0] in "._" or lowered in _NOT_DECISIONS:
        return False
    if lowered.endswith((".md", ".markdown")):
        return True
    return "." not in lowered and _EXTENSIONLESS_ADR.match(lowered) is not None


def is_external(target: str) -> bool:
    """A URL (`https://...`) names a page elsewhere, not a decision in this folder."""
    return _URL.match(target.strip()) is not None


def find_records(records: list[Record], ref: str) -> list[Record]:
    """The decisions `ref` names: a number ("7", "0007", "ADR-7"), a file name, path or slug."""
    wanted = ref.strip()
    digits = re.fullmatch(r"(?:m?adr[\s_-]?)?(\d++)", wanted, re.IGNORECASE)
    if digits:
        return [r for r in records if r.number == int(digits[1])]
    name = wanted.rsplit("/", 1)[-1]
    stem = name.rsplit(".", 1)[0]
    return [r for r in records if r.path == wanted or name == r.name or stem in {r.slug, r.stem}]


def decision_handles(records: list[Record]) -> dict[str, str]:
    """How `adr list` names each decision for the commands that take N, by path.

    Its number; an unnumbered one (log4brains' `20261201-use-vite.md`) its slug,
    or its file name without `.md` when another decision shares the slug.
    """
    slugs = Counter(record.slug for record in records if record.number is None)
    return {
        record.path: str(record.number)
        if record.number is not None
        else record.slug
        if slugs[record.slug] == 1 and find_records(records, record.slug) == [record]
        else record.stem
        for record in records
    }


def is_skipped_folder(name: str) -> bool:
    """A sub-folder of the ADR folder that holds no decisions: hidden, `_`-prefixed, templates.

    One rule for `adr` and for the indexer (`in_skipped_folder`).
    """
    return not name or name[0] in "._" or name.lower() in _SKIPPED_DIRS


def in_skipped_folder(relative: str) -> bool:
    """Whether a path inside the ADR folder (`team/0003-x.md`) lies in a skipped sub-folder."""
    return any(is_skipped_folder(part) for part in relative.split("/")[:-1])


def is_decision_path(path: str, folder: str) -> bool:
    """Whether `path` (from the repository root) is a decision file of the ADR folder `folder`
    ("" or "." for the root): inside it, a decision's name, no skipped sub-folder on the way."""
    prefix = f"{folder}/" if folder not in ("", ".") else ""
    if not path.startswith(prefix):
        return False
    relative = path[len(prefix) :]
    return is_decision_file(relative.rsplit("/", 1)[-1]) and not in_skipped_folder(relative)


def decision_files(folder: Folder) -> list[Path]:
    """Every decision file in the folder and its sub-folders, in a stable order."""
    if not folder.path.is_dir():
        raise FolderError(f"{folder.relative}: ADR folder does not exist")
    found: list[Path] = []
    for directory, subdirectories, names in os.walk(folder.path):
        subdirectories[:] = sorted(d for d in subdirectories if not is_skipped_folder(d))
        found.extend(Path(directory) / name for name in names if is_decision_file(name))
    return sorted(found, key=_file_order)


def read_folder(folder: Folder) -> list[Record]:
    """Parse every decision in the folder; a file that cannot be read is kept with a problem.

    Day/month dates are read by the folder's own convention (`settle_dates`).
    """
    records = []
    for path in decision_files(folder):
        relative = path.relative_to(folder.root).as_posix()
        if path.is_symlink():
            # Never followed: it may point anywhere (/etc/passwd), and git keeps
            # it as a link, which the site does not index either.
            target = os.readlink(path)
            outside = not (path.parent / target).resolve().is_relative_to(folder.root)
            where = "outside the repository" if outside else "a link, not a file"
            records.append(
                _with_read_error(
                    parse(relative, b"-"),
                    f"a symbolic link ({where}): not read; commit the file itself",
                    severity=ERROR if outside else WARNING,
                    code=ProblemCode.SYMLINK,
                )
            )
            continue
        try:
            records.append(parse(relative, path.read_bytes()))
        except OSError as error:
            records.append(
                _with_read_error(parse(relative, b"-"), f"cannot be read: {error.strerror}")
            )
    return settle_dates(records)


def _with_read_error(
    record: Record,
    message: str,
    *,
    severity: Severity = ERROR,
    code: ProblemCode = ProblemCode.UNREADABLE,
) -> Record:
    return replace(record, problems=(Problem(record.path, 1, severity, code, message),))


def _file_order(path: Path) -> tuple[int, str]:
    number, _ = parse_file_name(path.name)
    return (number if number is not None else 10**9, path.as_posix())


class Resolver:
    """Finds the record a link target means: a relative path, a file name, or a number."""

    def __init__(self, records: list[Record]) -> None:
        self.by_path = {record.path: record for record in records}
        self.by_name: dict[str, list[Record]] = {}
        self.by_number: dict[int, list[Record]] = {}
        for record in records:
            self.by_name.setdefault(record.name.lower(), []).append(record)
            if record.number is not None:
                self.by_number.setdefault(record.number, []).append(record)

    def add(self, record: Record) -> None:
        """Take `record` in, its groups kept in path order (as a folder sorted by path has them)."""
        self.by_path[record.path] = record
        bisect.insort(self.by_name.setdefault(record.name.lower(), []), record, key=_path_of)
        if record.number is not None:
            bisect.insort(self.by_number.setdefault(record.number, []), record, key=_path_of)

    def remove(self, record: Record) -> None:
        del self.by_path[record.path]
        _drop(self.by_name, record.name.lower(), record)
        if record.number is not None:
            _drop(self.by_number, record.number, record)

    def candidates(self, target: str, source: Record) -> list[Record]:
        """Every record `target`, written in `source`, may mean (more than one: ambiguous)."""
        if is_external(target):
            return []  # a page elsewhere (another repository's ADR), never one of ours
        target = _file_part(target)
        if _is_file(target):
            joined = _joined(target, source)
            if joined in self.by_path:
                return [self.by_path[joined]]
            name = target.rsplit("/", 1)[-1]
            if named := self.by_name.get(name.lower()):
                return named
            number, _ = parse_file_name(name)  # renamed since: fall back to its number
            return self.by_number.get(number, []) if number is not None else []
        digits = re.fullmatch(r"(?:m?adr[\s_-]?#?)?(\d++)", target, re.IGNORECASE)
        return self.by_number.get(int(digits[1]), []) if digits else []

    def is_broken_path(self, target: str, source: Record) -> bool:
        """Whether `target` is a file path or name that leads to no decision as written.

        `candidates` may still find what it meant, by the number in its name
        (the file was renamed since) or by its name in another folder, but a
        reader following the link finds nothing. A bare file name found, with
        the same case, anywhere in the folder names that file: not broken.
        """
        if is_external(target):
            return False
        target = _file_part(target)
        if not _is_file(target) or _joined(target, source) in self.by_path:
            return False
        # A path with a folder in it ("../x.md") is never a bare name: broken.
        named = self.by_name.get(target.lower(), [])
        return not any(record.name == target for record in named)

    def resolve(self, target: str, source: Record) -> Record | None:
        """The one record `target` means, or None when it names none or several."""
        found = self.candidates(target, source)
        return found[0] if len(found) == 1 else None


def _path_of(record: Record) -> str:
    return record.path


def _drop(groups: dict[Any, list[Record]], key: object, record: Record) -> None:
    if group := [other for other in groups[key] if other.path != record.path]:
        groups[key] = group
    else:
        del groups[key]


def _file_part(target: str) -> str:
    """The file a link target names: no anchor or query, percent-escapes (`%20`) decoded."""
    return unquote(target.strip().split("#", 1)[0].split("?", 1)[0])


def _is_file(target: str) -> bool:
    return target.lower().endswith((".md", ".markdown"))


def _joined(target: str, source: Record) -> str:
    """The repository path `target` leads to from `source`'s folder ("/..." from the root)."""
    if target.startswith("/"):  # as GitHub and GitLab read it: from the repository root
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join(posixpath.dirname(source.path), target))


@dataclass(frozen=True, slots=True)
class ResolvedLink:
    """A link between two decisions of the folder, read forwards, whichever side declared it."""

    source: str  # path of the decision the kind reads from ("B supersedes A": B)
    kind: str  # forwards ("supersedes", not "superseded-by"); a kind of adr-tools' own as written
    target: str
    declared_in: str  # path of the file that states it
    line: int


def resolved_links(records: list[Record]) -> list[ResolvedLink]:
    """Every link that names one other decision of the folder; the rest is for the linter."""
    resolver = Resolver(records)
    return [link for record in records for link in links_of(record, resolver)]


def links_of(record: Record, resolver: Resolver) -> list[ResolvedLink]:
    """The links `record` declares that name one other decision of the folder."""
    found = []
    for link in record.links:
        target = resolver.resolve(link.target, record)
        if target is None or target.path == record.path:
            continue
        if link.kind in FORWARD_KINDS or link.kind not in REVERSE_KIND:
            source, kind, other = record.path, link.kind, target.path
        else:
            source, kind, other = target.path, REVERSE_KIND[link.kind], record.path
        found.append(ResolvedLink(source, kind, other, record.path, link.line))
    return found


def link_keys(record: Record) -> set[tuple[str, str | int]]:
    """What `Resolver` looks up for `record`'s links: ("path", p), ("name", n), ("number", n).

    A link reads differently only when a decision comes or goes under one of these keys.
    """
    keys: set[tuple[str, str | int]] = set()
    for link in record.links:
        if is_external(link.target):
            continue
        target = _file_part(link.target)
        if _is_file(target):
            name = target.rsplit("/", 1)[-1]
            keys |= {("path", _joined(target, record)), ("name", name.lower())}
            number, _ = parse_file_name(name)
        else:
            digits = re.fullmatch(r"(?:m?adr[\s_-]?#?)?(\d++)", target, re.IGNORECASE)
            number = int(digits[1]) if digits else None
        if number is not None:
            keys.add(("number", number))
    return keys


def glob_match(pattern: str, path: str) -> bool:
    """Match a repository path against an `affects` glob.

    `*` and `?` stay within a folder, `**` crosses folders; other characters,
    brackets too, are literal. A pattern without wildcards also matches
    everything under it (`legacy/`).
    """
    pattern = pattern.strip().removeprefix("./")
    if not any(ch in pattern for ch in "*?"):
        prefix = pattern.rstrip("/")
        return path == prefix or path.startswith(prefix + "/")
    regex, index = "", 0
    while index < len(pattern):
        if pattern.startswith("**/", index):
            regex, index = regex + "(?:.*/)?", index + 3
        elif pattern.startswith("**", index):
            regex, index = regex + ".*", index + 2
        elif pattern[index] == "*":
            regex, index = regex + "[^/]*", index + 1
        elif pattern[index] == "?":
            regex, index = regex + "[^/]", index + 1
        else:
            regex, index = regex + re.escape(pattern[index]), index + 1
    return re.fullmatch(regex, path) is not None
