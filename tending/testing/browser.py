"""Browser-test fixtures: Debian's Chromium driven by Playwright, and an axe-core scan.

Use them in a test module with ``pytestmark = pytest.mark.browser`` and the
``page`` and ``live_server`` fixtures::

    def test_something(page, live_server, demo_world):
        login(page, live_server, "cara@willow.test")
        page.goto(live_server.url + "/me/")
        assert_accessible(page)
"""

import json
import os
import tempfile
import threading
import time
from pathlib import Path

import pytest
from django.core.signals import request_finished, request_started

from tending.testing.factories import PASSWORD

CHROMIUM = os.environ.get("TENDING_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
AXE_SOURCE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PHONE = {"width": 360, "height": 740}

# The live server's threads that are serving a request right now (the test's own thread is not counted).
_serving: set[int] = set()
_serving_lock = threading.Lock()
_browsers = []


def _started(**kwargs) -> None:
    if threading.current_thread() is not threading.main_thread():
        with _serving_lock:
            _serving.add(threading.get_ident())


def _finished(**kwargs) -> None:
    with _serving_lock:
        _serving.discard(threading.get_ident())


request_started.connect(_started, dispatch_uid="tending.testing.browser.started")
request_finished.connect(_finished, dispatch_uid="tending.testing.browser.finished")


def _wait_until_the_live_server_is_idle(patience: float = 30.0) -> None:
    # Idle twice, a moment apart: a request the browser sent just before its tab closed may still
    # be waiting to be accepted.
    deadline = time.monotonic() + patience
    quiet = 0
    while quiet < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
        with _serving_lock:
            quiet = quiet + 1 if not _serving else 0


@pytest.fixture(scope="session")
def _playwright_browser():
    # Only a run with browser tests starts Playwright; the rest of the suite never imports it.
    from playwright.sync_api import expect, sync_playwright

    # Waits, not deadlines: a busy CI core can take seconds to paint what an idle one shows at once.
    # expect()'s own default (5 s) would make a correct page fail on a slow machine.
    expect.set_options(timeout=15_000)

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is missing at {CHROMIUM}: bin/test installs it (apt-get install -y chromium)")
    home = tempfile.mkdtemp(prefix="tending-chromium-")
    env = {**os.environ, "HOME": home, "XDG_CONFIG_HOME": home, "XDG_CACHE_HOME": home}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, env=env)
        _browsers.append(browser)
        yield browser
        _browsers.remove(browser)
        browser.close()


@pytest.fixture(autouse=True)
def _live_server_idle_before_the_flush(request):
    """A browser test's tabs close, and the live server finishes what they asked, before the database is emptied.

    Otherwise a request still being served (the page a last click opened, a poll) can hold a lock
    that PostgreSQL's TRUNCATE needs while waiting for one the TRUNCATE holds: a deadlock, and the
    next test starts on the last one's rows.
    """
    if "live_server" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("transactional_db")  # so this is torn down before the flush
    yield
    for browser in _browsers:
        for context in browser.contexts:
            context.close()
    _wait_until_the_live_server_is_idle()


@pytest.fixture
def page(_playwright_browser):
    """A fresh phone-sized browser tab (360 x 740) with its own cookies."""
    context = _playwright_browser.new_context(viewport=PHONE, locale="en-GB", timezone_id="Europe/London")
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    yield tab
    context.close()


def login(page, live_server, email: str, password: str = PASSWORD) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("domcontentloaded")


def axe_violations(page) -> list[dict]:
    # Checked once the page and its stylesheet have loaded: on a busy machine a heading can be there before the styles
    # are, and axe then measures unstyled links (a "target-size" violation of the header's links, seen once in CI).
    page.wait_for_load_state("load")
    # Injected with evaluate(): our CSP (script-src 'self') rightly blocks add_script_tag.
    page.evaluate(AXE_SOURCE.read_text())
    result = page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}})).violations"
        ".map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}))",
        AXE_TAGS,
    )
    return result


def assert_accessible(page) -> None:
    violations = axe_violations(page)
    assert violations == [], f"{page.url}:\n{json.dumps(violations, indent=2)}"


def assert_no_horizontal_scroll(page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px at {PHONE['width']}px wide"
