"""The whole citizen path with the keyboard alone: sign in, open the draft, review, consent, and sign in the key dialog."""
from __future__ import annotations

from pathlib import Path

import pytest

from portal import demo
from tests.browser.test_legacy_key_files import draft_ready_to_sign
from tests.eds_helpers import demo_keys

pytestmark = pytest.mark.browser


def focused(page) -> str:  # type: ignore[no-untyped-def]
    """Describe the focused element: its id, else its text."""
    return page.evaluate("(document.activeElement.id || document.activeElement.innerText || '').trim()")


def tab_to(page, matches, limit: int = 80) -> None:  # type: ignore[no-untyped-def]
    """Press Tab until the focused element matches, as a keyboard user does; fail if it is never reached."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = focused(page)
        if matches(now):
            return
        seen.append(now)
    raise AssertionError(f"never reached by Tab; went through {seen}")


def test_a_citizen_signs_and_submits_a_request_with_the_keyboard_alone(app, page, live_url):
    draft = draft_ready_to_sign(app)
    key = demo_keys(app)[demo.CITIZEN.iin]
    # Playwright turns Chromium's file-chooser interception on by a message it does not wait for, sent
    # when the first listener arrives: subscribe now, long before the key press, not in the same breath
    choosers: list = []
    page.on("filechooser", lambda chooser: choosers.append(chooser))
    page.goto(f"{live_url}/lang/en")
    page.goto(f"{live_url}/auth/sign-in")
    page.keyboard.press("Tab")
    assert focused(page) == "Skip to main content"  # the first stop leads past the header
    page.keyboard.press("Enter")
    tab_to(page, lambda f: f == "iin")
    page.keyboard.type(demo.CITIZEN.iin)
    page.keyboard.press("Tab")
    assert focused(page) == "password"
    page.keyboard.type(demo.CITIZEN.password)
    page.keyboard.press("Enter")
    page.wait_for_selector("#requests")

    tab_to(page, lambda f: f == f"Draft #{draft}")
    page.keyboard.press("Enter")
    page.wait_for_selector("#request-form")
    tab_to(page, lambda f: f == "Continue: check your answers")
    page.keyboard.press("Enter")
    page.wait_for_selector("#submit-request:enabled")  # the signer has loaded: the button works now
    tab_to(page, lambda f: f == "consent")
    page.keyboard.press("Space")
    assert page.is_checked("#consent")
    tab_to(page, lambda f: f == "submit-request")

    page.keyboard.press("Enter")  # the dialog opens with the focus on its first field; Esc closes it
    page.locator("dialog.eds-dialog").wait_for(state="visible")
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'eds-file'")
    page.keyboard.press("Escape")
    page.locator("dialog.eds-dialog").wait_for(state="hidden")
    # back where the person was (the signer settles its answer a task later than the dialog closes)
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'submit-request'")

    page.keyboard.press("Enter")
    page.locator("dialog.eds-dialog").wait_for(state="visible")
    # a key pressed before the focus has reached the file field would go elsewhere: wait for it, as above
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'eds-file'")
    assert not choosers  # Esc on the file field opened nothing
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")  # the file field opens the system's file chooser
    chooser.value.set_files(str(Path(key.signing_file)))
    assert len(choosers) == 1
    page.keyboard.press("Tab")
    assert focused(page) == "eds-password"
    page.keyboard.type(key.password)
    page.keyboard.press("Enter")
    page.wait_for_selector("#confirmation")
    assert page.inner_text("#registration-number").strip()
