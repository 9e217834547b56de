"""A day at a department, in a real Chromium: three requests worked by three roles, one returned for rework,
the dashboard reflecting it, and the citizen's e-mails received by a real SMTP server."""
from __future__ import annotations

import pytest

from datetime import datetime

from portal import clock, demo
from portal.domain.models import Application
from tests.browser.test_full_path import sign_in, sign_out, sign_with_dialog
from tests.conftest import account
from tests.eds_helpers import demo_keys
from tests.factories import submitted_request
from portal.labels import NOTIFICATION
from tests.web.test_mail_outbox import deliver, smtp, translated  # noqa: F401 - the SMTP server fixture

pytestmark = pytest.mark.browser

WHY = "Медициналық анықтаманың мерзімін көрсетіңіз."


def find(page, number: str) -> None:  # type: ignore[no-untyped-def]
    """Find a request by its number with the queue's search and open its card."""
    page.fill("#q", number)
    page.click("#apply-filter")
    page.click(f"#queue a:text('{number}')")


def step(page, number: str, button: str = "#do-step", fill=None) -> None:  # type: ignore[no-untyped-def]
    """Take a step on a request's card, as its role does, and wait for the portal to confirm it."""
    find(page, number)
    if fill:
        fill(page)
    page.click(button)
    page.wait_for_selector(".flash.success")


def signs(page, number: str, key) -> None:  # type: ignore[no-untyped-def]
    """Sign a request's result with the head's EDS key in the portal's dialog."""
    find(page, number)
    page.click("#do-step-eds")
    sign_with_dialog(page, key.signing_file, key.password)
    page.wait_for_selector(".flash.success")


def test_a_day_at_the_department(app, citizen, page, live_url, smtp):  # noqa: F811
    app.config["WTF_CSRF_ENABLED"] = False  # the citizen files through the test client; the browser posts with CSRF
    ids = [submitted_request(app, citizen) for _ in range(3)]
    app.config["WTF_CSRF_ENABLED"] = True
    with app.extensions["portal"].sessions() as s:
        first, second, third = (s.get(Application, i).number for i in ids)
    base, executor = live_url, account("executor", "petropavl")
    head_key = demo_keys(app)[account("head", "petropavl").iin]
    page.goto(f"{base}/lang/en")

    clock.pin(datetime(2026, 11, 23, 10, 10))  # the live portal runs on the same pinned clock
    sign_in(page, base, account("office_clerk", "petropavl"))
    page.goto(f"{base}/backoffice/")
    assert page.inner_text("#tab-waiting .count") == "3"
    for number in (first, second, third):
        page.goto(f"{base}/backoffice/")
        step(page, number)
    page.goto(f"{base}/backoffice/")
    assert page.inner_text("#tab-waiting .count") == "0" and page.inner_text("#tab-all .count") == "3"
    sign_out(page)

    def assign(p) -> None:  # type: ignore[no-untyped-def]
        p.select_option("#executor_id", label=executor.full_name)
        p.fill("#resolution", "Қарап, шешім дайындаңыз.")

    clock.pin(datetime(2026, 11, 23, 10, 30))
    sign_in(page, base, account("head", "petropavl"))
    for number in (first, second, third):
        page.goto(f"{base}/backoffice/")
        step(page, number, fill=assign)
    sign_out(page)

    def grant(p) -> None:  # type: ignore[no-untyped-def]
        p.check("#move-draft_result input[name=decision][value=permitted]")

    clock.pin(datetime(2026, 11, 23, 12, 0))
    sign_in(page, base, executor)
    for number in (first, second):  # the third stays with the executor tonight
        page.goto(f"{base}/backoffice/")
        step(page, number, fill=grant)
    sign_out(page)

    clock.pin(datetime(2026, 11, 23, 12, 15))
    sign_in(page, base, account("head", "petropavl"))
    page.goto(f"{base}/backoffice/")
    find(page, second)
    page.fill("#return_draft-comment", WHY)
    page.click("#do-return_draft")
    page.wait_for_selector(".flash.success")
    page.goto(f"{base}/backoffice/")
    signs(page, first, head_key)
    sign_out(page)

    clock.pin(datetime(2026, 11, 23, 12, 30))
    sign_in(page, base, executor)
    page.goto(f"{base}/backoffice/")
    find(page, second)
    assert WHY in page.inner_text("#timeline")
    page.click("#do-step")
    page.wait_for_selector(".flash.success")
    sign_out(page)

    clock.pin(datetime(2026, 11, 23, 12, 40))
    sign_in(page, base, account("head", "petropavl"))
    page.goto(f"{base}/backoffice/")
    signs(page, second, head_key)
    sign_out(page)

    clock.pin(datetime(2026, 11, 23, 12, 55))
    sign_in(page, base, account("office_clerk", "petropavl"))
    for number in (first, second):
        page.goto(f"{base}/backoffice/")
        step(page, number)
    sign_out(page)

    # the head's dashboard, after lunch: three received today, two completed on time, none overdue
    clock.pin(datetime(2026, 11, 23, 14, 40))
    sign_in(page, base, account("head", "petropavl"))
    page.click("#nav-dashboard")
    page.wait_for_selector("#dashboard-charts[data-ready='1']")
    assert page.text_content("#total-received") == "3"
    assert page.text_content("#total-on-time") == "2"
    assert page.text_content("#total-late") == "0" and page.text_content("#total-overdue") == "0"
    steps = {row[1]: row[4:] for row in (r.split("\t") for r in page.inner_text("#table-steps tbody").splitlines())}
    assert steps["Register"] == ["0.17", "3", "0"]  # ten minutes each, of fifteen
    assert steps["Draft the result"] == ["1.50", "3", "0"]  # two drafts and one redraft
    assert steps["Send the result"] == ["0.46", "2", "1"]  # 40 and 15 minutes: the first was late
    sign_out(page)

    # the outbox worker's pass: every change reached the citizen's mailbox, once
    sent, failed = deliver(app, smtp.transport)
    assert failed == 0 and sent == len(smtp.inbox.messages)
    mine = [m for m in smtp.inbox.messages if m["To"] == f"{demo.CITIZEN.iin}@demo.invalid"]
    assert len(mine) == sent
    subjects = [m["Subject"] for m in mine]  # in Kazakh, the citizen's language
    def said(code: str, number: str) -> int:
        return subjects.count(translated("kk", NOTIFICATION[code]._args[0]) % {"number": number})
    assert said("result_ready", first) == said("result_ready", second) == 1 and said("result_ready", third) == 0
    assert said("draft_returned", second) == 1 and said("draft_returned", first) == 0

    # the citizen: unread notifications in the menu, the rework in the timeline, the result to download
    sign_in(page, base, demo.CITIZEN)
    assert int(page.inner_text("#unread-count")) >= 10
    page.goto(f"{base}/cabinet/requests/{ids[1]}")
    assert page.locator("#timeline li[data-action=return_draft]").count() == 1
    assert page.locator("#download-result").is_visible()
