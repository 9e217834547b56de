"""The signed-in session: ended on the server at sign-out, bounded in time, issued anew at sign-in."""
from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient

from portal import clock, demo
from tests.conftest import MONDAY_10, account, sign_in


def session_data(app: Flask, client: FlaskClient) -> dict:
    """Return what the client's session cookie holds."""
    cookie = client.get_cookie("session")
    assert cookie is not None
    return dict(app.session_interface.get_signing_serializer(app).loads(cookie.value))  # type: ignore[attr-defined]


def copy_of(app: Flask, client: FlaskClient) -> FlaskClient:
    """Return a second browser holding a copy of the client's session cookie."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)  # type: ignore[union-attr]
    return thief


def at(app: Flask, minutes: float) -> None:
    """Move the application clock to this many minutes after Monday 10:00."""
    clock.pin(MONDAY_10 + timedelta(minutes=minutes))


def test_a_copied_cookie_stops_working_at_sign_out(app, citizen):
    thief = copy_of(app, citizen)
    assert demo.CITIZEN.full_name in thief.get("/cabinet/").get_data(as_text=True)
    citizen.post("/auth/sign-out")
    r = thief.get("/cabinet/")
    assert r.status_code == 302 and "/auth/sign-in" in r.headers["Location"]
    # signing in again works, with a new session
    sign_in(citizen, demo.CITIZEN)
    assert citizen.get("/cabinet/").status_code == 200
    assert thief.get("/cabinet/").status_code == 302


def test_a_staff_session_ends_after_thirty_idle_minutes(app):
    clerk = sign_in(app.test_client(), account("office_clerk"))
    clerk.get("/lang/en")
    for minutes in (29, 58, 87):  # active every 29 minutes: the session lives on
        at(app, minutes)
        assert clerk.get("/backoffice/").status_code == 200
    at(app, 87 + 31)
    r = clerk.get("/backoffice/")
    assert r.status_code == 302 and "/auth/sign-in" in r.headers["Location"]
    assert "Your session has ended" in clerk.get(r.headers["Location"]).get_data(as_text=True)
    assert clerk.get("/backoffice/").status_code == 302  # it stays ended


def test_a_citizen_may_stay_idle_longer(app, citizen):
    at(app, 119)
    assert citizen.get("/cabinet/").status_code == 200
    at(app, 119 + 121)
    assert citizen.get("/cabinet/").status_code == 302


def test_no_session_lasts_more_than_twelve_hours(app, citizen):
    clerk = sign_in(app.test_client(), account("office_clerk"))
    for minutes in range(25, 12 * 60, 25):  # never idle, yet not forever
        at(app, minutes)
        assert clerk.get("/backoffice/").status_code == 200, minutes
    for minutes in range(100, 12 * 60, 100):
        at(app, minutes)
        assert citizen.get("/cabinet/").status_code == 200, minutes
    at(app, 12 * 60 + 1)
    assert clerk.get("/backoffice/").status_code == 302
    assert citizen.get("/cabinet/").status_code == 302


def test_sign_in_issues_a_new_session(app):
    client = app.test_client()
    client.get("/lang/en")
    client.post("/auth/eds/challenge")  # leaves something in the pre-sign-in session
    before = session_data(app, client)
    assert "eds_challenge" in before
    stale = client.get_cookie("session").value  # type: ignore[union-attr]
    sign_in(client, demo.CITIZEN)
    after = session_data(app, client)
    assert "eds_challenge" not in after and after["lang"] == "en"
    assert after["sid"] and client.get_cookie("session").value != stale  # type: ignore[union-attr]
    # whoever kept the pre-sign-in cookie is not signed in by the owner's sign-in
    planted = app.test_client()
    planted.set_cookie("session", stale)
    assert planted.get("/cabinet/").status_code == 302


def test_no_remember_me_cookie_outlives_the_session(app):
    client = app.test_client()
    r = client.post("/auth/sign-in", data={"iin": demo.CITIZEN.iin, "password": demo.CITIZEN.password})
    assert r.status_code == 302
    assert client.get_cookie("remember_token") is None
    assert app.config["REMEMBER_COOKIE_DURATION"] <= timedelta(hours=12)


def test_an_anonymous_visitor_reading_public_pages_is_given_no_cookie(app):
    anyone = app.test_client()
    for page in ("/", "/services/external_study", "/?q=college"):
        response = anyone.get(page)
        # nothing on these pages posts: no CSRF token is made, so no session is written for a passer-by
        assert response.status_code == 200 and "Set-Cookie" not in response.headers, page
    assert anyone.get("/lang/en").headers.get("Set-Cookie", "").startswith("session=")  # a choice is kept in one
