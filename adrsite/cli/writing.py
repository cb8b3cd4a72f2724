"""The `adr` commands that write files: init, new, status, link, renumber, toc (no Django)."""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
from pathlib import Path

from adrsite.cli.common import (
    UserError,
    edit,
    edited,
    find_one,
    folder_and_records,
    refuse_unreadable,
    status_arg,
    today_iso,
)
from adrsite.history.refs import RefError, number_meant, numbers_at
from adrsite.records import templates
from adrsite.records.controls import visible_controls
from adrsite.records.files import read_text, write_text
from adrsite.records.folder import (
    USUAL_DIRS,
    Folder,
    FolderError,
    decision_files,
    find_folder,
    find_repository_root,
    folder_template,
    read_folder,
)
from adrsite.records.model import STYLE_ADR_TOOLS, STYLE_MADR, Record
from adrsite.records.naming import new_decision_name
from adrsite.records.parse import parse
from adrsite.records.renumber import renumber_plan, renumbered_references
from adrsite.records.vocabulary import REVERSE_KIND, link_kind
from adrsite.records.write import (
    TOC_START,
    EditError,
    add_link,
    contents_list,
    href,
    new_decision,
    renumber_title,
    set_status,
    toc,
    verb,
)


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
    given = args.directory or args.dir  # `adr init doc/arch`, as adr-tools takes it, or --dir
    directory = (cwd / (given or "adr")).resolve()
    if not directory.is_relative_to(root):
        named = args.directory or f"--dir {args.dir}"
        raise UserError(f"{named}: outside this repository ({root})")
    folder = Folder(root, directory)
    if directory.is_dir() and any(directory.glob("*.md")):
        raise UserError(f"{folder.relative}/ already holds Markdown files; nothing to do")
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    if folder.relative not in USUAL_DIRS:
        # Tell later commands, and adr-tools, where the folder is.
        (folder.root / ".adr-dir").write_text(folder.relative + "\n", encoding="utf-8")
        written.append(".adr-dir")
    write_text(directory / "template.md", templates.MADR)
    first = directory / "0001-record-architecture-decisions.md"
    write_text(first, templates.FIRST_DECISION.replace("DATE", today_iso()))
    written += [f"{folder.relative}/template.md", f"{folder.relative}/{first.name}"]
    print("\n".join(written))
    return 0


def cmd_new(args: argparse.Namespace) -> int:
    folder, records = folder_and_records(args)
    title = " ".join(args.title).strip()
    if not title:
        raise UserError('a new decision needs a title: adr new "Use PostgreSQL"')
    status = status_arg(args.status)
    predecessors = [find_one(records, ref) for ref in args.supersedes]
    linked = [_new_link(records, spec) for spec in args.link]
    refuse_unreadable(predecessors + [target for _, target in linked])
    today = today_iso()
    name, number = new_decision_name(
        [r.name for r in records],
        [r.number for r in records if r.number is not None],
        title=title,
        date=today,
        default=folder.naming,
    )
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
        for kind, target in linked:
            text = add_link(text, parse(relative, text.encode()), kind=kind, target=target)
    except EditError as error:  # a template the writer cannot fill in so that it reads back
        raise UserError(f"{error} (from the template; nothing written)") from None
    new = parse(relative, text.encode())
    if new.number is None:
        label = title
    elif new.style == STYLE_ADR_TOOLS:
        label = f"{new.number}. {title}"
    else:
        label = f"ADR-{new.number:04d}"
    edits: list[tuple[Path, str] | None] = [
        edited(
            folder,
            old,
            lambda t, r: set_status(
                t, r, status="superseded", date=today, successor=(label, href(r, new))
            ),
        )
        for old in predecessors
    ]
    edits += [_reverse_link(folder, target, kind, new) for kind, target in linked]
    write_text(path, text)  # once every predecessor's edit is known to be safe
    for edit_ in edits:
        if edit_ is not None:
            write_text(*edit_)
    print(relative, flush=True)  # before the editor takes the terminal
    _open_editor(path)
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    folder, records = folder_and_records(args)
    record = find_one(records, args.decision)
    refuse_unreadable([record])
    status = status_arg(args.status)
    edit(folder, record, lambda t, r: set_status(t, r, status=status, date=today_iso()))
    print(f"{record.path}: {record.status or 'no status'} -> {status}")
    return 0


def cmd_link(args: argparse.Namespace) -> int:
    folder, records = folder_and_records(args)
    source, target = find_one(records, args.source), find_one(records, args.target)
    refuse_unreadable([source, target])
    if source.path == target.path:
        raise UserError(f"{source.path}: a decision cannot link to itself")
    kind = _link_kind(args.kind, args.reverse)
    edits: list[tuple[Path, str] | None] = [
        edited(folder, source, lambda t, r: add_link(t, r, kind=kind, target=target)),
        _reverse_link(folder, target, kind, source),
    ]
    for edit_ in edits:  # both or neither
        if edit_ is not None:
            write_text(*edit_)
    print(f"{source.path}: {kind} {target.path}")
    return 0


