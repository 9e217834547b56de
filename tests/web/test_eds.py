"""EDS in the web flows: sign-in by challenge, the signed request, the head's signed result, every refusal."""
from __future__ import annotations

import base64
import shutil
import subprocess
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from portal import clock
from portal import demo
from portal.domain.models import Application, Person
from portal.domain.validators import make_iin
from portal.pki.ca import LocalCA
from portal.domain.calendar import KZ_TZ
from portal.pki.testsigner import P12Signer
from tests.conftest import MONDAY_10, account, staff_client
from tests.eds_helpers import announce, sign_prepared, signer, signing_time_for
from tests.factories import fill_form, pdf_bytes, submitted_request
from tests.tools import tool
from tests.web.test_backoffice import do, head_signs, work_through

import io


def eds_sign_in(client, key: P12Signer, *, attached: bool = True):  # type: ignore[no-untyped-def]
    challenge = client.post("/auth/eds/challenge", json={}).get_json()["challenge"]
    cms = key.create_cms(base64.b64decode(challenge), attached=attached, signing_time=signing_time_for(client.application))
    return client.post("/auth/eds/sign-in", json={"cms": base64.b64encode(cms).decode()}), cms


def draft_ready(app, client) -> int:  # type: ignore[no-untyped-def]
    """Return a complete draft of the signed-in citizen."""
    r = client.post("/apply/external_study/start")
    app_id = int(r.headers["Location"].rstrip("/").split("/")[-1])
    data = {**fill_form(app), "doc_medical_035": (io.BytesIO(pdf_bytes()), "scan.pdf"), "next": "review"}
    assert client.post(f"/apply/{app_id}", data=data, content_type="multipart/form-data").status_code == 302
    return app_id


def submit_with(client, app_id: int, key: P12Signer, **kw):  # type: ignore[no-untyped-def]
    return sign_prepared(client, f"/apply/{app_id}/sign/prepare", f"/apply/{app_id}/sign/finish", key,
                         **{"consent": True, **kw})


def status_of(app, app_id: int) -> str:  # type: ignore[no-untyped-def]
    with app.extensions["portal"].sessions() as s:
        return s.get(Application, app_id).stage


def other_key(app, *, iin: str, days: int = 365, valid_from: datetime | None = None, ca: LocalCA | None = None,
              auth: bool = False, password: str = "other-pass-1") -> P12Signer:  # type: ignore[no-untyped-def]
    keys = (ca or app.extensions["portal"].ca).issue_person(
        iin=iin, surname="Сейітова", name="Айгүл", password=password, valid_from=valid_from, valid_days=days)
    return P12Signer.from_p12(keys.auth_p12 if auth else keys.signing_p12, password)


# --- sign-in

def test_eds_sign_in_of_an_existing_citizen(app):
    client = app.test_client()
    r, _ = eds_sign_in(client, signer(app, demo.CITIZEN.iin, auth=True))
    assert r.status_code == 200 and r.get_json()["redirect"].endswith("/cabinet/")
    cabinet = client.get("/cabinet/").get_data(as_text=True)
    assert f'<span class="who">{demo.CITIZEN.full_name}</span>' in cabinet


def test_first_eds_sign_in_creates_the_account(app):
    iin = make_iin(date(1979, 7, 7), "M", 4242)
    keys = app.extensions["portal"].ca.issue_person(iin=iin, surname="Нұрланов", name="Ерболат",
                                                    patronymic="Серікұлы", password="p-123456")
    client = app.test_client()
    r, _ = eds_sign_in(client, P12Signer.from_p12(keys.auth_p12, "p-123456"))
    assert r.status_code == 200
    with app.extensions["portal"].sessions() as s:
        person = s.scalar(select(Person).where(Person.iin == iin))
        assert person.full_name == "Нұрланов Ерболат Серікұлы" and person.role == "applicant"


def test_replayed_challenge_is_refused(app):
    client = app.test_client()
    client.get("/lang/en")
    _, cms = eds_sign_in(client, signer(app, demo.CITIZEN.iin, auth=True))
    client.post("/auth/sign-out")
    r = client.post("/auth/eds/sign-in", json={"cms": base64.b64encode(cms).decode()})
    assert r.status_code == 422


