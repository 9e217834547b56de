"""Two staff members take the same step at once: one wins, the other is told the request changed (409)."""
from __future__ import annotations

import base64
import http.cookiejar
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from typing import Iterator

import pytest
from flask import Flask
from sqlalchemy import func, select
from werkzeug.serving import make_server

from portal.domain.accounts import hash_password
from portal.domain.models import Application, AuditEntry, Membership, Person, Role
from portal.domain.validators import make_iin
from tests.conftest import MONDAY_10, account, sign_in, staff_client
from tests.eds_helpers import signer, signing_time_for
from tests.factories import submitted_request
from portal import demo

SECOND_CLERK = demo.DemoAccount(Role.office_clerk, make_iin(MONDAY_10.date().replace(year=1992), "F", 909),
                                "Сәрсенова Әйгерім Қайратқызы", "second-clerk-pass-2026", "petropavl")


@pytest.fixture
def second_clerk(app: Flask) -> demo.DemoAccount:
    """Add a second office clerk to the demo provider, so that two people may take the same step."""
    first = account("office_clerk")
    with app.extensions["portal"].sessions() as s:
        provider_id = s.scalar(select(Person).where(Person.iin == first.iin)).provider_id
        s.add(Person(iin=SECOND_CLERK.iin, full_name=SECOND_CLERK.full_name,
                     membership=Membership(organisation_id=provider_id, role=Role.office_clerk),
                     password_hash=hash_password(SECOND_CLERK.password), created_at=MONDAY_10))
        s.commit()
    return SECOND_CLERK


def seen_version(html: str) -> str:
    """Return the request version the card was rendered from."""
    match = re.search(r'name="version" value="(\d+)"', html)
    assert match, "the step form does not carry the version it was rendered from"
    return match.group(1)


def audit_count(app: Flask, app_id: int, action: str) -> int:
    """Return how many times a step was recorded on a request."""
    with app.extensions["portal"].sessions() as s:
        return s.scalar(select(func.count()).select_from(AuditEntry)
                        .where(AuditEntry.application_id == app_id, AuditEntry.action == action))


def test_the_second_clerk_to_register_is_told_the_request_changed(app, citizen, second_clerk):
    app_id = submitted_request(app, citizen)
    first, second = staff_client(app, "office_clerk"), sign_in(app.test_client(), second_clerk)
    second.get("/lang/en")
    card = f"/backoffice/requests/{app_id}"
    first_version = seen_version(first.get(card).get_data(as_text=True))
    second_version = seen_version(second.get(card).get_data(as_text=True))
    assert first.post(card, data={"action": "register", "version": first_version}).status_code == 302
    r = second.post(card, data={"action": "register", "version": second_version})
    page = r.get_data(as_text=True)
    assert r.status_code == 409 and "Changed meanwhile" in page and "at the same moment" in page
    assert f'href="{card}"' in page  # one click back to the card as it is now
    assert audit_count(app, app_id, "register") == 1


def test_the_changed_page_is_translated(app, citizen, second_clerk):
    app_id = submitted_request(app, citizen)
    first, second = staff_client(app, "office_clerk"), sign_in(app.test_client(), second_clerk)
    second.get("/lang/ru")
    card = f"/backoffice/requests/{app_id}"
    version = seen_version(second.get(card).get_data(as_text=True))
    first.post(card, data={"action": "register", "version": version})
    r = second.post(card, data={"action": "register", "version": version})
    assert r.status_code == 409 and "Changed meanwhile" not in r.get_data(as_text=True)
    assert "В этот же момент заявку изменил" in r.get_data(as_text=True)


def test_the_head_signing_in_two_tabs_gets_a_json_409(app, citizen):
    app_id = submitted_request(app, citizen)
    for role, action, data in (("office_clerk", "register", {}),):
        assert staff_client(app, role).post(f"/backoffice/requests/{app_id}",
                                            data={"action": action, **data}).status_code == 302
    head = staff_client(app, "head")
    with app.extensions["portal"].sessions() as s:
        executor = s.scalar(select(Person.id).where(Person.iin == account("executor").iin))
    assert head.post(f"/backoffice/requests/{app_id}", data={
        "action": "assign", "executor_id": str(executor), "resolution": "Қарап шығыңыз."}).status_code == 302
    assert staff_client(app, "executor").post(f"/backoffice/requests/{app_id}", data={
        "action": "draft_result", "decision": "permitted"}).status_code == 302
    key = signer(app, account("head").iin)
    base = f"/backoffice/requests/{app_id}/sign"
    tabs = [head.post(f"{base}/prepare", json={}).get_json() for _ in range(2)]
    answers = []
    for tab in reversed(tabs):  # the tab prepared last is signed first; then the other tab
        cms = key.create_cms(base64.b64decode(tab["data"]), attached=False, signing_time=signing_time_for(app))
        answers.append(head.post(f"{base}/finish", json={"token": tab["token"],
                                                         "cms": base64.b64encode(cms).decode()}))
    assert answers[0].status_code == 200
    assert answers[1].status_code == 409 and answers[1].get_json()["error"]
    assert answers[1].get_json()["code"] in ("draft_changed", "changed_meanwhile")
    assert audit_count(app, app_id, "approve") == 1


@pytest.fixture
def live(app: Flask) -> Iterator[str]:
    """Serve the app on a loopback port with a thread per request; return its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


def browser(base: str, who: demo.DemoAccount) -> urllib.request.OpenerDirector:
    """Return a cookie-keeping HTTP client signed in as this person (redirects are not followed)."""
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            return None
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
                                         NoRedirect())
    assert post(opener, f"{base}/auth/sign-in", {"iin": who.iin, "password": who.password})[0] == 302
    assert get(opener, f"{base}/lang/en")[0] == 302
    return opener


def get(opener: urllib.request.OpenerDirector, url: str) -> tuple[int, str]:
    """Fetch a page; return the status and the body."""
    try:
        with opener.open(url, timeout=60) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


def post(opener: urllib.request.OpenerDirector, url: str, data: dict) -> tuple[int, str]:
    """Post a form; return the status and the body."""
    try:
        with opener.open(url, data=urllib.parse.urlencode(data).encode(), timeout=60) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


def test_simultaneous_posts_against_a_live_server(app, citizen, second_clerk, live):
    ids = [submitted_request(app, citizen) for _ in range(4)]
    clerks = [browser(live, account("office_clerk")), browser(live, second_clerk)]
    for n, app_id in enumerate(ids):
        card = f"{live}/backoffice/requests/{app_id}"
        versions = [seen_version(get(c, card)[1]) for c in clerks]
        # half the rounds post without the version (a page from before the field existed): then the
        # database itself must catch the collision (a stale row version, or SQLite's busy snapshot)
        forms = [{"action": "register", **({"version": v} if n % 2 == 0 else {})} for v in versions]
        start = threading.Barrier(2)
        answers: list[tuple[int, str]] = []

        def take(clerk: urllib.request.OpenerDirector, form: dict) -> None:
            start.wait()
            answers.append(post(clerk, card, form))

        threads = [threading.Thread(target=take, args=pair) for pair in zip(clerks, forms)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        assert sorted(status for status, _ in answers) == [302, 409], [a[1][:300] for a in answers]
        loser = next(body for status, body in answers if status == 409)
        assert "Changed meanwhile" in loser or (n % 2 and "not yours to take" in loser), loser[:500]
        assert audit_count(app, app_id, "register") == 1
    with app.extensions["portal"].sessions() as s:
        assert {a.stage for a in s.scalars(select(Application).where(Application.id.in_(ids)))} == {"registered"}
