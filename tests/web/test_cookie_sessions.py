"""The session cookie's signer is made once per key, and follows a change of key and its fallbacks."""
from __future__ import annotations

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
