"""The `adr` commands that start Django: migrate, index, export, serve."""

from __future__ import annotations

import argparse
import functools
import ipaddress
import json
import os
import re
import secrets
import socket
import sys
import time
from collections.abc import Callable
from pathlib import Path

from adrsite.cli.addresses import machine_addresses, served_hosts
from adrsite.cli.common import UserError
from adrsite.records.controls import visible_controls
from adrsite.records.folder import (
    USUAL_DIRS,
    find_folder,
    find_repository_root,
)
from adrsite.records.naming import slugify

# --- database commands (start Django) -----------------------------------------


def _database_command(command: Callable[[argparse.Namespace], int]):
    """A database error anywhere in `command` is one line naming the database, not a traceback."""

    @functools.wraps(command)
    def run(args: argparse.Namespace) -> int:
        try:
            return command(args)
        except Exception as error:
            django_db = sys.modules.get("django.db")
            if django_db is None or not isinstance(error, django_db.Error):
                raise
            from adrsite.startup import configured_database, database_problem

            raise UserError(f"{configured_database()}: {database_problem(error)}") from None

    return run


@_database_command
def cmd_migrate(args: argparse.Namespace) -> int:
    _django()
    _migrate(verbosity=args.verbosity)
    return 0


@_database_command
def cmd_index(args: argparse.Namespace) -> int:
    start = (Path.cwd() / (args.path or ".")).resolve()
    if not start.is_dir():
        raise UserError(f"{args.path}: no such folder")
    root = find_repository_root(start)
    if not (root / ".git").exists():
        raise UserError(f"{root}: not a git repository")
    adr_dir = args.adr_dir or _adr_dir_of(root)
    name = args.name or slugify(root.name)
    _django(require_migrated=True)
    visible_to = [] if args.public else args.visible_to
    summary = _index(
        root,
        adr_dir,
        name=name,
        full=args.full,
        web_url=args.web_url,
        replace=args.replace,
        ref=args.ref or "",
        visible_to=visible_to,
        review_refs=args.review_refs,
        review_max_age=args.review_max_age,
    )
    print(summary)
    if visible_to is not None:
        readers = f"members of {', '.join(sorted(set(visible_to)))}" if visible_to else "everyone"
        print(visible_controls(f"{name}: readable by {readers}"))
    return 0


@_database_command
def cmd_export(args: argparse.Namespace) -> int:
    _django(require_migrated=True)
    from adrsite.decisions.queries import (
        RepositoryNotChosen,
        decision_export,
        every_repository,
        repository_get,
    )

    try:
        repository = repository_get(name=args.repository or "", visible=every_repository())
    except RepositoryNotChosen as error:
        if error.asked:
            raise UserError(
                f"no repository named {error.asked!r} is indexed (run 'adr index')"
            ) from None
        if not error.indexed:
            raise UserError("nothing is indexed yet (run 'adr index')") from None
        listed = ", ".join(sorted(error.indexed))
        raise UserError(f"several repositories are indexed; pass --repository ({listed})") from None
    if args.review:
        from adrsite.decisions.queries import reviews_json

        export = reviews_json(repository=repository)
    else:
        export = decision_export(repository=repository)
    print(json.dumps(export, indent=2, ensure_ascii=False))
    return 0


@_database_command
def cmd_onboarding(args: argparse.Namespace) -> int:
    from datetime import date

    from adrsite.cli.common import today_iso

    today = date.fromisoformat(today_iso())
    _django(require_migrated=True)
    from adrsite.decisions.models import Repository
    from adrsite.decisions.queries import every_repository, reading_path
    from adrsite.records.onboarding import path_markdown

    if not Repository.objects.exists():
        raise UserError("nothing is indexed yet (run 'adr index')")
    if args.repository and not Repository.objects.filter(name=args.repository).exists():
        raise UserError(f"no repository named {args.repository!r} is indexed (run 'adr index')")
    path = reading_path(repository=args.repository or "", visible=every_repository(), today=today)
    print(path_markdown(path, site=args.site or ""), end="")
    return 0


