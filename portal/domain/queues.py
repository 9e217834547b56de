"""The back office's queues: what waits for me and everything I may see, by deadline, a page at a time.

Each page costs the same few queries whatever the table holds: the rows (with their steps), one count per
tab, and a keyset (deadline, id) instead of an offset. Which stages wait for a role is read from the
catalog's graphs, so a new service's steps show up in the queues without a change here.
"""
from __future__ import annotations

import operator
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache, reduce
from typing import Mapping

from sqlalchemy import ColumnElement, and_, false, func, literal, or_, select, true, union, union_all
from sqlalchemy.orm import Session, joinedload, lazyload, load_only, selectinload

from portal.domain.catalog import VERSIONS
from portal.domain.catalog.centre import CENTRE_ONLY
from portal.domain.catalog.process import DRAFT, Actor, Text
from portal.domain.audit_trail import STATE_CHANGE
from portal.domain.models import Application, AuditEntry, Channel, Person, Role, StepRecord
from portal.domain.models.people import search_key
from portal.domain.calendar import WorkingHours, to_kz_naive
from portal.domain.catalog.spec import ServiceSpec
from portal.domain.progress import Progress, progress
from portal.domain.workflow import available_transitions, open_step, service_of

#: requests on one page of a queue: the soonest deadlines, about two screens; more follow page by page
PAGE = 25
#: a tab counts up to this many requests and then says "more than": a count never reads the whole table
COUNT_CAP = 1_000
#: a registration number as the portal gives them ("TVET-2026-000123")
_NUMBER = re.compile(r"^[A-Za-z]{1,12}-\d{4}-\d{1,10}$")
#: the shortest name prefix worth searching for
MIN_NAME = 2


@dataclass(frozen=True)
class QueueFilter:
    """What a staff member narrowed the queue to; `problems` names the fields that could not be read."""

    service: str | None = None
    stage: str | None = None
    overdue: bool = False
    submitted_from: date | None = None
    submitted_to: date | None = None
    executor_id: int | None = None
    channel: str | None = None
    query: str = ""
    problems: tuple[str, ...] = field(default=())

    @property
    def active(self) -> bool:
        """Tell whether anything narrows the queue."""
        return any((self.service, self.stage, self.overdue, self.submitted_from, self.submitted_to,
                    self.executor_id, self.channel, self.query))


def _date(raw: str) -> date | None:
    """Return an ISO date (what <input type=date> sends), or raise ValueError."""
    if len(raw) > 10:
        raise ValueError(raw)
    return date.fromisoformat(raw) if raw else None


def read_filter(args: Mapping[str, str]) -> QueueFilter:
    """Return the filter a queue link carries; a value that cannot be read is dropped and named in problems."""
    problems: list[str] = []
    service = args.get("service") or None
    if service is not None and service not in VERSIONS:
        service, problems = None, problems + ["service"]
    stage = args.get("stage") or None
    if stage is not None and stage not in dict(stage_choices()):
        stage, problems = None, problems + ["stage"]
    channel = args.get("channel") or None
    if channel is not None and channel not in {c.value for c in Channel}:
        channel, problems = None, problems + ["channel"]
    dates: dict[str, date | None] = {}
    for name in ("from", "to"):
        try:
            dates[name] = _date(args.get(name, "").strip())
        except ValueError:
            dates[name], problems = None, problems + [name]
    raw_executor = args.get("executor", "")
    executor = int(raw_executor) if raw_executor.isdecimal() and len(raw_executor) <= 10 else None
    if raw_executor and executor is None:
        problems.append("executor")
    query = " ".join(args.get("q", "").split())[:200]
    return QueueFilter(service=service, stage=stage, overdue=args.get("overdue") == "1",
                       submitted_from=dates["from"], submitted_to=dates["to"], executor_id=executor,
                       channel=channel, query=query, problems=tuple(problems))


