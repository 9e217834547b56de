"""Registration, sign-in throttling and the session cookie."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from portal import clock
from portal import demo
from portal.domain import accounts, throttle
from portal.domain.validators import make_iin
from argon2 import PasswordHasher
from sqlalchemy import select, update

from portal.domain.models import Person
from tests.conftest import MONDAY_10, account, csrf_token

NEW_IIN = make_iin(date(1991, 3, 8), "F", 777)


def register(client, **over):  # type: ignore[no-untyped-def]
    data = {"consent": "y", "iin": NEW_IIN, "full_name": "Әлиева Сәуле Бекқызы", "phone": "8 701 234 56 78",
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


def test_a_demo_accounts_light_hash_is_made_strong_at_its_first_sign_in(app):
    """Demo passwords are public, so `make run` hashes them lightly; the owner's first sign-in rehashes them."""
    citizen = demo.CITIZEN
    with app.extensions["portal"].sessions() as session:
        before = session.scalar(select(Person.password_hash).where(Person.iin == citizen.iin))
    assert before.startswith("$argon2id$") and "m=8192,t=1,p=1" in before
    client = app.test_client()
    r = client.post("/auth/sign-in", data={"iin": citizen.iin, "password": citizen.password})
    assert r.status_code == 302
    with app.extensions["portal"].sessions() as session:
        after = session.scalar(select(Person.password_hash).where(Person.iin == citizen.iin))
    assert "m=65536,t=3,p=4" in after
    client.post("/auth/sign-out")
    assert client.post("/auth/sign-in", data={"iin": citizen.iin, "password": citizen.password}).status_code == 302
    with app.extensions["portal"].sessions() as session:  # a strong hash is kept as it is
        assert session.scalar(select(Person.password_hash).where(Person.iin == citizen.iin)) == after


def test_a_rehash_never_undoes_an_eds_sign_in_that_took_the_account_back(app, database_url, monkeypatch):
    """The key's owner signs in with EDS while a password sign-in is rehashing: their "!eds-only" stays."""
    if not database_url.startswith("postgresql"):
        pytest.skip("on SQLite a sign-in holds the write lock, so nothing can come between its check and its write")
    citizen = demo.CITIZEN

    class Racing(PasswordHasher):
        def hash(self, password, *, salt=None):  # type: ignore[no-untyped-def, override]
            with app.extensions["portal"].sessions() as other:  # the EDS sign-in, committed meanwhile
                other.execute(update(Person).where(Person.iin == citizen.iin).values(password_hash="!eds-only"))
                other.commit()
            return super().hash(password, salt=salt)

    monkeypatch.setattr(accounts, "_hasher", Racing())
    app.test_client().post("/auth/sign-in", data={"iin": citizen.iin, "password": citizen.password})
    with app.extensions["portal"].sessions() as session:
        assert session.scalar(select(Person.password_hash).where(Person.iin == citizen.iin)) == "!eds-only"


def test_duplicate_iin_refused(app):
    client = app.test_client()
    client.get("/lang/en")
    r = register(client, iin=demo.CITIZEN.iin)
    assert r.status_code == 422 and "already exists" in r.get_data(as_text=True)


