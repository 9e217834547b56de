"""Each of the other services in a real browser: apply and sign, the staff work it, the result verifies."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from portal import demo
from portal.domain.catalog import SERVICES
from portal.domain.models import Person
from tests.browser.test_full_path import sign_in, sign_out, sign_with_dialog
from tests.conftest import account
from tests.eds_helpers import demo_keys
from tests.factories import pdf_bytes
from tests.service_samples import form_values, step_payload
from tests.web.test_services import sealed_provider

pytestmark = pytest.mark.browser
OTHERS = [c for c in SERVICES if c != "external_study"]


def fill_request(page, spec, values: dict, provider_id: int, scan) -> None:  # type: ignore[no-untyped-def]
    """Type the request as a person does, field by field, and attach the required scans."""
    for field in spec.fields:
        value = values[field.name]
        if field.kind == "choice":
            page.check(f"input[name={field.name}][value={value}]")
        elif field.kind == "grade":
            page.select_option(f"#{field.name}", value)
        else:
            page.fill(f"#{field.name}", value)
    page.check(f"input[name=provider_id][value='{provider_id}']")
    for doc in spec.required_documents(values):
        page.set_input_files(f"#doc_{doc.code}", str(scan))


def provider_works(page, base: str, spec, provider, values: dict, number: str, executor_id: int) -> None:  # type: ignore[no-untyped-def]
    """Take the provider's regulated steps in the back office, each staff member signing in in turn."""
    for step in spec.flow(values)[0]:
        sign_in(page, base, account(step.role, provider.code))
        page.click(f"#queue a:text('{number}')")
        payload = step_payload(step, executor_id)
        if step.assigns_executor:
            page.select_option("#executor_id", str(executor_id))
            page.fill("#resolution", payload["resolution"])
        for field in step.inputs:
            page.fill(f"#in-{field.name}", payload[field.name])
        if step.decides:
            page.check("input[name=decision][value=permitted]")
        page.click("#do-step")
        page.wait_for_selector(".flash.success")
        sign_out(page)


@pytest.mark.parametrize("code", OTHERS)
def test_service_in_the_browser(app, page, live_url, tmp_path, code):
    base, spec = live_url, SERVICES[code]
    provider = sealed_provider(app, spec)
    key = demo_keys(app)[demo.CITIZEN.iin]
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(pdf_bytes())
    values = form_values(spec, spec.subflows[-1].value if spec.subflows else None)  # re-admission, where it exists
    page.goto(f"{base}/lang/en")
    sign_in(page, base, demo.CITIZEN)
    page.goto(f"{base}/services/{code}")
    page.click("form button:has-text('Apply online')")
    fill_request(page, spec, values, provider.id, scan)
    page.click("button[value=review]")
    page.wait_for_selector("#answers")
    page.check("#consent")
    page.click("#submit-request")
    sign_with_dialog(page, key.signing_file, key.password)
    page.wait_for_selector("#confirmation")
    number = page.inner_text("#registration-number")
    page.click("#to-request")
    page.wait_for_selector("#timeline")
    assert number.startswith(spec.number_prefix)
    sign_out(page)

    with app.extensions["portal"].sessions() as s:
        executor_id = s.scalar(select(Person.id).where(Person.iin == account("executor", provider.code).iin))
    provider_works(page, base, spec, provider, values, number, executor_id)

    sign_in(page, base, demo.CITIZEN)
    page.click(f"#requests a:text('{number}')")
    with page.expect_download() as info:
        page.click("#download-result")
    path = tmp_path / "result.pdf"
    info.value.save_as(path)
    sign_out(page)
    page.goto(f"{base}/verify/")
    page.set_input_files("#pdf", str(path))
    page.click("form.form button[type=submit]")
    assert "Authentic and unchanged" in page.inner_text("#verdict")
