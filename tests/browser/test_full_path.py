"""The whole path in a real browser: a citizen applies, three staff roles work it, the citizen gets the result."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from portal import demo, demo_registry
from tests.conftest import account
from tests.eds_helpers import demo_keys
from tests.factories import pdf_bytes

pytestmark = pytest.mark.browser


def sign_in(page, base: str, who: demo.DemoAccount) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/auth/sign-in")
    page.fill("#iin", who.iin)
    page.fill("#password", who.password)
    page.click("form.form button[type=submit]")
    page.wait_for_load_state()


def sign_out(page) -> None:  # type: ignore[no-untyped-def]
    page.click("header form button")
    page.wait_for_load_state()


def sign_with_dialog(page, key_file: Path, password: str) -> None:  # type: ignore[no-untyped-def]
    """Choose the key file and type its password in the EDS dialog, as a person does."""
    page.locator("dialog.eds-dialog").wait_for(state="visible")
    page.set_input_files("#eds-file", str(key_file))
    page.fill("#eds-password", password)
    page.click(".eds-sign")


def staff_step(page, base: str, role: str, number: str, fill=None, eds=None) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, base, account(role, "petropavl"))
    page.click(f"#queue a:text('{number}')")
    if fill:
        fill(page)
    if eds:
        page.click("#do-step-eds")
        sign_with_dialog(page, *eds)
    else:
        page.click("#do-step")
    page.wait_for_selector(".flash.success")
    sign_out(page)


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    """Save a screenshot when SCREENSHOT_DIR is set (the README's picture is made this way)."""
    folder = os.environ.get("SCREENSHOT_DIR")
    if folder:
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def test_citizen_applies_staff_work_it_citizen_downloads_signed_result(app, page, live_url, tmp_path):
    base = live_url
    keys = demo_keys(app)
    citizen_key = keys[demo.CITIZEN.iin]
    head_key = keys[account("head", "petropavl").iin]
    page.goto(f"{base}/lang/en")
    scan = tmp_path / "035-1.pdf"
    scan.write_bytes(pdf_bytes())
    wrong = tmp_path / "photo.pdf"
    wrong.write_bytes(b"MZ\x90\x00 this is not a pdf")

    sign_in(page, base, demo.CITIZEN)
    page.goto(f"{base}/")
    page.click("a:has-text('Permission to study in external form')")
    page.click("form button:has-text('Apply online')")
    # the child's IIN first: the registry gives the name and birth date and confirms the parent
    page.fill("#child_iin", demo.CHILD["child_iin"])
    page.click("#check-registry")
    page.wait_for_selector("#request-form")
    assert demo_registry.CHILD_NAME in page.inner_text("#registry-child_name")
    assert page.locator("#registry-link.success").is_visible()
    page.fill("#school", "№ 7 мектеп-гимназия")
    page.select_option("#grade", "8")
    page.fill("#provider-search", "education petropavl")  # the picker narrows to the city's department
    page.locator(".provider-option:not([hidden]) input").check()
    page.check("input[name=ground][value=health]")
    # a wrong file first: a clear error, and what was typed stays
    page.set_input_files("#doc_medical_035", str(wrong))
    page.click("button[value=review]")
    page.locator(".error", has_text="not a PDF, JPEG or PNG").wait_for()  # the page the server answered
    assert f"{wrong.name} was not attached" in page.inner_text("#doc_medical_035-error")  # the file is named
    assert page.input_value("#school") == "№ 7 мектеп-гимназия"
    page.set_input_files("#doc_medical_035", str(scan))
    page.click("button[value=review]")
    page.wait_for_selector("#answers")
    assert "№ 7 мектеп-гимназия" in page.inner_text("#answers")
    # without the consent ticked the key is not even asked for: the page says why, and the draft stays
    assert not page.is_checked("#consent")
    assert "secret protected by law, held in information systems" in page.inner_text("#consent-text")
    page.click("#submit-request")
    error = page.locator("#submit-request ~ [data-eds-error]")
    error.wait_for(state="visible")
    assert error.inner_text().startswith("Tick the consent to the use of legally protected data")
    assert not page.locator("dialog.eds-dialog").is_visible()
    page.check("#consent")
    # a wrong password first: the dialog says so and stays open; then the right one
    page.click("#submit-request")
    page.locator("dialog.eds-dialog").wait_for(state="visible")
    page.set_input_files("#eds-file", str(citizen_key.signing_file))
    page.fill("#eds-password", "not-the-password")
    page.click(".eds-sign")
    page.wait_for_selector("#eds-error[data-code=wrong_password]")
    page.fill("#eds-password", citizen_key.password)
    page.click(".eds-sign")
    page.wait_for_selector("#confirmation")
    number = page.inner_text("#registration-number")
    assert "working days left" in page.inner_text("#submitted-deadline")
    shot(page, "submitted")
    page.click("#to-request")
    page.wait_for_selector("#timeline")
    assert demo.CITIZEN.iin in page.inner_text(".signature")
    assert number.startswith("EXT-")
    assert "has been submitted" in page.inner_text("#notifications")
    sign_out(page)

    staff_step(page, base, "office_clerk", number)

    def assign(pg):  # type: ignore[no-untyped-def]
        pg.select_option("#executor_id", label=account("executor", "petropavl").full_name)
        pg.fill("#resolution", "Қарап, 14 жұмыс күні ішінде шешім дайындаңыз.")
    staff_step(page, base, "head", number, assign)

    def draft(pg):  # type: ignore[no-untyped-def]
        href = pg.get_attribute("#attachments a", "href")
        scan_response = pg.request.get(base + href)
        assert scan_response.ok and scan_response.headers["content-type"] == "application/pdf"
        pg.check("input[name=decision][value=permitted]")
    staff_step(page, base, "executor", number, draft)
    staff_step(page, base, "head", number, eds=(head_key.signing_file, head_key.password))
    staff_step(page, base, "office_clerk", number)

    # the citizen comes back signing in with the EDS authentication key
    page.goto(f"{base}/auth/eds")
    page.click("#eds-sign-in")
    sign_with_dialog(page, citizen_key.auth_file, citizen_key.password)
    page.wait_for_selector("#requests")
    page.click(f"#requests a:text('{number}')")
    assert "Permission granted" in page.inner_text("#result")
    shot(page, "cabinet")
    with page.expect_download() as info:
        page.click("#download-result")
    path = tmp_path / "result.pdf"
    info.value.save_as(path)
    data = path.read_bytes()
    assert data.startswith(b"%PDF")
    if shutil.which("pdfsig"):
        out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout
        assert "Signature is Valid" in out and "Total document signed" in out, out

    # anyone can verify it by uploading it
    sign_out(page)
    page.goto(f"{base}/verify/")
    page.set_input_files("#pdf", str(path))
    page.click("form.form button[type=submit]")
    assert "Authentic and unchanged" in page.inner_text("#verdict")
