"""Headers on every answer: a CSP that forbids inline code, and no caching of anything personal.

A crawler follows every same-site link it can reach as anonymous, citizen and each staff role,
with a request taken to a signed result, and checks each answer's headers and the HTML itself.
"""
from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal import demo
from portal.app import CONTENT_SECURITY_POLICY, create_app
from portal.config import ROOT, Config
from tests.conftest import staff_client
from tests.eds_helpers import announce, signer
from tests.factories import submitted_request
from tests.web.test_backoffice import work_through

MAX_PAGES = 150


class InlineCode(HTMLParser):
    """Collect links and every piece of inline script or style a strict CSP would block."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.inline: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Record links; flag <style>, inline <script>, style="" and on*="" attributes, javascript: URLs."""
        named = dict(attrs)
        if tag == "style":
            self.inline.append("<style>")
        if tag == "script" and not named.get("src"):
            self._in_script = True
            self.inline.append("<script> without src")
        for name, value in attrs:
            if name == "style":
                self.inline.append(f"<{tag} style=...>")
            if name.startswith("on"):
                self.inline.append(f"<{tag} {name}=...>")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith("javascript:"):
                self.inline.append(f"<{tag} {name}=javascript:...>")
        if tag in ("a", "link") and named.get("href"):
            self.links.append(str(named["href"]))

    def handle_endtag(self, tag: str) -> None:
        """Leave a script."""
        if tag == "script":
            self._in_script = False


def inline_code(html: str) -> tuple[list[str], list[str]]:
    """Return (links, inline code found) of a page."""
    parser = InlineCode()
    parser.feed(html)
    return parser.links, parser.inline


def crawl(client: FlaskClient, start: list[str]) -> dict[str, tuple[int, dict, str]]:
    """Follow same-site GET links from the start pages; return each URL's status, headers and body."""
    seen: dict[str, tuple[int, dict, str]] = {}
    todo = list(start)
    while todo and len(seen) < MAX_PAGES:
        url = todo.pop(0)
        if url in seen or url.startswith(("/auth/sign-out", "/lang/")):
            continue
        response = client.get(url)
        body = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
        seen[url] = (response.status_code, dict(response.headers), body)
        if response.mimetype != "text/html":
            continue
        links, _ = inline_code(body)
        for link in links:
            parts = urlsplit(urljoin(url, link))
            if parts.netloc in ("", "localhost", "portal.test") and not parts.path.startswith("/static/"):
                todo.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return seen


def check_answers(who: str, seen: dict[str, tuple[int, dict, str]]) -> None:
    """Assert the headers and the absence of inline code on every crawled answer."""
    for url, (status, headers, body) in seen.items():
        where = f"{who} {url} ({status})"
        assert "Content-Security-Policy" in headers, where
        if not url.startswith("/pki/"):  # the CA's public certificates and CRL carry nobody's data
            assert "no-store" in headers.get("Cache-Control", ""), where
        if headers.get("Content-Type", "").startswith("text/html"):
            assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY, where
            assert "<html" in body, where
            _, inline = inline_code(body)
            assert inline == [], (where, inline)


@pytest.fixture
def decided(app: Flask, citizen: FlaskClient) -> int:
    """Return a request taken all the way to a signed result that was sent."""
    app_id = submitted_request(app, citizen)
    work_through(app, app_id, {"decision": "permitted"})
    submitted_request(app, citizen)  # and one still waiting in the queue
    return app_id


def test_every_reachable_page_has_the_csp_and_no_inline_code(app: Flask, citizen: FlaskClient, decided: int):
    reached: set[str] = set()
    anonymous = crawl(app.test_client(), ["/", "/auth/sign-in", "/auth/register", "/auth/eds", "/verify/",
                                          "/no-such-page"])
    check_answers("anonymous", anonymous)
    reached |= set(anonymous)
    draft = int(citizen.post("/apply/teacher_attestation/start").headers["Location"].rstrip("/").split("/")[-1])
    citizen_pages = crawl(citizen, ["/", "/cabinet/", f"/cabinet/requests/{decided}", f"/apply/{decided}",
                                    f"/apply/{draft}", f"/apply/{draft}/review"])
    check_answers("citizen", citizen_pages)
    assert demo.CITIZEN.full_name in citizen_pages["/cabinet/"][2]  # the crawl was signed in
    reached |= set(citizen_pages)
    for role in ("office_clerk", "head", "executor"):
        pages = crawl(staff_client(app, role), ["/backoffice/", f"/backoffice/requests/{decided}"])
        check_answers(role, pages)
        reached |= set(pages)
    # the crawl really went through the personal pages and files, not only the public ones
    for expected in ("/cabinet/", f"/cabinet/requests/{decided}", f"/cabinet/requests/{decided}/result.pdf",
                     f"/cabinet/requests/{decided}/application.pdf", f"/backoffice/requests/{decided}",
                     f"/backoffice/requests/{decided}/result.pdf", "/services/external_study"):
        assert expected in reached, expected
    assert any("/attachments/" in url for url in reached)
    assert citizen_pages[f"/apply/{draft}"][0] == 200 and "<form" in citizen_pages[f"/apply/{draft}"][2]
    assert any(url.startswith("/verify/") and len(url) > len("/verify/") for url in reached)


def test_json_with_personal_data_is_not_cached(app: Flask, citizen: FlaskClient):
    r = citizen.post("/apply/external_study/start")
    app_id = int(r.headers["Location"].rstrip("/").split("/")[-1])
    from tests.factories import fill_form, pdf_bytes
    import io
    data = {**fill_form(app), "doc_medical_035": (io.BytesIO(pdf_bytes()), "scan.pdf"), "next": "review"}
    assert citizen.post(f"/apply/{app_id}", data=data, content_type="multipart/form-data").status_code == 302
    prepared = citizen.post(f"/apply/{app_id}/sign/prepare", json=announce(signer(app, demo.CITIZEN.iin), consent=True))
    assert prepared.status_code == 200 and prepared.is_json and len(prepared.get_json()["data"]) > 1000
    assert "no-store" in prepared.headers["Cache-Control"]
    challenge = app.test_client().post("/auth/eds/challenge", json={})
    assert challenge.is_json and "no-store" in challenge.headers["Cache-Control"]


def test_public_ca_files_stay_cacheable_and_static_files_carry_the_csp(app: Flask):
    client = app.test_client()
    assert client.get("/pki/root.cer").headers["Cache-Control"].startswith("public")
    script = client.get("/static/eds/signer.js")
    assert script.status_code == 200 and script.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert client.get("/static/eds/demo.html").status_code == 404  # the signer's test page is the tests' own


def test_the_signers_test_page_is_free_of_inline_code():
    _, inline = inline_code((ROOT / "tests" / "eds_js" / "demo" / "demo.html").read_text())
    assert inline == []


def test_every_template_is_free_of_inline_code():
    for path in sorted((ROOT / "templates").rglob("*.html")):
        _, inline = inline_code(path.read_text())
        assert inline == [], (path.name, inline)


def test_hsts_only_when_served_over_https(app: Flask, tmp_path: Path, database_url: str, instance_dir: Path):
    assert "Strict-Transport-Security" not in app.test_client().get("/").headers
    secure = create_app(Config(instance_dir=instance_dir, database_url=database_url, testing=True,
                               secure_cookies=True, public_url="https://portal.test"))
    header = secure.test_client().get("/", base_url="https://portal.test").headers["Strict-Transport-Security"]
    assert header == "max-age=31536000; includeSubDomains"
    secure.extensions["portal"].sessions.kw["bind"].dispose()