@_database_command
def cmd_repo_list(args: argparse.Namespace) -> int:
    _django(require_migrated=True)
    from adrsite.decisions.background import sync_statuses
    from adrsite.decisions.queries import repository_list

    repositories = repository_list()
    statuses = sync_statuses()
    if not repositories:
        print("no repository is indexed yet (run 'adr index')")
        return 0
    width = max(len(repository.name) for repository in repositories)
    for repository in repositories:
        commit = repository.last_indexed_commit[:7] or "never indexed"
        decisions = _count(repository.decisions, "decision")
        folder = f"{repository.location.rstrip('/')}/{repository.adr_dir}"
        if repository.url:
            branch = repository.branch or "default branch"
            folder = f"{repository.url} ({branch}) {repository.adr_dir or '(folder not found yet)'}"
        print(
            visible_controls(f"{repository.name:<{width}}  {decisions:>13}  {commit:<7}  {folder}")
        )
        if repository.fetch_problem:
            print(visible_controls(f"{'':<{width}}  {repository.fetch_problem}"))
        status = statuses.get(repository.name)
        if status is not None and status.failures:
            print(visible_controls(f"{'':<{width}}  {_sync_failure(status)}"))
    return 0


def _sync_failure(status) -> str:
    """One line: how often and when the background sync failed, why, and when it retries."""
    from django.utils import timezone

    now = timezone.now()
    when = ""
    if status.last_attempt_at:
        when = f", the last {_span((now - status.last_attempt_at).total_seconds())} ago"
    retry = "; tried again at the next push or scheduled fetch"
    if status.next_retry_at:
        retry = f"; retried in {_span((status.next_retry_at - now).total_seconds())}"
    message = " ".join(status.last_error.split())
    return f"sync failed {_count(status.failures, 'time')} in a row{when}: {message}{retry}"


def _span(seconds: float) -> str:
    seconds = max(0, round(seconds))
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds // size} {unit}"
    return f"{seconds} s"


@_database_command
def cmd_worker(args: argparse.Namespace) -> int:
    _django(require_migrated=True)
    from adrsite.decisions.worker import run_worker

    return run_worker(batch=args.batch)


@_database_command
def cmd_repo_add(args: argparse.Namespace) -> int:
    _check_web_url(args.web_url)
    host_token = _token_from(args.host_token_env) if args.host_token_env else ""
    _django(require_migrated=True)
    from adrsite.decisions.hosts import HostProblem, repository_add
    from adrsite.decisions.indexing import repository_remove, repository_restrict

    try:
        repository_add(
            name=args.name,
            url=args.url,
            branch=args.branch,
            adr_dir=args.adr_dir,
            web_url=args.web_url or "",
            secret=args.secret,
            review_refs=args.review_refs or (),
            review_max_age=args.review_max_age,
            host_api=args.host_api,
            host_token=host_token,
        )
    except HostProblem as error:
        raise UserError(str(error)) from None
    if args.visible_to:  # before the first sync: never public for a moment (ADR 35)
        try:
            repository_restrict(name=args.name, groups=args.visible_to)
        except ValueError as error:
            repository_remove(name=args.name)
            raise UserError(f"{error}; {args.name} not added") from None
    try:
        print(_sync(args.name))
    except UserError as error:  # all or nothing, as `adr index`: a URL that fails adds nothing
        repository_remove(name=args.name)
        raise UserError(f"{error}; {args.name} not added") from None
    return 0


@_database_command
def cmd_repo_set(args: argparse.Namespace) -> int:
    _check_web_url(args.web_url)
    host_token = _token_from(args.host_token_env) if args.host_token_env else None
    _django(require_migrated=True)
    from adrsite.decisions.hosts import SETTINGS, HostProblem, repository_settings
    from adrsite.decisions.models import Repository

    options = (args.review_refs, args.review_max_age, args.host_api, host_token, args.web_url)
    if all(option is None for option in options):
        raise UserError(
            "nothing to set: give --review-refs, --review-max-age, --host-api, "
            "--host-token-env or --web-url"
        )
    try:
        changed = repository_settings(
            args.name,
            review_refs=args.review_refs,
            review_max_age=args.review_max_age,
            host_api=args.host_api,
            host_token=host_token,
            web_url=args.web_url,
        )
    except HostProblem as error:
        raise UserError(str(error)) from None
    except Repository.DoesNotExist:
        raise UserError(f"no repository named {args.name!r} (see 'adr repo list')") from None
    if not changed:
        print(f"{args.name}: unchanged")
    else:
        names = ", ".join(SETTINGS[field] for field in changed)
        print(f"{args.name}: set {names}; used from the next sync ('adr repo sync {args.name}')")
    return 0


