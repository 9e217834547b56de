"""The operator's desk over HTTP: who may reach it, what a refusal says, and that the graph's order holds."""
from __future__ import annotations

import base64
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from lxml import html
from sqlalchemy import event, func, select

from portal import demo, demo_registry
from portal.domain.models import Application, Provider
from tests.conftest import sign_in, staff_client
from tests.eds_helpers import announce, signer


def _desk(app: Flask) -> FlaskClient:
    client = sign_in(app.test_client(), demo.OPERATOR)
    client.get("/lang/en")
    return client


def _petropavl(app: Flask) -> int:
    with app.extensions["portal"].sessions() as s:
        return s.scalar(select(Provider.id).where(Provider.code == "petropavl"))


def _file(client: FlaskClient, provider_id: int, **extra: str):  # type: ignore[no-untyped-def]
    data = {"service_code": "external_study", "provider_id": str(provider_id), "applicant_iin": demo.CITIZEN.iin}
    return client.post("/desk/", data={**data, **extra})


def _count(app: Flask) -> int:
    with app.extensions["portal"].sessions() as s:
        return s.scalar(select(func.count(Application.id)))


def test_only_operators_reach_the_desk_and_operators_not_the_back_office(app: Flask):
    assert app.test_client().get("/desk/").status_code == 302  # to sign in
    assert sign_in(app.test_client(), demo.CITIZEN).get("/desk/").status_code == 403
    assert staff_client(app, "office_clerk").get("/desk/").status_code == 403
    operator = _desk(app)
    assert operator.get("/backoffice/").status_code == 403
    page = html.fromstring(operator.get("/desk/").get_data(as_text=True))
    assert page.xpath("//form[@id='filing-form']") and "Operator's desk" in page.xpath("string(//h1)")


@pytest.mark.parametrize("extra, message", [
    ({"applicant_iin": "990101300999"}, "Data cannot be obtained"),
    ({"representative_iin": demo_registry.AGENT_IIN, "power_of_attorney": demo_registry.POA_EXPIRED}, "2023-000911"),
    ({"representative_iin": demo_registry.AGENT_IIN, "power_of_attorney": demo_registry.POA_OUT_OF_SCOPE},
     "2025-002207"),
])
def test_a_registry_refusal_is_said_and_what_was_typed_stays(app: Flask, extra: dict, message: str):
    client, before = _desk(app), _count(app)
    response = _file(client, _petropavl(app), **extra)
    assert response.status_code == 422
    page = html.fromstring(response.get_data(as_text=True))
    said = page.xpath("string(//*[@id='filing-error'])")
    assert message.lower() in said.lower(), said
    for name, value in extra.items():
        assert page.xpath(f"//input[@name='{name}']/@value") == [value]
    assert _count(app) == before


def test_the_steps_go_in_the_regulation_s_order(app: Flask):
    client = _desk(app)
    response = _file(client, _petropavl(app), representative_iin=demo_registry.AGENT_IIN,
                     power_of_attorney=demo_registry.POA_VALID)
    assert response.status_code == 302
    card = response.headers["Location"]
    page = client.get(card).get_data(as_text=True)
    assert demo_registry.AGENT_NAME in page and demo_registry.POA_VALID in page
    assert "secret protected by law" in html.fromstring(page).xpath("string(//*[@id='consent-text'])")
    # registering before the consent is not a step the request offers now
    refused = client.post(card, data={"action": "centre_register"})
    assert refused.status_code == 409
    assert "not yours to take now" in html.fromstring(refused.get_data(as_text=True)).xpath(
        "string(//*[@id='step-error'])")
    assert client.post(card, data={"action": "take_consent"}).status_code == 302
    timeline = html.fromstring(client.get(card).get_data(as_text=True)).xpath("//ol[@id='timeline']/li/@data-action")
    assert timeline == ["file_at_centre", "consent", "take_consent"]
    # the representative gave the consent
    with app.extensions["portal"].sessions() as s:
        filed = s.get(Application, int(re.search(r"/(\d+)$", card).group(1)))
        assert filed.consent_by.iin == demo_registry.AGENT_IIN
    # sending is the operator's EDS signature, never a plain post; an incomplete package is not prepared
    assert client.post(card, data={"action": "centre_register"}).status_code == 302
    assert client.post(card, data={"action": "send_to_provider"}).status_code == 409
    prepared = client.post(f"{card}/send/prepare", json=announce(signer(app, demo.OPERATOR.iin)))
    assert prepared.status_code == 422 and prepared.get_json()["code"] == "draft_incomplete"


def test_a_refusal_names_the_missing_documents(app: Flask):
    client = _desk(app)
    card = _file(client, _petropavl(app)).headers["Location"]
    client.post(card, data={"action": "take_consent"})
    nothing = client.post(card, data={"action": "refuse_package"})
    assert nothing.status_code == 409
    assert "missing" in html.fromstring(nothing.get_data(as_text=True)).xpath("string(//*[@id='step-error'])")
    done = client.post(card, data={"action": "refuse_package", "missing": ["application", "medical_035"]})
    assert done.status_code == 302
    page = html.fromstring(client.get(card).get_data(as_text=True))
    assert "Documents not accepted" in page.xpath("string(//*[@id='stage'])")
    link = page.xpath("//a[contains(@class, 'receipt-link')]/@href")[0]
    pdf = client.get(link)
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    number = page.xpath("string(//h1)").split()[-1]
    # whoever registered the IIN with a password alone does not see what a centre filed for it
    squatter = sign_in(app.test_client(), demo.CITIZEN)
    squatter.get("/lang/en")
    listing = squatter.get("/cabinet/").get_data(as_text=True)
    assert number not in listing and "1 request was filed for your IIN" in listing
    assert squatter.get(card.replace("/desk/requests/", "/cabinet/requests/")).status_code == 404
    # the applicant proves the IIN with the EDS authentication key and finds it, and its receipt
    cabinet = app.test_client()
    cabinet.get("/lang/en")
    challenge = cabinet.post("/auth/eds/challenge", json={}).get_json()["challenge"]
    signed = signer(app, demo.CITIZEN.iin, auth=True).create_cms(base64.b64decode(challenge), attached=True)
    assert cabinet.post("/auth/eds/sign-in", json={"cms": base64.b64encode(signed).decode()}).status_code == 200
    listing = cabinet.get("/cabinet/").get_data(as_text=True)
    assert number in listing
    mine = cabinet.get(card.replace("/desk/requests/", "/cabinet/requests/"))
    detail = html.fromstring(mine.get_data(as_text=True))
    assert "Documents not accepted" in detail.xpath("string(//dl)")
    receipt = cabinet.get(detail.xpath("//section[@id='receipt']//a/@href")[0])
    assert receipt.status_code == 200 and receipt.data == pdf.data


def test_the_desk_list_costs_the_same_queries_for_two_requests_as_for_twelve(app: Flask):
    client, provider = _desk(app), _petropavl(app)
    engine = app.extensions["portal"].sessions.kw["bind"]
    statements: list[str] = []

    def count(conn, cursor, statement, *args) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    def cost() -> int:
        statements.clear()
        event.listen(engine, "before_cursor_execute", count)
        try:
            page = client.get("/desk/")
        finally:
            event.remove(engine, "before_cursor_execute", count)
        assert page.status_code == 200
        return len(statements)

    for _ in range(2):
        _file(client, provider)
    few = cost()
    for _ in range(10):
        _file(client, provider)
    assert cost() == few
    rows = html.fromstring(client.get("/desk/").get_data(as_text=True)).xpath("//table[@id='desk-queue']/tbody/tr")
    assert len(rows) == 12
