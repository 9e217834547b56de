"""Deny by default: every endpoint needs a signed-in person unless portal.access lists it as public."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Blueprint, Flask
from flask.testing import FlaskClient
from lxml import html as lxml_html
from werkzeug.routing import IntegerConverter, Rule

from portal import demo
from portal.access import PUBLIC_ENDPOINTS, ROLES_OF
from portal.app import create_app
from portal.domain.models import Role
from tests.conftest import account, sign_in

#: answered by Flask itself, never by a view
SKIPPED_METHODS = {"HEAD", "OPTIONS"}


def url_of(rule: Rule) -> str:
    """Return a URL that this rule matches: 1 for each number, a word for each other part."""
    values = {name: 1 if isinstance(rule._converters[name], IntegerConverter) else "portal.css"
              for name in rule.arguments}
    built = rule.build(values)
    assert built is not None, rule.rule
    return built[1]


def calls(app: Flask, public: bool) -> list[tuple[str, str, str]]:
    """Return (endpoint, method, url) for every route of the app that is (not) public."""
    found = []
    for rule in app.url_map.iter_rules():
        if (rule.endpoint in PUBLIC_ENDPOINTS) != public:
            continue
        for method in sorted((rule.methods or set()) - SKIPPED_METHODS):
            found.append((rule.endpoint, method, url_of(rule)))
    return found


def sent_to_sign_in(response, url: str) -> bool:  # type: ignore[no-untyped-def]
    """Tell whether the answer is the redirect to sign-in that comes back to `url`."""
    if response.status_code != 302:
        return False
    target = urlsplit(response.headers["Location"])
    return target.path == "/auth/sign-in" and parse_qs(target.query).get("next", [""])[0].startswith(url)


def test_the_public_list_names_only_existing_endpoints(app: Flask):
    assert PUBLIC_ENDPOINTS <= set(app.view_functions), PUBLIC_ENDPOINTS - set(app.view_functions)
    assert set(ROLES_OF) <= set(app.blueprints), set(ROLES_OF) - set(app.blueprints)


def test_every_private_endpoint_sends_an_anonymous_visitor_to_sign_in(app: Flask):
    private = calls(app, public=False)
    assert {"apply.sign_finish", "cabinet.index", "backoffice.card"} <= {e for e, _, _ in private}
    anonymous = app.test_client()
    for endpoint, method, url in private:
        r = anonymous.open(url, method=method)
        assert sent_to_sign_in(r, url), (endpoint, method, url, r.status_code, r.headers.get("Location"))


def test_every_private_endpoint_answers_anonymous_json_with_a_translated_401(app: Flask):
    anonymous = app.test_client()
    anonymous.get("/lang/ru")
    for endpoint, method, url in calls(app, public=False):
        r = anonymous.open(url, method=method, json={})
        assert r.status_code == 401, (endpoint, method, url, r.status_code)
        assert r.get_json() == {"code": "sign_in_required", "error": "Чтобы продолжить, войдите в систему."}, \
            (endpoint, r.get_json())


def _person_of(role: str) -> demo.DemoAccount:
    """Return a demo account with this role."""
    return demo.CITIZEN if role == Role.applicant else account(role)


@pytest.mark.parametrize("blueprint", sorted(ROLES_OF))
def test_each_restricted_blueprint_refuses_other_roles_and_admits_its_own(app: Flask, blueprint: str):
    routes = [c for c in calls(app, public=False) if c[0].startswith(f"{blueprint}.")]
    assert routes, blueprint
    for role in (Role.applicant, Role.office_clerk, Role.head, Role.executor):
        client = sign_in(app.test_client(), _person_of(role))
        for endpoint, method, url in routes:
            r = client.open(url, method=method)
            if role in ROLES_OF[blueprint]:  # let through: what answers is the view (here: no such request)
                assert r.status_code != 403 and not sent_to_sign_in(r, url), (role, endpoint, r.status_code)
            else:
                assert r.status_code == 403, (role, endpoint, method, r.status_code)
                assert client.open(url, method=method, json={}).get_json()["code"] == "forbidden"


def test_a_citizen_sees_the_refusal_page_in_the_back_office(app: Flask, citizen: FlaskClient):
    citizen.get("/lang/en")
    r = citizen.get("/backoffice/")
    assert r.status_code == 403 and "This page is not for your account." in r.get_data(as_text=True)


def test_public_endpoints_answer_without_a_session(app: Flask):
    public = calls(app, public=True)
    assert {e for e, _, _ in public} == set(PUBLIC_ENDPOINTS)
    anonymous = app.test_client()
    for endpoint, method, url in public:
        r = anonymous.open(url, method=method)
        assert r.status_code not in (401, 403) and not sent_to_sign_in(r, url), (endpoint, method, r.status_code)
    assert "sign-in" not in anonymous.get("/").headers.get("Location", "")
    assert anonymous.get("/static/portal.css").status_code == 200


def test_a_new_blueprint_is_private_until_listed(database_url: str, instance_dir, engine):  # type: ignore[no-untyped-def]
    from portal.config import Config
    fresh = create_app(Config(instance_dir=instance_dir, database_url=database_url, testing=True,
                              csrf_enabled=False, public_url="http://portal.test"))
    extra = Blueprint("extra", __name__, url_prefix="/extra")
    extra.add_url_rule("/", "page", lambda: "secret page")
    fresh.register_blueprint(extra)
    try:
        r = fresh.test_client().get("/extra/")
        assert sent_to_sign_in(r, "/extra/") and "secret page" not in r.get_data(as_text=True)
    finally:
        fresh.extensions["portal"].sessions.kw["bind"].dispose()


def test_a_signed_out_browser_is_anonymous_for_json_steps(app: Flask, citizen: FlaskClient):
    citizen.post("/auth/sign-out")
    r = citizen.post("/apply/1/sign/prepare", json={})
    assert r.status_code == 401 and r.get_json()["code"] == "sign_in_required"


def test_a_signed_out_link_says_why_it_asks_to_sign_in_and_comes_back(app: Flask):
    """A cabinet link opened signed out lands on the sign-in page with a reason, then on the page itself."""
    client = app.test_client()
    client.get("/lang/en")
    response = client.get("/cabinet/")
    assert response.status_code == 302 and "/auth/sign-in?next=/cabinet/" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert '<div class="flash info" role="status" id="sign-in-reason">Please sign in to continue.</div>' in page
    assert "sign-in-reason" not in client.get("/auth/sign-in").get_data(as_text=True)  # asked for itself: no reason
    back = client.post(response.headers["Location"], data={"iin": demo.CITIZEN.iin, "password": demo.CITIZEN.password})
    assert back.status_code == 302 and back.headers["Location"].endswith("/cabinet/")
    assert "Please sign in to continue." not in client.get("/cabinet/").get_data(as_text=True)


def test_every_page_names_the_portals_icon_and_the_conventional_address_leads_to_it(app: Flask):
    client = app.test_client()
    icon = lxml_html.fromstring(client.get("/").get_data(as_text=True)).xpath("//link[@rel='icon']/@href")
    assert icon == ["/static/favicon.svg"]
    served = client.get(icon[0])
    assert served.status_code == 200 and served.mimetype == "image/svg+xml" and b"<svg" in served.data
    moved = client.get("/favicon.ico")
    assert moved.status_code == 301 and moved.headers["Location"].endswith("/static/favicon.svg")
