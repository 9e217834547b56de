"""An executor sees the personal data and scans of the requests assigned to them, not the whole provider's."""
from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal import demo
from portal.domain.models import Application, Person
from portal.domain.workflow import may_see
from tests.conftest import sign_in, staff_client
from tests.factories import submitted_request
from tests.web.test_backoffice import do, work_through


def test_only_the_assigned_executor_sees_the_medical_form(app: Flask, citizen: FlaskClient):
    app_id = submitted_request(app, citizen)  # ground "health": the medical form 035-1/у is attached
    work_through(app, app_id, {}, until="assign")
    with app.extensions["portal"].sessions() as s:
        request_ = s.get(Application, app_id)
        scan_id = request_.attachments[0].id
        assert request_.attachments[0].kind == "medical_035"
    card, scan = f"/backoffice/requests/{app_id}", f"/backoffice/requests/{app_id}/attachments/{scan_id}"

    assigned = staff_client(app, "executor")
    page = assigned.get(card)
    assert page.status_code == 200 and demo.CITIZEN.iin in page.get_data(as_text=True)
    assert assigned.get(scan).status_code == 200
    assert card in assigned.get("/backoffice/").get_data(as_text=True)

    other = sign_in(app.test_client(), demo.SECOND_EXECUTOR)  # same provider, not assigned
    for url in (card, scan, f"{card}/application.pdf"):
        r = other.get(url)
        assert r.status_code == 404, url
        assert demo.CITIZEN.iin not in r.get_data(as_text=True) and not r.data.startswith(b"%PDF")
    queue = other.get("/backoffice/").get_data(as_text=True)
    assert card not in queue and demo.CITIZEN.full_name not in queue
    assert other.post(card, data={"action": "draft_result", "decision": "permitted"}).status_code == 404

    # the office clerk and the head still see every request of their provider
    for role in ("office_clerk", "head"):
        client = staff_client(app, role)
        assert client.get(card).status_code == 200 and client.get(scan).status_code == 200


def test_before_assignment_no_executor_sees_the_request(app: Flask, citizen: FlaskClient):
    app_id = submitted_request(app, citizen)
    do(app, "office_clerk", app_id, "register")
    for client in (staff_client(app, "executor"), sign_in(app.test_client(), demo.SECOND_EXECUTOR)):
        assert client.get(f"/backoffice/requests/{app_id}").status_code == 404


def test_may_see_is_the_rule(app: Flask, citizen: FlaskClient):
    app_id = submitted_request(app, citizen)
    work_through(app, app_id, {}, until="assign")
    with app.extensions["portal"].sessions() as s:
        request_ = s.get(Application, app_id)
        people = {p.iin: p for p in s.scalars(select(Person))}
        seen = {a.iin: may_see(request_, people[a.iin]) for a in demo.STAFF if a.provider_code == "petropavl"}
        assert seen == {a.iin: a != demo.SECOND_EXECUTOR for a in demo.STAFF if a.provider_code == "petropavl"}
        assert not may_see(request_, people[demo.CITIZEN.iin])
