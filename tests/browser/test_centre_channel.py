"""The State Corporation channel in a real browser, for each service that has it.

An operator files one request for the applicant and one for a representative under a power of attorney,
and refuses a third package with a receipt; the provider works the other two; the operator hands the
results over; the applicant finds all three in the cabinet.
"""
from __future__ import annotations

import subprocess

import pytest
from sqlalchemy import select

from portal import demo, demo_registry
from portal.domain.catalog import SERVICES
from portal.domain.models import Person
from portal.domain.refusal_receipts import package_documents
from tests.browser.test_each_service import provider_works
from tests.browser.test_full_path import sign_in, sign_out, sign_with_dialog
from tests.conftest import account
from tests.eds_helpers import demo_keys
from tests.factories import pdf_bytes
from tests.service_samples import form_values
from tests.web.test_services import sealed_provider

pytestmark = pytest.mark.browser
CENTRE_SERVICES = [code for code, spec in SERVICES.items() if spec.centre is not None]


def open_request(page, base: str, code: str, provider_id: int, representative: bool = False) -> str:  # type: ignore[no-untyped-def]
    """Identify the applicant (and the representative) at the desk, take the consent; return the number."""
    page.goto(f"{base}/desk/")
    page.select_option("#service_code", code)
    page.select_option("#provider_id", str(provider_id))
    page.fill("#applicant_iin", demo.CITIZEN.iin)
    if representative:
        page.fill("#representative_iin", demo_registry.AGENT_IIN)
        page.fill("#power_of_attorney", demo_registry.POA_VALID)
    page.click("#identify")
    page.wait_for_selector("#move-take_consent")
    assert demo_registry.AGENT_NAME in page.inner_text("#representative") if representative else True
    assert "secret protected by law" in page.inner_text("#consent-text")
    number = page.inner_text("h1").split()[-1]
    page.click("#do-take_consent")
    page.wait_for_selector(".flash.success")
    return number


def file_and_send(page, base: str, spec, provider, values: dict, scan, key, representative: bool) -> str:  # type: ignore[no-untyped-def]
    """File a complete package, enter its data and scans, register it and send it with the operator's EDS."""
    number = open_request(page, base, spec.code, provider.id, representative)
    for field in spec.typed_fields:
        if field.kind == "choice":
            page.check(f"input[name={field.name}][value={values[field.name]}]")
        elif field.kind == "grade":
            page.select_option(f"#{field.name}", values[field.name])
        else:
            page.fill(f"#{field.name}", values[field.name])
    page.click("#save-entry")  # the registry fills what it knows from the IINs entered
    page.wait_for_selector(".flash.success")
    for doc in spec.required_documents(values):
        page.set_input_files(f"#doc_{doc.code}", str(scan))
    page.click("#save-entry")
    page.wait_for_selector(".flash.success")
    assert not page.locator("#still-missing").count()
    if page.locator("#do-centre_register").count():
        page.click("#do-centre_register")
        page.wait_for_selector(".flash.success")
    page.click("#do-send-eds")
    sign_with_dialog(page, key.signing_file, key.password)
    page.wait_for_selector(".flash.success")
    assert "operator" in page.inner_text("section.signature h3").lower()
    signed = page.context.request.get(page.url + "/application.pdf").body()
    text = subprocess.run(["pdftotext", "-", "-"], input=signed, capture_output=True, check=True).stdout.decode()
    assert demo.OPERATOR.full_name in text and demo.CITIZEN.iin in text
    assert (demo_registry.AGENT_NAME in text) == representative
    return number


@pytest.mark.parametrize("code", CENTRE_SERVICES)
def test_the_state_corporation_files_refuses_and_hands_over(app, page, live_url, tmp_path, code):
    base, spec = live_url, SERVICES[code]
    provider = sealed_provider(app, spec)
    key = demo_keys(app)[demo.OPERATOR.iin]
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(pdf_bytes())
    values = form_values(spec, spec.subflows[-1].value if spec.subflows else None)
    page.goto(f"{base}/lang/en")

    sign_in(page, base, demo.OPERATOR)
    own = file_and_send(page, base, spec, provider, values, scan, key, representative=False)
    represented = file_and_send(page, base, spec, provider, values, scan, key, representative=True)
    refused = open_request(page, base, spec.code, provider.id)
    first_doc = package_documents(spec)[-1]  # the service's last document, or the application itself
    page.check(f"input[name=missing][value={first_doc.code}]")
    page.click("#do-refuse_package")
    page.wait_for_selector(".flash.success")
    assert "refused" in page.inner_text("#stage").lower()
    receipt = tmp_path / "receipt.pdf"
    receipt.write_bytes(page.context.request.get(base + page.get_attribute(".receipt-link", "href")).body())
    text = subprocess.run(["pdftotext", str(receipt), "-"], capture_output=True, text=True, check=True).stdout
    assert demo.CITIZEN.iin in text
    assert first_doc.title["ru"].split()[0] in text
    sign_out(page)

    with app.extensions["portal"].sessions() as s:
        executor_id = s.scalar(select(Person.id).where(Person.iin == account("executor", provider.code).iin))
    for number in (own, represented):
        provider_works(page, base, spec, provider, values, number, executor_id)

    sign_in(page, base, demo.SECOND_OPERATOR)  # any operator of the centre hands over
    for number in (own, represented):
        page.goto(f"{base}/desk/")
        page.click(f"#desk-queue a:text('{number}')")
        page.wait_for_selector("#result-link")
        page.click("#do-hand_over")
        page.wait_for_selector(".flash.success")
        assert [a for a in page.locator("#timeline li").evaluate_all("els => els.map(e => e.dataset.action)")
                ][-1] == "hand_over"
    sign_out(page)

    sign_in(page, base, demo.CITIZEN)  # with the password: the IIN is not proven, the centre's requests wait
    page.goto(f"{base}/cabinet/")
    assert "3 requests were filed" in page.inner_text("#hidden-requests")
    assert own not in page.content()
    sign_out(page)
    citizen = demo_keys(app)[demo.CITIZEN.iin]
    page.goto(f"{base}/auth/eds")
    page.click("#eds-sign-in")
    sign_with_dialog(page, citizen.auth_file, citizen.password)
    page.wait_for_selector("#requests")
    rows = page.inner_text("#requests")
    for number in (own, represented, refused):
        assert number in rows
    page.click(f"#requests a:text('{represented}')")
    actions = page.locator("#timeline li").evaluate_all("els => els.map(e => e.dataset.action)")
    assert actions[0] == "file_at_centre" and actions[-1] == "hand_over"
    sending = next(t.action for t in spec.process_for(values, "state_corporation").transitions
                   if t.effect == "send_to_provider")
    assert {"consent", "take_consent", sending, "register"} <= set(actions)