def _token_from(variable: str) -> str:
    """The host token in the environment variable `variable`; never printed, even in an error
    (nor `variable`: a token given in its place would be)."""
    token = os.environ.get(variable, "").strip()
    if not token:
        raise UserError("--host-token-env: no environment variable of that name is set")
    return token


@_database_command
def cmd_repo_sync(args: argparse.Namespace) -> int:
    _django(require_migrated=True)
    from adrsite.decisions.models import Repository

    names = list(Repository.objects.values_list("name", flat=True).order_by("name"))
    if args.name and args.name not in names:
        indexed = f"indexed: {', '.join(names)}" if names else "nothing is indexed"
        raise UserError(f"no repository named {args.name!r} ({indexed})")
    if not names:
        raise UserError("no repository yet: add one with 'adr repo add NAME URL'")
    failed = 0
    for name in [args.name] if args.name else names:
        try:
            print(_sync(name), flush=True)
        except UserError as error:  # the others are still synced
            print(f"adr: {error}", file=sys.stderr, flush=True)
            failed += 1
    return 1 if failed else 0


def _sync(name: str) -> str:
    """Fetch and index one repository (`repository_sync`); its summary. Progress on a terminal."""
    from adrsite.decisions.hosts import FetchFailed, repository_sync
    from adrsite.decisions.indexing import IndexBusy
    from adrsite.history.git import HistoryError

    terminal = sys.stderr.isatty()
    try:
        result = repository_sync(
            name,
            progress=_progress(name) if terminal else None,
            fetch_progress=_fetch_progress(name) if terminal else None,
        )
    except FetchFailed as error:
        raise UserError(f"{name}: cannot fetch: {error.message}") from None
    except (HistoryError, IndexBusy) as error:
        raise UserError(f"{name}: {error}") from None
    finally:
        if terminal:
            print("\r\033[K", end="", file=sys.stderr, flush=True)
    return result.summary()


def _fetch_progress(name: str) -> Callable[[str], None]:
    def show(line: str) -> None:
        print(
            f"\r\033[K{name}: {visible_controls(line)[:100]}", end="", file=sys.stderr, flush=True
        )

    return show


@_database_command
def cmd_repo_remove(args: argparse.Namespace) -> int:
    _django(require_migrated=True)
    from adrsite.decisions.indexing import repository_remove
    from adrsite.decisions.models import Repository

    try:
        removed = repository_remove(name=args.name)
    except Repository.DoesNotExist:
        names = sorted(Repository.objects.values_list("name", flat=True))
        indexed = f"indexed: {', '.join(names)}" if names else "nothing is indexed"
        raise UserError(f"no repository named {args.name!r} ({indexed})") from None
    counts = ", ".join(_count(number, kind.removesuffix("s")) for kind, number in removed.items())
    print(f"removed {args.name}: {counts}")
    return 0


@_database_command
def cmd_createuser(args: argparse.Namespace) -> int:
    """A local account (ADR 34): its password from ADRSITE_PASSWORD, else asked twice."""
    _django(require_migrated=True)
    from adrsite.accounts.users import AccountError, create_local_user

    password = os.environ.get("ADRSITE_PASSWORD") or _ask_password()
    try:
        user = create_local_user(
            args.username, password, email=args.email, staff=args.staff, superuser=args.superuser
        )
    except AccountError as error:
        raise UserError(str(error)) from None
    role = "superuser" if user.is_superuser else "staff" if user.is_staff else "user"
    print(f"created {role} {user.get_username()}")
    return 0


def _ask_password() -> str:
    import getpass

    if not sys.stdin.isatty():
        raise UserError("no terminal to ask for the password: set ADRSITE_PASSWORD")
    password = getpass.getpass("Password: ")
    if password != getpass.getpass("Password (again): "):
        raise UserError("the two passwords differ")
    return password