def test_expired_challenge_is_refused(app):
    client = app.test_client()
    client.get("/lang/en")
    challenge = client.post("/auth/eds/challenge", json={}).get_json()["challenge"]
    cms = signer(app, demo.CITIZEN.iin, auth=True).create_cms(base64.b64decode(challenge), attached=True, signing_time=signing_time_for(app))
    clock.pin(MONDAY_10 + timedelta(minutes=6))
    r = client.post("/auth/eds/sign-in", json={"cms": base64.b64encode(cms).decode()})
    assert r.status_code == 422 and r.get_json()["code"] == "challenge_expired"


def test_signing_key_cannot_sign_in(app):
    client = app.test_client()
    r, _ = eds_sign_in(client, signer(app, demo.CITIZEN.iin))
    assert r.status_code == 422 and r.get_json()["code"] == "key_usage"


def test_challenge_from_another_browser_session_is_refused(app):
    one, two = app.test_client(), app.test_client()
    challenge = one.post("/auth/eds/challenge", json={}).get_json()["challenge"]
    cms = signer(app, demo.CITIZEN.iin, auth=True).create_cms(base64.b64decode(challenge), attached=True, signing_time=signing_time_for(app))
    r = two.post("/auth/eds/sign-in", json={"cms": base64.b64encode(cms).decode()})
    assert r.status_code == 422 and r.get_json()["code"] == "challenge_unknown"


# --- the signed request

def test_signed_request_is_submitted_with_its_signature(app, citizen):
    app_id = submitted_request(app, citizen)
    with app.extensions["portal"].sessions() as s:
        a = s.get(Application, app_id)
        sig = a.signature("request")
        assert a.stage == "submitted" and sig.signer_iin == demo.CITIZEN.iin and sig.timestamp_at is not None
        pdf = app.extensions["portal"].store.get(sig.pdf_sha256)
    from portal.documents.verification import verify_pdf
    verdict = verify_pdf(pdf, app.extensions["portal"].ca.trust_roots_pem(), [app.extensions["portal"].ca.issuing_cert_pem])
    assert verdict.intact and verdict.trusted and verdict.signer_iin == demo.CITIZEN.iin
    assert verdict.timestamp_at is not None and verdict.timestamp_trusted
    citizen.get("/lang/en")
    page = citizen.get(f"/cabinet/requests/{app_id}").get_data(as_text=True)
    assert "Your EDS signature on the request" in page and demo.CITIZEN.iin in page
    head = staff_client(app, "head")
    head.get("/lang/en")
    card = head.get(f"/backoffice/requests/{app_id}").get_data(as_text=True)
    assert "<h3>The applicant's EDS signature</h3>" in card and demo.CITIZEN.iin in card
    assert "validity, revocation (CRL), key usage and IIN checked at 23.11.2026 10:00" in card


@pytest.mark.parametrize("case,code", [
    ("someone_else", "iin_mismatch"), ("expired", "expired"), ("not_yet_valid", "not_yet_valid"),
    ("revoked", "revoked"), ("unknown_ca", "untrusted"), ("auth_key", "key_usage"),
])
def test_refused_signatures_leave_the_draft_as_it_was(app, citizen, tmp_path, case, code):
    app_id = draft_ready(app, citizen)
    iin = demo.CITIZEN.iin
    now = datetime(2026, 11, 23, 5, 0)
    if case == "someone_else":
        key = signer(app, account("head", "petropavl").iin)
    elif case == "expired":
        key = other_key(app, iin=iin, valid_from=now - timedelta(days=400), days=30)
    elif case == "not_yet_valid":
        key = other_key(app, iin=iin, valid_from=now + timedelta(days=30))
    elif case == "revoked":
        key = other_key(app, iin=iin)
        app.extensions["portal"].ca.revoke(key.certificate_serial)
    elif case == "unknown_ca":
        key = other_key(app, iin=iin, ca=LocalCA.load_or_create(tmp_path / "foreign-ca"))
    else:
        key = other_key(app, iin=iin, auth=True)
    def answers() -> str:
        page = citizen.get(f"/apply/{app_id}/review").get_data(as_text=True)
        return page.split('id="answers">')[1].split("</dl>")[0]
    before = answers()
    # announced at prepare, the certificate is refused before anything is rendered ...
    r = citizen.post(f"/apply/{app_id}/sign/prepare", json=announce(key))
    assert r.status_code == 422 and r.get_json()["code"] == code, r.get_json()
    # ... and a page that announces the applicant's good key but signs with this one is refused at finish
    r = submit_with(citizen, app_id, key, announced=signer(app, iin))
    assert r.status_code == 422 and r.get_json()["code"] == code, r.get_json()
    assert status_of(app, app_id) == "draft"
    assert answers() == before


