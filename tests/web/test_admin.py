"""A provider's administration: staff accounts, deactivation, hours, result signing, staff certificates, isolation."""
from __future__ import annotations

import datetime as dt
import re

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal import clock, demo
from portal.domain.accounts import hash_password
from portal.domain.models import Application, Membership, Person, Provider, Role, StaffCertificate
from portal.pki.testsigner import P12Signer
from tests.conftest import account, sign_in, staff_client
from tests.eds_helpers import KEYS_VALID_FROM, demo_keys, sign_prepared, signing_time_for
from tests.factories import submitted_request
from tests.web.test_backoffice import assign_data, do, work_through
from tests.web.test_queue_pages import statements_for

HEAD = account("head", "petropavl")
EXECUTOR = account("executor", "petropavl")
OTHER_ADMIN_IIN, OTHER_ADMIN_PASSWORD = "820901400208", "aiyrtau-admin-test-2026"


def admin_client(app: Flask) -> FlaskClient:
    """Return a client signed in as the demo administrator, in English."""
    client = sign_in(app.test_client(), demo.ADMIN)
    client.get("/lang/en")
    return client


def person_id(app: Flask, iin: str) -> int:
    with app.extensions["portal"].sessions() as s:
        return s.scalar(select(Person.id).where(Person.iin == iin))


def other_admin(app: Flask) -> FlaskClient:
    """Create an administrator of the Aiyrtau department and sign them in."""
    with app.extensions["portal"].sessions() as s:
        aiyrtau = s.scalar(select(Provider).where(Provider.code == "aiyrtau"))
        person = Person(iin=OTHER_ADMIN_IIN, full_name="Әкімші Айыртау", email="a@demo.invalid",
                        password_hash=hash_password(OTHER_ADMIN_PASSWORD), created_at=dt.datetime(2026, 1, 1))
        person.membership = Membership(organisation=aiyrtau, role=Role.admin)
        s.add(person)
        s.commit()
    client = app.test_client()
    r = client.post("/auth/sign-in", data={"iin": OTHER_ADMIN_IIN, "password": OTHER_ADMIN_PASSWORD})
    assert r.status_code == 302 and r.headers["Location"].endswith("/admin/")
    client.get("/lang/en")
    return client


def certificate_der(app: Flask, iin: str, *, auth: bool = False) -> bytes:
    """Return the DER certificate of a demo key (signing, or authentication)."""
    key = demo_keys(app)[iin]
    path = key.auth_file if auth else key.signing_file
    return P12Signer.from_p12(path.read_bytes(), key.password).certificate.public_bytes(Encoding.DER)


