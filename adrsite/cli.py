"""The `adr` console script: file commands call the pure core; database commands start Django.

File commands (init, new, status, link, list, show, check, renumber, toc, why)
never import Django: `adr check` runs in pre-commit hooks and must be fast.
Errors a user can cause print `adr: ...` and exit 1, never a traceback.
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from adrsite.records import templates
from adrsite.records.controls import visible_controls
from adrsite.records.export import decision_links, decisions_json
from adrsite.records.folder import (
    USUAL_DIRS,
    Folder,
    FolderError,
    Resolver,
    decision_files,
    find_folder,
    find_records,
    find_repository_root,
    glob_match,
    read_folder,
)
from adrsite.records.lint import check, numbers_taken_elsewhere
from adrsite.records.model import ERROR, STATUSES, STYLE_ADR_TOOLS, STYLE_MADR, Problem, Record
from adrsite.records.naming import NUMBERED, folder_naming
from adrsite.records.parse import parse, parse_file_name
from adrsite.records.vocabulary import REVERSE_KIND, clean_text, link_kind, status_word
from adrsite.records.write import (
    TOC_START,
    EditError,
    add_link,
    href,
    new_decision,
    renumber_title,
    replace_file_references,
    replace_number_references,
    set_status,
    toc,
)


class UserError(Exception):
    """A mistake the user can fix; printed as `adr: message`, exit 1."""


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return args.command(args) or 0
    except BrokenPipeError:  # `adr list | head`: the reader has all it wants
        sys.stderr.close()
        return 0
    except (UserError, FolderError) as error:
        print(f"adr: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        where = f"{error.filename}: " if error.filename else ""
        print(f"adr: {where}{error.strerror or error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


# --- file commands -------------------------------------------------------------


def cmd_init(args: argparse.Namespace) -> int:
    cwd = Path.cwd()
    root = find_repository_root(cwd)
    try:
        existing: Folder | None = find_folder(cwd)
    except FolderError:
        existing = None
    # A folder the search already finds (even from inside it) is this
    # repository's log: a second one, or an .adr-dir pointing away, would hide it.
    if existing and decision_files(existing):
        raise UserError(f"{existing.relative}/ already holds decisions; nothing to do")
    directory = (cwd / (args.dir or "adr")).resolve()
    if not directory.is_relative_to(root):
        raise UserError(f"--dir {args.dir}: outside this repository ({root})")
    folder = Folder(root, directory)
    if directory.is_dir() and any(directory.glob("*.md")):
        raise UserError(f"{folder.relative}/ already holds Markdown files; nothing to do")
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    if folder.relative not in USUAL_DIRS:
        # Tell later commands, and adr-tools, where the folder is.
        (folder.root / ".adr-dir").write_text(folder.relative + "\n", encoding="utf-8")
        written.append(".adr-dir")
    _write_text(directory / "template.md", templates.MADR)
    first = directory / "0001-record-architecture-decisions.md"
    _write_text(first, templates.FIRST_DECISION.replace("DATE", _today()))
    written += [f"{folder.relative}/template.md", f"{folder.relative}/{first.name}"]
    print("\n".join(written))
    return 0


def cmd_new(args: argparse.Namespace) -> int:
    folder, records = _read(args)
    title = " ".join(args.title).strip()
    if not title:
        raise UserError('a new decision needs a title: adr new "Use PostgreSQL"')
    status = _status_arg(args.status)
    predecessors = [_find(records, ref) for ref in args.supersedes]
    _refuse_unreadable(predecessors)
    today = _today()
    numbers = [r.number for r in records if r.number is not None]
    # Named as most of the folder's files are (adr-012-x.md, 20261121-x.md, ...). A
    # folder of date-named or unnumbered files gets a number only where its
    # titles carry one ("# 12. Use X"); all others the next number.
    convention = folder_naming([r.name for r in records]).convention
    number = None if convention.kind != NUMBERED and not numbers else max(numbers, default=0) + 1
    name = convention.file_name(slug=_slugify(title), number=number, date=today)
    path = folder.path / name
    relative = path.relative_to(folder.root).as_posix()
    if path.exists():
        raise UserError(f"{relative} already exists")
    style = _folder_style(records)

    try:
        text = new_decision(
            _template(folder, style),
            path=relative,
            number=number,
            title=title,
            status=status,
            date=today,
            tags=tuple(args.tag),
        )
        for old in predecessors:
            text = add_link(text, parse(relative, text.encode()), kind="supersedes", target=old)
    except EditError as error:  # a template the writer cannot fill in so that it reads back
        raise UserError(f"{error} (from the template; nothing written)") from None
    new = parse(relative, text.encode())
    if new.number is None:
        label = title
    elif new.style == STYLE_ADR_TOOLS:
        label = f"{new.number}. {title}"
    else:
        label = f"ADR-{new.number:04d}"
    edits = [
        _edited(
            folder,
            old,
            lambda t, r: set_status(
                t, r, status="superseded", date=today, successor=(label, href(r, new))
            ),
        )
        for old in predecessors
    ]
    _write_text(path, text)  # once every predecessor's edit is known to be safe
    for old_path, old_text in edits:
        _write_text(old_path, old_text)
    print(relative, flush=True)  # before the editor takes the terminal
    _open_editor(path)
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    folder, records = _read(args)
    record = _find(records, args.decision)
    _refuse_unreadable([record])
    status = _status_arg(args.status)
    _edit(folder, record, lambda t, r: set_status(t, r, status=status, date=_today()))
    print(f"{record.path}: {record.status or 'no status'} -> {status}")
    return 0


def cmd_link(args: argparse.Namespace) -> int:
    folder, records = _read(args)
    source, target = _find(records, args.source), _find(records, args.target)
    _refuse_unreadable([source, target])
    if source.path == target.path:
        raise UserError(f"{source.path}: a decision cannot link to itself")
    kind = link_kind(args.kind)
    if kind not in REVERSE_KIND:
        # Every reader must find the link again; in front matter only known kinds
        # can be told apart from other keys (consulted, owner, ...).
        known = ", ".join(sorted(REVERSE_KIND))
        raise UserError(f"unknown link kind {args.kind!r} (choose {known})")
    edits = [_edited(folder, source, lambda t, r: add_link(t, r, kind=kind, target=target))]
    # adr-tools writes the reverse line too, so its folders expect both sides.
    if target.style == STYLE_ADR_TOOLS and kind in REVERSE_KIND:
        reverse = REVERSE_KIND[kind]
        edits.append(
            _edited(folder, target, lambda t, r: add_link(t, r, kind=reverse, target=source))
        )
    for path, text in edits:  # both or neither
        _write_text(path, text)
    print(f"{source.path}: {kind} {target.path}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    _, records = _read(args)
    wanted_status = _status_arg(args.status) if args.status else ""
    shown = [
        r
        for r in records
        if (not wanted_status or r.status == wanted_status) and (not args.tag or args.tag in r.tags)
    ]
    if args.json:
        print(
            json.dumps({"decisions": decisions_json(shown, records)}, indent=2, ensure_ascii=False)
        )
        return 0
    for record in shown:
        number = str(record.number) if record.number is not None else "-"
        status = record.status or "?"
        line = f"{number:>5}  {status:<10}  {record.date or '-':<10}  {record.title}"
        print(visible_controls(line))  # a committer's escape sequence must not drive the terminal
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    _, records = _read(args)
    record = _find(records, args.decision)
    links = decision_links(records)[record.path]
    status = record.status or "?"
    if record.status_text and clean_text(record.status_text).lower() != record.status:
        status = f"{status} ({record.status_text})"  # as written, when it says more
    rows = [
        ("status", status),
        ("date", record.date),
        ("deciders", ", ".join(record.deciders)),
        ("tags", ", ".join(record.tags)),
        *((kind.replace("-", " "), path) for kind, path in links),
        ("affects", ", ".join(record.affects)),
        ("rule", record.rule),
    ]
    lines = [record.path, f"{record.label}: {record.title}"]
    lines += [f"  {key + ':':<15}{value}" for key, value in rows if value]
    lines += [f"  {problem}" for problem in record.problems]
    # A committer's escape sequences must not drive the terminal: shown as `\x1b`.
    print("\n".join(visible_controls(line) for line in lines))
    print()
    body = visible_controls(record.body.replace("\r\n", "\n"), keep="\n\t")
    print(body, end="" if body.endswith("\n") else "\n")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    folder, records = _read(args)
    problems = check(records)
    if args.against:
        problems += _numbers_taken_on(folder, records, args.against)
    errors = sum(p.severity == ERROR for p in problems)
    warnings = len(problems) - errors
    if args.format == "json":
        print(
            json.dumps(
                {
                    "decisions": len(records),
                    "errors": errors,
                    "warnings": warnings,
                    "problems": [
                        {
                            "path": p.path,
                            "line": p.line,
                            "severity": p.severity,
                            "code": p.code,
                            "message": p.message,
                        }
                        for p in problems
                    ],
                },
                indent=2,
                ensure_ascii=False,
            )
        )
    else:
        for problem in problems:
            print(_github_annotation(problem) if args.format == "github" else problem)
        print(
            f"{_count(len(records), 'decision')}: "
            f"{_count(errors, 'error')}, {_count(warnings, 'warning')}"
        )
    return 1 if errors else 0


def cmd_renumber(args: argparse.Namespace) -> int:
    folder, records = _read(args)
    given = (Path.cwd() / args.file).resolve()
    relative = (
        given.relative_to(folder.root).as_posix() if given.is_relative_to(folder.root) else ""
    )
    record = next((r for r in records if r.path == relative), None)
    if record is None:
        raise UserError(f"{args.file}: not a decision in {folder.relative}/")
    if record.number is None:
        raise UserError(f"{record.path}: has no number to change (it is named by date)")
    _refuse_unreadable([record])
    taken = {r.number for r in records if r.number is not None}
    if args.against:
        taken |= _numbers_at(folder, args.against)
    number = max(taken) + 1
    old_number, old_name = record.number, record.name
    new_path = given.with_name(_renamed(old_name, number, record.slug))
    new_relative = new_path.relative_to(folder.root).as_posix()
    text = _read_text(given)
    given.rename(new_path)
    _write_text(new_path, renumber_title(text, record, number))
    print(f"{relative} -> {new_relative}")

    # References by file name are exact. A reference by number meant whatever
    # the number named when it was written: after a merge collision, git knows
    # which file that was at the referring file's last commit.
    still_taken = any(r.number == old_number and r.path != relative for r in records)
    resolver = Resolver(records)
    for other in records:
        if other.path == relative:
            continue
        path = folder.root / other.path
        before = _read_text(path)
        after = replace_file_references(before, old_name, new_path.name)
        by_number = [
            link
            for link in other.links
            if not link.target.lower().endswith((".md", ".markdown"))
            and record in resolver.candidates(link.target, other)
        ]
        meant = _number_meant(folder, other.path, old_number) if by_number and still_taken else ""
        if by_number and (not still_taken or meant == relative):
            after = replace_number_references(after, other, old_number, number)
        elif by_number and not meant:
            for link in by_number:
                print(
                    f"{other.path}:{link.line}: note: number {old_number} now names the other "
                    f"file; change it to {number} if it meant {new_relative}"
                )
        if after != before:
            _write_text(path, after)
            print(f"updated {other.path}")
    readme = folder.path / "README.md"
    if readme.is_file() and TOC_START in (index := _read_text(readme)):
        _write_text(readme, toc(index, read_folder(folder), folder.root, folder.path))
        print(f"updated {readme.relative_to(folder.root).as_posix()}")
    return 0


def cmd_toc(args: argparse.Namespace) -> int:
    folder, records = _read(args)
    readme = folder.path / "README.md"
    existing = _read_text(readme) if readme.exists() else ""
    _write_text(readme, toc(existing, records, folder.root, folder.path))
    print(readme.relative_to(folder.root).as_posix())
    return 0


def cmd_why(args: argparse.Namespace) -> int:
    folder, records = _read(args)
    target = (Path.cwd() / args.path).resolve()
    if not target.is_relative_to(folder.root):
        raise UserError(f"{args.path}: not in this repository")
    relative = target.relative_to(folder.root).as_posix()
    found = [r for r in records if any(glob_match(pattern, relative) for pattern in r.affects)]
    if not found:
        print(f"no decision names {relative} in its 'affects'")
        return 0
    order = {"accepted": 0, "proposed": 1}
    for record in sorted(found, key=lambda r: (order.get(r.status, 2), r.number or 0)):
        number = str(record.number) if record.number is not None else "-"
        print(f"{number:>5}  {record.status or '?':<10}  {record.title}  ({record.path})")
        if record.rule:
            print(f"       rule: {record.rule}")
    return 0


# --- database commands (start Django) -----------------------------------------


def cmd_migrate(args: argparse.Namespace) -> int:
    _django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=args.verbosity)
    # The rendered-body cache's table (ADR 24); at -v 1 it would say "already exists" each time.
    call_command("createcachetable", verbosity=max(0, args.verbosity - 1))
    return 0


def cmd_index(args: argparse.Namespace) -> int:
    start = (Path.cwd() / (args.path or ".")).resolve()
    if not start.is_dir():
        raise UserError(f"{args.path}: no such folder")
    root = find_repository_root(start)
    adr_dir = args.adr_dir or _adr_dir_of(root)
    _django(require_migrated=True)
    name = args.name or _slugify(root.name)
    print(_index(root, adr_dir, name=name, full=args.full, web_url=args.web_url))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    _django(require_migrated=True)
    from adrsite.decisions.models import Repository
    from adrsite.decisions.queries import decision_export, repository_get

    try:
        repository = repository_get(name=args.repository)
    except Repository.DoesNotExist:
        names = sorted(Repository.objects.values_list("name", flat=True))
        if args.repository or not names:
            raise UserError(
                f"no repository named {args.repository!r} is indexed (run 'adr index')"
                if args.repository
                else "nothing is indexed yet (run 'adr index')"
            ) from None
        listed = ", ".join(names)
        raise UserError(f"several repositories are indexed; pass --repository ({listed})") from None
    export = decision_export(repository=repository)
    print(json.dumps(export, indent=2, ensure_ascii=False))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    folder = find_folder(Path.cwd(), args.dir)
    os.environ.setdefault("ADRSITE_REPOSITORY", str(folder.root))
    os.environ.setdefault("ADRSITE_ADR_DIR", folder.relative)
    _django()
    from django.conf import settings
    from django.core.management import call_command

    if settings.DEBUG and not _loopback(args.host):
        raise UserError(
            f"DEBUG=true shows settings and the environment on error pages: "
            f"serve it on 127.0.0.1 only, not {args.host}"
        )
    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)  # the rendered-body cache (ADR 24)
    print(f"database: {settings.DATABASES['default']['NAME']}")
    print(_index(folder.root, folder.relative, name=_slugify(folder.root.name), full=False))
    call_command("runserver", f"{args.host}:{args.port}", use_reloader=False)
    return 0


def _loopback(host: str) -> bool:
    """Whether `host` (a name, an address, `[::1]`) is reachable from this machine only."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.removeprefix("[").removesuffix("]")).is_loopback
    except ValueError:
        return False  # another name: it may resolve to anything


