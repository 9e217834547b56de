"""Every text the portal keeps has a length limit: the form says so and keeps the text, the domain refuses a
crafted post, the browser stops at the same limit."""
from __future__ import annotations

import html
import re
from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal import demo
from portal.domain import applications as requests_, accounts
from portal.domain.catalog import SERVICES
from portal.domain.catalog.spec import MAX_LENGTH, Field
from portal.domain.errors import DomainError
from portal.domain.models import Application, Person
from portal.domain.validators import make_iin
from tests.conftest import MONDAY_10, account, staff_client
from tests.factories import fill_form
from tests.service_samples import form_values, step_payload
from tests.web.test_backoffice import assign_data, do, work_through
from tests.web.test_services import apply_for, sealed_provider
from tests.factories import submitted_request

NEW_IIN = make_iin(date(1990, 1, 15), "M", 123)


def _all_fields() -> list[Field]:
    """Return every form field and every step input of every service."""
    found = []
    for spec in SERVICES.values():
        found.extend(spec.fields)
        for _, steps in spec.all_flows():
            found.extend(f for step in steps for f in step.inputs)
    return found


def test_every_field_kind_has_a_limit() -> None:
    for field in _all_fields():
        assert 0 < field.max_length <= MAX_LENGTH[field.kind], field.name
    with pytest.raises(ValueError):
        Field("notes", "unbounded", {"kk": "x", "ru": "x", "en": "x"})


def _draft(app: Flask, client: FlaskClient) -> int:
    r = client.post("/apply/external_study/start")
    return int(r.headers["Location"].rstrip("/").split("/")[-1])


def test_every_input_of_the_request_form_has_its_maxlength(app: Flask, citizen: FlaskClient) -> None:
    app_id = _draft(app, citizen)
    citizen.post(f"/apply/{app_id}", data={**demo.CHILD, "next": "check"})  # the rest opens once the registry answers
    page = citizen.get(f"/apply/{app_id}").get_data(as_text=True)
    for field in SERVICES["external_study"].typed_fields:
        if field.kind in ("choice", "grade"):
            continue
        tag = re.search(rf'<(?:input|textarea)[^>]*name="{field.name}"[^>]*>', page).group(0)
        assert f'maxlength="{field.max_length}"' in tag, tag


def test_too_long_text_is_refused_with_a_message_and_kept(app: Flask, citizen: FlaskClient) -> None:
    app_id = _draft(app, citizen)
    citizen.get("/lang/en")
    long_school = "Мектеп " + "ә" * MAX_LENGTH["text"]
    r = citizen.post(f"/apply/{app_id}", data={**fill_form(app), "school": long_school, "next": "save"})
    page = r.get_data(as_text=True)
    assert r.status_code == 422
    assert f"At most {MAX_LENGTH['text']} characters; this text has {len(long_school)}." in page
    assert html.escape(long_school) in page  # nothing typed is lost
    with app.extensions["portal"].sessions() as s:
        assert s.get(Application, app_id).form == {}  # and nothing over the limit is kept


def test_crafted_values_past_the_form_are_refused_by_the_domain(app: Flask, citizen: FlaskClient) -> None:
    app_id = _draft(app, citizen)
    with app.extensions["portal"].sessions() as s:
        draft = s.get(Application, app_id)
        for name, value in [("school", "x" * 301), ("ground", "health" * 100), ("child_iin", "1" * 13)]:
            with pytest.raises(DomainError) as err:
                requests_.save_draft(s, draft, {"school": "№ 7", name: value}, None, MONDAY_10)
            assert err.value.code == "too_long" and err.value.params["field"] == name
        requests_.save_draft(s, draft, {"school": "x" * 300}, None, MONDAY_10)
        assert requests_.problems(draft)[0].field != "school"
        draft.form = {**draft.form, "school": "x" * 301}  # kept before there were limits
        assert ("school", "too_long") in [(p.field, p.code) for p in requests_.problems(draft)]


@pytest.mark.parametrize("field,value", [("full_name", "Сейітов " + "Нұрлан" * 40), ("email", "a" * 200 + "@mail.kz"),
                                         ("password", "p" * 257), ("phone", "+7 701 234 56 78 " + "9" * 10)])
def test_registration_fields_are_bounded(app: Flask, field: str, value: str) -> None:
    client = app.test_client()
    client.get("/lang/en")
    data = {"consent": "y", "iin": NEW_IIN, "full_name": "Сейітов Нұрлан", "phone": "+77012345678",
            "email": "n@mail.kz", "password": "long enough 1", "password_again": "long enough 1", field: value}
    if field == "password":
        data["password_again"] = value
    r = client.post("/auth/register", data=data)
    page = r.get_data(as_text=True)
    assert r.status_code == 422 and "characters; this text has" in page
    if field != "password":
        assert html.escape(value) in page
    with app.extensions["portal"].sessions() as s:
        assert s.scalar(select(Person).where(Person.iin == NEW_IIN)) is None
        with pytest.raises(DomainError) as err:
            accounts.register_citizen(s, **{k: v for k, v in data.items() if k not in ("password_again", "consent")},
                                      consents=True,
                                      now=MONDAY_10)
        assert err.value.code == "too_long" and err.value.params["field"] == field


