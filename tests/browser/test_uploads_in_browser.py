"""Uploads in a real browser: a scan over the limit is stopped in the page, and nothing typed is lost."""
from __future__ import annotations

import pytest

from portal import demo
from tests.browser.test_full_path import sign_in
from tests.browser.test_legacy_key_files import draft_ready_to_sign

pytestmark = pytest.mark.browser


def test_a_50_mb_scan_is_refused_at_its_field_and_the_form_keeps_what_was_typed(app, page, live_url, tmp_path):
    draft = draft_ready_to_sign(app)
    page.goto(f"{live_url}/lang/en")
    sign_in(page, live_url, demo.CITIZEN)
    page.goto(f"{live_url}/apply/{draft}")
    page.fill("#school", "Гимназия № 3, typed just now")
    sent: list[str] = []
    page.on("request", lambda r: sent.append(r.method) if r.method == "POST" else None)
    big = tmp_path / "big-scan.pdf"
    with big.open("wb") as out:
        out.write(b"%PDF-1.4\n")
        out.truncate(50 * 1024 * 1024)
    page.set_input_files("#doc_medical_035", str(big))
    error = page.locator("#doc_medical_035-error")
    error.wait_for(state="visible")
    assert "big-scan.pdf is 50.0 MB; a file may be at most 10 MB" in error.inner_text()
    assert page.get_attribute("#doc_medical_035", "aria-describedby") == "doc_medical_035-error"
    assert page.input_value("#doc_medical_035") == "" and sent == []  # cleared, and nothing was sent
    assert page.input_value("#school") == "Гимназия № 3, typed just now"
    page.click("button[value=save]")  # saving goes on without the file: what was typed is kept
    page.wait_for_selector(".flash.success")
    assert page.input_value("#school") == "Гимназия № 3, typed just now"
    assert "035-1.pdf" in page.inner_text("[data-doc=medical_035]")  # the scan attached before stays