def post_from(client, address: str, iin: str, password: str):  # type: ignore[no-untyped-def]
    """Post the sign-in form as if from this client address."""
    return client.post("/auth/sign-in", data={"iin": iin, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def test_a_strangers_guesses_do_not_lock_the_owner_out(app):
    clerk = account("office_clerk")
    stranger = app.test_client()
    stranger.get("/lang/en")
    for _ in range(25):  # far past the old lock's five failures, all within the same minute
        r = post_from(stranger, "203.0.113.66", clerk.iin, "guess-guess-guess")
    assert r.status_code == 401 and "Too many failed sign-in attempts" in r.get_data(as_text=True)
    # the stranger's source is refused even with the right password: it is not checked
    r = post_from(stranger, "203.0.113.66", clerk.iin, clerk.password)
    assert r.status_code == 401 and "was not checked" in r.get_data(as_text=True)
    # the clerk, at her own desk, is let in at once
    r = post_from(app.test_client(), "198.51.100.7", clerk.iin, clerk.password)
    assert r.status_code == 302 and r.headers["Location"].endswith("/backoffice/")


def test_one_source_that_guesses_waits_longer_and_longer(app):
    client = app.test_client()
    client.get("/lang/en")
    iin, source = demo.CITIZEN.iin, "203.0.113.9"

    def guesses(at: datetime, n: int) -> str:  # type: ignore[no-untyped-def]
        clock.pin(at)
        for _ in range(n):
            r = post_from(client, source, iin, "wrong-password")
            assert r.status_code == 401
        return r.get_data(as_text=True)

    page = guesses(MONDAY_10, 2)
    assert "is wrong." in page and "try again" not in page
    page = guesses(MONDAY_10, 1)
    assert "is wrong. Too many failed attempts" in page and "try again at 10:01 (in 1 min)" in page
    page = guesses(MONDAY_10 + timedelta(seconds=30), 1)
    assert "was not checked; try again at 10:01 (in 1 min)" in page
    # a minute later: two more failures exhaust the quarter of an hour
    page = guesses(MONDAY_10 + timedelta(minutes=1), 2)
    assert "try again at 10:15 (in 14 min)" in page
    # then three a minute still, until ten attempts (the refused one counted too) exhaust the hour
    assert "try again at 10:16 (in 1 min)" in guesses(MONDAY_10 + timedelta(minutes=15), 3)
    assert "try again at 11:00 (in 44 min)" in guesses(MONDAY_10 + timedelta(minutes=16), 1)
    # the owner elsewhere is not affected; this source waits even with the right password
    assert "was not checked" in post_from(client, source, iin, demo.CITIZEN.password).get_data(as_text=True)
    assert post_from(app.test_client(), "198.51.100.7", iin, demo.CITIZEN.password).status_code == 302
    clock.pin(MONDAY_10 + timedelta(hours=1))
    assert post_from(client, source, iin, demo.CITIZEN.password).status_code == 302


def test_the_throttle_message_is_translated(app):
    client = app.test_client()
    client.get("/lang/ru")
    for _ in range(3):
        r = post_from(client, "203.0.113.10", demo.CITIZEN.iin, "wrong-password")
    page = r.get_data(as_text=True)
    assert "10:01" in page and "Too many" not in page and "попыт" in page


def test_many_sources_meet_the_account_ceiling_but_not_the_owners_browser(app, monkeypatch):
    monkeypatch.setattr(throttle, "ACCOUNT_TIERS", (throttle.Tier(3600, 5),))
    clerk = account("office_clerk")
    owner = app.test_client()
    assert post_from(owner, "198.51.100.7", clerk.iin, clerk.password).status_code == 302
    assert owner.get_cookie("portal_device") is not None
    owner.post("/auth/sign-out")
    for n in range(5):  # a botnet: every guess from another address
        post_from(app.test_client(), f"203.0.113.{n}", clerk.iin, "guess-guess-guess")
    r = post_from(app.test_client(), "198.51.100.8", clerk.iin, clerk.password)
    assert r.status_code == 401  # a browser never seen before waits, as any source does now
    # the owner's own browser, where she signed in before, is let in
    assert post_from(owner, "198.51.100.8", clerk.iin, clerk.password).status_code == 302


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


@pytest.mark.parametrize("password,message", [
    ("short-7", "at least 8 characters"),
    ("x" * 129, "at most 128 characters"),
    (NEW_IIN, "must not contain your IIN"),
    (f"my-{NEW_IIN}!", "must not contain your IIN"),
    ("password1", "most commonly used"),
    ("Qwerty123", "most commonly used"),
])
def test_a_weak_password_is_refused_and_the_form_kept(app, password, message):
    client = app.test_client()
    client.get("/lang/en")
    r = register(client, password=password, password_again=password)
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and message in html
    assert "Әлиева Сәуле Бекқызы" in html and "saule@example.kz" in html and NEW_IIN in html
    assert client.get("/cabinet/").status_code == 302


def test_the_password_rules_are_translated(app):
    client = app.test_client()
    client.get("/lang/kk")
    html = register(client, password="password1", password_again="password1").get_data(as_text=True)
    assert "most commonly used" not in html and "ең жиі қолданылатын құпиясөздердің" in html


def test_a_long_passphrase_is_accepted(app):
    client = app.test_client()
    phrase = "бір қайың, екі терек, үш өзен " * 4  # 120 characters
    assert register(client, password=phrase, password_again=phrase).status_code == 302


def test_a_flood_from_one_address_gets_a_translated_429(app):
    client = app.test_client()
    client.get("/lang/en")
    for _ in range(60):  # refused unchecked after the third, so this is quick
        assert post_from(client, "203.0.113.77", demo.CITIZEN.iin, "wrong-password").status_code == 401
    r = post_from(client, "203.0.113.77", demo.CITIZEN.iin, "wrong-password")
    assert r.status_code == 429 and "Too many requests from your connection" in r.get_data(as_text=True)
    assert int(r.headers["Retry-After"]) <= 60
    # another address is served as usual
    assert post_from(app.test_client(), "198.51.100.7", demo.CITIZEN.iin, demo.CITIZEN.password).status_code == 302


def test_one_ipv6_subscriber_is_one_source(app):
    """Addresses of one /64 are one source: rotating through them does not dodge the throttle."""
    client = app.test_client()
    client.get("/lang/en")
    for i in range(1, 5):  # a new address of the same /64 for every guess
        r = post_from(client, f"2001:db8:1:2::{i:x}", demo.CITIZEN.iin, "wrong-password")
    assert r.status_code == 401 and "Too many failed sign-in attempts" in r.get_data(as_text=True)
    # the owner, at another subscriber's address, is let in
    r = post_from(app.test_client(), "2001:db8:9:9::1", demo.CITIZEN.iin, demo.CITIZEN.password)
    assert r.status_code == 302


def test_registration_asks_for_the_consent_to_process_personal_data_and_keeps_what_was_typed(app):
    from lxml import html as lxml_html
    client = app.test_client()
    client.get("/lang/en")
    r = register(client, consent="")
    assert r.status_code == 422
    page = lxml_html.fromstring(r.get_data(as_text=True))
    assert page.xpath("//*[@id='error-summary']//a/@href") == ["#consent"]
    error = page.get_element_by_id("consent-error").text_content()
    assert "Tick the consent to the processing of your personal data" in error
    assert page.get_element_by_id("consent").get("aria-describedby") == "consent-error"
    assert page.get_element_by_id("full_name").get("value") == "Әлиева Сәуле Бекқызы"
    assert "On personal data and their protection" in page.xpath("string(//label[input[@id='consent']])")
    with app.extensions["portal"].sessions() as s:
        assert s.scalar(select(Person).where(Person.iin == NEW_IIN)) is None
    assert register(client).status_code == 302
    with app.extensions["portal"].sessions() as s:
        assert s.scalar(select(Person.personal_data_consent_at).where(Person.iin == NEW_IIN)) == MONDAY_10
