"""The citizen's step table in a real browser: when a step reached its role, and when its working time began."""
from __future__ import annotations

from datetime import datetime

import pytest

from portal import clock, demo
from tests.browser.test_full_path import sign_in
from tests.conftest import sign_in as client_signs_in
from tests.factories import submitted_request

pytestmark = pytest.mark.browser


def test_a_request_filed_on_sunday_evening_waits_for_monday_and_the_table_says_so(app, page, live_url):
    sunday_evening = datetime(2026, 11, 22, 21, 0)
    with clock.pinned(sunday_evening):
        csrf, app.config["WTF_CSRF_ENABLED"] = app.config["WTF_CSRF_ENABLED"], False  # the client posts bare forms
        try:
            app_id = submitted_request(app, client_signs_in(app.test_client(), demo.CITIZEN))
        finally:
            app.config["WTF_CSRF_ENABLED"] = csrf
        page.goto(f"{live_url}/lang/en")
        sign_in(page, live_url, demo.CITIZEN)
        page.goto(f"{live_url}/cabinet/requests/{app_id}")
        register = page.locator("#steps tr[data-step=register] td")
        step, received, due, done = (" ".join(t.split()) for t in register.all_inner_texts())
        assert received == "22.11.2026 21:00 working time from 23.11.2026 09:00", received
        assert done == "not started yet" and due.startswith("23.11.2026")
    with clock.pinned(datetime(2026, 11, 23, 9, 5)):  # Monday, the office open: the step is under way
        sign_in(page, live_url, demo.CITIZEN)  # the evening's session has long timed out
        page.goto(f"{live_url}/cabinet/requests/{app_id}")
        assert " ".join(register.all_inner_texts()[3].split()) == "in progress"
