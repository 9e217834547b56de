"""The queues' branches: their union is exactly what each role may see and what waits for it."""
from __future__ import annotations

from datetime import timedelta
from itertools import product

from flask import Flask
from sqlalchemy import and_, select

from portal import demo
from portal.domain import queues
from portal.domain.catalog import VERSIONS
from portal.domain.catalog.centre import CENTRE_ONLY
from portal.domain.catalog.process import DRAFT
from portal.domain.models import Application, Person, Provider
from tests.conftest import MONDAY_10, account


def _fill(app: Flask) -> None:
    """Insert a request for every service, stage, assignee (the executor, another who left, nobody) and completion."""
    with app.extensions["portal"].sessions() as s:
        applicant = s.scalar(select(Person.id).where(Person.iin == demo.CITIZEN.iin))
        executors = [s.scalar(select(Person.id).where(Person.iin == a.iin))
                     for a in (account("executor", "petropavl"), demo.SECOND_EXECUTOR)]
        providers = list(s.scalars(select(Provider.id).order_by(Provider.id).limit(2)))
        stages = [code for code, _ in queues.stage_choices()] + sorted(CENTRE_ONLY) + [DRAFT]
        rows = product(providers, VERSIONS, stages, [*executors, None], (None, MONDAY_10))
        # the second executor has left: what is assigned to them waits for the head
        s.get(Person, executors[1]).deactivated_at = MONDAY_10
        s.add_all(Application(service_code=service, catalog_version=1, applicant_id=applicant, provider_id=provider,
                              stage=stage, form={}, executor_id=executor, number=f"BR-2026-{i:06d}",
                              submitted_at=MONDAY_10, deadline_at=MONDAY_10 + timedelta(hours=i % 17),
                              completed_at=done, created_at=MONDAY_10, updated_at=MONDAY_10)
                  for i, (provider, service, stage, executor, done) in enumerate(rows))
        s.commit()


def _walk(session, staff: Person, waiting: bool) -> tuple[list[int], int]:  # type: ignore[no-untyped-def]
    """Return every request of a tab, a small page at a time, and the tab's count."""
    seen, after, count = [], None, -1
    while True:
        page = queues.queue_page(session, staff, waiting=waiting, now=MONDAY_10, after=after, size=7)
        seen += [a.id for a in page.apps]
        count = page.waiting if waiting else page.total
        if page.next_key is None:
            return seen, count
        after = page.next_key


def test_each_tab_is_exactly_what_the_role_may_see_and_what_waits_for_it(app: Flask):
    _fill(app)
    staff_of = [account("office_clerk", "petropavl"), account("head", "petropavl"),
                account("executor", "petropavl"), demo.SECOND_EXECUTOR]
    with app.extensions["portal"].sessions() as s:
        for who, waiting in product(staff_of, (True, False)):
            staff = s.scalar(select(Person).where(Person.iin == who.iin))
            # the plain conditions, as the workflow decides who may see and act (no branches)
            where = queues._visible_to(staff)
            if waiting:
                where = and_(where, Application.completed_at.is_(None), queues._waits_for(staff))
            expected = list(s.scalars(select(Application.id).where(where)
                                      .order_by(Application.deadline_at, Application.id)))
            got, count = _walk(s, staff, waiting)
            assert expected, (who.role, waiting)
            assert got == expected, (who.role, waiting)
            assert count == len(expected), (who.role, waiting)
            if who.role == "head" and waiting:
                left = s.scalar(select(Person.id).where(Person.iin == demo.SECOND_EXECUTOR.iin))
                assert any(s.get(Application, i).executor_id == left for i in got)