def _index(root: Path, adr_dir: str, *, name: str, full: bool, web_url: str | None = None) -> str:
    """Index one repository; the summary line. Shows progress on a terminal."""
    from adrsite.decisions.indexing import IndexBusy, repository_index, repository_register
    from adrsite.history.git import HistoryError

    if web_url and not re.match(r"https?://", web_url):
        raise UserError(f"--web-url {web_url!r} must start with https:// or http://")
    if web_url and "{commit}" not in web_url:
        raise UserError(f"--web-url {web_url!r} has no {{commit}} to fill in")
    if not re.fullmatch(r"[-a-zA-Z0-9_]+", name):
        raise UserError(f"--name {name!r}: use letters, digits, - and _ (it is part of URLs)")
    repository = repository_register(
        name=name, location=str(root), adr_dir=adr_dir, web_url=web_url
    )
    progress = _progress(name) if sys.stderr.isatty() else None
    try:
        result = repository_index(repository=repository, full=full, progress=progress)
    except (HistoryError, IndexBusy) as error:
        raise UserError(str(error)) from None
    finally:
        if progress:
            print("\r\033[K", end="", file=sys.stderr, flush=True)
    return result.summary()


def _progress(name: str) -> Callable[[int], None]:
    last = [0.0]

    def show(commits: int) -> None:
        now = time.monotonic()
        if now - last[0] >= 0.1:
            last[0] = now
            print(f"\rindexing {name}: {commits} commits", end="", file=sys.stderr, flush=True)

    return show


