"""The head returns a draft, the executor reworks it, the head signs; the citizen's timeline shows all of it."""
from __future__ import annotations

import pytest

from portal import demo
from portal.domain.models import Application
from tests.browser.test_full_path import sign_in, sign_out, sign_with_dialog
from tests.conftest import account
from tests.eds_helpers import demo_keys
from tests.factories import submitted_request

pytestmark = pytest.mark.browser

WHY = "Оқу мерзімдерін медициналық анықтамамен салыстырып, қайта тексеріңіз."


def open_card(page, base: str, role: str, number: str) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, base, account(role, "petropavl"))
    page.click(f"#queue a:text('{number}')")


def take(page, button: str) -> None:  # type: ignore[no-untyped-def]
    page.click(button)
    page.wait_for_selector(".flash.success")
    sign_out(page)


def test_head_returns_the_draft_executor_reworks_head_signs(app, citizen, page, live_url):
    base = live_url
    app.config["WTF_CSRF_ENABLED"] = False  # the request is filed through the test client; the browser posts with CSRF
    app_id = submitted_request(app, citizen)
    app.config["WTF_CSRF_ENABLED"] = True
    with app.extensions["portal"].sessions() as s:
        number = s.get(Application, app_id).number
    head_key = demo_keys(app)[account("head", "petropavl").iin]
    executor = account("executor", "petropavl")
    page.goto(f"{base}/lang/en")

    open_card(page, base, "office_clerk", number)
    take(page, "#do-step")
    open_card(page, base, "head", number)
    page.select_option("#executor_id", label=executor.full_name)
    page.fill("#resolution", "Қарап, шешім дайындаңыз.")
    take(page, "#do-step")
    open_card(page, base, "executor", number)
    page.check("#move-draft_result input[name=decision][value=refused]")
    page.check("#refusal-grounds input[value=documents_incomplete]")
    page.fill("#refusal_explanation", "Анықтама жарамсыз.")
    take(page, "#do-step")

    # the head sends the draft back, changing the decision to a grant, and says why
    open_card(page, base, "head", number)
    assert page.locator("#move-return_draft").is_visible()
    page.click("#do-return_draft")  # without a comment: refused, nothing lost
    assert "Write why" in page.inner_text(".flash.error")
    page.fill("#return_draft-comment", WHY)
    page.check("#move-return_draft input[name=decision][value=permitted]")
    take(page, "#do-return_draft")

    # the executor finds it back with the head's comment and the changed decision preselected
    open_card(page, base, "executor", number)
    assert WHY in page.inner_text("#timeline")
    assert "Return the draft for rework" in page.inner_text("#steps")
    assert page.is_checked("#move-draft_result input[name=decision][value=permitted]")
    take(page, "#do-step")

    open_card(page, base, "head", number)
    page.click("#do-step-eds")
    sign_with_dialog(page, head_key.signing_file, head_key.password)
    page.wait_for_selector(".flash.success")
    sign_out(page)
    open_card(page, base, "office_clerk", number)
    take(page, "#do-step")

    sign_in(page, base, demo.CITIZEN)
    page.goto(f"{base}/cabinet/requests/{app_id}")
    timeline = page.locator("#timeline li")
    actions = [timeline.nth(i).get_attribute("data-action") for i in range(timeline.count())]
    assert actions == ["consent", "submit", "register", "assign", "draft_result", "return_draft", "draft_result",
                       "approve", "send"]
    returned = page.inner_text("#timeline li[data-action=return_draft]")
    assert WHY in returned and account("head", "petropavl").full_name in returned
    assert "returned the draft result" in page.inner_text("#notifications")
    assert "Granted" in page.inner_text(".status")
    assert page.locator("#download-result").is_visible()
