"""The back-office queue's filters and search: what they keep, what they count, what they never show."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from lxml import html
from sqlalchemy import select

from portal import demo
from portal.domain.audit_trail import represented_iin
from portal.domain.models import Application, Person, Provider
from portal.domain.queues import COUNT_CAP
from tests.conftest import MONDAY_10, account, staff_client
from tests.factories import submitted_request
from tests.web.test_queue_pages import english, statements_for

_serial = iter(range(1, 100_000))


def person(app: Flask, name: str, iin: str) -> int:
    """Insert an applicant and return their id."""
    with app.extensions["portal"].sessions() as s:
        p = Person(iin=iin, full_name=name, password_hash="-", created_at=MONDAY_10)
        s.add(p)
        s.commit()
        return p.id


def request(app: Flask, applicant_id: int, *, provider: str = "petropavl", service: str = "external_study",
            stage: str = "submitted", channel: str = "portal", deadline: timedelta = timedelta(days=2),
            submitted: datetime = MONDAY_10, executor_iin: str | None = None, completed: bool = False) -> str:
    """Insert a submitted request with what a filter looks at; return its number."""
    with app.extensions["portal"].sessions() as s:
        where = s.scalar(select(Provider).where(Provider.code == provider))
        executor = s.scalar(select(Person.id).where(Person.iin == executor_iin)) if executor_iin else None
        number = f"EXT-2026-{900000 + next(_serial):06d}"
        s.add(Application(service_code=service, catalog_version=1, applicant_id=applicant_id, provider_id=where.id,
                          stage=stage, channel=channel, form={}, executor_id=executor, number=number,
                          submitted_at=submitted, deadline_at=MONDAY_10 + deadline, created_at=submitted,
                          updated_at=submitted, completed_at=MONDAY_10 if completed else None))
        s.commit()
        return number


def shown(client: FlaskClient, url: str) -> tuple[set[str], dict[str, str], Any]:
    """Return the numbers a queue page lists, its tabs' counts and the parsed page."""
    response = client.get(url)
    assert response.status_code == 200
    page = html.fromstring(response.get_data(as_text=True))
    numbers = {t.strip() for t in page.xpath("//table[@id='queue']/tbody/tr/td[1]/a/text()")}
    counts = {a.get("id"): a.xpath("string(.//span[@class='count'])") for a in page.xpath("//nav[@id='queue-tabs']/a")}
    return numbers, counts, page


def test_each_filter_narrows_the_list_and_both_counts(app: Flask):
    who = person(app, "Тестов Тест", "010101500011")
    plain = request(app, who)
    centre = request(app, who, channel="state_corporation")
    registered = request(app, who, stage="registered")
    overdue = request(app, who, deadline=-timedelta(hours=1))
    done_late = request(app, who, deadline=-timedelta(days=3), stage="completed", completed=True)
    older = request(app, who, submitted=MONDAY_10 - timedelta(days=40))
    mine = request(app, who, stage="in_execution", executor_iin=account("executor").iin)
    clerk = english(staff_client(app, "office_clerk"))

    everything, counts, _ = shown(clerk, "/backoffice/?tab=all")
    assert everything == {plain, centre, registered, overdue, done_late, older, mine}
    assert counts == {"tab-waiting": "4", "tab-all": "7"}  # the clerk registers what is submitted

    assert shown(clerk, "/backoffice/?tab=all&channel=state_corporation")[0] == {centre}
    assert shown(clerk, "/backoffice/?tab=all&stage=registered")[0] == {registered}
    found, counts, _ = shown(clerk, "/backoffice/?tab=all&overdue=1")
    assert found == {overdue} and counts == {"tab-waiting": "1", "tab-all": "1"}  # a finished request is not overdue
    assert shown(clerk, "/backoffice/?tab=all&from=2026-11-01")[0] == everything - {older}
    assert shown(clerk, "/backoffice/?tab=all&to=2026-10-31")[0] == {older}
    assert shown(clerk, "/backoffice/?tab=all&from=2026-11-23&to=2026-11-23")[0] == everything - {older}
    executor_id = _id_of(app, account("executor").iin)
    assert shown(clerk, f"/backoffice/?tab=all&executor={executor_id}")[0] == {mine}
    found, counts, _ = shown(clerk, "/backoffice/?stage=registered")
    assert found == set() and counts == {"tab-waiting": "0", "tab-all": "1"}


def _id_of(app: Flask, iin: str) -> int:
    """Return the id of the person with this IIN."""
    with app.extensions["portal"].sessions() as s:
        return s.scalar(select(Person.id).where(Person.iin == iin))


def test_search_finds_by_number_iin_and_the_start_of_a_name_in_any_case(app: Flask):
    aigul = person(app, "Сейітова Айгүл Қанатқызы", "010101500022")
    pyotr = person(app, "Семёнов Пётр Ильич", "010101500033")
    first = request(app, aigul)
    second = request(app, pyotr)
    clerk = english(staff_client(app, "office_clerk"))
    assert shown(clerk, f"/backoffice/?tab=all&q={first.lower()}")[0] == {first}
    assert shown(clerk, "/backoffice/?tab=all&q=010101500033")[0] == {second}
    assert shown(clerk, "/backoffice/?tab=all&q=СЕЙІТОВА")[0] == {first}
    assert shown(clerk, "/backoffice/?tab=all&q=семенов пе")[0] == {second}  # ё is found as е
    assert shown(clerk, "/backoffice/?tab=all&q=Се")[0] == {first, second}
    assert shown(clerk, "/backoffice/?tab=all&q=%25")[0] == set()  # a LIKE wildcard is a letter, not "anything"
    _, counts, page = shown(clerk, "/backoffice/?tab=all&q=Айгүл")  # a name's start, not a word inside it
    assert counts["tab-all"] == "0"
    assert "No requests match the filter." in page.xpath("string(//p[@id='queue-empty'])")
    assert page.xpath("//input[@id='q']/@value") == ["Айгүл"]


