"""The cabinet lists a citizen's requests a keyset page at a time, for the same few queries however many."""
from __future__ import annotations

import re

from flask import Flask
from lxml import html
from sqlalchemy import select, update

from portal.domain.cabinet import CABINET_PAGE
from portal.domain.models import Application, Person
from portal import demo
from tests.web.test_queue_pages import add_requests, statements_for, statements_of


def listed(client, url: str) -> tuple[list[str], str | None]:  # type: ignore[no-untyped-def]
    """Return the request numbers a cabinet page lists and its next-page link."""
    page = html.fromstring(client.get(url).get_data(as_text=True))
    link = page.xpath("//a[@id='next-page']/@href")
    return [t.strip() for t in page.xpath("//table[@id='requests']/tbody/tr/td[1]/a/text()")], (link[0] if link else None)


def test_the_cabinet_costs_the_same_queries_for_three_requests_as_for_sixty(app: Flask, citizen):
    add_requests(app, 3, stage="completed")
    few = statements_for(app, citizen, "/cabinet/")
    add_requests(app, 57, stage="completed")
    assert statements_for(app, citizen, "/cabinet/") == few <= 10


def test_a_page_without_drafts_reads_the_person_and_then_their_requests_with_every_count_in_one_query(
        app: Flask, citizen):
    add_requests(app, 3, stage="completed")
    selects = [s for s in statements_of(app, citizen, "/cabinet/") if s.lstrip().upper().startswith("SELECT")]
    # the signed-in person with all their unread notes (the navigation's); their requests (joined: provider,
    # result), counting in the same query each one's unread notes and the centre's requests held back until an
    # EDS sign-in. No scans: no draft on the page, and the applicant is not joined again to each row
    assert len(selects) == 2 and re.search(r"\sFROM people\b", selects[0]), selects
    assert selects[0].count("FROM notifications") == 1
    assert selects[1].count("FROM notifications") == 1 and selects[1].count("FROM applications") == 2
    assert not re.search(r"JOIN people\b", selects[1]) and "attachments" not in " ".join(selects)


def test_a_mounted_cabinet_links_each_request_under_its_root(app: Flask, citizen):
    added = add_requests(app, 3, stage="completed")
    for root in ("/edu", "", "/edu"):
        page = html.fromstring(citizen.get("/cabinet/", environ_overrides={"SCRIPT_NAME": root}).get_data(as_text=True))
        assert sorted(page.xpath("//table[@id='requests']/tbody/tr/td[1]/a/@href")) == \
            sorted(f"{root}/cabinet/requests/{i}" for i in added)


def test_keyset_pages_walk_every_request_once_newest_change_first(app: Flask, citizen):
    added = add_requests(app, 2 * CABINET_PAGE + 5)
    seen, url, pages = [], "/cabinet/", 0
    while url:
        found, url = listed(citizen, url)
        seen += found
        pages += 1
    assert pages == 3 and len(seen) == len(set(seen)) == len(added)
    with app.extensions["portal"].sessions() as s:
        expected = list(s.scalars(select(Application.number).where(Application.id.in_(added))
                                  .order_by(Application.updated_at.desc(), Application.id.desc())))
    assert seen == expected


def test_a_centres_requests_wait_for_an_eds_sign_in_and_are_counted(app: Flask, citizen):
    ours = add_requests(app, 2)
    with app.extensions["portal"].sessions() as s:
        s.execute(update(Application).where(Application.id == ours[0]).values(channel="state_corporation"))
        s.commit()
    citizen.get("/lang/en")
    page = html.fromstring(citizen.get("/cabinet/").get_data(as_text=True))
    assert len(page.xpath("//table[@id='requests']/tbody/tr")) == 1
    assert "1 request was filed for your IIN" in page.xpath("string(//div[@id='hidden-requests'])")
    with app.extensions["portal"].sessions() as s:
        s.execute(update(Person).where(Person.iin == demo.CITIZEN.iin).values(eds_verified_at=Person.created_at))
        s.commit()
    page = html.fromstring(citizen.get("/cabinet/").get_data(as_text=True))
    assert len(page.xpath("//table[@id='requests']/tbody/tr")) == 2 and not page.xpath("//div[@id='hidden-requests']")


def test_signing_a_request_leads_to_a_confirmation_with_its_number_deadline_and_next_steps(app: Flask, citizen):
    from tests.eds_helpers import signer
    from tests.web.test_unit_of_work import draft_ready, signed_body
    citizen.get("/lang/en")
    app_id = draft_ready(app, citizen)
    assert citizen.get(f"/cabinet/requests/{app_id}/submitted").status_code == 302  # a draft has nothing to confirm
    body = signed_body(citizen, f"/apply/{app_id}/sign/prepare", signer(app, demo.CITIZEN.iin), consent=True)
    finished = citizen.post(f"/apply/{app_id}/sign/finish", json=body)
    assert finished.status_code == 200 and finished.get_json()["redirect"] == f"/cabinet/requests/{app_id}/submitted"
    page = html.fromstring(citizen.get(finished.get_json()["redirect"]).get_data(as_text=True))
    with app.extensions["portal"].sessions() as s:
        number = s.get(Application, app_id).number
    assert page.xpath("string(//*[@id='registration-number'])") == number
    assert "has been signed and submitted" in page.xpath("string(//*[contains(@class, 'flash')])")
    deadline = page.xpath("string(//*[@id='submitted-deadline'])")
    assert "working days left" in deadline and deadline[:2].isdigit()
    steps = [" ".join(li.text_content().split()) for li in page.xpath("//ol[@id='next-steps']/li")]
    assert steps[0].startswith("Receive") and "office clerk" in steps[0].lower() and "15 minutes" in steps[0], steps
    assert any("working days" in s for s in steps) and len(steps) >= 4, steps
    assert page.xpath("//a[@id='to-request']/@href") == [f"/cabinet/requests/{app_id}"]


def test_a_draft_in_the_cabinet_counts_what_is_left_before_it_can_be_signed(app: Flask, citizen):
    from portal.domain.applications import problems
    r = citizen.post("/apply/external_study/start")
    draft_id = int(r.headers["Location"].rstrip("/").split("/")[-1])
    with app.extensions["portal"].sessions() as s:
        left = len(problems(s.get(Application, draft_id)))
    assert left >= 2
    citizen.get("/lang/en")
    page = html.fromstring(citizen.get("/cabinet/").get_data(as_text=True))
    row = page.xpath(f"//tr[.//a[contains(@href, '/apply/{draft_id}')]]")[0]
    cell = row.xpath("string(.//td[@class='outcome'])").strip()
    assert cell == f"Not submitted yet — {left} things left to do"
    assert row.xpath(".//td[@class='outcome']//a/@href") == [f"/apply/{draft_id}/review"]


def test_drafts_scans_are_read_in_one_query_however_many_drafts_the_page_shows(app: Flask, citizen):
    add_requests(app, 2, stage="completed")
    add_requests(app, 2, stage="draft")
    few = statements_of(app, citizen, "/cabinet/")
    add_requests(app, 15, stage="draft")
    many = statements_of(app, citizen, "/cabinet/")
    assert len(many) == len(few) and sum("FROM attachments" in s for s in many) == 1, many
    page = html.fromstring(citizen.get("/cabinet/").get_data(as_text=True))
    assert len(page.xpath("//table[@id='requests']/tbody/tr//a[contains(@href, '/review')]")) == 17  # each draft's list
