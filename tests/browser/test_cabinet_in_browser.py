"""The cabinet in a real browser: each request's outcome told apart, with its result a click away."""
from __future__ import annotations

import pytest

from portal import demo
from tests.browser.test_full_path import shot, sign_in
from tests.browser.test_legacy_key_files import draft_ready_to_sign
from tests.conftest import sign_in as client_signs_in
from tests.factories import submitted_request
from tests.web.test_backoffice import work_through

pytestmark = pytest.mark.browser

REFUSAL = {"decision": "refused", "refusal_ground": "documents_incomplete",
           "refusal_explanation": "Қорытындының мерзімі өткен."}


def cabinet_with_every_outcome(app) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Give the demo citizen a granted, a refused, a pending request and a draft; return their ids."""
    csrf, app.config["WTF_CSRF_ENABLED"] = app.config["WTF_CSRF_ENABLED"], False  # the test clients post bare forms
    try:
        client = client_signs_in(app.test_client(), demo.CITIZEN)
        granted, refused, pending = (submitted_request(app, client) for _ in range(3))
        work_through(app, granted, {"decision": "permitted"})
        work_through(app, refused, REFUSAL)
    finally:
        app.config["WTF_CSRF_ENABLED"] = csrf
    return {"granted": granted, "refused": refused, "pending": pending, "draft": draft_ready_to_sign(app)}


def row(page, app_id: int):  # type: ignore[no-untyped-def]
    """Return the cabinet's row of a request, found by its link."""
    return page.locator("#requests tbody tr").filter(has=page.locator(f"a[href$='/{app_id}']"))


def test_the_cabinet_tells_a_refusal_from_a_grant_and_offers_each_result(app, page, live_url):
    ids = cabinet_with_every_outcome(app)
    page.goto(f"{live_url}/lang/en")
    sign_in(page, live_url, demo.CITIZEN)
    page.goto(f"{live_url}/cabinet/")
    assert page.inner_text("#requests thead").split("\t")[-1].strip() == "Deadline or result"

    granted, refused = row(page, ids["granted"]), row(page, ids["refused"])
    assert granted.locator(".status").inner_text() == "Granted"
    assert refused.locator(".status").inner_text() == "Refused"
    assert "s-granted" in granted.locator(".status").get_attribute("class")
    assert "s-refused" in refused.locator(".status").get_attribute("class")
    for outcome in (granted, refused):
        cell = outcome.locator("td.outcome").inner_text()
        assert cell.startswith("Result ready") and "Decided " in cell and "Completed" not in cell
    # the two badges look different, not only read differently
    colours = {r.locator(".status").evaluate("e => getComputedStyle(e).color") for r in (granted, refused)}
    assert len(colours) == 2

    pending_cell = row(page, ids["pending"]).locator("td.outcome").inner_text()
    assert "working days left" in pending_cell and "Result ready" not in pending_cell
    assert row(page, ids["pending"]).locator(".status").inner_text() == "Submitted"
    draft = page.locator("#requests tbody tr").filter(has=page.locator(f"a[href$='/apply/{ids['draft']}']"))
    assert draft.locator("td.outcome").inner_text() == "Not submitted yet — ready to sign"
    shot(page, "cabinet-list")

    with page.expect_download() as download:
        refused.locator("td.outcome a").click()
    path = download.value.path()
    assert open(path, "rb").read(5) == b"%PDF-"