def _adr_dir_of(root: Path) -> str:
    try:
        return find_folder(root).relative
    except FolderError:
        return "adr"  # indexed as empty until the folder appears


def _django(*, require_migrated: bool = False) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "adrsite.settings")
    import django
    from django.core.exceptions import ImproperlyConfigured

    try:
        django.setup()
    except ImproperlyConfigured as error:
        raise UserError(f"configuration: {error}") from None
    if require_migrated:
        from django.db import connection
        from django.db.migrations.executor import MigrationExecutor

        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            raise UserError("the database schema is not up to date: run 'adr migrate'")


# --- JSON, tables of contents and globs ------------------------------------------


# --- helpers -----------------------------------------------------------------------


def _read(args: argparse.Namespace) -> tuple[Folder, list[Record]]:
    folder = find_folder(Path.cwd(), args.dir)
    return folder, read_folder(folder)


def _find(records: list[Record], ref: str) -> Record:
    found = find_records(records, ref)
    if len(found) > 1:
        raise UserError(f"{ref!r} is ambiguous: {', '.join(r.path for r in found)}")
    if not found:
        raise UserError(f"no decision {ref!r} (try 'adr list')")
    return found[0]


def _refuse_unreadable(records: list[Record]) -> None:
    for record in records:
        for problem in record.problems:
            if problem.code in {
                "binary",
                "not-utf8",
                "too-large",
                "unreadable",
                "front-matter-yaml",
                "front-matter-not-mapping",
                "front-matter-unclosed",
            }:
                raise UserError(
                    f"{problem.path}:{problem.line}: {problem.message} (file not changed)"
                )