def test_signature_over_other_content_is_refused(app, citizen):
    app_id = draft_ready(app, citizen)
    prepared = citizen.post(f"/apply/{app_id}/sign/prepare", json=announce(signer(app, demo.CITIZEN.iin), consent=True)).get_json()
    cms = signer(app, demo.CITIZEN.iin).create_cms(b"some other bytes", attached=False, signing_time=signing_time_for(app))
    r = citizen.post(f"/apply/{app_id}/sign/finish", json={"token": prepared["token"],
                                                           "cms": base64.b64encode(cms).decode()})
    assert r.status_code == 422 and r.get_json()["code"] == "content_mismatch"
    assert status_of(app, app_id) == "draft"


def test_draft_changed_after_preparing_is_refused(app, citizen):
    app_id = draft_ready(app, citizen)
    prepared = citizen.post(f"/apply/{app_id}/sign/prepare", json=announce(signer(app, demo.CITIZEN.iin), consent=True)).get_json()
    citizen.post(f"/apply/{app_id}", data={**fill_form(app), "school": "Басқа мектеп", "next": "save"},
                 content_type="multipart/form-data")
    cms = signer(app, demo.CITIZEN.iin).create_cms(base64.b64decode(prepared["data"]), attached=False, signing_time=signing_time_for(app))
    r = citizen.post(f"/apply/{app_id}/sign/finish", json={"token": prepared["token"],
                                                           "cms": base64.b64encode(cms).decode()})
    assert r.status_code == 409 and r.get_json()["code"] == "draft_changed"  # a conflict, as every lost race


def test_garbage_instead_of_a_signature(app, citizen):
    app_id = draft_ready(app, citizen)
    prepared = citizen.post(f"/apply/{app_id}/sign/prepare", json=announce(signer(app, demo.CITIZEN.iin), consent=True)).get_json()
    for cms in ("not base64!", base64.b64encode(b"\x30\x03\x02\x01\x01").decode()):
        r = citizen.post(f"/apply/{app_id}/sign/finish", json={"token": prepared["token"], "cms": cms})
        assert r.status_code == 422 and r.get_json()["code"] == "cms_malformed"


def test_incomplete_draft_cannot_be_prepared(app, citizen):
    r = citizen.post("/apply/external_study/start")
    app_id = int(r.headers["Location"].rstrip("/").split("/")[-1])
    r = citizen.post(f"/apply/{app_id}/sign/prepare", json=announce(signer(app, demo.CITIZEN.iin), consent=True))
    assert r.status_code == 422 and r.get_json()["code"] == "draft_incomplete"


def test_signed_request_cannot_be_signed_twice(app, citizen):
    app_id = draft_ready(app, citizen)
    key = signer(app, demo.CITIZEN.iin)
    prepared = citizen.post(f"/apply/{app_id}/sign/prepare", json=announce(signer(app, demo.CITIZEN.iin), consent=True)).get_json()
    cms = base64.b64encode(key.create_cms(base64.b64decode(prepared["data"]), attached=False, signing_time=signing_time_for(app))).decode()
    assert citizen.post(f"/apply/{app_id}/sign/finish", json={"token": prepared["token"], "cms": cms}).status_code == 200
    r = citizen.post(f"/apply/{app_id}/sign/finish", json={"token": prepared["token"], "cms": cms})
    assert r.status_code == 422


# --- the head's signed result