def upload(client: FlaskClient, pid: int, data: bytes, name: str = "head.cer"):  # type: ignore[no-untyped-def]
    import io
    return client.post(f"/admin/staff/{pid}/certificates", data={"certificate": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


# --- who reaches the administration

def test_the_admin_lands_on_the_staff_list_of_their_own_organisation(app):
    client = app.test_client()
    r = client.post("/auth/sign-in", data={"iin": demo.ADMIN.iin, "password": demo.ADMIN.password})
    assert r.headers["Location"].endswith("/admin/")
    client.get("/lang/en")
    page = client.get("/admin/").get_data(as_text=True)
    assert "<h1>Administration</h1>" in page
    for a in demo.ACCOUNTS:
        if a.provider_code == "petropavl":
            assert a.full_name in page and a.iin in page
    assert account("head", "aiyrtau").full_name not in page  # another provider's staff
    assert "Accounts: 5" in page and "Administrator" in page and "Office clerk" in page


def test_staff_cannot_reach_the_administration_and_the_admin_works_no_request(app, citizen):
    assert staff_client(app, "head").get("/admin/").status_code == 403
    assert staff_client(app, "office_clerk").get("/admin/settings").status_code == 403
    assert citizen.get("/admin/").status_code == 403
    admin = admin_client(app)
    app_id = submitted_request(app, citizen)
    assert admin.get("/backoffice/").status_code == 403
    assert admin.get(f"/backoffice/requests/{app_id}").status_code == 403
    assert admin.get("/desk/").status_code == 403


# --- staff accounts

def test_the_admin_creates_an_account_that_signs_in_with_its_password(app):
    admin = admin_client(app)
    page = admin.get("/admin/staff/new").get_data(as_text=True)
    assert "Create a staff account" in page and 'value="executor"' in page and 'value="admin"' not in page
    r = admin.post("/admin/staff/new", data={"iin": "950505401234", "full_name": "Жаңа  Қызметкер",
                                             "email": "new@example.kz", "role": "executor",
                                             "password": "a long enough secret 2026"})
    assert r.status_code == 422  # 950505401234 has a wrong check digit
    body = r.get_data(as_text=True)
    assert "check digit is wrong" in body and 'value="Жаңа  Қызметкер"' in body and 'value="new@example.kz"' in body
    from portal.domain.validators import make_iin
    iin = make_iin(dt.date(1995, 5, 5), "F", 77)
    r = admin.post("/admin/staff/new", data={"iin": iin, "full_name": "Жаңа Қызметкер", "email": "new@example.kz",
                                             "role": "executor", "password": "a long enough secret 2026"})
    assert r.status_code == 302
    page = admin.get(r.headers["Location"]).get_data(as_text=True)
    assert "The account has been created." in page and "Жаңа Қызметкер" in page and iin in page
    assert "Executor" in page and "No certificate is registered" in page
    staff = app.test_client()
    assert staff.post("/auth/sign-in", data={"iin": iin, "password": "a long enough secret 2026"}).headers[
        "Location"].endswith("/backoffice/")


def test_a_new_account_follows_the_password_policy_or_is_eds_only(app):
    admin = admin_client(app)
    from portal.domain.validators import make_iin
    iin = make_iin(dt.date(1990, 1, 2), "M", 78)
    base = {"iin": iin, "full_name": "Тест Тестов", "email": "t@example.kz", "role": "office_clerk"}
    r = admin.post("/admin/staff/new", data={**base, "password": "password"})
    assert r.status_code == 422 and "most commonly used" in r.get_data(as_text=True)
    r = admin.post("/admin/staff/new", data={**base, "password": f"x{iin}x"})
    assert r.status_code == 422 and "must not contain your IIN" in r.get_data(as_text=True)
    r = admin.post("/admin/staff/new", data=base)
    assert r.status_code == 422 and "tick that the account signs in with EDS only" in r.get_data(as_text=True)
    r = admin.post("/admin/staff/new", data={**base, "role": "admin", "password": "a long enough secret 2026"})
    assert r.status_code == 422 and "Choose one of the roles offered." in r.get_data(as_text=True)
    r = admin.post("/admin/staff/new", data={**base, "iin": HEAD.iin, "password": "a long enough secret 2026"})
    assert r.status_code == 422 and "An account with this IIN already exists." in r.get_data(as_text=True)
    r = admin.post("/admin/staff/new", data={**base, "eds_only": "y"})
    assert r.status_code == 302
    with app.extensions["portal"].sessions() as s:
        person = s.scalar(select(Person).where(Person.iin == iin))
        assert person.password_hash == "!eds-only" and person.role == Role.office_clerk
    assert app.test_client().post("/auth/sign-in", data={"iin": iin, "password": "!eds-only"}).status_code == 401


def test_the_admin_changes_a_role(app):
    admin = admin_client(app)
    pid = person_id(app, EXECUTOR.iin)
    staff = staff_client(app, "executor")
    r = admin.post(f"/admin/staff/{pid}/role", data={"role": "executor"})
    assert r.status_code == 422 and "already has this role" in r.get_data(as_text=True)
    r = admin.post(f"/admin/staff/{pid}/role", data={"role": "office_clerk"})
    page = admin.get(r.headers["Location"]).get_data(as_text=True)
    assert "The role has been changed." in page and '<dd id="role">Office clerk</dd>' in page
    assert staff.get("/backoffice/").status_code == 302  # the old role's session has ended
    r = admin.post(f"/admin/staff/{person_id(app, demo.ADMIN.iin)}/role", data={"role": "head"})
    assert r.status_code == 422


def test_staff_list_pages_cost_the_same_queries(app):
    admin = admin_client(app)
    few = statements_for(app, admin, "/admin/")
    with app.extensions["portal"].sessions() as s:
        org = s.scalar(select(Provider.id).where(Provider.code == "petropavl"))
        for i in range(70):
            p = Person(iin=f"{i:012d}", full_name=f"Я Қызметкер {i:03d}", email="x@demo.invalid",
                       password_hash="!eds-only", created_at=dt.datetime(2026, 1, 1))
            p.membership = Membership(organisation_id=org, role=Role.executor)
            s.add(p)
        s.commit()
    assert statements_for(app, admin, "/admin/") == few
    first = admin.get("/admin/").get_data(as_text=True)
    assert "Accounts: 75" in first and "Я Қызметкер 044" in first and "Я Қызметкер 045" not in first
    link = re.search(r'id="next-page" href="([^"]+)"', first).group(1).replace("&amp;", "&")
    second = admin.get(link).get_data(as_text=True)
    assert "Я Қызметкер 045" in second and "Я Қызметкер 069" in second and "Я Қызметкер 044" not in second
    assert 'id="next-page"' not in second
    assert statements_for(app, admin, link) == few


# --- deactivation

def test_a_deactivated_account_cannot_sign_in_and_its_session_ends(app):
    admin = admin_client(app)
    pid = person_id(app, EXECUTOR.iin)
    session = staff_client(app, "executor")
    assert session.get("/backoffice/").status_code == 200
    r = admin.post(f"/admin/staff/{pid}/deactivate")
    page = admin.get(r.headers["Location"]).get_data(as_text=True)
    assert "it can no longer sign in" in page and "Deactivated on 23.11.2026 10:00" in page
    assert "Reactivate the account" in page
    assert session.get("/backoffice/").status_code == 302  # the session open before has ended
    client = app.test_client()
    client.get("/lang/en")
    r = client.post("/auth/sign-in", data={"iin": EXECUTOR.iin, "password": EXECUTOR.password})
    assert r.status_code == 401 and "has been deactivated by the organisation" in r.get_data(as_text=True)
    r = client.post("/auth/sign-in", data={"iin": EXECUTOR.iin, "password": "wrong password 123"})
    assert "deactivated" not in r.get_data(as_text=True)  # a guesser learns nothing
    admin.post(f"/admin/staff/{pid}/reactivate")
    assert admin.get(f"/admin/staff/{pid}").get_data(as_text=True).count("Deactivate the account") == 1
    sign_in(app.test_client(), EXECUTOR)


def test_a_deactivated_head_cannot_sign_in_with_eds(app):
    from tests.web.test_eds import eds_sign_in
    from tests.eds_helpers import signer
    admin_client(app).post(f"/admin/staff/{person_id(app, HEAD.iin)}/deactivate")
    client = app.test_client()
    client.get("/lang/en")
    r, _ = eds_sign_in(client, signer(app, HEAD.iin, auth=True))
    assert r.status_code == 422 and r.get_json()["code"] == "account_deactivated"
    assert "deactivated" in r.get_json()["error"]


def test_the_admin_cannot_deactivate_themselves(app):
    admin = admin_client(app)
    pid = person_id(app, demo.ADMIN.iin)
    assert "Deactivate the account" not in admin.get(f"/admin/staff/{pid}").get_data(as_text=True)
    r = admin.post(f"/admin/staff/{pid}/deactivate")
    assert r.status_code == 422 and "You cannot deactivate your own account." in r.get_data(as_text=True)
    assert admin.get("/admin/").status_code == 200


def test_a_deactivated_executor_is_not_offered_and_cannot_act(app, citizen):
    from portal.domain.errors import NotAllowed
    from portal.domain.workflow import transition
    app_id = submitted_request(app, citizen)
    work_through(app, app_id, {"decision": "permitted"}, until="register")
    head = staff_client(app, "head")
    head.get("/lang/en")
    pid = person_id(app, EXECUTOR.iin)
    assert f'value="{pid}"' in head.get(f"/backoffice/requests/{app_id}").get_data(as_text=True)
    admin_client(app).post(f"/admin/staff/{pid}/deactivate")
    card = head.get(f"/backoffice/requests/{app_id}").get_data(as_text=True)
    assert f'value="{pid}"' not in card and EXECUTOR.full_name not in card
    r = head.post(f"/backoffice/requests/{app_id}", data={"action": "assign", **assign_data(app)})
    assert r.status_code == 409 and "Choose an executor of your organisation." in r.get_data(as_text=True)
    with app.extensions["portal"].sessions() as s:  # the domain refuses them a step whatever the web layer does
        a, executor = s.get(Application, app_id), s.get(Person, pid)
        head_person = s.scalar(select(Person).where(Person.iin == HEAD.iin))
        head_person.deactivated_at = dt.datetime(2026, 11, 23, 10)
        try:
            transition(s, a, "assign", head_person, dt.datetime(2026, 11, 23, 10), payload=assign_data(app))
        except NotAllowed:
            pass
        else:
            raise AssertionError("a deactivated head took a step")
        assert not executor.is_active
        s.rollback()


def test_history_of_a_deactivated_executor_stays(app, citizen):
    app_id = submitted_request(app, citizen)
    work_through(app, app_id, {"decision": "permitted"}, until="draft_result")
    admin_client(app).post(f"/admin/staff/{person_id(app, EXECUTOR.iin)}/deactivate")
    head = staff_client(app, "head")
    head.get("/lang/en")
    card = head.get(f"/backoffice/requests/{app_id}").get_data(as_text=True)
    assert EXECUTOR.full_name in card  # the timeline still names who drafted the result


# --- hours and result signing

def test_new_hours_move_a_new_steps_deadline(app, citizen):
    from portal.domain.calendar import WorkingHours
    from portal.domain.workflow import open_step, process_of
    clock.pin(dt.datetime(2026, 11, 23, 11, 55))  # the office clerk's 15 minutes straddle the new closing time
    first = submitted_request(app, citizen)
    admin = admin_client(app)
    page = admin.get("/admin/settings").get_data(as_text=True)
    assert 'value="09:00"' in page and 'value="13:00"' in page
    r = admin.post("/admin/settings/hours", data={"opens": "9:00", "closes": "12:00", "lunch_from": "",
                                                  "lunch_to": ""})
    body = r.get_data(as_text=True)
    assert r.status_code == 422 and "Enter the time as HH:MM" in body and 'value="9:00"' in body
    r = admin.post("/admin/settings/hours", data={"opens": "09:00", "closes": "12:00", "lunch_from": "11:30",
                                                  "lunch_to": "12:30"})
    assert r.status_code == 422 and "The lunch break must start after opening" in r.get_data(as_text=True)
    r = admin.post("/admin/settings/hours", data={"opens": "09:00", "closes": "12:00", "lunch_from": "",
                                                  "lunch_to": ""})
    page = admin.get(r.headers["Location"]).get_data(as_text=True)
    assert "deadlines of new steps follow them" in page and 'value="12:00"' in page
    second = submitted_request(app, citizen)
    with app.extensions["portal"].sessions() as s:
        old, new = s.get(Application, first), s.get(Application, second)
        step = process_of(new).step_of(new.stage)
        short = WorkingHours(opens=dt.time(9), closes=dt.time(12), lunch_from=None, lunch_to=None)
        assert open_step(new).due_at == step.duration.after(open_step(new).started_at, short)
        assert open_step(old).due_at == dt.datetime(2026, 11, 23, 12, 10)
        assert open_step(new).due_at == dt.datetime(2026, 11, 24, 9, 10)  # 5 minutes on Monday, 10 on Tuesday
        assert new.provider.lunch_from is None


def test_the_admin_chooses_the_seal_and_the_head_approves_without_eds(app, citizen):
    admin = admin_client(app)
    assert 'checked id="head_signs-0"' in admin.get("/admin/settings").get_data(as_text=True)
    r = admin.post("/admin/settings/signing", data={"head_signs": "seal"})
    assert 'checked id="head_signs-1"' in admin.get(r.headers["Location"]).get_data(as_text=True)
    app_id = submitted_request(app, citizen)
    work_through(app, app_id, {"decision": "permitted"}, until="draft_result")
    assert do(app, "head", app_id, "approve").status_code == 302
    with app.extensions["portal"].sessions() as s:
        a = s.get(Application, app_id)
        assert a.result is not None and a.signature("result") is None


# --- staff certificates

def _fresh_head_key(app: Flask, *, bin_: str | None = None) -> P12Signer:
    """Issue the Petropavl head a new key pair of the portal's CA (not registered by anyone)."""
    ctx = app.extensions["portal"]
    with ctx.sessions() as s:
        org = s.scalar(select(Provider).where(Provider.code == "petropavl"))
        name, bin_ = org.name_kk, bin_ or org.bin
    issued = ctx.ca.issue_person(iin=HEAD.iin, surname="Омаров", name="Ерлан", organisation=name, bin=bin_,
                                 password="pw-123456", valid_from=KEYS_VALID_FROM, valid_days=3650)
    return P12Signer.from_p12(issued.signing_p12, "pw-123456")


def test_the_admin_registers_the_heads_certificate_and_refuses_wrong_ones(app):
    admin = admin_client(app)
    pid = person_id(app, HEAD.iin)
    key = _fresh_head_key(app)
    pem = key.certificate.public_bytes(Encoding.PEM)
    r = upload(admin, pid, pem, "head.pem")
    page = admin.get(r.headers["Location"]).get_data(as_text=True)
    assert "The certificate has been registered" in page
    assert format(key.certificate.serial_number, "x") in page and "SERIALNUMBER=IIN" + HEAD.iin in page
    assert "BIN" in page and "Registered on 23.11.2026 10:00" in page
    r = upload(admin, pid, key.certificate.public_bytes(Encoding.DER))
    assert r.status_code == 422 and "already registered" in r.get_data(as_text=True)
    cases = [(certificate_der(app, demo.CITIZEN.iin), "issued to another IIN"),
             (certificate_der(app, HEAD.iin, auth=True), "not a signing one"),
             (_fresh_head_key(app, bin_="990340000999").certificate.public_bytes(Encoding.DER), "its BIN differs"),
             (_self_signed(HEAD.iin), "does not trust"),
             (b"not a certificate", "This file is not a certificate")]
    for data, text in cases:
        r = upload(admin, pid, data)
        assert r.status_code == 422 and text in r.get_data(as_text=True), text
    with app.extensions["portal"].sessions() as s:
        by_admin = select(StaffCertificate.serial).where(StaffCertificate.person_id == pid,
                                                         StaffCertificate.registered_by_id.is_not(None))
        assert s.scalars(by_admin).all() == [format(key.certificate.serial_number, "x")]


def _self_signed(iin: str) -> bytes:
    """Return a certificate with the right IIN that no trusted CA issued."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "ОМАРОВ"), x509.NameAttribute(NameOID.SERIAL_NUMBER, f"IIN{iin}")])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(dt.datetime(2025, 1, 1))
            .not_valid_after(dt.datetime(2035, 1, 1)).sign(key, hashes.SHA256()))
    return cert.public_bytes(Encoding.DER)


def test_only_a_registered_certificate_signs_a_result(app, citizen):
    app_id = submitted_request(app, citizen)
    work_through(app, app_id, {"decision": "permitted"}, until="draft_result")
    key = _fresh_head_key(app)
    head = staff_client(app, "head")
    url = f"/backoffice/requests/{app_id}/sign"
    r = sign_prepared(head, f"{url}/prepare", f"{url}/finish", key)
    assert r.status_code == 422 and r.get_json()["code"] == "certificate_not_registered"
    admin = admin_client(app)
    pid = person_id(app, HEAD.iin)
    assert upload(admin, pid, key.certificate.public_bytes(Encoding.DER)).status_code == 302
    with app.extensions["portal"].sessions() as s:
        cid = s.scalar(select(StaffCertificate.id).where(
            StaffCertificate.serial == format(key.certificate.serial_number, "x")))
    r = admin.post(f"/admin/staff/{pid}/certificates/{cid}/revoke")
    page = admin.get(r.headers["Location"]).get_data(as_text=True)
    assert "registration has been revoked" in page and "Revoked on 23.11.2026 10:00" in page
    r = sign_prepared(head, f"{url}/prepare", f"{url}/finish", key)
    assert r.status_code == 422 and r.get_json()["code"] == "certificate_not_registered"
    assert upload(admin, pid, key.certificate.public_bytes(Encoding.DER)).status_code == 302  # registered anew
    r = sign_prepared(head, f"{url}/prepare", f"{url}/finish", key, signing_time=signing_time_for(app))
    assert r.status_code == 200, r.get_data(as_text=True)


# --- isolation: another provider's administrator sees and changes nothing here

def test_another_providers_admin_gets_404_for_everything_of_ours(app):
    ours = admin_client(app)
    head = person_id(app, HEAD.iin)
    key = _fresh_head_key(app)
    assert upload(ours, head, key.certificate.public_bytes(Encoding.DER)).status_code == 302
    with app.extensions["portal"].sessions() as s:
        cid = s.scalar(select(StaffCertificate.id).where(
            StaffCertificate.serial == format(key.certificate.serial_number, "x")))
    theirs = other_admin(app)
    listing = theirs.get("/admin/").get_data(as_text=True)
    assert HEAD.full_name not in listing and account("head", "aiyrtau").full_name in listing
    aiyrtau_head = person_id(app, account("head", "aiyrtau").iin)
    assert theirs.get(f"/admin/staff/{head}").status_code == 404
    assert theirs.post(f"/admin/staff/{head}/role", data={"role": "executor"}).status_code == 404
    assert theirs.post(f"/admin/staff/{head}/deactivate").status_code == 404
    assert theirs.post(f"/admin/staff/{head}/reactivate").status_code == 404
    assert upload(theirs, head, key.certificate.public_bytes(Encoding.DER)).status_code == 404
    assert theirs.post(f"/admin/staff/{head}/certificates/{cid}/revoke").status_code == 404
    # our certificate through their own staff member's address is not theirs either
    assert theirs.post(f"/admin/staff/{aiyrtau_head}/certificates/{cid}/revoke").status_code == 404
    assert ours.get(f"/admin/staff/{aiyrtau_head}").status_code == 404
    assert ours.post(f"/admin/staff/{aiyrtau_head}/deactivate").status_code == 404
    with app.extensions["portal"].sessions() as s:
        person = s.get(Person, head)
        assert person.is_active and person.role == Role.head
        assert s.get(StaffCertificate, cid).revoked_at is None
    # their settings change their own organisation only
    theirs.post("/admin/settings/hours", data={"opens": "08:00", "closes": "17:00", "lunch_from": "12:00",
                                               "lunch_to": "13:00"})
    with app.extensions["portal"].sessions() as s:
        hours = {p.code: (p.opens, p.closes) for p in s.scalars(select(Provider))}
        assert hours["aiyrtau"] == ("08:00", "17:00") and hours["petropavl"] == ("09:00", "18:30")



def test_every_change_is_audited_with_its_old_and_new_value(app):
    from portal.domain.audit_trail import verify
    admin = admin_client(app)
    pid = person_id(app, EXECUTOR.iin)
    admin.post(f"/admin/staff/{pid}/role", data={"role": "office_clerk"})
    admin.post(f"/admin/staff/{pid}/deactivate")
    admin.post(f"/admin/staff/{pid}/reactivate")
    admin.post("/admin/settings/hours", data={"opens": "08:30", "closes": "18:30", "lunch_from": "13:00",
                                              "lunch_to": "14:00"})
    admin.post("/admin/settings/signing", data={"head_signs": "seal"})
    upload(admin, person_id(app, HEAD.iin), _fresh_head_key(app).certificate.public_bytes(Encoding.DER))
    admin.post("/admin/settings/hours", data={"opens": "8:30", "closes": "18:30"})  # refused: nothing recorded
    with app.extensions["portal"].sessions() as s:
        from portal.domain.models import AuditEntry
        rows = s.scalars(select(AuditEntry).where(AuditEntry.kind == "admin").order_by(AuditEntry.seq)).all()
        admin_id = person_id(app, demo.ADMIN.iin)
        assert [r.action for r in rows] == ["role_changed", "staff_deactivated", "staff_reactivated",
                                            "hours_changed", "result_signing_changed", "certificate_registered"]
        assert all(r.actor_id == admin_id and r.organisation_id == rows[0].organisation_id for r in rows)
        assert rows[0].subject_id == pid and rows[0].details == {"old": "executor", "new": "office_clerk"}
        assert rows[1].details == {"old": None, "new": "2026-11-23T10:00:00"}
        assert rows[3].details == {"opens": {"old": "09:00", "new": "08:30"}, "lunch_to": {"old": "14:30", "new": "14:00"}}
        assert rows[4].details == {"head_signs_results": {"old": True, "new": False}}
        assert rows[5].subject_id == person_id(app, HEAD.iin) and rows[5].details["serial"]
        assert verify(s).ok


def test_what_a_deactivated_executor_left_awaits_the_head_who_reassigns_it(app, citizen):
    from tests.web.test_queue_pages import numbers
    app_id = submitted_request(app, citizen)
    work_through(app, app_id, {"decision": "permitted"}, until="assign")
    with app.extensions["portal"].sessions() as s:
        number = s.get(Application, app_id).number
    head = staff_client(app, "head")
    head.get("/lang/en")
    assert number not in numbers(head, "/backoffice/")[0]  # in execution: it waits for the executor
    admin = admin_client(app)
    admin.post(f"/admin/staff/{person_id(app, EXECUTOR.iin)}/deactivate")
    member = admin.get(f"/admin/staff/{person_id(app, EXECUTOR.iin)}").get_data(as_text=True)
    assert re.search(r'id="open-assigned">1 — they await the head, who assigns another executor', member)
    shown, _, tabs = numbers(head, "/backoffice/")
    assert number in shown and "(1)" in tabs["tab-waiting"]
    second = person_id(app, demo.SECOND_EXECUTOR.iin)
    r = head.post(f"/backoffice/requests/{app_id}", data={"action": "reassign", "executor_id": str(second),
                                                          "resolution": "Жаңа орындаушы."})
    assert r.status_code == 302, r.get_data(as_text=True)[:2000]
    assert number not in numbers(head, "/backoffice/")[0]
    assert number in numbers(sign_in(app.test_client(), demo.SECOND_EXECUTOR), "/backoffice/")[0]