def _status_arg(text: str) -> str:
    status, rest = status_word(text)
    if not status or rest:
        raise UserError(f"unknown status {text!r} (choose {', '.join(STATUSES)})")
    return status


def _folder_style(records: list[Record]) -> str:
    """Write new decisions the way the folder's latest decision is written."""
    readable = [r for r in records if not r.problems]
    latest = max(readable, key=lambda r: (r.number or 0, r.date, r.path), default=None)
    return latest.style if latest else STYLE_MADR


def _template(folder: Folder, style: str) -> str:
    for candidate in ("template.md", "templates/template.md", "adr-template.md"):
        path = folder.path / candidate
        if path.is_file():
            return _read_text(path)
    return templates.BY_STYLE[style]


def _renamed(name: str, number: int, slug: str) -> str:
    match = re.match(r"^((?:m?adr[-_ ]?)?)(\d+)([-_ .]?)", name, re.IGNORECASE)
    if not match:
        return f"{number:04d}-{slug}.md"
    width = len(match[2]) if match[2].startswith("0") else 1
    return f"{match[1]}{str(number).zfill(width)}{match[3] or '-'}{slug}.md"


def _slugify(title: str) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_title.lower())
    slug = ""
    for word in words:
        if len(slug) + len(word) + 1 > 60 and slug:
            break
        slug = f"{slug}-{word}" if slug else word
    return slug or "decision"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' * (number != 1)}"