def test_search_finds_a_request_by_the_iin_of_the_child_it_is_for(app: Flask, citizen: FlaskClient):
    app_id = submitted_request(app, citizen)
    with app.extensions["portal"].sessions() as s:
        filed = s.get(Application, app_id)
        number, child = filed.number, represented_iin(filed)
    assert child and child != demo.CITIZEN.iin
    clerk = english(staff_client(app, "office_clerk"))
    found, counts, _ = shown(clerk, f"/backoffice/?tab=all&q={child}")
    assert found == {number} and counts["tab-all"] == "1"
    other = child[:-1] + str((int(child[-1]) + 1) % 10)
    assert shown(clerk, f"/backoffice/?tab=all&q={other}")[0] == set()
    # another provider's clerk does not find it by the child's IIN either
    assert shown(english(staff_client(app, "office_clerk", "aiyrtau")), f"/backoffice/?tab=all&q={child}")[0] == set()


def test_search_never_reaches_another_providers_requests(app: Flask):
    who = person(app, "Басқа Бала", "010101500044")
    theirs = request(app, who, provider="aiyrtau")
    ours = request(app, who)
    clerk = english(staff_client(app, "office_clerk"))
    for query in ("010101500044", "Басқа", theirs):
        found, counts, _ = shown(clerk, f"/backoffice/?tab=all&q={query}")
        assert theirs not in found and counts["tab-all"] == ("0" if query == theirs else "1")
    assert shown(english(staff_client(app, "office_clerk", "aiyrtau")), "/backoffice/?tab=all&q=010101500044")[0] == {theirs}
    assert ours not in shown(english(staff_client(app, "office_clerk", "aiyrtau")), "/backoffice/?tab=all")[0]


def test_a_filter_that_cannot_be_read_is_named_and_the_rest_kept(app: Flask):
    who = person(app, "Қате Күн", "010101500055")
    centre = request(app, who, channel="state_corporation")
    request(app, who)
    clerk = english(staff_client(app, "office_clerk"))
    found, _, page = shown(clerk, "/backoffice/?tab=all&from=23.11.2026&channel=state_corporation&q=Қате&service=nope")
    assert found == {centre}
    problem = page.xpath("string(//div[@id='filter-problems'])")
    assert "Submitted from" in problem and "Service" in problem and "Channel" not in problem
    assert page.xpath("//select[@id='f-channel']/option[@selected]/@value") == ["state_corporation"]
    assert page.xpath("//input[@id='q']/@value") == ["Қате"]


def test_pages_and_tabs_keep_the_filter(app: Flask):
    who = person(app, "Бетті Бет", "010101500066")
    made = {request(app, who, channel="state_corporation", deadline=timedelta(hours=i)) for i in range(55)}
    request(app, who)
    clerk = english(staff_client(app, "office_clerk"))
    first, counts, page = shown(clerk, "/backoffice/?channel=state_corporation")
    assert counts == {"tab-waiting": "55", "tab-all": "55"}
    assert "channel=state_corporation" in page.xpath("//a[@id='tab-all']/@href")[0]
    seen, pages = first, 1
    while next_url := page.xpath("//a[@id='next-page']/@href"):
        assert "channel=state_corporation" in next_url[0]
        rest, _, page = shown(clerk, next_url[0])
        assert not seen & rest
        seen, pages = seen | rest, pages + 1
    assert seen == made and pages > 1


def test_a_filtered_queue_and_a_search_cost_the_same_queries_whatever_the_table_holds(app: Flask):
    clerk = english(staff_client(app, "office_clerk"))
    urls = ("/backoffice/?tab=all&overdue=1&service=external_study&channel=portal",
            "/backoffice/?tab=all&q=010101500077", "/backoffice/?tab=all&q=Көп")
    first = person(app, "Көп Бірінші", "010101500077")
    request(app, first, deadline=-timedelta(hours=2))
    few = [statements_for(app, clerk, url) for url in urls]
    for i in range(40):
        request(app, person(app, f"Көп Адам {i}", f"0201015{i:05d}"), deadline=-timedelta(hours=i))
    assert [statements_for(app, clerk, url) for url in urls] == few
    assert max(few) <= 10


def test_a_count_stops_at_the_cap(app: Flask, monkeypatch):
    import portal.domain.queues as queues
    monkeypatch.setattr(queues, "COUNT_CAP", 3)
    who = person(app, "Шек Шекті", "010101500088")
    for _ in range(5):
        request(app, who)
    clerk = english(staff_client(app, "office_clerk"))
    _, counts, page = shown(clerk, "/backoffice/?tab=all")
    assert counts["tab-all"] == "more than 3"
    assert len(page.xpath("//table[@id='queue']/tbody/tr")) == 5
    assert COUNT_CAP == 1_000
