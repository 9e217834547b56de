"""On the portal, people are who the individuals' registry says: a parent applies for their own child only."""
from __future__ import annotations

import html
import io
from datetime import date
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update

from portal import demo, demo_registry as reg
from portal.domain.models import Application, Person
from portal.domain.validators import make_iin
from tests.conftest import staff_client
from tests.eds_helpers import sign_prepared
from tests.factories import fill_form, pdf_bytes, submitted_request
from tests.web.test_backoffice import work_through
from tests.web.test_certified_name import key_for, text_of

PASSWORD = "Tulpar-2026-secret!"
UNKNOWN_CHILD = make_iin(date(2013, 1, 15), "F", 991)


def start(client: FlaskClient) -> int:
    """Open an external-study draft; return its id."""
    r = client.post("/apply/external_study/start")
    assert r.status_code == 302 and "/apply/" in r.headers["Location"], r.headers.get("Location")
    return int(r.headers["Location"].rstrip("/").split("/")[-1])


def text(client: FlaskClient, url: str) -> str:
    """Return a page's HTML with its character references resolved."""
    return html.unescape(client.get(url).get_data(as_text=True))


def registered(app: Flask, iin: str, typed_name: str) -> FlaskClient:
    """Register an account with a password, in English."""
    client = app.test_client()
    r = client.post("/auth/register", data={"consent": "y", "iin": iin, "full_name": typed_name, "phone": "+77015550102",
                                            "email": "n@example.org", "password": PASSWORD,
                                            "password_again": PASSWORD})
    assert r.status_code == 302, r.get_data(as_text=True)[:2000]
    client.get("/lang/en")
    return client


def test_the_form_asks_the_childs_iin_before_anything_else(app, citizen):
    citizen.get("/lang/en")
    app_id = start(citizen)
    page = text(citizen, f"/apply/{app_id}")
    assert 'id="registry-check"' in page and 'name="child_iin"' in page and "Check in the registry" in page
    assert 'name="school"' not in page and 'name="ground"' not in page and 'id="request-form"' not in page
    r = citizen.post(f"/apply/{app_id}", data={"child_iin": reg.CHILD_IIN, "next": "check"})
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/apply/{app_id}")
    page = text(citizen, f"/apply/{app_id}")
    assert 'id="request-form"' in page and 'name="school"' in page
    assert "confirms that you are this child's parent or guardian" in page
    assert f"<strong>{reg.CHILD_NAME}</strong>" in page and "<strong>03.09.2012</strong>" in page
    assert 'data-doc="representation"' not in page  # nothing to prove


def test_an_iin_the_registry_does_not_know_cannot_be_obtained_and_stays_typed(app, citizen):
    citizen.get("/lang/en")
    app_id = start(citizen)
    r = citizen.post(f"/apply/{app_id}", data={"child_iin": UNKNOWN_CHILD, "next": "check"})
    page = r.get_data(as_text=True)
    assert r.status_code == 422 and "Data cannot be obtained" in page
    assert f'value="{UNKNOWN_CHILD}"' in page and 'name="school"' not in page
    page = text(citizen, f"/apply/{app_id}")  # coming back, the same
    assert "Data cannot be obtained" in page and 'id="registry-check"' in page
    citizen.get("/lang/kk")
    assert "Деректерді алу мүмкін емес" in text(citizen, f"/apply/{app_id}")
    # posted with the whole form at once, the rest is kept, and the review says why it cannot go on
    data = {**fill_form(app), "child_iin": UNKNOWN_CHILD, "doc_medical_035": (io.BytesIO(pdf_bytes()), "a.pdf"),
            "next": "review"}
    citizen.get("/lang/en")
    r = citizen.post(f"/apply/{app_id}", data=data, content_type="multipart/form-data")
    page = html.unescape(r.get_data(as_text=True))
    assert r.status_code == 422 and "Data cannot be obtained" in page and 'value="№ 7 мектеп-гимназия"' in page
    review = text(citizen, f"/apply/{app_id}/review")
    assert "Data cannot be obtained" in review and 'id="submit-request"' not in review
    with app.extensions["portal"].sessions() as s:
        form = s.get(Application, app_id).form
    assert form["school"] == "№ 7 мектеп-гимназия" and form["child_name"] == "" and form["registry_link"] == "unknown"


def test_an_applicant_the_registry_does_not_know_cannot_start(app):
    client = registered(app, make_iin(date(1992, 6, 1), "M", 4040), "Белгісіз Адам")
    r = client.post("/apply/external_study/start", follow_redirects=True)
    assert "Data cannot be obtained" in r.get_data(as_text=True)
    with app.extensions["portal"].sessions() as s:
        assert s.query(Application).count() == 0