def stage_choices() -> tuple[tuple[str, Text], ...]:
    """Return every stage a provider's request can be in, with the title its first process gives it."""
    found: dict[str, Text] = {}
    for versions in VERSIONS.values():
        for spec in versions:
            for _, process in spec.handbook_processes():
                for stage in process.stages:
                    if stage.code != DRAFT and stage.code not in CENTRE_ONLY:
                        found.setdefault(stage.code, stage.title)
    return tuple(found.items())


def _search(query: str) -> ColumnElement[bool]:
    """Return the condition of a search: a registration number, an applicant's IIN, or the start of a name."""
    if _NUMBER.match(query):
        return Application.number == query.upper()
    if query.isdecimal() and len(query) == 12:
        # the applicant's IIN, or that of the person they act for (a child): every entry of a request's
        # audit trail names the represented person, by an index (audit_trail.record)
        # (one list of ids from both indexes: an OR of two subqueries would be checked row by row)
        return Application.id.in_(union(
            select(Application.id).join(Person, Person.id == Application.applicant_id).where(Person.iin == query),
            select(AuditEntry.application_id).where(AuditEntry.represented_iin == query,
                                                    AuditEntry.kind == STATE_CHANGE)))
    key = search_key(query)
    if len(key) < MIN_NAME:
        return false()
    escaped = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return Application.applicant_id.in_(select(Person.id).where(Person.search_name.like(escaped + "%", escape="\\")))


def _narrowed(wanted: QueueFilter, now: datetime) -> ColumnElement[bool]:
    """Return the condition of the filter."""
    clauses: list[ColumnElement[bool]] = []
    if wanted.service:
        clauses.append(Application.service_code == wanted.service)
    if wanted.stage:
        clauses.append(Application.stage == wanted.stage)
    if wanted.overdue:
        clauses += [Application.completed_at.is_(None), Application.deadline_at < now]
    if wanted.submitted_from:
        clauses.append(Application.submitted_at >= datetime.combine(wanted.submitted_from, time()))
    if wanted.submitted_to:
        clauses.append(Application.submitted_at < datetime.combine(wanted.submitted_to + timedelta(days=1), time()))
    if wanted.executor_id:
        clauses.append(Application.executor_id == wanted.executor_id)
    if wanted.channel:
        clauses.append(Application.channel == wanted.channel)
    if wanted.query:
        clauses.append(_search(wanted.query))
    return and_(true(), *clauses)


@dataclass(frozen=True)
class QueuePage:
    """One page of a queue, the key of the next page (None on the last), and the tabs' counts."""

    apps: list[Application]
    next_key: tuple[datetime, int] | None
    #: how many wait for me, and how many I may see, under the filter (each at most COUNT_CAP + 1)
    waiting: int
    total: int
    #: where the counts stopped counting
    cap: int = COUNT_CAP

    def capped(self, count: int) -> bool:
        """Tell whether a count stopped at the cap (shown as "more than" the cap)."""
        return count > self.cap


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


@lru_cache(maxsize=32)
def _orphaned(role: str) -> dict[str, frozenset[str]]:
    """Return per service the stages where an assignee works and this role may assign another (the head's reassign).

    A request at such a stage whose executor was deactivated waits for this role: nobody else can move it.
    """
    found: dict[str, set[str]] = {}
    for code, versions in VERSIONS.items():
        for spec in versions:
            for _, process in spec.handbook_processes():
                for t in process.transitions:
                    step = process.step_of(t.source)
                    if (t.role == role and t.assigns_executor and t.calendar == "provider" and step is not None
                            and step.actor == Actor.assignee):
                        found.setdefault(code, set()).add(t.source)
    return {code: frozenset(stages) for code, stages in found.items()}


def _deactivated_executor() -> ColumnElement[bool]:
    """Return the condition of a request whose assigned executor's account was deactivated."""
    return Application.executor_id.in_(select(Person.id).where(Person.deactivated_at.is_not(None)))


