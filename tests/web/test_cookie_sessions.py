"""The session cookie's signer is made once per key, and follows a change of key and its fallbacks."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from itsdangerous import BadSignature


def test_the_signer_is_made_once_and_follows_the_key(app) -> None:
    interface = app.session_interface
    first = interface.get_signing_serializer(app)
    assert interface.get_signing_serializer(app) is first
    cookie, old = first.dumps({"_user_id": "1.0"}), app.secret_key
    app.secret_key = "a new key"
    try:
        fresh = interface.get_signing_serializer(app)
        assert fresh is not first
        with pytest.raises(BadSignature):
            fresh.loads(cookie)
        app.config["SECRET_KEY_FALLBACKS"] = [old]  # the old key, still accepted while cookies move over
        assert interface.get_signing_serializer(app).loads(cookie) == {"_user_id": "1.0"}
    finally:
        app.secret_key, app.config["SECRET_KEY_FALLBACKS"] = old, []


def test_a_signed_in_citizen_stays_signed_in_from_page_to_page(app, citizen) -> None:
    for page in ("/", "/cabinet/", "/"):
        answer = citizen.get(page)
        assert answer.status_code == 200 and 'action="/auth/sign-out"' in answer.get_data(as_text=True)


def _open(app, cookie: str):
    """Return the session the portal opens from this cookie."""
    with app.test_request_context("/", headers={"Cookie": f"session={cookie}"}):
        from flask import request
        return app.session_interface.open_session(app, request)


def test_a_cookie_is_decoded_once_and_still_checked_every_time(app, monkeypatch) -> None:
    interface = app.session_interface
    cookie = interface.get_signing_serializer(app).dumps({"_user_id": "7.0", "lang": "ru"})
    assert dict(_open(app, cookie)) == {"_user_id": "7.0", "lang": "ru"}
    decoded = []
    signer = interface.get_signing_serializer(app)
    signed_at = datetime.now(timezone.utc)
    monkeypatch.setattr(signer, "loads", lambda *a, **k: decoded.append(a) or ({"decoded": "again"}, signed_at))
    opened = _open(app, cookie)
    assert dict(opened) == {"_user_id": "7.0", "lang": "ru"} and not decoded  # the kept copy
    opened["lang"] = "en"  # a page changing its session changes no other request's
    assert _open(app, cookie)["lang"] == "ru"
    assert dict(_open(app, cookie[:-2] + "xx")) == {"decoded": "again"}  # any other string is decoded
    monkeypatch.undo()


def test_a_kept_cookie_expires_with_its_signature(app, monkeypatch) -> None:
    import time
    cookie = app.session_interface.get_signing_serializer(app).dumps({"_user_id": "7.0"})
    assert dict(_open(app, cookie)) == {"_user_id": "7.0"}
    lifetime = app.permanent_session_lifetime.total_seconds()
    start = time.time()
    monkeypatch.setattr(time, "time", lambda: start + lifetime - 5)
    assert dict(_open(app, cookie)) == {"_user_id": "7.0"}
    monkeypatch.setattr(time, "time", lambda: start + lifetime + 5)
    assert dict(_open(app, cookie)) == {}
    monkeypatch.setattr(time, "time", lambda: start - 5)  # a clock set back: signed "in the future"
    assert dict(_open(app, cookie)) == {}


def test_a_new_key_forgets_the_kept_cookies(app) -> None:
    cookie, old = app.session_interface.get_signing_serializer(app).dumps({"_user_id": "7.0"}), app.secret_key
    assert dict(_open(app, cookie)) == {"_user_id": "7.0"}
    app.secret_key = "a new key"
    try:
        assert dict(_open(app, cookie)) == {}
        app.config["SECRET_KEY_FALLBACKS"] = [old]
        assert dict(_open(app, cookie)) == {"_user_id": "7.0"}
        app.config["SECRET_KEY_FALLBACKS"] = []  # the old key retired: its cookies, kept or not, are refused
        assert dict(_open(app, cookie)) == {}
    finally:
        app.secret_key, app.config["SECRET_KEY_FALLBACKS"] = old, []


def test_a_changed_copy_of_a_kept_cookie_is_refused(app) -> None:
    cookie = app.session_interface.get_signing_serializer(app).dumps({"_user_id": "7.0"})
    first = _open(app, cookie)
    first["_user_id"] = "8.0"  # a page changing the session it was given changes nothing kept
    assert dict(_open(app, cookie)) == {"_user_id": "7.0"}
    payload, _, signature = cookie.rpartition(".")
    forged = f"{payload}.{signature[:-1]}{'A' if signature[-1] != 'A' else 'B'}"
    assert dict(_open(app, forged)) == {}


def test_a_session_holding_a_list_is_decoded_every_time(app) -> None:
    cookie = app.session_interface.get_signing_serializer(app).dumps({"_flashes": [["info", "Saved"]]})
    first = _open(app, cookie)
    first["_flashes"].append(["info", "Again"])  # Flask's flash() appends to the list it finds
    assert _open(app, cookie)["_flashes"] == [["info", "Saved"]]
