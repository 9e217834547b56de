"""The back office's queues: what waits for me and everything I may see, by deadline, a page at a time.

Each page costs the same few queries whatever the table holds: the rows (with their steps), one count per
tab, and a keyset (deadline, id) instead of an offset. Which stages wait for a role is read from the
catalog's graphs, so a new service's steps show up in the queues without a change here.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from sqlalchemy import ColumnElement, and_, false, func, or_, select
from sqlalchemy.orm import Session, selectinload

from portal.domain.catalog import VERSIONS
from portal.domain.catalog.centre import CENTRE_ONLY
from portal.domain.catalog.process import DRAFT, Actor
from portal.domain.models import Application, Person, Role, StepRecord

#: requests on one page of a queue
PAGE = 50


@dataclass(frozen=True)
class QueuePage:
    """One page of a queue, the key of the next page (None on the last), and the tabs' counts."""

    apps: list[Application]
    next_key: tuple[datetime, int] | None
    waiting: int
    total: int


@lru_cache(maxsize=32)
def _stages(role: str, regulated: bool) -> dict[str, tuple[frozenset[str], frozenset[str]]]:
    """Return per service the stages with a provider move of this role: (anyone's, the assignee's).

    `regulated` keeps only each stage's regulated step (what waits for the role); otherwise every way
    out counts (what the role may act on, and so see).
    """
    found: dict[str, tuple[set[str], set[str]]] = {}
    for code, versions in VERSIONS.items():
        anyone, assignee = found.setdefault(code, (set(), set()))
        for spec in versions:
            for _, process in spec.handbook_processes():
                moves = [process.step_of(s.code) for s in process.stages] if regulated else process.transitions
                for t in moves:
                    if t is not None and t.role == role and t.calendar == "provider":
                        (assignee if t.actor == Actor.assignee else anyone).add(t.source)
    return {code: (frozenset(a), frozenset(b)) for code, (a, b) in found.items()}


def _waits_for(staff: Person, regulated: bool = True) -> ColumnElement[bool]:
    """Return the condition of a request waiting for this person's step (any move of theirs: `regulated=False`)."""
    clauses = []
    for code, (anyone, assignee) in _stages(str(staff.role), regulated).items():
        if anyone:
            clauses.append(and_(Application.service_code == code, Application.stage.in_(anyone)))
        if assignee:
            clauses.append(and_(Application.service_code == code, Application.stage.in_(assignee),
                                or_(Application.executor_id == staff.id, Application.executor_id.is_(None))))
    return or_(*clauses) if clauses else false()


def _visible_to(staff: Person) -> ColumnElement[bool]:
    """Return the condition of a request this staff member may see (as workflow.may_see decides)."""
    base = and_(Application.provider_id == staff.provider_id, Application.stage != DRAFT,
                Application.stage.not_in(CENTRE_ONLY))
    if staff.role != Role.executor:
        return base
    # an executor sees their own requests, and one nobody was assigned to while it waits for an executor
    return and_(base, or_(Application.executor_id == staff.id,
                          and_(Application.executor_id.is_(None), _waits_for(staff, regulated=False))))


def queue_page(session: Session, staff: Person, *, waiting: bool, after: tuple[datetime, int] | None = None,
               size: int = PAGE) -> QueuePage:
    """Return one page of the staff member's queue, soonest deadline first, after the keyset `after`."""
    visible, mine = _visible_to(staff), _waits_for(staff)
    where = and_(visible, mine) if waiting else visible
    query = select(Application).where(where)
    if after is not None:
        deadline, last_id = after
        query = query.where(or_(Application.deadline_at > deadline,
                                and_(Application.deadline_at == deadline, Application.id > last_id)))
    rows = list(session.scalars(query.options(selectinload(Application.steps))
                                .order_by(Application.deadline_at, Application.id).limit(size + 1)))
    apps, more = rows[:size], len(rows) > size
    count = select(func.count(Application.id))
    return QueuePage(apps=apps, next_key=(apps[-1].deadline_at, apps[-1].id) if more and apps[-1].deadline_at else None,
                     waiting=session.scalar(count.where(and_(visible, mine))) or 0,
                     total=session.scalar(count.where(visible)) or 0)


def due_by(session: Session, staff: Person, until: datetime) -> list[tuple[Application, datetime]]:
    """Return the requests waiting for this person's step that is due before `until`, soonest first, with that due time."""
    rows = session.execute(select(Application, StepRecord.due_at)
                           .join(StepRecord, StepRecord.application_id == Application.id)
                           .where(_visible_to(staff), _waits_for(staff), StepRecord.completed_at.is_(None),
                                  StepRecord.due_at < until)
                           .order_by(StepRecord.due_at, Application.id))
    return [(app, due) for app, due in rows]


def parse_key(raw: str) -> tuple[datetime, int] | None:
    """Return the keyset a "next page" link carries ("2026-11-23T10:00:00_42"), or None when it is not one."""
    stamp, _, ident = raw.partition("_")
    if not ident.isdecimal() or len(ident) > 10 or len(stamp) > 32:
        return None
    try:
        return datetime.fromisoformat(stamp), int(ident)
    except ValueError:
        return None