def _today() -> str:
    fixed = os.environ.get("ADR_DATE", "").strip()
    if not fixed:
        return date.today().isoformat()
    try:
        return date.fromisoformat(fixed).isoformat()
    except ValueError:
        raise UserError(f"ADR_DATE={fixed!r} is not a date (YYYY-MM-DD)") from None


def _edit(folder: Folder, record: Record, change: Callable[[str, Record], str]) -> None:
    _write_text(*_edited(folder, record, change))


def _edited(
    folder: Folder, record: Record, change: Callable[[str, Record], str]
) -> tuple[Path, str]:
    """The file and its new text, to write once every edit of a command is known to be safe."""
    path = folder.root / record.path
    try:
        return path, change(_read_text(path), record)
    except EditError as error:  # the writer could not make it so that the file reads it
        raise UserError(f"{error} (file not changed)") from None


def _read_text(path: Path) -> str:
    return path.read_text(encoding="utf-8-sig")  # universal newlines: CRLF reads as LF


def _write_text(path: Path, text: str) -> None:
    """Write through a temporary file, so a crash never leaves half a decision."""
    original = path.read_bytes() if path.exists() else b""
    if b"\r\n" in original:
        text = text.replace("\n", "\r\n")
    if not text.endswith(("\n", "\r\n")):
        text += "\n"
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as file:
            file.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _open_editor(path: Path) -> None:
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if editor:
        subprocess.call([*shlex.split(editor), str(path)])


