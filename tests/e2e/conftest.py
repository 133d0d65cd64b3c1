"""Browser tests: Playwright drives the system's Chromium against pytest-django's live server.

Playwright never downloads a browser here: it launches the binary named by
CELLMEET_CHROMIUM (default /usr/bin/chromium). Without it the tests are skipped,
unless CELLMEET_REQUIRE_BROWSER=1 (as in CI), where a missing browser fails them.

Every page fails its test on a console error or an uncaught script error, so a
blocked script or style (Content-Security-Policy) or a broken script shows up. On
failure the page's screenshot and HTML are kept in var/e2e-artifacts/.
"""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.meetings.conftest import cell_people  # noqa: F401  (a fixture the scenarios share)

ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "e2e-artifacts"
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3,
         "is_mobile": True, "has_touch": True}  # fmt: skip
BROWSER_ERRORS = pytest.StashKey[list]()


def _chromium_path():
    return os.environ.get("CELLMEET_CHROMIUM") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser():
    executable = _chromium_path()
    if not os.access(executable, os.X_OK):
        reason = (
            f"Chromium not found at {executable}: install Debian's chromium "
            "or set CELLMEET_CHROMIUM to the browser's path"
        )
        if os.environ.get("CELLMEET_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{reason} (CELLMEET_REQUIRE_BROWSER=1)", pytrace=False)
        pytest.skip(reason)
    # Playwright's sync API keeps an event loop in this thread; Django would refuse the
    # test's own database calls (and pytest-django's flush) while it runs.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=executable, headless=True)
        yield browser
        browser.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def open_page(browser, live_server, request):
    """Opens a page in a fresh browser context (a person on their own device).

    Keyword arguments go to `browser.new_context` (viewport, is_mobile, ...).
    """
    expect.set_options(timeout=15_000)
    errors = request.node.stash.setdefault(BROWSER_ERRORS, [])
    pages = []
    stem = _stem(request.node.name)
    for old in [*ARTIFACTS.glob(f"{stem}.*"), *ARTIFACTS.glob(f"{stem}-*.*")]:
        old.unlink()  # what an earlier failed run left would mislead

    def _open(**options):
        context = browser.new_context(
            base_url=live_server.url, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh",
            accept_downloads=True, **options,
        )  # fmt: skip
        context.set_default_timeout(15_000)
        page = context.new_page()

        def on_console(message):
            if message.type == "error":
                errors.append(f"console error: {message.text} ({message.location['url']})")

        page.on("console", on_console)
        page.on("pageerror", lambda exc: errors.append(f"uncaught error: {exc}"))
        pages.append(page)
        return page

    yield _open
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        _keep_artifacts(request.node.name, pages)
    for page in pages:
        page.context.close()


@pytest.fixture
def page(open_page):
    """A desktop page."""
    return open_page(viewport={"width": 1280, "height": 900})


@pytest.fixture
def phone_page(open_page):
    """A phone-sized touch screen, as a secretary in a highland commune has."""
    return open_page(**PHONE)


def _stem(test_name):
    return re.sub(r"[^\w-]+", "_", test_name)


def _keep_artifacts(test_name, pages):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    stem = _stem(test_name)
    for number, page in enumerate(pages, start=1):
        name = stem if number == 1 else f"{stem}-{number}"
        try:
            page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
            (ARTIFACTS / f"{name}.html").write_text(page.content(), encoding="utf-8")
        except Exception as exc:  # a crashed page must not hide the test's own failure
            (ARTIFACTS / f"{name}.txt").write_text(f"no screenshot: {exc}", encoding="utf-8")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    errors = item.stash.get(BROWSER_ERRORS, [])
    if report.when == "call" and errors:
        if report.passed:
            # The scenario went through, but the browser complained on the way: that fails it.
            report.outcome = "failed"
            report.longrepr = "The browser reported errors:\n" + "\n".join(errors)
        else:
            report.sections.append(("browser errors", "\n".join(errors)))
    setattr(item, f"rep_{report.when}", report)
