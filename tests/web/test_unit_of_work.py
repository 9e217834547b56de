"""One commit per request: messages and sign-ins reach the person only after that commit succeeds."""
from __future__ import annotations

import base64
import re
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Iterator

import pytest
from flask import Flask, session as cookie
from flask.testing import FlaskClient
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from portal import demo
from portal.auth.sessions import sign_in_after_commit
from portal.domain.models import Application, Person
from portal.domain.validators import make_iin
from portal.pki.testsigner import P12Signer
from portal.web import after_commit, commit, db, discard, tell
from tests.conftest import account, sign_in, staff_client
from tests.eds_helpers import announce, signer, signing_time_for
from tests.factories import submitted_request
from tests.web.test_backoffice import work_through
from tests.web.test_eds import draft_ready

ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def commits_fail(app: Flask) -> Iterator[list[Session]]:
    """Make every request's commit fail as a lost race does: the changes reach the database, then StaleDataError."""
    portal = app.extensions["portal"]
    real, failed = portal.sessions, []

    def session_whose_commit_fails() -> Session:
        session = real()

        def commit() -> None:
            session.flush()
            failed.append(session)
            raise StaleDataError("UPDATE statement on table 'applications' expected to update 1 row(s); 0 were matched.")
        session.commit = commit  # type: ignore[method-assign]
        return session

    portal.sessions = session_whose_commit_fails
    try:
        yield failed
    finally:
        portal.sessions = real


def page(client: FlaskClient, url: str) -> str:
    """Return the text of a page (where the flashed messages are shown)."""
    return client.get(url).get_data(as_text=True)


def signed_body(client: FlaskClient, prepare_url: str, key: P12Signer, *, consent: bool = False) -> dict[str, str]:
    """Prepare a document (with the applicant's consent when ``consent``) and return the finish step's body."""
    prepared = client.post(prepare_url, json=announce(key, consent=consent))
    assert prepared.status_code == 200, prepared.get_data(as_text=True)
    body = prepared.get_json()
    cms = key.create_cms(base64.b64decode(body["data"]), attached=False, signing_time=signing_time_for(client.application))
    return {"token": body["token"], "cms": base64.b64encode(cms).decode()}


def test_a_failed_commit_of_the_signed_request_shows_no_success(app: Flask, citizen: FlaskClient):
    citizen.get("/lang/en")
    app_id = draft_ready(app, citizen)
    body = signed_body(citizen, f"/apply/{app_id}/sign/prepare", signer(app, demo.CITIZEN.iin), consent=True)
    with commits_fail(app) as failed:
        r = citizen.post(f"/apply/{app_id}/sign/finish", json=body)
    assert failed, "the finish step never reached its commit"
    assert r.status_code == 409 and r.get_json()["code"] == "changed_meanwhile"
    assert "has been signed and submitted" not in page(citizen, f"/cabinet/requests/{app_id}")
    with app.extensions["portal"].sessions() as s:
        assert s.get(Application, app_id).stage == "draft"
    # the same signature with a commit that succeeds does show it: the check above can fail
    assert citizen.post(f"/apply/{app_id}/sign/finish", json=body).status_code == 200
    assert "has been signed and submitted" in page(citizen, f"/cabinet/requests/{app_id}")


def test_a_failed_commit_of_a_registration_neither_signs_in_nor_welcomes(app: Flask):
    client = app.test_client()
    client.get("/lang/en")
    data = {"consent": "y", "iin": make_iin(date(1991, 3, 8), "F", 778), "full_name": "Әлиева Сәуле Бекқызы",
            "phone": "8 701 234 56 78", "email": "saule@example.kz", "password": "long-enough-1",
            "password_again": "long-enough-1"}
    with commits_fail(app) as failed:
        r = client.post("/auth/register", data=data)
    assert failed and r.status_code == 409 and "Changed meanwhile" in r.get_data(as_text=True)
    assert client.get("/cabinet/").status_code == 302  # not signed in
    assert "Your account has been created" not in page(client, "/auth/sign-in")
    with app.extensions["portal"].sessions() as s:
        assert s.scalar(select(Person).where(Person.iin == data["iin"])) is None
    r = client.post("/auth/register", data=data)
    assert r.status_code == 302 and "Your account has been created" in page(client, "/cabinet/")


def test_a_failed_commit_at_sign_in_leaves_the_browser_signed_out(app: Flask):
    client = app.test_client()
    with commits_fail(app) as failed:
        r = client.post("/auth/sign-in", data={"iin": demo.CITIZEN.iin, "password": demo.CITIZEN.password})
    assert failed and r.status_code == 409
    assert client.get("/cabinet/").status_code == 302
    assert sign_in(client, demo.CITIZEN).get("/cabinet/").status_code == 200


