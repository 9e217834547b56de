"""The cabinet keeps its rendered list only while the database's stamp and the clock say it still holds."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from flask import Flask
from flask_login import login_user
from lxml import html
from markupsafe import Markup
from sqlalchemy import delete, insert, select, text, update

from portal import clock, demo
from portal.cabinet.listings import Listings, cabinet_listing
from portal.domain.models import Application, Attachment, Notification, Person, Provider, ResultDocument
from portal.domain.queues import parse_key
from portal.web import db
from portal.web_templates import words_expire
from tests.conftest import MONDAY_10, demo_app, sign_in
from tests.web.test_queue_pages import add_requests, statements_of

#: the tables migration 0029 watches
WATCHED = ("applications", "attachments", "notifications", "providers", "result_documents")


def rows(client, url: str = "/cabinet/") -> list[str]:  # type: ignore[no-untyped-def]
    """Return the text of each row of the cabinet's list."""
    page = html.fromstring(client.get(url).get_data(as_text=True))
    return [" ".join(tr.text_content().split()) for tr in page.xpath("//table[@id='requests']/tbody/tr")]


def stamps(app: Flask) -> dict[str, int]:
    """Return the cabinet stamp of every person, by IIN."""
    with app.extensions["portal"].sessions() as s:
        return dict(s.execute(select(Person.iin, Person.cabinet_stamp)).all())


