"""The `adr` console script: its argument parser, and `main`: prints mistakes as `adr: …`."""

from __future__ import annotations

import argparse
import difflib
import sys
from collections.abc import Callable, Sequence
from importlib.metadata import PackageNotFoundError, version

from adrsite.cli.common import UserError
from adrsite.cli.database import (
    cmd_createuser,
    cmd_export,
    cmd_index,
    cmd_migrate,
    cmd_onboarding,
    cmd_repo_add,
    cmd_repo_list,
    cmd_repo_remove,
    cmd_repo_set,
    cmd_repo_sync,
    cmd_serve,
    cmd_worker,
    server_host,
    server_port,
)
from adrsite.cli.reading import cmd_check, cmd_list, cmd_review, cmd_show, cmd_why
from adrsite.cli.writing import (
    cmd_generate,
    cmd_init,
    cmd_link,
    cmd_new,
    cmd_renumber,
    cmd_status,
    cmd_toc,
)
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


class Parser(argparse.ArgumentParser):
    """argparse, with a suggestion for a mistyped choice: `adr stauts` -> did you mean 'status'?

    Python 3.14's `suggest_on_error` does this; until 3.14 is the oldest we run on, this
    hook (the one place argparse checks a choice, sub-commands included) does it alike
    on every version. Sub-parsers are built with the parent's class, so `adr repo lsit` too.
    """

    def _check_value(self, action: argparse.Action, value: object) -> None:
        if action.choices is not None and isinstance(value, str) and value not in action.choices:
            names = [choice for choice in action.choices if isinstance(choice, str)]
            close = difflib.get_close_matches(value, names, n=1)
            if close:
                message = f"invalid choice: {value!r} (did you mean {close[0]!r}?)"
                raise argparse.ArgumentError(action, message)
        super()._check_value(action, value)