def test_sign_in_with_an_endless_password_is_refused_quickly(app: Flask) -> None:
    client = app.test_client()
    client.get("/lang/en")
    r = client.post("/auth/sign-in", data={"iin": demo.CITIZEN.iin, "password": "p" * 100_000})
    assert r.status_code == 422 and "At most 256 characters" in r.get_data(as_text=True)
    with app.extensions["portal"].sessions() as s:
        with pytest.raises(DomainError) as err:
            accounts.authenticate(s, iin=demo.CITIZEN.iin, password=demo.CITIZEN.password + "x" * 10_000,
                                  now=MONDAY_10, source="198.51.100.7", throttle=app.extensions["sign_in_throttle"])
        assert err.value.code == "sign_in_failed"


def test_resolution_too_long_keeps_the_text(app: Flask, citizen: FlaskClient) -> None:
    app_id = submitted_request(app, citizen)
    work_through(app, app_id, {"decision": "permitted"}, until="register")
    resolution = "Қарап, шешім дайындаңыз. " * 200
    r = do(app, "head", app_id, "assign", {**assign_data(app), "resolution": resolution})
    page = r.get_data(as_text=True)
    assert r.status_code == 422 and f"At most {MAX_LENGTH['longtext']} characters" in page
    assert html.escape(resolution.strip()) in page
    assert 'maxlength="4000"' in page
    with app.extensions["portal"].sessions() as s:
        assert s.get(Application, app_id).stage == "registered"


def test_refusal_explanation_past_the_form_is_refused_by_the_domain(app: Flask, citizen: FlaskClient) -> None:
    from portal.domain.workflow import transition
    app_id = submitted_request(app, citizen)
    work_through(app, app_id, {"decision": "permitted"}, until="assign")
    with app.extensions["portal"].sessions() as s:
        draft = s.get(Application, app_id)
        executor = s.scalar(select(Person).where(Person.iin == account("executor").iin))
        with pytest.raises(DomainError) as err:
            transition(s, draft, "draft_result", executor, MONDAY_10,
                       payload={"decision": "refused", "refusal_ground": ["documents_incomplete"],
                                "refusal_explanation": "Негіз " * 1000})
        assert err.value.code == "too_long" and err.value.params["field"] == "refusal_explanation"


def test_step_inputs_from_the_catalog_are_bounded(app: Flask, citizen: FlaskClient) -> None:
    spec = SERVICES["tvet_certificate"]
    provider = sealed_provider(app, spec)
    app_id = apply_for(app, citizen, spec.code, None, provider)
    with app.extensions["portal"].sessions() as s:
        executor_id = s.scalar(select(Person.id).where(Person.iin == account("executor", provider.code).iin))
    steps, _ = spec.flow(form_values(spec))
    tested = 0
    for step in steps:
        client = staff_client(app, step.role, provider.code)
        client.get("/lang/en")
        payload = step_payload(step, executor_id)
        text_inputs = [f for f in step.inputs if f.kind in ("text", "longtext", "person_name")]
        if text_inputs:
            card = client.get(f"/backoffice/requests/{app_id}").get_data(as_text=True)
            for f in step.inputs:
                tag = re.search(rf'<(?:input|textarea)[^>]*name="{f.name}"[^>]*>', card).group(0)
                assert f'maxlength="{f.max_length}"' in tag, tag
            for f in text_inputs:
                long_value = "Ж" * (f.max_length + 1)
                r = client.post(f"/backoffice/requests/{app_id}",
                                data={"action": step.action, **payload, f.name: long_value})
                page = r.get_data(as_text=True)
                assert r.status_code == 409 and "This text is too long" in page, f.name
                assert long_value in page  # the typed text is still there
                tested += 1
        r = client.post(f"/backoffice/requests/{app_id}", data={"action": step.action, **payload})
        assert r.status_code == 302, step.action
    assert tested >= 1


def test_account_forms_carry_maxlength(app: Flask) -> None:
    client = app.test_client()
    limits = {"iin": 12, "full_name": accounts.MAX_FULL_NAME, "phone": accounts.MAX_PHONE,
              "email": accounts.MAX_EMAIL, "password": accounts.MAX_PASSWORD}
    for url, names in (("/auth/register", limits), ("/auth/sign-in", ("iin", "password"))):
        page = client.get(url).get_data(as_text=True)
        for name in names:
            tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', page).group(0)
            assert f'maxlength="{limits[name]}"' in tag, (url, tag)
