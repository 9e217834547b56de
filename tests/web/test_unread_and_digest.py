"""The cabinet's unread count, and the staff's daily digest of what is due today and overdue."""
from __future__ import annotations

import re
from datetime import datetime, timedelta

from sqlalchemy import event, select

from portal import clock, demo
from portal.domain.models import Application, OutboxMessage, Person
from portal.mail.render import Letterhead, render
from portal.mail.sender import Worker
from portal.mail.transport import PickupDirectory
from tests.conftest import account, sign_in
from tests.factories import submitted_request
from tests.web.test_backoffice import do

TUESDAY_8 = datetime(2026, 11, 24, 8, 0)


def unread_shown(html: str) -> int | None:
    """Return the count the navigation shows, or None when it shows none."""
    found = re.search(r'id="unread-count"[^>]*>(\d+)<', html)
    return int(found.group(1)) if found else None


def test_the_navigation_counts_unread_notifications_until_the_request_is_opened(app, citizen):
    app_id = submitted_request(app, citizen)
    assert do(app, "office_clerk", app_id, "register").status_code == 302
    page = citizen.get("/cabinet/").get_data(as_text=True)
    assert unread_shown(page) == 2  # submitted, registered
    assert re.search(rf'/cabinet/requests/{app_id}">[^<]+</a> <span class="badge"[^>]*>2</span>', page)
    assert unread_shown(citizen.get("/").get_data(as_text=True)) == 2  # on every page

    detail = citizen.get(f"/cabinet/requests/{app_id}").get_data(as_text=True)
    assert unread_shown(detail) is None  # opening the request reads them
    notes = detail.split('id="notifications"')[1].split("</ol>")[0]
    assert notes.count('class="unread"') == 2  # and marks what was new on this visit
    page = citizen.get("/cabinet/").get_data(as_text=True)
    assert unread_shown(page) is None and "badge" not in page.split('id="requests"')[1]
    again = citizen.get(f"/cabinet/requests/{app_id}").get_data(as_text=True)
    assert 'class="unread"' not in again

    assert do(app, "head", app_id, "assign", {"executor_id": str(_id(app, account("executor").iin)),
                                              "resolution": "Қараңыз."}).status_code == 302
    assert unread_shown(citizen.get("/cabinet/").get_data(as_text=True)) == 1


def test_staff_pages_show_no_count(app, citizen):
    app_id = submitted_request(app, citizen)
    from tests.conftest import staff_client
    page = staff_client(app, "office_clerk").get(f"/backoffice/requests/{app_id}").get_data(as_text=True)
    assert "unread-count" not in page