def package_version() -> str:
    """The installed package's version; `unknown` when run from a source tree never installed."""
    try:
        return version("adrsite")
    except PackageNotFoundError:
        return "unknown"


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="adr",
        description="Write, check and browse architecture decision records.",
        epilog="The ADR folder is found as adr-tools finds it (.adr-dir), or at "
        + ", ".join(USUAL_DIRS)
        + ", walking up from the current directory.",
    )
    parser.add_argument("--version", action="version", version=f"adr {package_version()}")
    folder = Parser(add_help=False)
    folder.add_argument("--dir", help="the ADR folder (default: found from the current directory)")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)

    def command(
        name: str, handler: Callable[[argparse.Namespace], int], help: str
    ) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, parents=[folder], help=help, description=help)
        sub.set_defaults(command=handler)
        return sub

    init = command("init", cmd_init, "create the ADR folder, its template and ADR 1")
    init.add_argument(
        "directory", nargs="?", help="the folder to create (as adr-tools' 'adr init DIR'; or --dir)"
    )

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
    new.add_argument(
        "-l",
        "--link",
        action="append",
        default=[],
        metavar="N:KIND:REVERSE",
        help='link to decision N (repeatable), as adr-tools writes it: "3:Amends:Amended by"',
    )
    new.add_argument("--status", default="proposed", help="initial status (default: proposed)")
    new.add_argument("-t", "--tag", action="append", default=[], help="a tag (repeatable)")

    status = command("status", cmd_status, "change a decision's status and date")
    status.add_argument("decision", help="number, file name or path")
    status.add_argument("status", help=", ".join(STATUSES))

    link = command("link", cmd_link, "add a typed link from one decision to another")
    link.add_argument("source", metavar="N", help="the decision the link is written in")
    link.add_argument("kind", metavar="KIND", help="amends, relates-to, supersedes, ...")
    link.add_argument("target", metavar="M", help="the decision it links to")
    link.add_argument(
        "reverse",
        metavar="REVERSE",
        nargs="?",
        help='how M reads the link back (adr-tools\' fourth argument: "Amended by")',
    )

    listing = command("list", cmd_list, "list decisions")
    listing.add_argument("--status", help="only decisions with this status")
    listing.add_argument("--tag", help="only decisions with this tag")
    listing.add_argument("--json", action="store_true", help="JSON with the export's field names")
    listing.add_argument(
        "--paths",
        action="store_true",
        help="only the files' paths, one a line, as adr-tools' 'adr list' prints them",
    )

    show = command("show", cmd_show, "show one decision, its links both ways, and its text")
    show.add_argument("decision", help="number, file name or path")

    checking = command("check", cmd_check, "lint the folder; exit 1 on any error")
    checking.add_argument(
        "--format", choices=FORMATS, default="text", help="how to print problems (default: text)"
    )
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

    review = command(
        "review",
        cmd_review,
        "summarize this branch's ADR changes as Markdown, for a pull request comment; "
        "exit 1 when the target branch took a number it adds",
    )
    review.add_argument(
        "--against",
        metavar="REF",
        help="the branch the changes go to, compared from where this branch parted from it "
        "(default: origin/HEAD, else main, else master)",
    )
    review.add_argument(
        "--format",
        choices=["markdown", "json"],
        default="markdown",
        help="markdown (default) or json",
    )

    renumber = command(
        "renumber", cmd_renumber, "move a decision to the next free number, mending links"
    )
    renumber.add_argument("file", help="the decision's file, e.g. adr/0007-use-x.md")
    renumber.add_argument(
        "--against", metavar="REF", help="also skip the numbers REF uses (the target branch)"
    )

    command("toc", cmd_toc, "rewrite the index in the ADR folder's README.md")

    generate = command(
        "generate", cmd_generate, "print a table of contents to stdout (adr-tools' 'generate toc')"
    )
    generate.add_argument("report", choices=["toc"], help="the report: toc")
    generate.add_argument("-i", metavar="INTRO", help="a Markdown file to print before the list")
    generate.add_argument("-o", metavar="OUTRO", help="a Markdown file to print after the list")
    generate.add_argument("-p", metavar="PREFIX", default="", help="a prefix for every link")

    why = command("why", cmd_why, "decisions whose 'affects' globs match a path")
    why.add_argument("path", help="a file or folder in this repository")

    migrate = commands.add_parser(
        "migrate",
        help="bring the database schema up to date",
        description="Bring the database schema (DATABASE_URL) up to date.",
    )
    migrate.add_argument(
        "-v",
        "--verbosity",
        type=int,
        default=1,
        help="0: silent, 1: each migration applied (default), 2 and 3: more detail",
    )
    migrate.set_defaults(command=cmd_migrate)

    indexing = commands.add_parser(
        "index",
        help="index a repository's ADR history into the database",
        description="Index a repository's ADR history into the database (DATABASE_URL).",
    )
    indexing.add_argument("path", nargs="?", help="the repository (default: this one)")
    indexing.add_argument("--name", help="its name in the database (default: its folder's)")
    indexing.add_argument("--adr-dir", help="the ADR folder in it (default: found)")
    indexing.add_argument("--full", action="store_true", help="re-index from the first commit")
    indexing.add_argument(
        "--ref", help="the branch, tag or commit to index (default: the branch HEAD names)"
    )
    indexing.add_argument(
        "--web-url",
        help="link commits and files to the git host: a template with {commit} and {path}, "
        "e.g. https://github.com/org/repo/blob/{commit}/{path}",
    )
    indexing.add_argument(
        "--replace",
        action="store_true",
        help="if another repository is indexed under this name, replace it with this one",
    )
    _review_options(indexing)
    readers = indexing.add_mutually_exclusive_group()
    readers.add_argument(
        "--visible-to",
        nargs="+",
        metavar="GROUP",
        help="only members of these groups read it on the site (default: as it was; "
        "a new repository: every signed-in user)",
    )
    readers.add_argument(
        "--public",
        action="store_true",
        help="every signed-in user reads it on the site again",
    )
    indexing.set_defaults(command=cmd_index)

    export = commands.add_parser(
        "export",
        help="print the index as JSON",
        description="Print one indexed repository's decisions as JSON (docs/export.md).",
    )
    export.add_argument("--repository", help="which repository (default: the only one)")
    export.add_argument(
        "--review",
        action="store_true",
        help="its decisions in review instead: the open pull requests' and branches' ADR changes",
    )
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
    serve.add_argument(
        "--host",
        default="127.0.0.1",
        type=server_host,
        help="the address to listen on (default: 127.0.0.1, this machine only; "
        "0.0.0.0: every IPv4 interface)",
    )
    serve.add_argument(
        "--port", default=8000, type=server_port, help="the port to listen on (default: 8000)"
    )
    serve.add_argument(
        "--name",
        help="the repository's name on the site (default: the one already indexed from here, "
        "else the folder's name)",
    )

    createuser = commands.add_parser(
        "createuser",
        help="create a local account that signs in with a password",
        description="Create a local account that signs in with a password. The password is "
        "read from ADRSITE_PASSWORD, or asked for twice.",
    )
    createuser.add_argument("username", help="the name they sign in with")
    createuser.add_argument("--email", default="", help="their email address")
    createuser.add_argument(
        "--staff", action="store_true", help="may use the admin at /admin/ (with permissions)"
    )
    createuser.add_argument("--superuser", action="store_true", help="may do anything in the admin")
    createuser.set_defaults(command=cmd_createuser)

    worker = commands.add_parser(
        "worker",
        help="run the background queue: fetch and index repositories as webhooks and the "
        "schedule ask",
        description="Run the background queue (DATABASE_URL): syncs asked for by webhooks, "
        "retries, and the periodic fetches of ADRSITE_FETCH_EVERY (one worker schedules "
        "them however many run). Stops on Ctrl-C or SIGTERM after the task it is running.",
    )
    worker.add_argument(
        "--batch", action="store_true", help="run what is queued, then exit (for cron and tests)"
    )
    worker.set_defaults(command=cmd_worker)

    repo = commands.add_parser(
        "repo", help="add repositories from their git hosts, change, sync, list or remove them"
    )
    repo_commands = repo.add_subparsers(title="commands", metavar="COMMAND", required=True)
    repo_add = repo_commands.add_parser(
        "add",
        allow_abbrev=False,  # `--host-token SECRET` must not pass for `--host-token-env`
        help="add a repository by its clone URL: mirror it, then index it",
        description="Add a repository from its git host: clone it (bare, partial: ADR 32) "
        "under ADRSITE_DATA_DIR and index it. Credentials come from git's own configuration.",
    )
    repo_add.add_argument("name", help="its name on the site (letters, digits, - and _)")
    repo_add.add_argument("url", help="anything 'git clone' takes: https, ssh, a local path")
    repo_add.add_argument("--branch", default="", help="the branch to index (default: the host's)")
    repo_add.add_argument("--adr-dir", default="", help="the ADR folder in it (default: found)")
    repo_add.add_argument(
        "--web-url",
        help="a link template for commits and files, "
        "e.g. https://github.com/org/repo/blob/{commit}/{path}",
    )
    repo_add.add_argument("--secret", default="", help="its webhook secret (kept, never shown)")
    repo_add.add_argument(
        "--visible-to",
        nargs="+",
        default=[],
        metavar="GROUP",
        help="only members of these groups read it on the site (default: every signed-in user)",
    )
    _review_options(repo_add)
    repo_add.add_argument(
        "--host-api",
        default="",
        metavar="URL",
        help="the host's API for the repository, to hide closed pull requests "
        "(default: from a github.com or gitlab.com URL), e.g. https://api.github.com/repos/org/repo",
    )
    repo_add.add_argument(
        "--host-token-env",
        metavar="VAR",
        help="the environment variable holding a read-only API token for the host "
        "(kept, never shown; read from the variable so that it is never on a command line)",
    )
    repo_add.set_defaults(command=cmd_repo_add)
    repo_set = repo_commands.add_parser(
        "set",
        allow_abbrev=False,  # as `repo add`: no option takes the token itself
        help="change a repository's review settings, host API, token or web URL",
        description="Change what `adr repo add` or `adr index` set: the new values apply "
        "at the next sync. An option not given stays as it is; '' clears a URL.",
    )
    repo_set.add_argument("name", help="its name (see 'adr repo list')")
    _review_options(repo_set)
    repo_set.add_argument(
        "--host-api", metavar="URL", help="the host's API for the repository ('': from its URL)"
    )
    repo_set.add_argument(
        "--host-token-env",
        metavar="VAR",
        help="the environment variable holding the new read-only API token (kept, never shown)",
    )
    repo_set.add_argument(
        "--web-url",
        help="a link template for commits and files, "
        "e.g. https://github.com/org/repo/blob/{commit}/{path}",
    )
    repo_set.set_defaults(command=cmd_repo_set)
    repo_sync = repo_commands.add_parser(
        "sync", help="fetch and index now (one repository, or all)"
    )
    repo_sync.add_argument("name", nargs="?", help="its name (default: every repository)")
    repo_sync.set_defaults(command=cmd_repo_sync)
    repo_list = repo_commands.add_parser("list", help="the indexed repositories")
    repo_list.set_defaults(command=cmd_repo_list)
    repo_remove = repo_commands.add_parser(
        "remove", help="remove a repository, its mirror and its decisions, revisions and problems"
    )
    repo_remove.add_argument("name", help="its name (see 'adr repo list')")
    repo_remove.set_defaults(command=cmd_repo_remove)
    return parser


def _review_options(command: argparse.ArgumentParser) -> None:
    """The options of decisions in review (ADR 37), alike on `adr index` and `adr repo add`."""
    command.add_argument(
        "--review-refs",
        action="append",
        metavar="PATTERN",
        help="read the ADR changes of the refs matching PATTERN as decisions in review "
        "(repeatable; e.g. 'refs/heads/*'; default: refs/pull/*/head and "
        "refs/merge-requests/*/head); given, it replaces the patterns set before",
    )
    command.add_argument(
        "--review-max-age",
        metavar="DAYS",
        type=_days,
        help="without a host token, hide refs untouched for DAYS days (default: 90)",
    )


def _days(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or len(text) > 6:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of days")
    return int(text)