@_database_command
def cmd_serve(args: argparse.Namespace) -> int:
    folder = find_folder(Path.cwd(), args.dir)
    os.environ.setdefault("ADRSITE_REPOSITORY", str(folder.root))
    os.environ.setdefault("ADRSITE_ADR_DIR", folder.relative)
    hosts = served_hosts(args.host, machine_addresses(), socket.gethostname())
    if hosts:  # an ALLOWED_HOSTS set by whoever runs it stays as they set it
        os.environ.setdefault("ALLOWED_HOSTS", ",".join(hosts))
    # The local single-user server asks no one to sign in, unless told to (ADR 34).
    os.environ.setdefault("ADRSITE_LOGIN_REQUIRED", "false")
    # Reachable beyond this machine, the settings refuse the placeholder key (ADR 36). One
    # person's development server signs nothing that must outlive it: a key per run.
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    _django()
    from django.conf import settings
    from django.core.management import call_command

    if settings.DEBUG and not _loopback(args.host):
        raise UserError(
            f"DEBUG=true shows settings and the environment on error pages: "
            f"serve it on 127.0.0.1 only, not {args.host}"
        )
    _refuse_unusable_address(args.host, args.port)
    _migrate(verbosity=0)
    print(f"database: {settings.DATABASES['default']['NAME']}")
    name = args.name or _name_indexed_at(folder.root, folder.relative) or slugify(folder.root.name)
    print(_index(folder.root, folder.relative, name=name, full=False))
    print(_answers_at(settings.ALLOWED_HOSTS, args.port), flush=True)
    if not _loopback(args.host) and not settings.ADRSITE_LOGIN_REQUIRED:
        print(
            "adr: warning: adr serve asks no one to sign in: whoever reaches these addresses "
            "reads every decision and its history. To share decisions with a team, run the "
            "internal site (README: 'Sharing with a team'), or set ADRSITE_LOGIN_REQUIRED=true.",
            file=sys.stderr,
            flush=True,
        )
    host = f"[{args.host}]" if ":" in args.host and not args.host.startswith("[") else args.host
    call_command("runserver", f"{host}:{args.port}", use_reloader=False)
    return 0


def _name_indexed_at(root: Path, adr_dir: str) -> str:
    """The name of the repository already indexed from this folder of `root`, if one is:
    serving a second checkout with the same folder name must not take the first one's
    name, and another folder of the same checkout (examples/porting/adr) is not this one."""
    from adrsite.decisions.queries import repository_list

    return next(
        (r.name for r in repository_list() if (r.location, r.adr_dir) == (str(root), adr_dir)),
        "",
    )


def _answers_at(allowed: list[str], port: str) -> str:
    """What the server answers, said before it starts: the URL for each host name it takes."""
    if any(host == "*" or host.startswith(".") for host in allowed):
        return f"answers to the host names in ALLOWED_HOSTS: {', '.join(allowed)}"
    return "answers at " + " ".join(f"http://{host}:{port}/" for host in allowed)