def _git(folder: Folder, *command: str) -> str | None:
    """A git command's output in the repository, or None when it fails."""
    result = subprocess.run(
        ["git", *command], cwd=folder.root, capture_output=True, text=True, check=False
    )
    return result.stdout if result.returncode == 0 else None


def _paths_at(folder: Folder, commit: str) -> set[str]:
    listing = _git(folder, "ls-tree", "-r", "--name-only", commit, "--", folder.relative) or ""
    return {line for line in listing.splitlines() if line.endswith(".md")}


def _verified(folder: Folder, ref: str) -> str:
    if _git(folder, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}") is None:
        raise UserError(f"--against {ref}: no such branch, tag or commit")
    return ref


def _numbers_at(folder: Folder, ref: str) -> set[int]:
    names = (path.rsplit("/", 1)[-1] for path in _paths_at(folder, _verified(folder, ref)))
    return {number for number, _ in map(parse_file_name, names) if number is not None}


def _number_meant(folder: Folder, path: str, number: int) -> str:
    """The one file `number` named at `path`'s last commit, or "" when git cannot tell."""
    commit = (_git(folder, "log", "-1", "--format=%H", "--", path) or "").strip()
    if not commit or _git(folder, "diff", "--quiet", commit, "--", path) is None:
        return ""  # never committed, or changed since: the reference may be new
    named = [
        p for p in _paths_at(folder, commit) if parse_file_name(p.rsplit("/", 1)[-1])[0] == number
    ]
    return named[0] if len(named) == 1 else ""


def _numbers_taken_on(folder: Folder, records: list[Record], ref: str) -> list[Problem]:
    base = _git(folder, "merge-base", "HEAD", _verified(folder, ref))
    if base is None:
        raise UserError(
            f"--against {ref}: no common history with this branch "
            "(a shallow clone? run 'git fetch --unshallow')"
        )
    return numbers_taken_elsewhere(
        records,
        ref=ref,
        ref_paths=_paths_at(folder, ref),
        base_paths=_paths_at(folder, base.strip()),
    )


