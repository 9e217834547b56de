"""In a real Chromium under the portal's CSP: the page announces the key's certificate, the application names it."""
from __future__ import annotations

from pathlib import Path

import pytest

from portal.domain.models import Application
from tests.browser.test_full_path import sign_with_dialog
from tests.eds_helpers import KEYS_VALID_FROM
from tests.web.test_certified_name import CERTIFIED, IIN, PASSWORD, TYPED, registered_draft, text_of

pytestmark = pytest.mark.browser


def test_the_signed_application_names_the_certificate_and_no_csp_violation(app, page, live_url, tmp_path: Path):
    app.config["WTF_CSRF_ENABLED"] = False  # the draft is made through the test client, then the page signs it
    _client, app_id = registered_draft(app)
    app.config["WTF_CSRF_ENABLED"] = True
    issued = app.extensions["portal"].ca.issue_person(iin=IIN, surname="Нұрланова", name="Әсел",
                                                     patronymic="Бекқызы", password="p12-pass",
                                                     valid_from=KEYS_VALID_FROM, valid_days=3650)
    key_file = tmp_path / issued.signing_filename
    key_file.write_bytes(issued.signing_p12)
    violations: list[str] = []
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)

    sign_in_and_submit(page, live_url, app_id, key_file)
    page.wait_for_url(f"**/cabinet/requests/{app_id}/submitted")

    ctx = app.extensions["portal"]
    with ctx.sessions() as s:
        request_ = s.get(Application, app_id)
        assert request_.stage == "submitted"
        signature = request_.signature("request")
        assert signature.signer_name == CERTIFIED
        pdf = ctx.store.get(signature.pdf_sha256)
    text = text_of(pdf, tmp_path)
    assert CERTIFIED in text and TYPED not in text
    assert violations == []


def sign_in_and_submit(page, live_url: str, app_id: int, key_file: Path) -> None:  # type: ignore[no-untyped-def]
    """Sign in with the typed password, then submit the draft signing with this key file."""
    page.goto(f"{live_url}/auth/sign-in")
    page.fill("#iin", IIN)
    page.fill("#password", PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_load_state()
    page.goto(f"{live_url}/apply/{app_id}/review")
    page.check("#consent")
    page.click("#submit-request")
    sign_with_dialog(page, key_file, "p12-pass")


def test_a_key_of_another_iin_is_refused_before_signing_and_the_page_says_so(app, page, live_url, tmp_path: Path):
    app.config["WTF_CSRF_ENABLED"] = False
    _client, app_id = registered_draft(app)
    app.config["WTF_CSRF_ENABLED"] = True
    from datetime import date

    from portal.domain.validators import make_iin
    issued = app.extensions["portal"].ca.issue_person(iin=make_iin(date(1980, 1, 2), "M", 55), surname="Ким",
                                                     name="Олег", patronymic=None, password="p12-pass",
                                                     valid_from=KEYS_VALID_FROM, valid_days=3650)
    key_file = tmp_path / issued.signing_filename
    key_file.write_bytes(issued.signing_p12)
    page.goto(f"{live_url}/lang/en")
    sign_in_and_submit(page, live_url, app_id, key_file)
    error = page.locator("[data-eds-error]")
    error.wait_for(state="visible")
    assert "the IIN in its certificate is not yours" in error.inner_text()
    assert page.locator("dialog.eds-dialog").count() == 0  # closed: the page tells why
    with app.extensions["portal"].sessions() as s:
        assert s.get(Application, app_id).stage == "draft"
