"""Fixtures for browser tests: Debian's Chromium through Playwright, against the live server."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import pytest

from tests.gitrepo import Repo, team_log

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # the test modules are skipped then, or fail in CI (below)
    sync_playwright = None

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Error, Page
    from pytest_django.live_server_helper import LiveServer

# Playwright's sync API runs an asyncio event loop in the main thread from the
# browser's launch to the end of the session, so Django would take every later
# query there, ours and those of transactional tests that run after these, for
# async code and refuse it (SynchronousOnlyOperation). Nothing here is async: the
# code runs one step at a time as plain sync code does, so the check is safe off.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Debian's package, never Playwright's own download (CI reaches no browser CDN).
CHROMIUM = os.environ.get("ADRSITE_CHROMIUM") or "/usr/bin/chromium"
# Root in a container (no sandbox), offline (no updates, no first-run fetches).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
# Playwright's default is 30 s; a page of ours that takes 10 s is already a failure.
TIMEOUT_MS = 10_000


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"true", "1"}


def unavailable(reason: str) -> NoReturn:
    """CI must run the browser tests, so there a missing browser fails the run; here it skips."""
    if in_ci():
        pytest.fail(f"CI must run the browser tests, and {reason}", pytrace=False)
    pytest.skip(reason)


class WithoutPlaywright(pytest.Module):
    """A test module that cannot be imported (it imports playwright): skipped, or failed in CI."""

    def collect(self) -> NoReturn:
        unavailable(
            "playwright is not installed: run ./dev test, or .venv/bin/pip install -e '.[dev]'"
        )


def pytest_pycollect_makemodule(
    module_path: Path, parent: pytest.Collector
) -> pytest.Module | None:
    # Test modules here import playwright at the top, as its documentation does; without
    # it they would stop the whole run with an ImportError instead of saying what to do.
    if sync_playwright is None:
        return WithoutPlaywright.from_parent(parent, path=module_path)
    return None


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, launched once for the session and closed at its end."""
    if not os.access(CHROMIUM, os.X_OK):
        unavailable(
            f"no Chromium at {CHROMIUM}: install Debian's chromium package "
            "(sudo apt-get install chromium; ./dev test does it as root), "
            "or point ADRSITE_CHROMIUM at a Chromium"
        )
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield launched
        launched.close()


class BrowserErrors:
    """What the page said went wrong: console errors and uncaught exceptions."""

    def __init__(self, page: Page) -> None:
        self.messages: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", self._page_error)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            where = message.location
            self.messages.append(
                f"console error at {where.get('url')}:{where.get('lineNumber')}: {message.text}"
            )

    def _page_error(self, error: Error) -> None:
        self.messages.append(f"uncaught {error.name}: {error.message}\n{error.stack or ''}")

    def check(self) -> None:
        if self.messages:
            report = "\n".join(self.messages)
            print(report)
            pytest.fail(f"the page logged {len(self.messages)} error(s):\n{report}", pytrace=False)


def _page(browser: Browser, live_server: LiveServer, **options) -> Iterator[Page]:
    context: BrowserContext = browser.new_context(base_url=live_server.url, **options)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors = BrowserErrors(page)
    yield page
    context.close()
    # After a failed test too: a script error is often the reason an assertion failed.
    errors.check()


@pytest.fixture
def page(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    """A fresh page (its own context: no cookies or storage shared between tests).

    Relative URLs go to the live server (`page.goto("/")`). The test fails
    afterwards if the page logged a console error or threw an uncaught exception.
    """
    yield from _page(browser, live_server)


@pytest.fixture
def page_without_js(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    """Like `page`, with JavaScript turned off: what a reader without it, or a crawler, sees."""
    yield from _page(browser, live_server, java_script_enabled=False)


@pytest.fixture
def site(live_server: LiveServer, settings, tmp_path: Path) -> str:
    """A fixture decision log (tests/gitrepo.team_log), indexed from its git history; returns
    the site's URL.

    The live server runs in a thread of this process against the test database (a
    file, see settings.py), and `live_server` makes the test transactional, so what
    is indexed here is committed and the server sees it; it is flushed after the test.
    """
    from adrsite.decisions.indexing import repository_index, repository_register

    repo = team_log(Repo(tmp_path / "adrsite"))
    settings.ADRSITE_REPOSITORY = repo.path
    settings.ADRSITE_ADR_DIR = "adr"
    repository = repository_register(name="adrsite", location=str(repo.path), adr_dir="adr")
    repository_index(repository=repository)
    return live_server.url