def test_the_count_costs_one_query_whatever_the_number_of_requests(app, citizen):
    engine = app.extensions["portal"].sessions.kw["bind"]

    def queries_for_page() -> int:
        seen: list[str] = []
        listener = lambda *args: seen.append(args[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            assert citizen.get("/").status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return sum(1 for q in seen if "notifications" in q)

    assert queries_for_page() == 1
    submitted_request(app, citizen)
    submitted_request(app, citizen)
    assert queries_for_page() == 1


def test_a_signed_in_page_loads_the_person_and_their_count_in_one_statement(app, citizen):
    submitted_request(app, citizen)
    engine = app.extensions["portal"].sessions.kw["bind"]
    seen: list[str] = []
    listener = lambda *args: seen.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        page = citizen.get("/").get_data(as_text=True)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert unread_shown(page) == 1
    [statement] = [s for s in seen if not s.lstrip().upper().startswith(("BEGIN", "ROLLBACK", "COMMIT"))]
    assert "FROM people" in statement and "notifications" in statement


def _id(app, iin: str) -> int:  # type: ignore[no-untyped-def]
    with app.extensions["portal"].sessions() as s:
        return s.scalar(select(Person.id).where(Person.iin == iin))


def _set_locale(app, iin: str, locale: str) -> None:  # type: ignore[no-untyped-def]
    with app.extensions["portal"].sessions() as s:
        s.scalar(select(Person).where(Person.iin == iin)).locale = locale
        s.commit()


def digests(app) -> list[OutboxMessage]:  # type: ignore[no-untyped-def]
    with app.extensions["portal"].sessions() as s:
        rows = list(s.scalars(select(OutboxMessage).where(OutboxMessage.kind == "digest").order_by(OutboxMessage.id)))
        with app.app_context():
            texts = [render(r, Letterhead("noreply@portal.test", "http://portal.test")) for r in rows]
        s.expunge_all()
    return list(zip(rows, texts))


def test_the_digest_lists_what_is_overdue_and_due_today_once_a_day(app, citizen):
    late = submitted_request(app, citizen)  # the office clerk's registration is due at 10:15 on Monday
    clerk = account("office_clerk", "petropavl")
    _set_locale(app, clerk.iin, "en")
    clock.pin(TUESDAY_8)
    fresh = submitted_request(app, sign_in(app.test_client(), demo.CITIZEN))  # submitted before opening: due on Tuesday, within the day
    runner = app.test_cli_runner()
    result = runner.invoke(args=["staff-digest"])
    assert result.exit_code == 0 and "1 e-mail(s)" in result.output, result.output
    [(row, message)] = digests(app)
    assert row.recipient_id == _id(app, clerk.iin) and row.locale == "en"
    with app.extensions["portal"].sessions() as s:
        late_no, fresh_no = s.get(Application, late).number, s.get(Application, fresh).number
    text = message.get_body(("plain",)).get_content()
    assert "Requests due today and overdue, 24.11.2026: 2" == message["Subject"]
    assert re.search(rf"- {late_no} — .+ — overdue since 23\.11\.2026 10:15", text), text
    assert re.search(rf"- {fresh_no} — .+ — due by 24\.11\.2026 \d\d:\d\d", text), text
    assert text.index(late_no) < text.index(fresh_no)  # soonest first
    assert "http://portal.test/backoffice/" in text

    assert runner.invoke(args=["staff-digest"]).output.startswith("staff digest: 0")  # once a day
    clock.pin(TUESDAY_8 + timedelta(hours=9))
    assert runner.invoke(args=["staff-digest"]).output.startswith("staff digest: 0")
    clock.pin(TUESDAY_8 + timedelta(days=1))
    assert runner.invoke(args=["staff-digest"]).output.startswith("staff digest: 1")  # the next day's


def test_the_worker_writes_the_digest_at_eight(app, citizen, tmp_path):
    submitted_request(app, citizen)
    worker = Worker(app.extensions["portal"].sessions, PickupDirectory(tmp_path),
                    Letterhead("noreply@portal.test", "http://portal.test"), interval=1)
    clock.pin(TUESDAY_8 - timedelta(minutes=1))
    with app.app_context():
        worker.step()
        assert digests(app) == []
        clock.pin(TUESDAY_8)
        worker.step()
        worker.step()
        clock.pin(TUESDAY_8 + timedelta(hours=3))
        worker.step()
    [(row, _)] = digests(app)
    assert row.sent_at == TUESDAY_8
    assert len([p for p in tmp_path.glob("*.eml") if p.name.startswith(f"outbox.{row.id}.")]) == 1


def test_registering_in_russian_keeps_russian_for_the_e_mails(app):
    from tests.web.test_auth import NEW_IIN, register
    client = app.test_client()
    client.get("/lang/ru")
    assert register(client).status_code == 302
    with app.extensions["portal"].sessions() as s:
        assert s.scalar(select(Person.locale).where(Person.iin == NEW_IIN)) == "ru"
    client.post("/auth/sign-out")
    fresh = app.test_client()  # a new browser: the interface follows the person's own language after sign-in
    fresh.post("/auth/sign-in", data={"iin": NEW_IIN, "password": "long-enough-1"})
    assert '<html lang="ru">' in fresh.get("/cabinet/").get_data(as_text=True)
    fresh.get("/lang/en")
    with app.extensions["portal"].sessions() as s:
        assert s.scalar(select(Person.locale).where(Person.iin == NEW_IIN)) == "en"
