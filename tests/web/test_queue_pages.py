"""The back-office queue: what awaits me and all requests, by deadline, keyset pages, a constant query count."""
from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from lxml import html
from sqlalchemy import event, select

from portal import demo
from portal.domain import queues
from portal.domain.models import Application, Person, Provider
from tests.conftest import MONDAY_10, account, staff_client


def add_requests(app: Flask, count: int, stage: str = "submitted", provider: str = "petropavl",
                 executor: demo.DemoAccount | None = None) -> list[int]:
    """Insert submitted external-study requests with distinct deadlines (some equal, to test the keyset)."""
    with app.extensions["portal"].sessions() as s:
        applicant = s.scalar(select(Person).where(Person.iin == demo.CITIZEN.iin))
        where = s.scalar(select(Provider).where(Provider.code == provider))
        executor_id = s.scalar(select(Person.id).where(Person.iin == executor.iin)) if executor else None
        start = s.scalar(select(Application.id).order_by(Application.id.desc()).limit(1)) or 0
        apps = [Application(service_code="external_study", catalog_version=1, applicant_id=applicant.id,
                            provider_id=where.id, stage=stage, form={}, executor_id=executor_id,
                            number=f"EXT-2026-{start + i + 1:06d}", submitted_at=MONDAY_10,
                            deadline_at=MONDAY_10 + timedelta(hours=i // 2), created_at=MONDAY_10,
                            updated_at=MONDAY_10) for i in range(count)]
        s.add_all(apps)
        s.commit()
        return [a.id for a in apps]


def numbers(client: FlaskClient, url: str) -> tuple[list[str], str | None, dict[str, str]]:
    """Return a queue page's request numbers, its next-page link and its tabs' labels."""
    page = html.fromstring(client.get(url).get_data(as_text=True))
    next_link = page.xpath("//a[@id='next-page']/@href")
    tabs = {a.get("id"): a.text_content() for a in page.xpath("//nav[@id='queue-tabs']/a")}
    return [t.strip() for t in page.xpath("//table[@id='queue']/tbody/tr/td[1]/a/text()")], \
        (next_link[0] if next_link else None), tabs


def statements_for(app: Flask, client: FlaskClient, url: str) -> int:
    """Return how many SQL statements a page costs."""
    return len(statements_of(app, client, url))


def statements_of(app: Flask, client: FlaskClient, url: str) -> list[str]:
    """Return the SQL statements a page runs."""
    engine = app.extensions["portal"].sessions.kw["bind"]
    seen: list[str] = []

    def count(conn, cursor, statement, *args) -> None:  # type: ignore[no-untyped-def]
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return seen


def test_the_queue_costs_the_same_queries_for_three_requests_as_for_a_hundred_and_twenty(app: Flask):
    clerk = staff_client(app, "office_clerk")
    add_requests(app, 3)
    few = statements_for(app, clerk, "/backoffice/?tab=all")
    add_requests(app, 117)
    assert statements_for(app, clerk, "/backoffice/?tab=all") == few
    assert statements_for(app, clerk, "/backoffice/") == few


def test_keyset_pages_walk_every_request_once_by_deadline(app: Flask):
    added = add_requests(app, 120)
    clerk = staff_client(app, "office_clerk")
    seen, url, pages = [], "/backoffice/", 0
    while url:
        found, url, tabs = numbers(clerk, url)
        seen += found
        pages += 1
        assert "(120)" in tabs["tab-waiting"]
    assert pages == -(-120 // queues.PAGE) and len(seen) == len(set(seen)) == len(added)
    with app.extensions["portal"].sessions() as s:
        by_deadline = [a.number for a in s.scalars(select(Application).where(Application.id.in_(added))
                                                   .order_by(Application.deadline_at, Application.id))]
    assert seen == by_deadline


def test_each_role_awaits_its_own_step_and_an_executor_sees_only_their_own(app: Flask):
    add_requests(app, 4)  # waiting for the office to register
    add_requests(app, 3, stage="in_execution", executor=account("executor", "petropavl"))
    add_requests(app, 2, stage="in_execution", executor=demo.SECOND_EXECUTOR)
    add_requests(app, 5, provider="aiyrtau")  # another provider's: nobody here sees them
    clerk, head, executor = (english(staff_client(app, role)) for role in ("office_clerk", "head", "executor"))
    second = sign_in_second_executor(app)
    assert numbers(clerk, "/backoffice/")[2] == {"tab-waiting": "Awaiting me (4)", "tab-all": "All requests (9)"}
    assert numbers(head, "/backoffice/")[2] == {"tab-waiting": "Awaiting me (0)", "tab-all": "All requests (9)"}
    assert numbers(executor, "/backoffice/")[2] == {"tab-waiting": "Awaiting me (3)", "tab-all": "All requests (3)"}
    assert numbers(second, "/backoffice/")[2] == {"tab-waiting": "Awaiting me (2)", "tab-all": "All requests (2)"}
    assert len(numbers(executor, "/backoffice/?tab=all")[0]) == 3


def english(client: FlaskClient) -> FlaskClient:
    """Switch a client's interface to English."""
    client.get("/lang/en")
    return client


def sign_in_second_executor(app: Flask) -> FlaskClient:
    """Return a client of the second Petropavl executor, in English."""
    from tests.conftest import sign_in
    client = sign_in(app.test_client(), demo.SECOND_EXECUTOR)
    client.get("/lang/en")
    return client
