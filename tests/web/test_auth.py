"""Registration, sign-in throttling and the session cookie."""
from __future__ import annotations

from datetime import date, timedelta

from portal import clock
from portal import demo
from portal.domain.validators import make_iin
from tests.conftest import MONDAY_10, csrf_token

NEW_IIN = make_iin(date(1991, 3, 8), "F", 777)


def register(client, **over):  # type: ignore[no-untyped-def]
    data = {"iin": NEW_IIN, "full_name": "Әлиева Сәуле Бекқызы", "phone": "8 701 234 56 78",
            "email": "saule@example.kz", "password": "long-enough-1", "password_again": "long-enough-1"}
    data.update(over)
    return client.post("/auth/register", data=data)


def test_register_then_sign_out_and_in(app):
    client = app.test_client()
    r = register(client)
    assert r.status_code == 302 and r.headers["Location"].endswith("/cabinet/")
    client.post("/auth/sign-out")
    assert client.get("/cabinet/").status_code == 302
    r = client.post("/auth/sign-in", data={"iin": NEW_IIN, "password": "long-enough-1"})
    assert r.status_code == 302
    assert '<span class="who">Әлиева Сәуле Бекқызы</span>' in client.get("/cabinet/").get_data(as_text=True)


def test_wrong_checksum_is_named_and_input_kept(app):
    client = app.test_client()
    bad = NEW_IIN[:-1] + str((int(NEW_IIN[-1]) + 1) % 10)
    r = register(client, iin=bad)
    html = r.get_data(as_text=True)
    assert r.status_code == 422
    assert "ЖСН-нің бақылау цифры қате; нөмірді тексеріңіз." in html  # Kazakh, the default language
    assert "Әлиева Сәуле Бекқызы" in html and "saule@example.kz" in html


def test_wrong_birth_date_digits(app):
    client = app.test_client()
    client.get("/lang/en")
    r = register(client, iin="991332300015")
    assert r.status_code == 422
    assert "not a real birth date" in r.get_data(as_text=True)


def test_password_stored_as_argon2(app):
    client = app.test_client()
    register(client)
    from portal.domain.models import Person
    from sqlalchemy import select
    with app.extensions["portal"].sessions() as s:
        assert s.scalar(select(Person.password_hash).where(Person.iin == NEW_IIN)).startswith("$argon2id$")


def test_duplicate_iin_refused(app):
    client = app.test_client()
    client.get("/lang/en")
    r = register(client, iin=demo.CITIZEN.iin)
    assert r.status_code == 422 and "already exists" in r.get_data(as_text=True)


def test_failed_sign_ins_slow_down_then_lock(app):
    client = app.test_client()
    client.get("/lang/en")
    wrong = {"iin": demo.CITIZEN.iin, "password": "wrong-password"}
    for _ in range(2):
        r = client.post("/auth/sign-in", data=wrong)
        assert r.status_code == 401 and "is wrong" in r.get_data(as_text=True)
    r = client.post("/auth/sign-in", data=wrong)
    assert "Wait 10 seconds" in r.get_data(as_text=True)
    # even the right password is not checked while the wait lasts
    r = client.post("/auth/sign-in", data={"iin": demo.CITIZEN.iin, "password": demo.CITIZEN.password})
    assert r.status_code == 401 and "Too many failed attempts" in r.get_data(as_text=True)
    at = MONDAY_10
    for _ in range(2):
        at += timedelta(minutes=1)
        clock.pin(at)
        r = client.post("/auth/sign-in", data=wrong)
    assert "locked for 15 minutes" in r.get_data(as_text=True)
    clock.pin(at + timedelta(minutes=16))
    r = client.post("/auth/sign-in", data={"iin": demo.CITIZEN.iin, "password": demo.CITIZEN.password})
    assert r.status_code == 302


def test_session_cookie_is_httponly_and_samesite(app):
    client = app.test_client()
    r = client.post("/auth/sign-in", data={"iin": demo.CITIZEN.iin, "password": demo.CITIZEN.password})
    cookie = r.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_csrf_is_required(app):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    r = client.post("/auth/sign-in", data={"iin": demo.CITIZEN.iin, "password": demo.CITIZEN.password})
    assert r.status_code == 400
    token = csrf_token(client.get("/auth/sign-in").get_data(as_text=True))
    r = client.post("/auth/sign-in", data={"iin": demo.CITIZEN.iin, "password": demo.CITIZEN.password,
                                           "csrf_token": token})
    assert r.status_code == 302


def test_open_redirect_refused(app):
    client = app.test_client()
    r = client.post("/auth/sign-in?next=//evil.example/x",
                    data={"iin": demo.CITIZEN.iin, "password": demo.CITIZEN.password})
    assert r.headers["Location"].endswith("/cabinet/")