def _waits_for(staff: Person, regulated: bool = True) -> ColumnElement[bool]:
    """Return the condition of a request waiting for this person's step (any move of theirs: `regulated=False`)."""
    clauses = [and_(Application.service_code == code, Application.stage.in_(stages), _deactivated_executor())
               for code, stages in _orphaned(str(staff.role)).items()] if regulated else []
    for code, (anyone, assignee) in _stages(str(staff.role), regulated).items():
        if anyone:
            clauses.append(and_(Application.service_code == code, Application.stage.in_(anyone)))
        if assignee:
            clauses.append(and_(Application.service_code == code, Application.stage.in_(assignee),
                                or_(Application.executor_id == staff.id, Application.executor_id.is_(None))))
    return or_(*clauses) if clauses else false()


def _at_provider(staff: Person) -> ColumnElement[bool]:
    """Return the condition of a request the staff member's provider works (filed and sent by any centre)."""
    return and_(Application.provider_id == staff.provider_id, Application.stage != DRAFT,
                Application.stage.not_in(CENTRE_ONLY))


def _visible_to(staff: Person) -> ColumnElement[bool]:
    """Return the condition of a request this staff member may see (as workflow.may_see decides)."""
    base = _at_provider(staff)
    if staff.role != Role.executor:
        return base
    # an executor sees their own requests, and one nobody was assigned to while it waits for an executor
    # (a finished request waits for nobody)
    return and_(base, or_(Application.executor_id == staff.id,
                          and_(Application.executor_id.is_(None), Application.completed_at.is_(None),
                               _waits_for(staff, regulated=False))))


def _stage_branches(staff: Person, regulated: bool, *, unassigned_only: bool = False) -> list[ColumnElement[bool]]:
    """Return disjoint conditions, one per stage (and per assignee), whose union is what waits for the person.

    Each names one stage of the provider's open requests, so it walks ix_applications_open_stage in
    deadline order and stops after a page (or a capped count); an OR over stages would read them all.
    An executor's branches also say whose the request is (theirs, or nobody's yet), as `_visible_to` does.
    """
    by_stage: dict[str, tuple[set[str], set[str]]] = {}
    for code, (anyone, assignee) in _stages(str(staff.role), regulated).items():
        for stage in anyone:
            by_stage.setdefault(stage, (set(), set()))[0].add(code)
        for stage in assignee:
            by_stage.setdefault(stage, (set(), set()))[1].add(code)
    mine, nobody = Application.executor_id == staff.id, Application.executor_id.is_(None)
    executor = staff.role == Role.executor
    branches: list[ColumnElement[bool]] = []
    for stage, (anyone, assignee) in sorted(by_stage.items()):
        base = and_(Application.provider_id == staff.provider_id, Application.completed_at.is_(None),
                    Application.stage == stage)
        shared = set() if executor or unassigned_only else anyone
        split = sorted((anyone | assignee) - shared)
        if shared:
            branches.append(and_(base, Application.service_code.in_(sorted(shared))))
        if split:
            services = Application.service_code.in_(split)
            branches += [and_(base, services, w) for w in ((nobody,) if unassigned_only else (mine, nobody))]
    if regulated and not unassigned_only:  # what a deactivated executor left, for whoever assigns another
        orphans: dict[str, set[str]] = {}
        for code, stages in _orphaned(str(staff.role)).items():
            for stage in stages:
                orphans.setdefault(stage, set()).add(code)
        branches += [and_(Application.provider_id == staff.provider_id, Application.completed_at.is_(None),
                          Application.stage == stage, Application.service_code.in_(sorted(codes)),
                          _deactivated_executor())
                     for stage, codes in sorted(orphans.items()) if stage not in by_stage]
    return branches


def _branches(staff: Person, waiting: bool) -> list[ColumnElement[bool]]:
    """Return disjoint conditions whose union is the tab (within what the person may see), each index-friendly."""
    if waiting:
        return _stage_branches(staff, regulated=True)
    if staff.role != Role.executor:
        return [true()]  # the provider's requests: ix_applications_provider_deadline
    # an executor's own requests (ix_applications_executor_deadline), and the unassigned ones awaiting one
    return [Application.executor_id == staff.id, *_stage_branches(staff, regulated=False, unassigned_only=True)]


