"""The `adr` commands that start Django: migrate, index, export, serve."""

from __future__ import annotations

import argparse
import ipaddress
import json
import os
import re
import socket
import sys
import time
from collections.abc import Callable
from pathlib import Path

from adrsite.cli.addresses import machine_addresses, served_hosts
from adrsite.cli.common import UserError
from adrsite.records.folder import (
    FolderError,
    find_folder,
    find_repository_root,
)
from adrsite.records.naming import slugify

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
    name = args.name or slugify(root.name)
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
    hosts = served_hosts(args.host, machine_addresses(), socket.gethostname())
    if hosts:  # an ALLOWED_HOSTS set by whoever runs it stays as they set it
        os.environ.setdefault("ALLOWED_HOSTS", ",".join(hosts))
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
    print(_index(folder.root, folder.relative, name=slugify(folder.root.name), full=False))
    print(_answers_at(settings.ALLOWED_HOSTS, args.port), flush=True)
    if not _loopback(args.host):
        print(
            "adr: warning: adr serve has no login: whoever reaches these addresses reads every "
            "decision and its history. To share decisions with a team, run the internal site "
            "(README: 'Sharing with a team').",
            file=sys.stderr,
            flush=True,
        )
    call_command("runserver", f"{args.host}:{args.port}", use_reloader=False)
    return 0


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
