"""Drafts, uploads judged by content, the check page, submission and the cabinet."""
from __future__ import annotations

import io
from datetime import date, datetime

from portal import clock, demo
from portal.domain.catalog import SERVICES
from portal.domain.models import Application, Notification
from portal.domain.validators import make_iin
from lxml import html as lxml_html
from sqlalchemy import select
from tests.conftest import sign_in
from tests.eds_helpers import announce, signer
from portal.demo_registry import CHILD_BORN, CHILD_NAME
from tests.factories import fill_form, parent_tie, pdf_bytes, png_bytes, registry_person, submitted_request


def start(client) -> int:  # type: ignore[no-untyped-def]
    r = client.post("/apply/external_study/start")
    assert r.status_code == 302
    return int(r.headers["Location"].rstrip("/").split("/")[-1])


def test_every_service_can_be_ordered(app, citizen):
    for code in ("tvet_certificate", "tvet_transfer", "teacher_attestation", "external_study"):
        r = citizen.post(f"/apply/{code}/start")
        assert r.status_code == 302 and "/apply/" in r.headers["Location"], code
        form = citizen.get(r.headers["Location"]).get_data(as_text=True)
        assert f"<h1>{SERVICES[code].name['kk']}</h1>" in form, code
    assert citizen.post("/apply/no_such_service/start").status_code == 404
    catalog = app.test_client().get("/").get_data(as_text=True)
    assert catalog.count('class="card"') == 4


def test_wrong_file_gets_an_error_and_nothing_is_lost(app, citizen):
    citizen.get("/lang/en")
    app_id = start(citizen)
    html_as_pdf = (io.BytesIO(b"<html><script>alert(1)</script></html>"), "conclusion.pdf")
    data = {**fill_form(app), "doc_medical_035": html_as_pdf, "next": "review"}
    r = citizen.post(f"/apply/{app_id}", data=data, content_type="multipart/form-data")
    page = r.get_data(as_text=True)
    assert r.status_code == 422
    assert "not a PDF, JPEG or PNG" in page
    assert "Сейітов Нұрлан Болатұлы" in page and "№ 7 мектеп-гимназия" in page
    # the typed fields were saved in the draft too
    page = citizen.get(f"/apply/{app_id}").get_data(as_text=True)
    assert "Сейітов Нұрлан Болатұлы" in page


def test_png_named_pdf_is_accepted_as_png(app, citizen):
    app_id = start(citizen)
    data = {**fill_form(app), "doc_medical_035": (io.BytesIO(png_bytes()), "scan.pdf"), "next": "save"}
    assert citizen.post(f"/apply/{app_id}", data=data, content_type="multipart/form-data").status_code == 302
    with app.extensions["portal"].sessions() as s:
        a = s.get(Application, app_id)
        assert [x.content_type for x in a.attachments] == ["image/png"]


def test_missing_required_document_blocks_submission(app, citizen):
    citizen.get("/lang/en")
    app_id = start(citizen)
    r = citizen.post(f"/apply/{app_id}", data={**fill_form(app, "abroad_with_parents"), "next": "review"},
                     content_type="multipart/form-data")
    assert r.status_code == 302
    r = citizen.post(f"/apply/{app_id}/sign/prepare", json=announce(signer(app, demo.CITIZEN.iin)))
    assert r.status_code == 422 and r.get_json()["code"] == "draft_incomplete"
    page = citizen.get(f"/apply/{app_id}/review").get_data(as_text=True)
    assert "Certificate that the parents temporarily reside abroad" in page and 'id="submit-request"' not in page
    with app.extensions["portal"].sessions() as s:
        assert s.get(Application, app_id).stage == "draft"


def test_birth_certificate_required_when_the_registry_says_born_before_2008(app, citizen):
    born = date(2007, 5, 1)
    elder = make_iin(born, "M", 55)
    registry_person(app, elder, "Сейітов Ерасыл Болатұлы")
    parent_tie(app, demo.CITIZEN.iin, elder)
    app_id = start(citizen)
    form = {**fill_form(app), "child_iin": elder, "doc_medical_035": (io.BytesIO(pdf_bytes()), "a.pdf"),
            "next": "save"}
    citizen.post(f"/apply/{app_id}", data=form, content_type="multipart/form-data")
    citizen.get("/lang/en")
    page = citizen.get(f"/apply/{app_id}/review").get_data(as_text=True)
    assert "Birth certificate" in page and "cannot be submitted yet" in page
    assert "<dd>01.05.2007</dd>" in page and "Сейітов Ерасыл Болатұлы" in page


