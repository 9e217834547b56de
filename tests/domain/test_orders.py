"""The order register: numbered per provider and year, one number per request, no gaps, unique under concurrency."""
from __future__ import annotations

import threading
import time
from datetime import date

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from portal import demo
from portal.domain.db import is_conflict
from portal.domain.models import Application, OrderCounter, OrderEntry, Person, Provider
from portal.domain.orders import register_order
from tests.conftest import MONDAY_10

TODAY = MONDAY_10.date()



def pause(seconds: float) -> None:
    """Wait a little; not time.sleep, whose clock_nanosleep fails with EINVAL under CI's faketime stage."""
    threading.Event().wait(seconds)

def new_requests(app: Flask, count: int, provider: str = "petropavl") -> list[int]:
    """Create submitted external-study requests of the demo citizen at a provider; return their ids."""
    with app.extensions["portal"].sessions() as s:
        applicant = s.scalar(select(Person).where(Person.iin == demo.CITIZEN.iin))
        where = s.scalar(select(Provider).where(Provider.code == provider))
        apps = [Application(service_code="external_study", applicant_id=applicant.id, provider_id=where.id,
                            stage="submitted", form={}, created_at=MONDAY_10, updated_at=MONDAY_10)
                for _ in range(count)]
        s.add_all(apps)
        s.commit()
        return [a.id for a in apps]


def issue(app: Flask, app_id: int, on: date = TODAY, *, commit: bool = True) -> tuple[int, int, date]:
    """Register the request's order in its own transaction; return (year, number, date)."""
    with app.extensions["portal"].sessions() as s:
        request = s.get(Application, app_id)
        entry = register_order(s, request.provider, "external_study", request, on)
        got = (entry.year, entry.number, entry.issued_on)
        if commit:
            s.commit()
        else:
            s.rollback()
    return got


def register(app: Flask, provider: str) -> list[tuple[int, int, int]]:
    """Return a provider's register as (year, number, request id), in order."""
    with app.extensions["portal"].sessions() as s:
        rows = s.scalars(select(OrderEntry).join(Provider).where(Provider.code == provider)
                         .order_by(OrderEntry.year, OrderEntry.number))
        return [(e.year, e.number, e.application_id) for e in rows]


def test_numbers_run_per_provider_and_a_new_year_starts_at_one(app):
    first, second, third = new_requests(app, 3)
    (other,) = new_requests(app, 1, "aiyrtau")
    assert issue(app, first)[:2] == (2026, 1)
    assert issue(app, other)[:2] == (2026, 1)  # another provider's register has its own numbers
    assert issue(app, second)[:2] == (2026, 2)
    assert issue(app, third, date(2027, 1, 4)) == (2027, 1, date(2027, 1, 4))  # a new year restarts
    assert register(app, "petropavl") == [(2026, 1, first), (2026, 2, second), (2027, 1, third)]
    assert register(app, "aiyrtau") == [(2026, 1, other)]


def test_a_request_keeps_its_one_number_and_date(app):
    first, second = new_requests(app, 2)
    assert issue(app, first) == (2026, 1, TODAY)
    # drawing again (the head prepares the result a second time, days later) returns the first entry
    assert issue(app, first, date(2026, 11, 27)) == (2026, 1, TODAY)
    assert issue(app, second)[:2] == (2026, 2)
    with app.extensions["portal"].sessions() as s:
        assert s.scalar(select(OrderCounter.last).where(OrderCounter.year == 2026)) == 2


def test_a_rolled_back_issue_leaves_no_gap(app):
    first, failed, after = new_requests(app, 3)
    issue(app, first)
    assert issue(app, failed, commit=False)[:2] == (2026, 2)  # drawn, then the issuing transaction fails
    assert issue(app, after)[:2] == (2026, 2)  # the number came back with the rollback
    assert issue(app, failed)[:2] == (2026, 3)
    assert [n for _, n, _ in register(app, "petropavl")] == [1, 2, 3]


def test_the_register_refuses_a_duplicate_number(app, engine: Engine):
    """Even written past the counter, a second order No. 1 of the same provider and year is refused."""
    first, second = new_requests(app, 2)
    issue(app, first)
    with Session(engine) as s:
        provider_id = s.get(Application, second).provider_id
        s.add(OrderEntry(provider_id=provider_id, year=2026, number=1, issued_on=TODAY, application_id=second,
                         kind="external_study"))
        with pytest.raises(DBAPIError):
            s.flush()


def _issue_at_once(app: Flask, ids: list[int], *, rolled_back: int | None = None) -> dict[int, int]:
    """Issue each request's order in its own thread and connection at the same moment; return numbers by id.

    Each transaction holds its number a little before committing, so the others must wait for it. On
    SQLite a writer that lost the race (SQLITE_BUSY_SNAPSHOT) retries, as a person would after a 409.
    """
    sessions = app.extensions["portal"].sessions
    start = threading.Barrier(len(ids))
    numbers: dict[int, int] = {}
    errors: list[BaseException] = []

    def work(app_id: int) -> None:
        try:
            start.wait()
            for _attempt in range(50):
                try:
                    with sessions() as s:
                        request = s.get(Application, app_id)
                        entry = register_order(s, request.provider, "external_study", request, TODAY)
                        number = entry.number
                        pause(0.05)  # the issuing goes on (render, sign) while the number is held
                        if app_id == rolled_back:
                            s.rollback()
                            return
                        s.commit()
                    numbers[app_id] = number
                    return
                except DBAPIError as err:
                    if not is_conflict(err):
                        raise
                    pause(0.01)
            raise AssertionError("never got through")
        except BaseException as err:  # reported to the test's thread
            errors.append(err)

    threads = [threading.Thread(target=work, args=(i,)) for i in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    return numbers


def test_concurrent_issuing_gives_unique_gap_free_numbers(app, engine: Engine):
    ids = new_requests(app, 8)
    numbers = _issue_at_once(app, ids, rolled_back=ids[3])
    assert sorted(numbers.values()) == list(range(1, 8)), numbers  # seven committed: 1..7, none twice, no gap
    assert ids[3] not in numbers
    assert [n for _, n, _ in register(app, "petropavl")] == list(range(1, 8))


def test_on_postgresql_a_second_issuer_waits_for_the_first(app, engine: Engine):
    """PostgreSQL: the counter row's lock holds a second issuer until the first commits, then it gets the next."""
    if engine.dialect.name != "postgresql":
        pytest.skip("runs on PostgreSQL (set TEST_DATABASE_URL)")
    first, second = new_requests(app, 2)
    sessions = app.extensions["portal"].sessions
    drawn, got = threading.Event(), {}

    def later() -> None:
        drawn.wait(10)
        with sessions() as s:
            request = s.get(Application, second)
            got["number"] = register_order(s, request.provider, "external_study", request, TODAY).number
            got["at"] = time.monotonic()
            s.commit()

    waiter = threading.Thread(target=later)
    waiter.start()
    with sessions() as s:
        request = s.get(Application, first)
        assert register_order(s, request.provider, "external_study", request, TODAY).number == 1
        drawn.set()
        pause(0.5)
        assert "number" not in got  # still waiting on the lock
        committed = time.monotonic()
        s.commit()
    waiter.join(10)
    assert got["number"] == 2 and got["at"] >= committed
