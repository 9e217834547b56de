"""The dashboard in a real Chromium: the charts draw from the local Chart.js under the strict CSP, no console error."""
from __future__ import annotations

import pytest

from portal import demo
from tests.browser.test_full_path import sign_in
from tests.conftest import account
from tests.dashboard_data import handcrafted

pytestmark = pytest.mark.browser


def _painted(page, canvas: str) -> int:  # type: ignore[no-untyped-def]
    """Return how many pixels of a canvas are not blank."""
    return page.evaluate("""(id) => {
        const c = document.getElementById(id);
        const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0; for (let i = 3; i < px.length; i += 4) { if (px[i] !== 0) n++; }
        return n; }""", canvas)


@pytest.mark.parametrize("who", ["head", "analyst"])
def test_the_charts_render_with_no_console_error(app, page, live_url, who):  # type: ignore[no-untyped-def]
    handcrafted(app)
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
    page.route("**/favicon.ico", lambda route: route.fulfill(status=204))  # the portal has none: not our error
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(live_url) else None)
    page.goto(f"{live_url}/lang/en")
    sign_in(page, live_url, account("head", "petropavl") if who == "head" else demo.REGION_ANALYST)
    if who == "head":
        page.click("#nav-dashboard")
    page.wait_for_selector("#dashboard-charts[data-ready='1']")
    assert page.get_attribute("#chart-requests", "data-drawn") == "1"
    assert page.get_attribute("#chart-steps", "data-drawn") == "1"
    assert page.evaluate("Chart.version") == "4.6.2"
    assert _painted(page, "chart-requests") > 1000 and _painted(page, "chart-steps") > 1000
    assert page.text_content("#total-received") == ("5" if who == "head" else "7")
    assert problems == [] and outside == []