def _link_kind(written: str, reverse: str | None) -> str:
    """The kind of a link as the user names it; `reverse` (adr-tools' fourth argument) checked."""
    kind = link_kind(written)
    if kind not in REVERSE_KIND:
        # Every reader must find the link again; in front matter only known kinds
        # can be told apart from other keys (consulted, owner, ...).
        known = ", ".join(sorted(REVERSE_KIND))
        raise UserError(f"unknown link kind {written!r} (choose {known})")
    if reverse is not None and link_kind(reverse) != REVERSE_KIND[kind]:
        expected = verb(REVERSE_KIND[kind])
        raise UserError(f"{written!r} reads back as {expected!r}, not {reverse!r}")
    return kind


def _new_link(records: list[Record], spec: str) -> tuple[str, Record]:
    """adr-tools' `-l TARGET:LINK:REVERSE-LINK` ("3:Amends:Amended by"): the kind and target."""
    parts = spec.split(":", 2)
    if len(parts) < 2 or not parts[0].strip():
        raise UserError(f'-l {spec!r}: expected N:KIND:REVERSE, e.g. "3:Amends:Amended by"')
    reverse = parts[2] if len(parts) == 3 else None
    return _link_kind(parts[1], reverse), find_one(records, parts[0].strip())


def _reverse_link(
    folder: Folder, target: Record, kind: str, source: Record
) -> tuple[Path, str] | None:
    """The reverse line's edit: adr-tools writes it too, so its folders expect both sides."""
    if target.style != STYLE_ADR_TOOLS:
        return None
    return edited(
        folder, target, lambda t, r: add_link(t, r, kind=REVERSE_KIND[kind], target=source)
    )


def cmd_renumber(args: argparse.Namespace) -> int:
    folder, records = folder_and_records(args)
    given = (Path.cwd() / args.file).resolve()
    if not given.exists() and (folder.root / args.file).exists():
        given = (folder.root / args.file).resolve()  # as `adr check` names it, from the root
    relative = (
        given.relative_to(folder.root).as_posix() if given.is_relative_to(folder.root) else ""
    )
    record = next((r for r in records if r.path == relative), None)
    if record is None:
        raise UserError(f"{args.file}: not a decision in {folder.relative}/")
    if record.number is None:
        raise UserError(f"{record.path}: has no number to change (it is named by date)")
    refuse_unreadable([record])
    taken_elsewhere: set[int] = set()
    if args.against:
        try:
            taken_elsewhere = numbers_at(folder, args.against)
        except RefError as error:
            raise UserError(f"--against {error}") from None
    plan = renumber_plan(
        records,
        record,
        taken_elsewhere=taken_elsewhere,
        number_meant=lambda path, number: number_meant(folder, path, number),
    )
    new_path = folder.root / plan.path
    text = read_text(given)
    given.rename(new_path)
    write_text(new_path, renumber_title(text, record, plan.number))
    print(f"{relative} -> {plan.path}")
    for other in records:
        if other.path == relative:
            continue
        for note in plan.notes_for(other.path):
            print(note)
        path = folder.root / other.path
        before = read_text(path)
        after = renumbered_references(before, other, plan)
        if after != before:
            write_text(path, after)
            print(f"updated {other.path}")
    readme = folder.path / "README.md"
    if readme.is_file() and TOC_START in (index := read_text(readme)):
        write_text(readme, toc(index, read_folder(folder), folder.root, folder.path))
        print(f"updated {readme.relative_to(folder.root).as_posix()}")
    return 0


def cmd_toc(args: argparse.Namespace) -> int:
    folder, records = folder_and_records(args)
    readme = folder.path / "README.md"
    existing = read_text(readme) if readme.exists() else ""
    write_text(readme, toc(existing, records, folder.root, folder.path))
    print(readme.relative_to(folder.root).as_posix())
    return 0


def cmd_generate(args: argparse.Namespace) -> int:
    folder, records = folder_and_records(args)
    intro = read_text(Path(args.i)) if args.i else ""
    outro = read_text(Path(args.o)) if args.o else ""
    print(
        contents_list(records, folder.root, folder.path, prefix=args.p, intro=intro, outro=outro),
        end="",
    )
    return 0


def _folder_style(records: list[Record]) -> str:
    """Write new decisions the way the folder's latest decision is written."""
    readable = [r for r in records if not r.problems]
    latest = max(readable, key=lambda r: (r.number or 0, r.date, r.path), default=None)
    return latest.style if latest else STYLE_MADR


def _template(folder: Folder, style: str) -> str:
    return folder_template(folder) or templates.BY_STYLE[style]


def _open_editor(path: Path) -> None:
    """Open the new decision in $VISUAL or $EDITOR; one that cannot start is a warning.

    The file is written by then: the command did its work, so it exits 0.
    """
    variable = "VISUAL" if os.environ.get("VISUAL") else "EDITOR"
    editor = os.environ.get(variable, "")
    if not editor:
        return
    try:
        subprocess.call([*shlex.split(editor), str(path)])
    except (OSError, ValueError) as error:  # ValueError: shlex, an unclosed quote
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        print(
            visible_controls(
                f"adr: warning: cannot start ${variable} ({editor!r}): {reason}; "
                "the decision is written"
            ),
            file=sys.stderr,
        )
