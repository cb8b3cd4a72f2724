"""The `adr` console script: file commands call the pure core; database commands start Django.

File commands (init, new, status, link, list, show, check, renumber, toc, why)
never import Django: `adr check` runs in pre-commit hooks and must be fast.
Errors a user can cause print `adr: ...` and exit 1, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
import unicodedata
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from adrsite.records import templates
from adrsite.records.folder import (
    USUAL_DIRS,
    Folder,
    FolderError,
    Resolver,
    find_folder,
    find_repository_root,
    glob_match,
    read_folder,
)
from adrsite.records.lint import check, numbers_taken_elsewhere, supersessions
from adrsite.records.model import ERROR, STATUSES, STYLE_ADR_TOOLS, STYLE_MADR, Problem, Record
from adrsite.records.parse import parse
from adrsite.records.vocabulary import REVERSE_KIND, link_kind, status_word
from adrsite.records.write import (
    add_link,
    href,
    new_decision,
    renumber_title,
    replace_file_references,
    replace_number_references,
    set_status,
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
    directory = (cwd / (args.dir or "adr")).resolve()
    folder = Folder(find_repository_root(cwd), directory)
    if directory.is_dir() and any(directory.glob("*.md")):
        raise UserError(f"{folder.relative}/ already holds Markdown files; nothing to do")
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    if folder.relative not in USUAL_DIRS:
        # Tell later commands, and adr-tools, where the folder is.
        (folder.root / ".adr-dir").write_text(folder.relative + "\n", encoding="utf-8")
        written.append(".adr-dir")
    _write(directory / "template.md", templates.MADR)
    first = directory / "0001-record-architecture-decisions.md"
    _write(first, templates.FIRST_DECISION.replace("DATE", _today()))
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
    number = max((r.number for r in records if r.number is not None), default=0) + 1
    style = _folder_style(records)
    path = folder.path / _file_name(records, number, _slugify(title))
    relative = path.relative_to(folder.root).as_posix()
    if path.exists():
        raise UserError(f"{relative} already exists")
    today = _today()

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
    _write(path, text)
    new = parse(relative, text.encode())
    label = f"{number}. {title}" if new.style == STYLE_ADR_TOOLS else f"ADR-{number:04d}"
    for old in predecessors:
        _edit(
            folder,
            old,
            lambda t, r: set_status(
                t, r, status="superseded", date=today, successor=(label, href(r, new))
            ),
        )
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
    _edit(folder, source, lambda t, r: add_link(t, r, kind=kind, target=target))
    # adr-tools writes the reverse line too, so its folders expect both sides.
    if target.style == STYLE_ADR_TOOLS and kind in REVERSE_KIND:
        _edit(folder, target, lambda t, r: add_link(t, r, kind=REVERSE_KIND[kind], target=source))
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
        print(f"{number:>5}  {status:<10}  {record.date or '-':<10}  {record.title}")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    _, records = _read(args)
    record = _find(records, args.decision)
    links = decision_links(records)[record.path]
    rows = [
        (
            "status",
            record.status_text
            if record.status_text.lower() == record.status
            else f"{record.status or '?'} ({record.status_text})"
            if record.status_text
            else "?",
        ),
        ("date", record.date),
        ("deciders", ", ".join(record.deciders)),
        ("tags", ", ".join(record.tags)),
        *((kind.replace("-", " "), path) for kind, path in links),
        ("affects", ", ".join(record.affects)),
        ("rule", record.rule),
    ]
    print(record.path)
    print(f"{record.label}: {record.title}")
    for key, value in rows:
        if value:
            print(f"  {key + ':':<15}{value}")
    for problem in record.problems:
        print(f"  {problem}")
    print()
    print(record.body, end="" if record.body.endswith("\n") else "\n")
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
    if not given.is_relative_to(folder.root):
        raise UserError(f"{args.file}: not in this repository")
    relative = given.relative_to(folder.root).as_posix()
    record = next((r for r in records if r.path == relative), None)
    if record is None:
        raise UserError(f"{args.file}: not a decision in {folder.relative}/")
    _refuse_unreadable([record])
    number = max((r.number for r in records if r.number is not None), default=0) + 1
    old_name = record.name
    new_name = _renamed(old_name, number, record.slug)
    new_path = given.with_name(new_name)
    new_relative = new_path.relative_to(folder.root).as_posix()
    text = _read_text(given)
    given.rename(new_path)
    _write_text(new_path, renumber_title(text, record, number))
    print(f"{relative} -> {new_relative}")

    # References by file name are exact. References by number are rewritten
    # only when the old number now means nothing else: after a collision the
    # other file keeps it, and only the author knows which one a number meant.
    still_taken = any(r.number == record.number and r.path != relative for r in records)
    resolver = Resolver(records)
    for other in records:
        if other.path == relative:
            continue
        path = folder.root / other.path
        before = _read_text(path)
        after = replace_file_references(before, old_name, new_name)
        by_number = [
            link
            for link in other.links
            if not link.target.lower().endswith(".md")
            and resolver.candidates(link.target, other)
            and record.number in {c.number for c in resolver.candidates(link.target, other)}
        ]
        if by_number and not still_taken and record.number is not None:
            after = replace_number_references(after, other, record.number, number)
        elif by_number:
            for link in by_number:
                print(
                    f"{other.path}:{link.line}: note: refers to number {record.number}, "
                    f"which still names the other file; "
                    f"change it to {number} if it meant {new_relative}"
                )
        if after != before:
            _write_text(path, after)
            print(f"updated {other.path}")
    return 0


def cmd_toc(args: argparse.Namespace) -> int:
    folder, records = _read(args)
    readme = folder.path / "README.md"
    existing = _read_text(readme) if readme.exists() else ""
    _write_text(readme, toc(existing, records, folder))
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
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    folder = find_folder(Path.cwd(), args.dir)
    os.environ.setdefault("ADRSITE_REPOSITORY", str(folder.root))
    os.environ.setdefault("ADRSITE_ADR_DIR", folder.relative)
    _django()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    print(f"database: {settings.DATABASES['default']['NAME']}")
    print(f"decisions: {folder.relative}/ in {folder.root}")
    call_command("runserver", f"{args.host}:{args.port}", use_reloader=False)
    return 0


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "adrsite.settings")
    import django
    from django.core.exceptions import ImproperlyConfigured

    try:
        django.setup()
    except ImproperlyConfigured as error:
        raise UserError(f"configuration: {error}") from None


# --- JSON, tables of contents and globs ------------------------------------------


def decision_links(records: list[Record]) -> dict[str, list[tuple[str, str]]]:
    """(kind, path) pairs per decision, declared on either side, each read from its own side."""
    resolver = Resolver(records)
    links: dict[str, set[tuple[str, str]]] = {r.path: set() for r in records}
    for record in records:
        for link in record.links:
            target = resolver.resolve(link.target, record)
            if target is None or target.path == record.path:
                continue
            links[record.path].add((link.kind, target.path))
            if link.kind in REVERSE_KIND:
                links[target.path].add((REVERSE_KIND[link.kind], record.path))
    return {path: sorted(pairs) for path, pairs in links.items()}


def decisions_json(shown: list[Record], records: list[Record]) -> list[dict]:
    """The export contract's fields that a folder alone can tell (git adds the rest)."""
    links = decision_links(records)
    edges = supersessions(records, Resolver(records))
    return [
        {
            "number": r.number,
            "slug": r.slug,
            "path": r.path,
            "title": r.title,
            "status": r.status or None,
            "date": r.date or None,
            "deciders": list(r.deciders),
            "tags": list(r.tags),
            "supersedes": sorted(old for new, old in edges if new == r.path),
            "superseded_by": sorted(new for new, old in edges if old == r.path),
            "links": [
                {"kind": kind, "path": path}
                for kind, path in links[r.path]
                if kind not in {"supersedes", "superseded-by"}
            ],
            "problems": [f"{p.path}:{p.line}: {p.severity}: {p.message}" for p in r.problems],
        }
        for r in shown
    ]


