"""Every citizen-facing page, signed out and signed in, in the three languages: on a 360-pixel phone with no
sideways scrolling, and with no WCAG 2.1 A/AA violation that axe-core finds."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from portal import demo
from portal.domain.catalog import SERVICES
from portal.domain.models import ResultDocument
from tests.browser.test_cabinet_in_browser import cabinet_with_every_outcome
from tests.browser.test_full_path import shot, sign_in

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parent.parent / "vendor" / "axe-core" / "axe.min.js"
#: the rules of WCAG 2.0 and 2.1, levels A and AA
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
LANGUAGES = ("kk", "ru", "en")
#: the innermost elements reaching past the screen's right edge, to name in a failure
WIDEST = """(() => {
  const clipped = e => { for (let a = e.parentElement; a; a = a.parentElement)
    if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(a).overflowX)) return true; return false; };
  const past = e => e.getBoundingClientRect().right > 361 && !clipped(e);
  return [...document.body.querySelectorAll('*')].filter(e => past(e) && ![...e.children].some(past))
    .slice(0, 4).map(e => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}.${[...e.classList].join('.')} `
                          + `${Math.round(e.getBoundingClientRect().right)}px`);
})()"""


def public_pages(app) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Return the pages anyone may open, by a short name."""
    with app.extensions["portal"].sessions() as session:
        number = session.scalar(select(ResultDocument.number).limit(1))
    pages = {"catalog": "/", "sign-in": "/auth/sign-in", "register": "/auth/register", "eds-sign-in": "/auth/eds",
             "verify": "/verify/", "verified": f"/verify/{number}", "not-found": "/no-such-page",
             "sign-in-for-cabinet": "/cabinet/"}
    pages.update({f"service-{s.code}": f"/services/{s.code}" for s in SERVICES.values()})
    return pages


def citizen_pages(ids: dict[str, int]) -> dict[str, str]:
    """Return the demo citizen's own pages, by a short name."""
    return {"cabinet": "/cabinet/", "granted": f"/cabinet/requests/{ids['granted']}",
            "refused": f"/cabinet/requests/{ids['refused']}", "pending": f"/cabinet/requests/{ids['pending']}",
            "confirmation": f"/cabinet/requests/{ids['pending']}/submitted", "draft": f"/apply/{ids['draft']}",
            "review": f"/apply/{ids['draft']}/review", "catalog-signed-in": "/"}


def walk(app, page, base: str, visit) -> None:  # type: ignore[no-untyped-def]
    """Open every page signed out, then signed in as the demo citizen, in each language; call visit on each."""
    ids = cabinet_with_every_outcome(app)
    for lang in LANGUAGES:
        page.context.clear_cookies()
        page.goto(f"{base}/lang/{lang}")
        for name, path in public_pages(app).items():
            page.goto(base + path)
            visit(f"{name}-{lang}")
        for name, path in (("register-errors", "/auth/register"), ("sign-in-errors", "/auth/sign-in")):
            page.goto(base + path)
            page.click("form.form button[type=submit]")  # sent empty: the error summary and each field's error
            page.wait_for_selector(".error-summary")
            visit(f"{name}-{lang}")
        sign_in(page, base, demo.CITIZEN)
        for name, path in citizen_pages(ids).items():
            page.goto(base + path)
            visit(f"{name}-{lang}")
        page.goto(f"{base}/apply/{ids['draft']}")
        page.fill("#school", "")
        page.click("button[value=review]")  # the draft is kept as it is, and the review lists what is missing
        page.wait_for_selector("#missing")
        visit(f"review-missing-{lang}")
        page.goto(f"{base}/apply/{ids['draft']}")
        page.fill("#school", "№ 7 мектеп-гимназия")
        page.click("button[value=save]")


def test_every_page_fits_a_360_pixel_phone_without_scrolling_sideways(app, page, live_url):
    page.set_viewport_size({"width": 360, "height": 780})
    too_wide: dict[str, list[str]] = {}

    def visit(name: str) -> None:
        if page.evaluate("document.documentElement.scrollWidth") > 360:
            too_wide[name] = page.evaluate(WIDEST)
        if name.endswith("-en") and name.split("-")[0] in ("cabinet", "granted", "catalog", "draft"):
            shot(page, f"phone-{name}")

    walk(app, page, live_url, visit)
    assert too_wide == {}, json.dumps(too_wide, indent=1)


def test_axe_finds_no_wcag_21_aa_violation_on_any_page(app, page, live_url):
    script = AXE.read_text()
    found: dict[str, list[str]] = {}

    def violations() -> list[dict]:
        page.evaluate(script)  # through the DevTools protocol: the portal's CSP rightly forbids inline scripts
        return page.evaluate("opts => axe.run(document, opts)", {"runOnly": {"type": "tag", "values": WCAG_21_AA}})[
            "violations"]

    page.goto(live_url + "/")  # first, axe must see faults planted on purpose: an unnamed image and field
    page.evaluate("""document.querySelector('main').insertAdjacentHTML('beforeend',
        '<img src="/static/favicon.svg"><input type="text">')""")
    assert {v["id"] for v in violations()} >= {"image-alt", "label"}

    def visit(name: str) -> None:
        result = {"violations": violations()}
        problems = [f"{v['id']}: {v['help']} ({len(v['nodes'])}× e.g. {v['nodes'][0]['target']})"
                    for v in result["violations"]]
        if problems:
            found[name] = problems

    walk(app, page, live_url, visit)
    assert found == {}, json.dumps(found, ensure_ascii=False, indent=1)


def test_the_header_does_not_wrap_on_a_desktop_in_any_language(app, page, live_url):
    page.set_viewport_size({"width": 1024, "height": 768})
    for lang in LANGUAGES:
        page.context.clear_cookies()
        page.goto(f"{live_url}/lang/{lang}")
        sign_in(page, live_url, demo.CITIZEN)
        rows = {sel: page.evaluate(f"""[...document.querySelectorAll('{sel} > *')]
                    .map(e => Math.round(e.getBoundingClientRect().top))""") for sel in (".top-row", ".main-nav")}
        # each row's items stand side by side: the same top edge, give or take the font's baseline
        assert all(max(tops) - min(tops) <= 8 for tops in rows.values()), (lang, rows)