def test_the_childs_name_and_birth_date_come_from_the_registry_not_from_the_post(app, citizen):
    app_id = start(citizen)
    form = {**fill_form(app), "child_name": "Басқа Бала Есімі", "child_birth_date": "2012-09-04", "next": "save",
            "doc_medical_035": (io.BytesIO(pdf_bytes()), "a.pdf")}
    citizen.post(f"/apply/{app_id}", data=form, content_type="multipart/form-data")
    with app.extensions["portal"].sessions() as s:
        saved = s.get(Application, app_id).form
    assert saved["child_name"] == CHILD_NAME and saved["child_birth_date"] == CHILD_BORN.isoformat()
    page = citizen.get(f"/apply/{app_id}").get_data(as_text=True)
    assert 'id="registry-child_name"' in page and CHILD_NAME in page and "Басқа Бала" not in page
    assert 'name="child_name"' not in page and 'name="child_birth_date"' not in page  # nothing to type


def test_submission_numbers_it_and_starts_the_clock(app, citizen):
    app_id = submitted_request(app, citizen)
    with app.extensions["portal"].sessions() as s:
        a = s.get(Application, app_id)
        assert a.stage == "submitted" and a.number == f"EXT-2026-{a.id:06d}"
        assert a.clock_started_at == datetime(2026, 11, 23, 10, 0)
        # 15 working days after Mon 23 Nov 10:00: 24-27 Nov (4), 30 Nov-4 Dec (9), 7-11 Dec (14), Mon 14 Dec
        assert a.deadline_at == datetime(2026, 12, 14, 10, 0)
        assert [n.code for n in s.scalars(select(Notification))] == ["submitted"]
    citizen.get("/lang/en")
    page = citizen.get(f"/cabinet/requests/{app_id}").get_data(as_text=True)
    assert a.number in page and "14.12.2026 10:00" in page and "has been submitted" in page
    assert "Your EDS signature on the request" in page


def test_after_hours_request_starts_next_working_day(app, citizen):
    clock.pin(datetime(2026, 11, 20, 19, 5))  # Friday evening
    app_id = submitted_request(app, citizen)
    with app.extensions["portal"].sessions() as s:
        assert s.get(Application, app_id).clock_started_at == datetime(2026, 11, 23, 9, 0)


def test_submitted_request_cannot_be_edited(app, citizen):
    app_id = submitted_request(app, citizen)
    r = citizen.post(f"/apply/{app_id}", data={"child_name": "X Y", "next": "save"})
    assert r.status_code == 302 and "/cabinet/requests/" in r.headers["Location"]


def test_another_citizens_request_is_not_found(app, citizen):
    app_id = submitted_request(app, citizen)
    other = app.test_client()
    other.post("/auth/register", data={"consent": "y", "iin": make_iin(date(1980, 1, 1), "M", 9), "full_name": "Басқа Адам",
                                       "phone": "+77011112233", "email": "b@example.kz",
                                       "password": "password-123", "password_again": "password-123"})
    for url in (f"/cabinet/requests/{app_id}", f"/apply/{app_id}", f"/apply/{app_id}/review",
                f"/cabinet/requests/{app_id}/result.pdf", f"/cabinet/requests/{app_id}/attachments/1"):
        assert other.get(url).status_code == 404, url
    assert other.get("/cabinet/requests/999999").status_code == 404


def test_staff_cannot_use_the_citizen_side(app):
    from tests.conftest import account
    staff = sign_in(app.test_client(), account("head", "petropavl"))
    assert staff.get("/cabinet/").status_code == 403
    assert staff.post("/apply/external_study/start").status_code == 403


def test_anonymous_is_sent_to_sign_in(app):
    r = app.test_client().get("/cabinet/")
    assert r.status_code == 302 and "/auth/sign-in" in r.headers["Location"]


def test_errors_are_summed_up_at_the_top_each_linking_to_its_field_and_tied_to_it(app, citizen):
    """GOV.UK's error summary: every error listed and linked; each field says which error describes it."""
    citizen.get("/lang/en")
    app_id = start(citizen)
    html_as_pdf = (io.BytesIO(b"<html><script>alert(1)</script></html>"), "conclusion.pdf")
    for posted, expected in (({"school": "ш" * 5000}, {"#school": "At most 300 characters"}),
                             ({"doc_medical_035": html_as_pdf}, {"#doc_medical_035": "not a PDF, JPEG or PNG"})):
        r = citizen.post(f"/apply/{app_id}", data={**fill_form(app), **posted, "next": "review"},
                         content_type="multipart/form-data")
        assert r.status_code == 422
        page = lxml_html.fromstring(r.get_data(as_text=True))
        summary = page.get_element_by_id("error-summary")
        assert summary.get("role") == "alert" and "There is a problem" in summary.text_content()
        links = {a.get("href"): a.text_content() for a in summary.xpath(".//a")}
        assert set(links) == set(expected) and all(expected[k] in links[k] for k in links), links
        for target, text in links.items():
            field, error = page.get_element_by_id(target[1:]), page.get_element_by_id(f"{target[1:]}-error")
            assert field.get("aria-describedby") == f"{target[1:]}-error" and field.get("aria-invalid") == "true"
            assert text in error.text_content()
        assert page.get_element_by_id("grade").get("aria-describedby") is None  # no error, no description