TOC_START, TOC_END = "<!-- adrlog -->", "<!-- adrlogstop -->"


def toc(existing: str, records: list[Record], folder: Folder) -> str:
    """The folder README with its index rewritten between markers; other text is kept."""
    rows = ["| # | Decision | Status | Date |", "|---|---|---|---|"]
    for r in records:
        relative = Path(folder.root / r.path).relative_to(folder.path).as_posix()
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


# --- helpers -----------------------------------------------------------------------


def _read(args: argparse.Namespace) -> tuple[Folder, list[Record]]:
    folder = find_folder(Path.cwd(), args.dir)
    return folder, read_folder(folder)


def _find(records: list[Record], ref: str) -> Record:
    """A decision by number ("7", "0007", "ADR-7"), file name, path or slug."""
    wanted = ref.strip()
    digits = re.fullmatch(r"(?:m?adr[\s_-]?)?0*(\d+)", wanted, re.IGNORECASE)
    if digits:
        found = [r for r in records if r.number == int(digits[1])]
    else:
        name = wanted.rsplit("/", 1)[-1]
        found = [r for r in records if name in {r.name, r.slug} or r.path == wanted]
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
    numbered = [r for r in records if r.number is not None and not r.problems]
    latest = max(numbered, key=lambda r: r.number or 0, default=None)
    return latest.style if latest else STYLE_MADR