def test_a_failed_commit_of_an_eds_sign_in_leaves_the_browser_signed_out(app: Flask):
    client = app.test_client()
    key = signer(app, demo.CITIZEN.iin, auth=True)
    with commits_fail(app):
        assert client.post("/auth/eds/challenge", json={}).status_code == 409
    with client.session_transaction() as session:
        assert "eds_challenge" not in session  # the browser is told of a challenge only once it was saved
    challenge = client.post("/auth/eds/challenge", json={}).get_json()["challenge"]
    cms = key.create_cms(base64.b64decode(challenge), attached=True, signing_time=signing_time_for(app))
    body = {"cms": base64.b64encode(cms).decode()}
    with commits_fail(app) as failed:
        r = client.post("/auth/eds/sign-in", json=body)
    assert failed and r.status_code == 409
    assert client.get("/cabinet/").status_code == 302
    # the failed attempt was rolled back with its claim on the challenge: the same signature now signs in
    assert client.post("/auth/eds/sign-in", json=body).status_code == 200
    assert client.get("/cabinet/").status_code == 200


def test_a_failed_commit_of_a_back_office_step_shows_no_done(app: Flask, citizen: FlaskClient):
    app_id = submitted_request(app, citizen)
    clerk = staff_client(app, "office_clerk")
    clerk.get("/lang/en")
    card = f"/backoffice/requests/{app_id}"
    with commits_fail(app) as failed:
        r = clerk.post(card, data={"action": "register"})
    assert failed and r.status_code == 409
    assert "Done:" not in page(clerk, card)
    assert clerk.post(card, data={"action": "register"}).status_code == 302
    assert "Done: Register." in page(clerk, card)


def test_a_failed_commit_of_the_heads_signature_shows_no_done(app: Flask, citizen: FlaskClient):
    app_id = submitted_request(app, citizen)
    work_through(app, app_id, {"decision": "permitted"}, until="draft_result")
    head = staff_client(app, "head")
    head.get("/lang/en")
    card = f"/backoffice/requests/{app_id}"
    body = signed_body(head, f"{card}/sign/prepare", signer(app, account("head").iin))
    with commits_fail(app) as failed:
        r = head.post(f"{card}/sign/finish", json=body)
    assert failed and r.status_code == 409
    assert "Done:" not in page(head, card)
    assert head.post(f"{card}/sign/finish", json=body).status_code == 200
    assert "Done: Approve and sign." in page(head, card)


# --- the unit of work itself


def flashed() -> list[tuple[str, str]]:
    """Return the (category, message) pairs this request has flashed so far."""
    return list(cookie.get("_flashes", []))


def lost_race() -> None:
    """Fail as a commit that lost a race does."""
    raise StaleDataError("UPDATE statement on table 'people' expected to update 1 row(s); 0 were matched.")


def test_queued_messages_and_callbacks_wait_for_the_commit(app: Flask):
    ran: list[str] = []
    with app.test_request_context("/"):
        tell("saved", "success")
        after_commit(lambda: ran.append("after"))
        assert ran == [] and flashed() == []
        commit()
        assert ran == ["after"] and flashed() == [("success", "saved")]
        tell("late")  # the commit already succeeded: at once
        assert flashed() == [("success", "saved"), ("info", "late")]
        with pytest.raises(RuntimeError):
            commit()


def test_discard_forgets_what_waited_and_a_failed_commit_delivers_nothing(app: Flask):
    with app.test_request_context("/"):
        person = db().scalar(select(Person).where(Person.iin == demo.CITIZEN.iin))
        tell("forgotten")
        discard()
        sign_in_after_commit(person)
        tell("welcome")
        db().commit = lost_race  # type: ignore[method-assign]
        with pytest.raises(StaleDataError):
            commit()
        assert flashed() == [] and not current_user.is_authenticated
    with app.test_request_context("/"):
        person = db().scalar(select(Person).where(Person.iin == demo.CITIZEN.iin))
        tell("welcome")
        sign_in_after_commit(person)  # queued after the message, yet the message survives the fresh cookie
        commit()
        assert current_user.is_authenticated and current_user.iin == demo.CITIZEN.iin
        assert flashed() == [("info", "welcome")]


#: web modules that may flash, commit, roll back or sign in directly, and why
ALLOWED = {
    "flash(": {"portal/web.py",
               # the session-ended notice comes from a hook before any view, with nothing to commit
               "portal/auth/sessions.py"},
    # the unit of work; CLI jobs commit their own; the outbox's sender, one transaction per e-mail
    ".commit()": {"portal/web.py", "portal/cli.py", "portal/mail/sender.py"},
    ".rollback()": {"portal/web.py", "portal/web_templates.py"},  # the unit of work; the 409 page's clean-up
    "login_user(": {"portal/auth/sessions.py"},  # only in _start_session, run by sign_in_after_commit
    "_start_session(": {"portal/auth/sessions.py"},
}


def test_web_code_flashes_commits_and_signs_in_only_through_the_unit_of_work():
    skipped = ("portal/domain/", "portal/pki/", "portal/documents/", "portal/migrations/")
    files = [p for folder in ("portal", "provider_backoffice") for p in (ROOT / folder).rglob("*.py")]
    found: dict[str, set[str]] = {call: set() for call in ALLOWED}
    for path in files:
        name = path.relative_to(ROOT).as_posix()
        if name.startswith(skipped):
            continue
        code = re.sub(r"#.*", "", path.read_text())
        for call in ALLOWED:
            if call in code:
                found[call].add(name)
    for call, where in found.items():
        assert where <= ALLOWED[call], f"{call} outside the unit of work in {sorted(where - ALLOWED[call])}"
    assert "portal/apply/views.py" not in found["flash("] and found[".commit()"] >= {"portal/web.py"}
