"""The `adr` commands that read the folder: list, show, check, why (no Django)."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

from adrsite.cli.common import UserError, find_one, folder_and_records, status_arg, today_iso
from adrsite.history.branch import branch_changes, default_target
from adrsite.history.enforce import enforce_working_tree
from adrsite.history.refs import RefError, last_changed, numbers_taken_on
from adrsite.records.branch_report import branch_review, review_json, review_markdown
from adrsite.records.controls import visible_controls
from adrsite.records.export import decision_links, decisions_json
from adrsite.records.folder import (
    decision_handles,
    find_folder,
    folder_template,
    glob_match,
)
from adrsite.records.lint import check, overdue_reviews, stale_decisions
from adrsite.records.model import ERROR
from adrsite.records.report import check_report
from adrsite.records.vocabulary import clean_text


def cmd_list(args: argparse.Namespace) -> int:
    folder, records = folder_and_records(args)
    wanted_status = status_arg(args.status) if args.status else ""
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
    if args.paths:  # adr-tools' `adr list`: paths from here, one a line, for scripts
        for record in shown:
            print(visible_controls(os.path.relpath(folder.root / record.path)))
        return 0
    handles = decision_handles(records)
    width = max([5, *(len(handles[r.path]) for r in shown)])
    for record in shown:
        handle, status, day = handles[record.path], record.status or "?", record.date or "-"
        handle = handle.rjust(width) if handle.isdigit() else handle.ljust(width)
        line = f"{handle}  {status:<10}  {day:<10}  {record.title}"
        print(visible_controls(line))  # a committer's escape sequence must not drive the terminal
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    _, records = folder_and_records(args)
    record = find_one(records, args.decision)
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
    folder, records = folder_and_records(args)
    today = today_iso()
    problems = check(
        records, naming=folder.naming, template=folder_template(folder)
    ) + overdue_reviews(records, today=today)
    if args.stale is not None:
        try:
            changed = last_changed(folder)
        except RefError as error:
            raise UserError(f"--stale: {error}") from None
        problems += stale_decisions(records, changed=changed, today=today, days=args.stale)
    if args.against:
        try:
            problems += numbers_taken_on(folder, records, args.against)
        except RefError as error:
            raise UserError(f"--against {error}") from None
    if args.enforce:
        problems += enforce_working_tree(folder.root, records)
    problems.sort(key=lambda p: (p.path, p.line, p.code))
    print(check_report(problems, decisions=len(records), format=args.format))
    return 1 if any(p.severity == ERROR for p in problems) else 0


def cmd_review(args: argparse.Namespace) -> int:
    """The branch's ADR changes against its merge base with --against, for a pull request
    comment; exit 1 when the target took a number this branch adds."""
    folder = find_folder(Path.cwd(), args.dir)
    try:
        against = args.against or default_target(folder)
        read = branch_changes(folder, against)
    except RefError as error:
        raise UserError(f"--against {error}" if args.against else str(error)) from None
    review = branch_review(
        against=read.against,
        head=read.head,
        merge_base=read.merge_base,
        changes=read.changes,
        head_records=read.head_records,
        base_records=read.base_records,
        against_paths=read.against_paths,
        base_paths=read.base_paths,
    )
    if args.format == "json":
        print(json.dumps(review_json(review), indent=2, ensure_ascii=False))
    else:
        print(review_markdown(review))
    return 1 if review.collisions else 0


def cmd_why(args: argparse.Namespace) -> int:
    folder, records = folder_and_records(args)
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
