"""A live portal in a thread and a real Chromium driven by Playwright."""
from __future__ import annotations

import os
import shutil
import threading
from typing import Iterator

import pytest
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-gpu", "--no-first-run"]


@pytest.fixture
def live_url(app) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """Serve the app (CSRF on, the pinned clock, which the page's signer follows) on a free loopback port."""
    app.config["WTF_CSRF_ENABLED"] = True
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)


@pytest.fixture(scope="session")
def browser(require_tools: bool):  # type: ignore[no-untyped-def]
    """Start Debian's Chromium through Playwright; never a downloaded browser."""
    if not (os.path.exists(CHROMIUM) and shutil.which("chromium")):
        if require_tools:
            pytest.fail("Chromium is required (apt-get install chromium) but /usr/bin/chromium is missing")
        pytest.skip("Chromium is not installed")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):  # type: ignore[no-untyped-def]
    """Return a fresh English-speaking page."""
    context = browser.new_context(locale="en-US", accept_downloads=True)
    pg = context.new_page()
    pg.set_default_timeout(15000)
    yield pg
    context.close()
