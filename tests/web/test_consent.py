"""The applicant's consent to use protected data: asked on the review page, required to sign, recorded,
printed in the signed application and shown in the timeline."""
from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal import clock, demo
from portal.domain import consent as consent_module
from portal.domain.consent import CONSENT_TEXTS, CONSENT_TITLE, CONSENT_VERSION, give_consent
from portal.domain.models import Application, AuditEntry, Person, SigningSession
from tests.eds_helpers import announce, sign_prepared, signer
from tests.factories import fill_form, pdf_bytes, submitted_request
from tests.tools import tool


def draft_ready(app: Flask, client: FlaskClient) -> int:
    """Return a complete draft of the signed-in citizen, with one scan attached."""
    r = client.post("/apply/external_study/start")
    app_id = int(r.headers["Location"].rstrip("/").split("/")[-1])
    data = {**fill_form(app), "doc_medical_035": (io.BytesIO(pdf_bytes()), "scan.pdf"), "next": "review"}
    assert client.post(f"/apply/{app_id}", data=data, content_type="multipart/form-data").status_code == 302
    return app_id


def consent_rows(app: Flask, app_id: int) -> list[AuditEntry]:
    """Return the request's audit rows of consents given."""
    with app.extensions["portal"].sessions() as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.application_id == app_id,
                                                       AuditEntry.action == "consent")))


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    """Return the PDF's text as poppler's pdftotext reads it, whitespace collapsed."""
    src = tmp_path / "application.pdf"
    src.write_bytes(pdf)
    out = subprocess.run([tool("pdftotext"), str(src), "-"], capture_output=True, check=True).stdout
    return " ".join(out.decode("utf-8").split())


def test_the_review_page_shows_the_consent_text_and_an_unticked_box(app: Flask, citizen: FlaskClient):
    app_id = draft_ready(app, citizen)
    for lang in ("kk", "ru", "en"):
        citizen.get(f"/lang/{lang}")
        page = citizen.get(f"/apply/{app_id}/review").get_data(as_text=True)
        assert CONSENT_TITLE[lang] in page and CONSENT_TEXTS[CONSENT_VERSION][lang] in page, lang
        box = page.split('id="consent"')[0].rsplit("<input", 1)[1] + page.split('id="consent"')[1].split(">", 1)[0]
        assert 'type="checkbox"' in box and "checked" not in box
        assert 'data-eds-consent="consent"' in page  # the signing button sends the tick with its request


def test_signing_without_consent_is_refused_and_nothing_is_lost(app: Flask, citizen: FlaskClient):
    app_id = draft_ready(app, citizen)
    citizen.get("/lang/en")
    def review() -> str:
        """Return the review page from the answers on, without its CSRF token (signed anew each second)."""
        page = citizen.get(f"/apply/{app_id}/review").get_data(as_text=True).split('id="answers">')[1]
        return re.sub(r'data-csrf="[^"]*"', "", page)

    before = review()
    key = signer(app, demo.CITIZEN.iin)
    for body in (announce(key), {**announce(key), "consent": False}, {**announce(key), "consent": "false"}):
        r = citizen.post(f"/apply/{app_id}/sign/prepare", json=body)
        assert r.status_code == 422 and r.get_json()["code"] == "consent_required", r.get_json()
        assert r.get_json()["error"].startswith("Tick the consent to the use of legally protected data")
        assert "Your answers and files are kept." in r.get_json()["error"]
    assert review() == before
    with app.extensions["portal"].sessions() as s:
        a = s.get(Application, app_id)
        assert a.stage == "draft" and a.consent_given_at is None and a.consent_by_id is None
        assert a.form["school"] == "№ 7 мектеп-гимназия" and [x.original_name for x in a.attachments] == ["scan.pdf"]
        assert s.scalar(select(SigningSession).where(SigningSession.application_id == app_id)) is None
    assert consent_rows(app, app_id) == []
    # ... in Kazakh too
    citizen.get("/lang/kk")
    r = citizen.post(f"/apply/{app_id}/sign/prepare", json=announce(key))
    assert r.status_code == 422 and "келісім" in r.get_json()["error"]