def test_head_signs_the_result_with_a_stamp_naming_them(app, citizen, tmp_path, require_tools):
    app_id = submitted_request(app, citizen)
    work_through(app, app_id, {"decision": "permitted"}, until="draft_result")
    r = do(app, "head", app_id, "approve")  # the seal is not used where the head signs
    assert r.status_code == 409
    assert head_signs(app, app_id).status_code == 200
    do(app, "office_clerk", app_id, "send")
    head = account("head", "petropavl")
    with app.extensions["portal"].sessions() as s:
        a = s.get(Application, app_id)
        assert a.stage == "completed" and a.result.signer_label.startswith("Омаров Ерлан")
        sig = a.signature("result")
        assert sig.signer_iin == head.iin and sig.bin == a.provider.bin
        number = a.result.number
    pdf = citizen.get(f"/cabinet/requests/{app_id}/result.pdf").data
    path = tmp_path / "result.pdf"
    path.write_bytes(pdf)
    text = subprocess.run([tool("pdftotext"), str(path), "-"], capture_output=True, text=True).stdout
    if shutil.which("pdfsig"):
        out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout
        assert "Signature is Valid" in out and "Total document signed" in out, out
    elif require_tools:
        pytest.fail("pdfsig missing")
    client = app.test_client()
    client.get("/lang/en")
    page = client.get(f"/verify/{number}").get_data(as_text=True)
    assert "Authentic and unchanged" in page and "Certificate chain" in page and "Timestamp" in page
    assert head.iin not in page and "Not revoked" in page  # the head is named, their IIN is not shown
    assert "Омаров Ерлан" in text, text


def test_head_of_a_seal_provider_approves_without_eds(app):
    client = staff_client(app, "head", "aiyrtau")
    from tests.conftest import sign_in
    citizen = sign_in(app.test_client(), demo.CITIZEN)
    app_id = submitted_request(app, citizen, provider="aiyrtau")
    for role, action, data in (("office_clerk", "register", {}),
                               ("head", "assign", {"executor_id": str(_executor(app, "aiyrtau")), "resolution": "Қараңыз"}),
                               ("executor", "draft_result", {"decision": "permitted"}), ("head", "approve", {}),
                               ("office_clerk", "send", {})):
        assert do(app, role, app_id, action, data, provider="aiyrtau").status_code == 302, action
    with app.extensions["portal"].sessions() as s:
        a = s.get(Application, app_id)
        assert a.result is not None and a.signature("result") is None
        number = a.result.number
    card = client.get(f"/backoffice/requests/{app_id}").get_data(as_text=True)
    assert f">{number}</a>" in card and 'data-purpose="result"' not in card  # sealed, not signed by a person


def _executor(app, provider: str) -> int:  # type: ignore[no-untyped-def]
    with app.extensions["portal"].sessions() as s:
        return s.scalar(select(Person.id).where(Person.iin == account("executor", provider).iin))


def test_only_the_head_may_prepare_the_result(app, citizen):
    app_id = submitted_request(app, citizen)
    work_through(app, app_id, {"decision": "permitted"}, until="draft_result")
    for role in ("office_clerk", "executor"):
        r = staff_client(app, role).post(f"/backoffice/requests/{app_id}/sign/prepare", json={})
        assert r.status_code == 409
    r = staff_client(app, "head", "aiyrtau").post(f"/backoffice/requests/{app_id}/sign/prepare", json={})
    assert r.status_code == 404


def test_heads_authentication_key_cannot_sign_the_result(app, citizen):
    app_id = submitted_request(app, citizen)
    work_through(app, app_id, {"decision": "permitted"}, until="draft_result")
    head = account("head", "petropavl")
    r = sign_prepared(staff_client(app, "head"), f"/backoffice/requests/{app_id}/sign/prepare",
                      f"/backoffice/requests/{app_id}/sign/finish", signer(app, head.iin, auth=True))
    assert r.status_code == 422 and r.get_json()["code"] == "key_usage"
    assert status_of(app, app_id) == "awaiting_approval"


def test_eds_endpoints_need_csrf(app, citizen):
    app.config["WTF_CSRF_ENABLED"] = True
    assert app.test_client().post("/auth/eds/challenge", json={}).status_code == 400


# --- hardening found by review