def test_a_non_parent_is_told_and_must_attach_the_representation_document(app, tmp_path: Path):
    client = registered(app, reg.NOT_PARENT_IIN, reg.NOT_PARENT_NAME)
    app_id = start(client)
    client.post(f"/apply/{app_id}", data={"child_iin": reg.CHILD_IIN, "next": "check"})
    page = text(client, f"/apply/{app_id}")
    assert 'id="registry-link"' in page and "does not show you as this child's parent or guardian" in page
    assert "attach it below" in page and 'data-doc="representation"' in page
    data = {**fill_form(app), "doc_medical_035": (io.BytesIO(pdf_bytes()), "a.pdf"), "next": "review"}
    assert client.post(f"/apply/{app_id}", data=data, content_type="multipart/form-data").status_code == 302
    review = text(client, f"/apply/{app_id}/review")
    assert "cannot be submitted yet" in review and "Document confirming the legal representation" in review
    assert "NOT confirmed by the individuals' registry" in review and 'id="submit-request"' not in review

    proof = {"doc_representation": (io.BytesIO(pdf_bytes()), "guardianship.pdf"), "next": "review"}
    assert client.post(f"/apply/{app_id}", data=proof, content_type="multipart/form-data").status_code == 302
    key = key_for(app, "Тоқтаров", "Ержан", "Әділұлы", iin=reg.NOT_PARENT_IIN)
    r = sign_prepared(client, f"/apply/{app_id}/sign/prepare", f"/apply/{app_id}/sign/finish", key, consent=True)
    assert r.status_code == 200, r.get_data(as_text=True)
    application = text_of(client.get(f"/cabinet/requests/{app_id}/application.pdf").data, tmp_path)
    assert "НЕ подтверждено ГБД ФЛ" in application and "ЖТ МДҚ растамады" in application

    clerk = staff_client(app, "office_clerk")
    clerk.get("/lang/en")
    card = text(clerk, f"/backoffice/requests/{app_id}")
    assert 'id="registry-link" class="link-unconfirmed"' in card
    assert "NOT confirmed by the individuals' registry (ГБД ФЛ)" in card and "guardianship.pdf" in card


def test_the_card_says_the_registry_confirms_a_parent(app, citizen):
    app_id = submitted_request(app, citizen)
    clerk = staff_client(app, "office_clerk")
    clerk.get("/lang/ru")
    card = text(clerk, f"/backoffice/requests/{app_id}")
    assert 'id="registry-link" class="link-confirmed"' in card
    assert "Подтверждено ГБД ФЛ: заявитель — родитель или опекун ребёнка" in card and "НЕ подтверждено" not in card


def test_the_application_and_the_result_state_the_registrys_names_not_the_typed_one(app, citizen, tmp_path: Path):
    with app.extensions["portal"].sessions() as s:  # the account's typed name is not the registry's
        s.execute(update(Person).where(Person.iin == demo.CITIZEN.iin).values(full_name="Typed Wrong Name"))
        s.commit()
    app_id = submitted_request(app, citizen)
    citizen.get("/lang/en")
    review_name = f"{demo.CITIZEN.full_name}, IIN {demo.CITIZEN.iin}"
    application = text_of(citizen.get(f"/cabinet/requests/{app_id}/application.pdf").data, tmp_path)
    assert demo.CITIZEN.full_name in application and "Typed Wrong Name" not in application
    assert reg.CHILD_NAME in application and "03.09.2012" in application

    clerk = staff_client(app, "office_clerk")
    clerk.get("/lang/en")
    card = text(clerk, f"/backoffice/requests/{app_id}")
    assert review_name in card and 'id="name-differs"' in card and "Typed Wrong Name" in card

    work_through(app, app_id, {"decision": "permitted"})
    result = text_of(citizen.get(f"/cabinet/requests/{app_id}/result.pdf").data, tmp_path)
    assert demo.CITIZEN.full_name in result and "Typed Wrong Name" not in result
    assert f"{reg.CHILD_NAME}, ЖСН {reg.CHILD_IIN}, туған күні 03.09.2012" in result
    with app.extensions["portal"].sessions() as s:
        number = s.get(Application, app_id).result.number
    public = text(app.test_client(), f"/verify/{number}")  # the public check masks the registry's name
    assert "<dd>С*** А*** Қ***, " in public and "T*** W***" not in public


def test_changing_the_child_asks_the_registry_again_and_keeps_the_rest(app, citizen):
    app_id = start(citizen)
    data = {**fill_form(app), "doc_medical_035": (io.BytesIO(pdf_bytes()), "a.pdf"), "next": "save"}
    assert citizen.post(f"/apply/{app_id}", data=data, content_type="multipart/form-data").status_code == 302
    r = citizen.post(f"/apply/{app_id}", data={"child_iin": reg.SECOND_CHILD_IIN, "next": "check"})
    assert r.status_code == 302
    with app.extensions["portal"].sessions() as s:
        draft = s.get(Application, app_id)
        form, provider, kinds = draft.form, draft.provider_id, [a.kind for a in draft.attachments]
    assert form["child_name"] == reg.SECOND_CHILD_NAME and form["child_birth_date"] == "2015-05-19"
    assert form["school"] == "№ 7 мектеп-гимназия" and form["ground"] == "health" and form["grade"] == "8"
    assert provider is not None and kinds == ["medical_035"] and form["registry_link"] == "confirmed"