def test_given_consent_is_recorded_printed_in_the_signed_application_and_in_the_timeline(
        app: Flask, citizen: FlaskClient, tmp_path: Path):
    app_id = submitted_request(app, citizen)
    now = clock.now_kz()
    with app.extensions["portal"].sessions() as s:
        a = s.get(Application, app_id)
        applicant = s.scalar(select(Person).where(Person.iin == demo.CITIZEN.iin))
        assert (a.consent_given_at, a.consent_version, a.consent_by_id) == (now, CONSENT_VERSION, applicant.id)
        assert [(e.action, e.from_status, e.to_status, e.actor_id) for e in a.audit][:2] == [
            ("consent", "draft", "draft", applicant.id), ("submit", "draft", a.audit[1].to_status, applicant.id)]
        assert a.audit[0].details == {"consent_version": CONSENT_VERSION}
    citizen.get("/lang/en")
    page = citizen.get(f"/cabinet/requests/{app_id}").get_data(as_text=True)
    timeline = page.split('id="timeline"')[1].split("</ol>")[0]
    assert '<li data-action="consent">' in timeline
    assert "Consent given to the use of legally protected data held in information systems" in timeline
    pdf = citizen.get(f"/cabinet/requests/{app_id}/application.pdf").data
    text = pdf_text(pdf, tmp_path)
    stamp = now.strftime("%d.%m.%Y %H:%M")
    assert f"Келісім: {CONSENT_TEXTS[1]['kk']} (келісім берген: {demo.CITIZEN.full_name}, {stamp})" in text
    assert f"Согласие: {CONSENT_TEXTS[1]['ru']} (согласие дал(а): {demo.CITIZEN.full_name}, {stamp})" in text


def test_consent_given_again_to_the_same_words_is_recorded_once(app: Flask, citizen: FlaskClient):
    app_id = draft_ready(app, citizen)
    key = signer(app, demo.CITIZEN.iin)
    first = clock.now_kz()
    assert citizen.post(f"/apply/{app_id}/sign/prepare", json=announce(key, consent=True)).status_code == 200
    with clock.pinned(clock.utcnow().replace(minute=20)):
        r = sign_prepared(citizen, f"/apply/{app_id}/sign/prepare", f"/apply/{app_id}/sign/finish", key, consent=True)
        assert r.status_code == 200, r.get_json()
    assert [e.at for e in consent_rows(app, app_id)] == [first]
    with app.extensions["portal"].sessions() as s:
        assert s.get(Application, app_id).consent_given_at == first


def test_a_new_wording_asks_again_before_the_request_is_sent(app: Flask, citizen: FlaskClient,
                                                            monkeypatch: pytest.MonkeyPatch):
    app_id = draft_ready(app, citizen)
    key = signer(app, demo.CITIZEN.iin)
    prepared = citizen.post(f"/apply/{app_id}/sign/prepare", json=announce(key, consent=True)).get_json()
    monkeypatch.setitem(CONSENT_TEXTS, 2, {"kk": "Жаңа мәтін.", "ru": "Новый текст.", "en": "New words."})
    monkeypatch.setattr(consent_module, "CONSENT_VERSION", 2)
    import base64
    cms = key.create_cms(base64.b64decode(prepared["data"]), attached=False, signing_time=clock.utcnow())
    r = citizen.post(f"/apply/{app_id}/sign/finish", json={"token": prepared["token"],
                                                           "cms": base64.b64encode(cms).decode()})
    assert r.status_code == 422 and r.get_json()["code"] == "consent_required"
    with app.extensions["portal"].sessions() as s:
        assert s.get(Application, app_id).stage == "draft"


def test_a_representative_consenting_replaces_the_record_and_is_audited(app: Flask, citizen: FlaskClient):
    app_id = draft_ready(app, citizen)
    with app.extensions["portal"].sessions() as s:
        a = s.get(Application, app_id)
        applicant = a.applicant
        other = s.scalar(select(Person).where(Person.id != applicant.id).order_by(Person.id))
        give_consent(s, a, applicant, clock.now_kz())
        give_consent(s, a, applicant, clock.now_kz())  # the same person, the same words: nothing new
        give_consent(s, a, other, clock.now_kz())
        s.commit()
        a = s.get(Application, app_id)
        assert a.consent_by_id == other.id and a.consent_by.full_name == other.full_name
    assert [e.actor_id for e in consent_rows(app, app_id)] == [applicant.id, other.id]