def test_eds_sign_in_takes_over_an_account_someone_registered_with_a_password(app):
    victim_iin = make_iin(date(1990, 5, 5), "F", 5151)
    attacker = app.test_client()
    r = attacker.post("/auth/register", data={"consent": "y", "iin": victim_iin, "full_name": "Attacker Chosen Name",
                                              "phone": "+77010000001", "email": "attacker@evil.test",
                                              "password": "attacker-pass", "password_again": "attacker-pass"})
    assert r.status_code == 302 and attacker.get("/cabinet/").status_code == 200
    keys = app.extensions["portal"].ca.issue_person(iin=victim_iin, surname="Әлиева", name="Сәуле",
                                                    password="victim-1", valid_from=MONDAY_10 - timedelta(days=1))
    victim = app.test_client()
    r, _ = eds_sign_in(victim, P12Signer.from_p12(keys.auth_p12, "victim-1"))
    assert r.status_code == 200
    with app.extensions["portal"].sessions() as s:
        person = s.scalar(select(Person).where(Person.iin == victim_iin))
        assert person.full_name == "Әлиева Сәуле" and person.eds_verified_at is not None
    # the attacker's session has ended and the password no longer opens the account
    assert attacker.get("/cabinet/").status_code == 302
    r = app.test_client().post("/auth/sign-in", data={"iin": victim_iin, "password": "attacker-pass"})
    assert r.status_code == 401


def test_backslash_next_is_not_followed(app):
    client = app.test_client()
    challenge = client.post("/auth/eds/challenge", json={}).get_json()["challenge"]
    cms = signer(app, demo.CITIZEN.iin, auth=True).create_cms(base64.b64decode(challenge), attached=True,
                                                              signing_time=signing_time_for(app))
    r = client.post("/auth/eds/sign-in", json={"cms": base64.b64encode(cms).decode(), "next": "/\\evil.example"})
    assert r.get_json()["redirect"].endswith("/cabinet/")


def test_detached_signature_cannot_sign_in(app):
    client = app.test_client()
    r, _ = eds_sign_in(client, signer(app, demo.CITIZEN.iin, auth=True), attached=False)
    assert r.status_code == 422 and r.get_json()["code"] in ("cms_malformed", "content_mismatch")


def test_backdated_signing_time_is_refused(app, citizen):
    app_id = draft_ready(app, citizen)
    r = submit_with(citizen, app_id, signer(app, demo.CITIZEN.iin),
                    signing_time=(MONDAY_10 - timedelta(days=3)).replace(tzinfo=KZ_TZ))
    assert r.status_code == 422 and r.get_json()["code"] == "signing_time_invalid"
    assert status_of(app, app_id) == "draft"


def test_json_that_is_not_an_object_is_refused_politely(app, citizen):
    app_id = draft_ready(app, citizen)
    r = citizen.post(f"/apply/{app_id}/sign/finish", json=[1, 2])
    assert r.status_code in (404, 422)


def test_the_head_previews_the_result_before_signing(app, citizen):
    app_id = submitted_request(app, citizen)
    work_through(app, app_id, {"decision": "permitted"}, until="draft_result")
    head = staff_client(app, "head")
    head.get("/lang/en")
    assert 'id="result-preview"' in head.get(f"/backoffice/requests/{app_id}").get_data(as_text=True)
    r = head.get(f"/backoffice/requests/{app_id}/result-preview.pdf")
    assert r.status_code == 200 and r.data.startswith(b"%PDF") and r.headers["Content-Disposition"].startswith("inline")
    assert staff_client(app, "office_clerk").get(f"/backoffice/requests/{app_id}/result-preview.pdf").status_code == 404
    assert status_of(app, app_id) == "awaiting_approval"  # a preview changes nothing


def test_an_oversized_signature_is_refused_unread(app):
    """A stranger's megabyte 'signature' to the public sign-in is refused at its length, not parsed."""
    client = app.test_client()
    client.get("/lang/en")
    huge = base64.b64encode(b"\x30" * (1024 * 1024)).decode()
    r = client.post("/auth/eds/sign-in", json={"cms": huge})
    assert r.status_code == 413 and "The upload is too large" in r.get_data(as_text=True)
    small = client.post("/auth/eds/sign-in", json={"cms": base64.b64encode(b"\x30\x03\x02\x01\x01").decode()})
    assert small.status_code == 422


def test_prepare_needs_the_signing_certificate(app, citizen):
    """Without the certificate the application could only name the applicant as typed: refused."""
    app_id = draft_ready(app, citizen)
    citizen.get("/lang/en")
    r = citizen.post(f"/apply/{app_id}/sign/prepare", json={})
    assert r.status_code == 422 and r.get_json()["code"] == "certificate_required"
    assert r.get_json()["error"].startswith("Choose your EDS key first")
    assert status_of(app, app_id) == "draft"