def _capped_count(where: ColumnElement[bool]) -> ColumnElement[int]:
    """Return how many requests match, counting no further than COUNT_CAP + 1 (a scalar subquery)."""
    return select(func.count()).select_from(
        select(Application.id).where(where).limit(COUNT_CAP + 1).subquery()).scalar_subquery()


def _count_sum(conditions: list[ColumnElement[bool]]) -> ColumnElement[int]:
    """Return the sum of the branches' capped counts."""
    counts = [_capped_count(c) for c in conditions]
    return reduce(operator.add, counts) if counts else literal(0)


#: what a row shows, loaded with the page: the applicant's name and IIN and the result in the same statement,
#: and of the steps only the open one (a row's `steps` hold just the open records: rows_of reads no other)
_ROW_LOADS = (joinedload(Application.applicant).options(load_only(Person.id, Person.full_name, Person.iin),
                                                        lazyload("*")),
              joinedload(Application.result),
              lazyload(Application.provider),  # the staff member's own provider, already in the session
              selectinload(Application.steps.and_(StepRecord.completed_at.is_(None))).options(lazyload("*")))


def queue_page(session: Session, staff: Person, *, waiting: bool, now: datetime,
               wanted: QueueFilter = QueueFilter(), after: tuple[datetime, int] | None = None,
               size: int = PAGE) -> QueuePage:
    """Return one page of the staff member's queue, soonest deadline first, after the keyset `after`.

    The tab is the union of disjoint branches: each reads its own index in deadline order, at most a page
    of rows and a capped count, so a page costs the same whatever the department's history holds.
    """
    # each branch says whose requests an executor's are, so the provider's condition completes it
    visible = and_(_at_provider(staff), _narrowed(wanted, now))
    keyset = true()
    if after is not None:
        deadline, last_id = after
        keyset = or_(Application.deadline_at > deadline,
                     and_(Application.deadline_at == deadline, Application.id > last_id))
    order = (Application.deadline_at, Application.id)
    mine, everything = ([and_(visible, b) for b in _branches(staff, tab)] for tab in (True, False))
    branches = mine if waiting else everything
    if len(branches) == 1:
        query = select(Application).where(branches[0], keyset)
    else:
        parts = [select(Application.id).where(b, keyset).order_by(*order).limit(size + 1).subquery()
                 for b in branches]
        ids = union_all(*(select(p.c.id) for p in parts)) if parts else select(Application.id).where(false())
        query = select(Application).where(Application.id.in_(ids))
    rows = list(session.scalars(query.options(*_ROW_LOADS).order_by(*order).limit(size + 1)))
    apps, more = rows[:size], len(rows) > size
    counts = session.execute(select(_count_sum(mine), _count_sum(everything))).one()
    return QueuePage(apps=apps, next_key=(apps[-1].deadline_at, apps[-1].id) if more and apps[-1].deadline_at else None,
                     waiting=int(counts[0] or 0), total=int(counts[1] or 0), cap=COUNT_CAP)


@dataclass(frozen=True)
class QueueRow:
    """What a queue row shows, computed once per request: whether it awaits the person, its open step, its standing."""

    app: Application
    service: ServiceSpec
    progress: Progress
    #: the step record waiting to be worked (None when none is open)
    step: StepRecord | None
    #: the person may take a step on it now
    mine: bool
    #: the provider's hours, on which its deadlines count
    hours: WorkingHours


def rows_of(apps: list[Application], staff: Person) -> list[QueueRow]:
    """Return the rows of a queue page."""
    return [QueueRow(app=a, service=service_of(a), progress=progress(a), step=open_step(a),
                     mine=bool(available_transitions(a, staff)), hours=a.provider.hours) for a in apps]


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
        at = datetime.fromisoformat(stamp)
    except ValueError:
        return None
    # the columns hold naive Kazakhstan time: a hand-written offset names the same moment, not another page
    return to_kz_naive(at), int(ident)
