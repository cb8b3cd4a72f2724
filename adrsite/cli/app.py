"""The `adr` console script: its argument parser, and `main`: prints mistakes as `adr: …`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from adrsite.cli.common import UserError
from adrsite.cli.database import cmd_export, cmd_index, cmd_migrate, cmd_onboarding, cmd_serve
from adrsite.cli.reading import cmd_check, cmd_list, cmd_show, cmd_why
from adrsite.cli.writing import cmd_init, cmd_link, cmd_new, cmd_renumber, cmd_status, cmd_toc
from adrsite.records.folder import (
    USUAL_DIRS,
    FolderError,
)
from adrsite.records.model import STATUSES
from adrsite.records.report import FORMATS


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
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


def build_parser() -> argparse.ArgumentParser:
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
    checking.add_argument("--format", choices=FORMATS, default="text")
    checking.add_argument(
        "--against",
        metavar="REF",
        help="also report numbers this branch adds that REF took for another file",
    )
    checking.add_argument(
        "--stale",
        metavar="DAYS",
        type=_days,
        help="also warn about accepted decisions whose file git has not seen change in DAYS days",
    )

    checking.add_argument(
        "--enforce",
        action="store_true",
        help="also run the checks (front matter 'enforce:') of accepted decisions on the code",
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

    onboarding = commands.add_parser(
        "onboarding",
        help="print the reading path of the decisions in force as Markdown (as /start/ shows it)",
    )
    onboarding.add_argument("--repository", help="only this repository (default: every one)")
    onboarding.add_argument(
        "--site", metavar="URL", help="the site's address, to make links absolute"
    )
    onboarding.set_defaults(command=cmd_onboarding)

    serve = command("serve", cmd_serve, "migrate, index this repository and serve the site")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", default="8000")
    return parser


def _days(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or len(text) > 6:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of days")
    return int(text)