def _loopback(host: str) -> bool:
    """Whether `host` (a name, an address, `[::1]`) is reachable from this machine only."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.removeprefix("[").removesuffix("]")).is_loopback
    except ValueError:
        return False  # another name: it may resolve to anything


def server_host(text: str) -> str:
    """`--host`: an IP address (IPv6 bare or in brackets) or a host name."""
    address = text.removeprefix("[").removesuffix("]")
    try:
        ipaddress.ip_address(address)
        return text
    except ValueError:
        pass
    labels = text.removesuffix(".").split(".")
    if len(text) <= 253 and all(HOST_LABEL.fullmatch(label) for label in labels):
        return text
    raise argparse.ArgumentTypeError(f"{text!r} is not an IP address or a host name")


def server_port(text: str) -> int:
    """`--port`: a TCP port, 1 to 65535."""
    if not text.strip().isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (1 to 65535)")
    return int(text)


HOST_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")


def _refuse_unusable_address(host: str, port: int) -> None:
    """Stop before migrating and indexing if the server could not listen there."""
    address = host.removeprefix("[").removesuffix("]")
    try:
        family, kind, proto, _, where = socket.getaddrinfo(address, port, type=socket.SOCK_STREAM)[
            0
        ]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(where)
    except OSError as error:
        reason = error.strerror or str(error)
        raise UserError(
            f"cannot serve on {host}:{port}: {reason[:1].lower()}{reason[1:]}"
        ) from None


def _migrate(*, verbosity: int) -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=verbosity)
    # The rendered-body cache's table (ADR 24); at -v 1 it would say "already exists" each time.
    call_command("createcachetable", verbosity=max(0, verbosity - 1))


def _index(
    root: Path,
    adr_dir: str,
    *,
    name: str,
    full: bool,
    web_url: str | None = None,
    replace: bool = False,
    ref: str = "",
    visible_to: list[str] | None = None,
    review_refs: list[str] | None = None,
    review_max_age: int | None = None,
) -> str:
    """Index one repository; the summary line. Shows progress on a terminal."""
    from adrsite.decisions.indexing import (
        NAME_LENGTH,
        IndexBusy,
        RepositoryNameTaken,
        group_name_problem,
        repository_index_at,
        review_options,
    )
    from adrsite.history.git import HistoryError

    _check_web_url(web_url)
    if not re.fullmatch(r"[-a-zA-Z0-9_]+", name):
        raise UserError(f"--name {name!r}: use letters, digits, - and _ (it is part of URLs)")
    if len(name) > NAME_LENGTH:
        raise UserError(f"--name {name!r}: at most {NAME_LENGTH} characters")
    for group in visible_to or []:
        if problem := group_name_problem(group):
            raise UserError(f"--visible-to: {visible_controls(problem)}")
    try:  # the service checks them again; asked here, its refusal is the user's mistake
        review_options(review_refs, review_max_age)
    except ValueError as error:
        raise UserError(visible_controls(str(error))) from None
    progress = _progress(name) if sys.stderr.isatty() else None
    try:
        result = repository_index_at(
            name=name,
            location=str(root),
            adr_dir=adr_dir,
            web_url=web_url,
            full=full,
            replace=replace,
            visible_to=visible_to,
            progress=progress,
            ref=ref,
            review_refs=review_refs,
            review_max_age=review_max_age,
        )
    except RepositoryNameTaken as error:
        raise UserError(
            f"{error}; index this one under another name (--name) "
            f"or put it in that one's place (--replace)"
        ) from None
    except (HistoryError, IndexBusy) as error:
        raise UserError(str(error)) from None
    finally:
        if progress:
            print("\r\033[K", end="", file=sys.stderr, flush=True)
    return result.summary()


def _check_web_url(web_url: str | None) -> None:
    if web_url and not re.match(r"https?://", web_url):
        raise UserError(f"--web-url {web_url!r} must start with https:// or http://")
    if web_url and "{commit}" not in web_url:
        raise UserError(f"--web-url {web_url!r} has no {{commit}} to fill in")


def _progress(name: str) -> Callable[[int], None]:
    last = [0.0]

    def show(commits: int) -> None:
        now = time.monotonic()
        if now - last[0] >= 0.1:
            last[0] = now
            print(f"\rindexing {name}: {commits} commits", end="", file=sys.stderr, flush=True)

    return show


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' * (number != 1)}"


def _adr_dir_of(root: Path) -> str:
    """The ADR folder found in `root` as file commands find it; an error naming where we looked."""
    if not (root / ".adr-dir").is_file() and not any((root / d).is_dir() for d in USUAL_DIRS):
        raise UserError(
            f"no ADR folder in {root} (looked for .adr-dir, {', '.join(USUAL_DIRS)}); "
            "pass --adr-dir, or run 'adr init' there"
        )
    return find_folder(root).relative


def _django(*, require_migrated: bool = False) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "adrsite.settings")
    import django
    from django.core.exceptions import ImproperlyConfigured

    from adrsite.startup import cannot_connect, database_unusable

    try:
        from django.conf import settings

        _ = settings.DATABASES  # the settings module's own refusals (ADR 36) are configuration's
    except ImproperlyConfigured as error:
        raise UserError(f"configuration: {error}") from None
    try:
        from django.db import connections

        # Then the driver: Django's auth models load it as the apps load, and its
        # missing module is the database's problem, not the configuration's.
        connections["default"]
    except ImproperlyConfigured as error:
        raise UserError(cannot_connect(error)) from None
    try:
        django.setup()
    except ImproperlyConfigured as error:
        raise UserError(f"configuration: {error}") from None

    if problem := database_unusable():
        raise UserError(problem)
    if require_migrated:
        from django.db import connection
        from django.db.migrations.executor import MigrationExecutor

        executor = MigrationExecutor(connection)
        if not executor.migration_plan(executor.loader.graph.leaf_nodes()):
            return
        if os.environ.get("DATABASE_URL"):  # shared: migrated on purpose, by whoever runs it
            raise UserError("the database schema is not up to date: run 'adr migrate'")
        _migrate(verbosity=0)  # the embedded default, as `adr serve` does