def change(app: Flask, *statements) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Run statements in their own transaction (as another worker would); return by how much each stamp rose."""
    before = stamps(app)
    with app.extensions["portal"].sessions() as s:
        for statement in statements:
            s.execute(statement)
        s.commit()
    return {iin: stamp - before[iin] for iin, stamp in stamps(app).items() if stamp != before[iin]}


def test_a_second_view_reads_only_the_person_and_shows_the_same_list(app: Flask, citizen):
    add_requests(app, 3)
    first = rows(citizen)
    selects = [s for s in statements_of(app, citizen, "/cabinet/") if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 1 and "FROM people" in selects[0]
    assert rows(citizen) == first and len(first) == 3


def test_a_page_key_with_an_offset_names_the_same_moment_as_without():
    # the kept list is found by the page key: two spellings of one key must be one page, not two queries
    assert parse_key("2026-11-23T05:00:00+00:00_42") == parse_key("2026-11-23T10:00:00+05:00_42") \
        == parse_key("2026-11-23T10:00:00_42") == (datetime(2026, 11, 23, 10), 42)


def test_every_change_a_cabinet_shows_raises_its_owners_stamp_whoever_writes_it(app: Flask):
    ids = add_requests(app, 2)
    mine = demo.CITIZEN.iin
    with app.extensions["portal"].sessions() as s:
        me = s.scalar(select(Person.id).where(Person.iin == mine))
        where = s.scalar(select(Application.provider_id).where(Application.id == ids[0]))
        elsewhere = s.scalar(select(Provider.id).where(Provider.id != where))
    at = MONDAY_10
    assert change(app, update(Application).where(Application.id == ids[0]).values(stage="registration")) == {mine: 1}
    assert change(app, insert(Notification).values(application_id=ids[0], recipient_id=me, code="registered",
                                                   params={}, created_at=at)) == {mine: 1}
    assert change(app, update(Notification).where(Notification.recipient_id == me).values(read_at=at)) == {mine: 1}
    scan = dict(application_id=ids[1], kind="identity", original_name="id.pdf", content_type="application/pdf",
                size=1, sha256="0" * 64, uploaded_at=at)
    assert change(app, insert(Attachment).values(**scan)) == {mine: 1}
    assert change(app, delete(Attachment).where(Attachment.application_id == ids[1])) == {mine: 1}
    assert change(app, insert(ResultDocument).values(application_id=ids[0], number="R-1", decision="permitted",
                                                     sha256="0" * 64, size=1, signer_label="x", signed_at=at)) \
        == {mine: 1}
    # the provider's hours are its requests' calendar; its name is not on the list, nor another provider's hours
    assert change(app, update(Provider).where(Provider.id == where).values(closes="17:00")) == {mine: 1}
    assert change(app, update(Provider).where(Provider.id == where).values(name_en="Renamed")) == {}
    assert change(app, update(Provider).where(Provider.id == elsewhere).values(closes="17:00")) == {}


def test_every_table_a_cabinet_shows_has_its_stamp_triggers_after_the_migrations(app: Flask):
    engine = app.extensions["portal"].sessions.kw["bind"]
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            found = conn.scalars(text("SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                                      "WHERE t.tgname LIKE 'cabinet_stamp_%'")).all()
        else:
            found = conn.scalars(text("SELECT DISTINCT tbl_name FROM sqlite_master WHERE type = 'trigger' "
                                      "AND name LIKE 'cabinet_stamp_%'")).all()
    assert sorted(found) == sorted(WATCHED)


def test_a_change_committed_elsewhere_shows_on_the_next_view(app: Flask, citizen):
    ids = add_requests(app, 2)
    before = rows(citizen)
    assert all("23.11.2026 10:00" in row for row in before)
    change(app, update(Application).where(Application.id == ids[0]).values(deadline_at=datetime(2026, 12, 14, 10)))
    after = rows(citizen)
    assert after != before and sum("14.12.2026 10:00" in row for row in after) == 1


def test_reading_a_request_clears_its_count_from_the_list(app: Flask, citizen):
    ids = add_requests(app, 1)
    with app.extensions["portal"].sessions() as s:
        me = s.scalar(select(Person.id).where(Person.iin == demo.CITIZEN.iin))
    change(app, insert(Notification).values(application_id=ids[0], recipient_id=me, code="registered",
                                            params={"number": "EXT-1"}, created_at=MONDAY_10))
    badge = "//table[@id='requests']//span[@class='badge']"
    assert html.fromstring(citizen.get("/cabinet/").get_data(as_text=True)).xpath(badge)
    assert citizen.get(f"/cabinet/requests/{ids[0]}").status_code == 200
    assert not html.fromstring(citizen.get("/cabinet/").get_data(as_text=True)).xpath(badge)


def test_the_list_follows_the_clock_with_nothing_written(app: Flask, citizen):
    ids = add_requests(app, 1)
    change(app, update(Application).where(Application.id == ids[0]).values(deadline_at=datetime(2026, 11, 25, 18)))
    citizen.get("/lang/en")

    def deadline_at(moment: datetime) -> str:
        with clock.pinned(moment):
            sign_in(citizen, demo.CITIZEN)  # a day later the session has ended: the list is the same person's
            return rows(citizen)[0]

    assert "2 working days left" in deadline_at(MONDAY_10)
    assert "1 working day left" in deadline_at(datetime(2026, 11, 24, 9, 0))
    assert "60 working minutes left" in deadline_at(datetime(2026, 11, 25, 17, 0))
    assert "59 working minutes left" in deadline_at(datetime(2026, 11, 25, 17, 0, 1))
    assert "overdue" in deadline_at(datetime(2026, 11, 25, 18, 0, 1))
    assert "2 working days left" in deadline_at(MONDAY_10)


def test_the_list_is_kept_in_each_language(app: Flask, citizen):
    add_requests(app, 1)
    citizen.get("/lang/en")
    assert "working minutes left" in rows(citizen)[0]
    citizen.get("/lang/ru")
    assert "working minutes left" not in rows(citizen)[0]
    citizen.get("/lang/en")
    assert "working minutes left" in rows(citizen)[0]


def test_a_deadline_reads_the_same_until_the_moment_words_expire_gives():
    monday = datetime(2026, 11, 23, 10)
    assert words_expire(monday, 3) == datetime(2026, 11, 24)
    assert words_expire(monday, 0) == monday + timedelta(microseconds=1)
    assert words_expire(monday, -1) is None


@pytest.mark.parametrize("offset, shown", [(-1, False), (0, True), (59, True), (60, False)])
def test_a_kept_list_holds_from_its_rendering_until_it_expires(offset: int, shown: bool):
    kept, at = Listings(10), datetime(2026, 11, 23, 10)
    kept.keep("me", 7, Markup("<tr>"), at, [None, at + timedelta(seconds=60), at + timedelta(days=1)])
    assert (kept.get("me", 7, at + timedelta(seconds=offset)) is not None) is shown
    assert kept.get("me", 8, at) is None


def test_a_worker_keeps_at_most_its_size_dropping_the_least_recently_shown():
    kept, at = Listings(size=2), datetime(2026, 11, 23, 10)
    for key in "abc":
        kept.keep(key, 1, Markup(key), at, [])
        kept.get("a", 1, at)
    assert [kept.get(key, 1, at) for key in "abc"] == [Markup("a"), None, Markup("c")]


def test_a_portal_told_to_keep_no_lists_reads_the_requests_on_every_view(database_url, instance_dir, engine):
    for app in demo_app(database_url, instance_dir, engine, cabinet_lists_kept=0):
        citizen = sign_in(app.test_client(), demo.CITIZEN)
        add_requests(app, 2)
        for _ in range(2):
            selects = [s for s in statements_of(app, citizen, "/cabinet/") if s.lstrip().upper().startswith("SELECT")]
            assert len(selects) == 2 and "FROM applications" in selects[1]


def test_a_request_that_has_written_neither_keeps_nor_uses_a_kept_list(app: Flask, citizen):
    ids = add_requests(app, 1)
    assert len(rows(citizen)) == 1  # kept under the person's stamp
    with app.test_request_context("/cabinet/"):
        person = db().scalar(select(Person).where(Person.iin == demo.CITIZEN.iin))
        login_user(person)
        kept = dict(app.extensions["cabinet_listings"]._kept)
        db().execute(update(Application).where(Application.id == ids[0]).values(number="EXT-2026-999999"))
        assert "EXT-2026-999999" in cabinet_listing(person, None)  # not the kept list: this request changed it
        db().rollback()
        assert app.extensions["cabinet_listings"]._kept == kept  # and what it rendered was never committed
    assert "EXT-2026-999999" not in " ".join(rows(citizen))
