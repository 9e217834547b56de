"""A signed-in page's form token is signed once per session and key, and is refused once the session is over."""
from __future__ import annotations

import flask_wtf.csrf
import pytest

import portal.auth.form_tokens as form_tokens
from portal import demo
from tests.conftest import csrf_token


@pytest.fixture
def signing(app, monkeypatch):
    """Turn CSRF checks on and count the tokens Flask-WTF signs."""
    app.config["WTF_CSRF_ENABLED"] = True
    signed: list[str] = []

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        token = flask_wtf.csrf.generate_csrf(*args, **kwargs)
        signed.append(token)
        return token
    monkeypatch.setattr(form_tokens, "generate_csrf", counted)
    return signed


def _signed_in(app):
    """Return a client signed in as the demo citizen through the form, with its token."""
    client = app.test_client()
    token = csrf_token(client.get("/auth/sign-in").get_data(as_text=True))
    assert client.post("/auth/sign-in", data={"iin": demo.CITIZEN.iin, "password": demo.CITIZEN.password,
                                              "csrf_token": token}).status_code == 302
    return client


def test_pages_of_one_session_carry_one_token_signed_once(app, signing) -> None:
    client = _signed_in(app)
    tokens = {csrf_token(client.get(page).get_data(as_text=True)) for page in ("/cabinet/", "/", "/cabinet/", "/")}
    assert len(tokens) == 1 and tokens == set(signing[-1:]) and signing.count(signing[-1]) == 1
    assert client.post("/auth/sign-out", data={"csrf_token": tokens.pop()}).status_code == 302
    assert client.get("/cabinet/").status_code == 302  # signed out


def test_a_new_session_has_a_new_token_and_the_old_one_is_refused(app, signing) -> None:
    first = _signed_in(app)
    old = csrf_token(first.get("/").get_data(as_text=True))
    assert first.post("/auth/sign-out", data={"csrf_token": old}).status_code == 302
    second = _signed_in(app)
    new = csrf_token(second.get("/").get_data(as_text=True))
    assert new != old
    assert second.post("/auth/sign-out", data={"csrf_token": old}).status_code == 400
    assert second.get("/cabinet/").status_code == 200  # still signed in


def test_a_changed_key_signs_anew(app, signing) -> None:
    client = _signed_in(app)
    old = csrf_token(client.get("/").get_data(as_text=True))
    app.config["WTF_CSRF_SECRET_KEY"] = "another key for form tokens"
    try:
        new = csrf_token(client.get("/").get_data(as_text=True))
        assert new != old and signing[-1] == new
        assert client.post("/auth/sign-out", data={"csrf_token": old}).status_code == 400
        assert client.post("/auth/sign-out", data={"csrf_token": new}).status_code == 302
    finally:
        del app.config["WTF_CSRF_SECRET_KEY"]


def test_tokens_with_a_time_limit_are_signed_on_every_page(app, signing) -> None:
    app.config["WTF_CSRF_TIME_LIMIT"] = 3600
    try:
        client = _signed_in(app)
        before = len(signing)
        for page in ("/", "/cabinet/"):
            client.get(page)
        assert len(signing) == before + 2
    finally:
        app.config["WTF_CSRF_TIME_LIMIT"] = None