def _template(folder: Folder, style: str) -> str:
    for candidate in ("template.md", "templates/template.md", "adr-template.md"):
        path = folder.path / candidate
        if path.is_file():
            return _read_text(path)
    return templates.BY_STYLE[style]


def _file_name(records: list[Record], number: int, slug: str) -> str:
    """The next file name in the folder's own pattern: 0012-x.md, 012-x.md, adr-012-x.md."""
    numbered = [r for r in records if r.number is not None]
    if not numbered:
        return f"{number:04d}-{slug}.md"
    latest = max(numbered, key=lambda r: r.number or 0)
    return _renamed(latest.name, number, slug)


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
    path = folder.root / record.path
    _write_text(path, change(_read_text(path), record))


def _read_text(path: Path) -> str:
    return path.read_text(encoding="utf-8-sig").replace("\r\n", "\n")


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


_write = _write_text


def _open_editor(path: Path) -> None:
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if editor:
        subprocess.call([*shlex.split(editor), str(path)])


def _numbers_taken_on(folder: Folder, records: list[Record], ref: str) -> list[Problem]:
    def git(*command: str, failure: str) -> str:
        result = subprocess.run(
            ["git", *command], cwd=folder.root, capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            raise UserError(f"--against {ref}: {failure}")
        return result.stdout

    git(
        "rev-parse",
        "--verify",
        "--quiet",
        f"{ref}^{{commit}}",
        failure="no such branch, tag or commit",
    )
    base = git(
        "merge-base",
        "HEAD",
        ref,
        failure="no common history with this branch (a shallow clone? run 'git fetch --unshallow')",
    ).strip()

    def paths_at(commit: str) -> set[str]:
        listing = git(
            "ls-tree",
            "-r",
            "--name-only",
            commit,
            "--",
            folder.relative,
            failure="cannot list files",
        )
        return {line for line in listing.splitlines() if line.endswith(".md")}

    return numbers_taken_elsewhere(
        records, ref=ref, ref_paths=paths_at(ref), base_paths=paths_at(base)
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

    command("toc", cmd_toc, "rewrite the index in the ADR folder's README.md")

    why = command("why", cmd_why, "decisions whose 'affects' globs match a path")
    why.add_argument("path")

    migrate = commands.add_parser("migrate", help="bring the database schema up to date")
    migrate.add_argument("-v", "--verbosity", type=int, default=1)
    migrate.set_defaults(command=cmd_migrate)

    serve = command("serve", cmd_serve, "migrate and serve the site")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", default="8000")
    return parser


if __name__ == "__main__":
    raise SystemExit(main())