def _github_annotation(problem: Problem) -> str:
    """A GitHub Actions workflow command: shows the problem on the pull request's diff."""

    def escape(text: str, *, property_value: bool = False) -> str:
        text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return text.replace(":", "%3A").replace(",", "%2C") if property_value else text

    return (
        f"::{problem.severity} file={escape(problem.path, property_value=True)},"
        f"line={problem.line},title={escape('adr check ' + problem.code, property_value=True)}"
        f"::{escape(problem.message)}"
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="adr",
        description="Write, check and browse architecture decision records.",
        epilog="The ADR folder is found as adr-tools finds it (.adr-dir), or at "
        + ", ".join(USUAL_DIRS)
        + ", walking up from the current directory.",
    )
    folder = argparse.ArgumentParser(add_help=False)
    folder.add_argument("--dir", help="the ADR folder (default: found from the current directory)")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)

    def command(
        name: str, handler: Callable[[argparse.Namespace], int], help: str
    ) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, parents=[folder], help=help, description=help)
        sub.set_defaults(command=handler)
        return sub

    command("init", cmd_init, "create the ADR folder, its template and ADR 1")

    new = command("new", cmd_new, "write the next numbered decision and print its path")
    new.add_argument("title", nargs="+", help="the decision's title")
    new.add_argument(
        "-s",
        "--supersedes",
        action="append",
        default=[],
        metavar="N",
        help="a decision this one supersedes (repeatable); it is marked superseded",
    )
    new.add_argument("--status", default="proposed", help="initial status (default: proposed)")
    new.add_argument("-t", "--tag", action="append", default=[], help="a tag (repeatable)")

    status = command("status", cmd_status, "change a decision's status and date")
    status.add_argument("decision", help="number, file name or path")
    status.add_argument("status", help=", ".join(STATUSES))

    link = command("link", cmd_link, "add a typed link from one decision to another")
    link.add_argument("source", metavar="N")
    link.add_argument("kind", metavar="KIND", help="amends, relates-to, supersedes, ...")
    link.add_argument("target", metavar="M")

    listing = command("list", cmd_list, "list decisions")
    listing.add_argument("--status", help="only decisions with this status")
    listing.add_argument("--tag", help="only decisions with this tag")
    listing.add_argument("--json", action="store_true", help="JSON with the export's field names")

    show = command("show", cmd_show, "show one decision, its links both ways, and its text")
    show.add_argument("decision", help="number, file name or path")

    checking = command("check", cmd_check, "lint the folder; exit 1 on any error")
    checking.add_argument("--format", choices=["text", "json", "github"], default="text")
    checking.add_argument(
        "--against",
        metavar="REF",
        help="also report numbers this branch adds that REF took for another file",
    )

    renumber = command(
        "renumber", cmd_renumber, "move a decision to the next free number, mending links"
    )
    renumber.add_argument("file")
    renumber.add_argument(
        "--against", metavar="REF", help="also skip the numbers REF uses (the target branch)"
    )

    command("toc", cmd_toc, "rewrite the index in the ADR folder's README.md")

    why = command("why", cmd_why, "decisions whose 'affects' globs match a path")
    why.add_argument("path")

    migrate = commands.add_parser("migrate", help="bring the database schema up to date")
    migrate.add_argument("-v", "--verbosity", type=int, default=1)
    migrate.set_defaults(command=cmd_migrate)

    indexing = commands.add_parser(
        "index", help="index a repository's ADR history into the database"
    )
    indexing.add_argument("path", nargs="?", help="the repository (default: this one)")
    indexing.add_argument("--name", help="its name in the database (default: its folder's)")
    indexing.add_argument("--adr-dir", help="the ADR folder in it (default: found)")
    indexing.add_argument("--full", action="store_true", help="re-index from the first commit")
    indexing.add_argument(
        "--web-url",
        help="link commits and files to the git host: a template with {commit} and {path}, "
        "e.g. https://github.com/org/repo/blob/{commit}/{path}",
    )
    indexing.set_defaults(command=cmd_index)

    export = commands.add_parser("export", help="print the index as JSON")
    export.add_argument("--repository", help="which repository (default: the only one)")
    export.set_defaults(command=cmd_export)

    serve = command("serve", cmd_serve, "migrate, index this repository and serve the site")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", default="8000")
    return parser


if __name__ == "__main__":
    raise SystemExit(main())
