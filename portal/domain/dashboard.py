"""The dashboard's figures: requests received, completed on time or late, overdue now, and each step's median time.

Everything is counted by the month a request was received (its submission, Kazakhstan time), per service:
the requests of one month are one cohort, and what became of them (done on time, done late, overdue now)
is read today. Two aggregate queries on PostgreSQL, three on SQLite (GROUP BY service, month) make the
figures whatever the table holds: the rows never come to Python. The median step time is PostgreSQL's `percentile_cont(0.5)`; SQLite has no
median, so there each group's one or two middle rows are picked with an ordered window and averaged, which
gives the same value. Step times are wall-clock hours from the step's start to its completion; whether a
step was late is the step record's own flag, counted on the provider's working calendar.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, extract, func, literal, select, text, tuple_
from sqlalchemy.orm import Session

from portal.domain.catalog.centre import CENTRE_ONLY
from portal.domain.catalog.process import DRAFT
from portal.domain.catalog import SERVICES
from portal.domain.errors import NotAllowed
from portal.domain.models import (PROVIDER_ROLES, REGION_ROLES, Application, Person, Provider, ProviderKind, Role,
                                  StepRecord)

#: the months a dashboard covers by default
DEFAULT_MONTHS = 12
#: PostgreSQL's sort memory for the dashboard's queries (the default 4MB spills a region's year to disk)
WORK_MEM = "64MB"
#: the most months one view may cover: the cost of a view grows with its range, and this bounds it
MAX_MONTHS = 36


@dataclass(frozen=True)
class Period:
    """A range of whole months, first to last inclusive."""

    first: date
    last: date

    @property
    def start(self) -> datetime:
        """Return the first instant of the range."""
        return datetime(self.first.year, self.first.month, 1)

    @property
    def end(self) -> datetime:
        """Return the first instant after the range."""
        return datetime(*_shift(self.last.year, self.last.month, 1), 1)

    def months(self) -> list[str]:
        """Return the range's months as YYYY-MM, oldest first."""
        out, (y, m) = [], (self.first.year, self.first.month)
        while (y, m) <= (self.last.year, self.last.month):
            out.append(f"{y:04d}-{m:02d}")
            y, m = _shift(y, m, 1)
        return out

    @property
    def label(self) -> str:
        """Return the range as YYYY-MM_YYYY-MM, for file names."""
        return f"{self.first:%Y-%m}_{self.last:%Y-%m}"


def _shift(year: int, month: int, by: int) -> tuple[int, int]:
    """Return the (year, month) `by` months away."""
    index = year * 12 + (month - 1) + by
    return index // 12, index % 12 + 1


def _month(raw: str | None) -> date | None:
    """Return the first day of a YYYY-MM month, or None when `raw` is not one."""
    raw = (raw or "").strip()
    if len(raw) != 7 or raw[4] != "-" or not (raw[:4].isdigit() and raw[5:].isdigit()):
        return None
    year, month = int(raw[:4]), int(raw[5:])
    return date(year, month, 1) if 2000 <= year <= 2100 and 1 <= month <= 12 else None


def period_of(first: str | None, last: str | None, now: datetime) -> Period:
    """Return the months asked for (YYYY-MM each), by default the last twelve up to now's, at most MAX_MONTHS."""
    this_month = date(now.year, now.month, 1)
    end = _month(last) or this_month
    start = _month(first) or date(*_shift(end.year, end.month, 1 - DEFAULT_MONTHS), 1)
    if start > end:
        start, end = end, start
    earliest = date(*_shift(end.year, end.month, 1 - MAX_MONTHS), 1)
    return Period(first=max(start, earliest), last=end)


@dataclass(frozen=True)
class MonthFigures:
    """The requests of one service received in one month, and what became of them by now."""

    service_code: str
    month: str
    received: int
    on_time: int
    late: int
    overdue_now: int

    @property
    def in_time_now(self) -> int:
        """Return the requests still open and not yet past their deadline."""
        return self.received - self.on_time - self.late - self.overdue_now


@dataclass(frozen=True)
class StepFigures:
    """One regulated step of one service (in one month, or over the whole range): how long it actually took."""

    service_code: str
    #: YYYY-MM of the requests' receipt; None for the whole range
    month: str | None
    step: str
    role: str
    #: the catalog's normative duration code, e.g. 15m or 14wd
    normative: str
    completed: int
    late: int
    #: the median of completed_at - started_at, in wall-clock hours
    median_hours: float | None


@dataclass(frozen=True)
class Dashboard:
    """The figures of one provider (or of the region, provider None) over a period, optionally one service."""

    period: Period
    provider: Provider | None
    service_code: str | None
    now: datetime
    months: list[MonthFigures]
    steps: list[StepFigures]
    step_totals: list[StepFigures]
    #: the providers a regional view may narrow to (empty for a provider's own view)
    providers: list[Provider] = field(default_factory=list)

    def month_totals(self) -> list[MonthFigures]:
        """Return each month of the period summed over the services (zeros for a month with no requests)."""
        sums: dict[str, list[int]] = {m: [0, 0, 0, 0] for m in self.period.months()}
        for f in self.months:
            row = sums.setdefault(f.month, [0, 0, 0, 0])
            for i, value in enumerate((f.received, f.on_time, f.late, f.overdue_now)):
                row[i] += value
        return [MonthFigures("", month, *row) for month, row in sums.items()]

    def totals(self) -> MonthFigures:
        """Return the whole period summed over months and services."""
        rows = self.month_totals()
        return MonthFigures("", "", *(sum(getattr(r, name) for r in rows)
                                      for name in ("received", "on_time", "late", "overdue_now")))


def _dialect(session: Session) -> str:
    """Return the database's dialect name."""
    return session.get_bind().dialect.name


def _month_of(session: Session, column: Any) -> ColumnElement[str]:
    """Return the SQL expression of a timestamp's month as YYYY-MM."""
    if _dialect(session) == "postgresql":
        return func.to_char(column, "YYYY-MM")
    return func.strftime("%Y-%m", column)


def _hours(session: Session) -> ColumnElement[float]:
    """Return the SQL expression of a step's wall-clock duration in hours."""
    if _dialect(session) == "postgresql":
        return extract("epoch", StepRecord.completed_at - StepRecord.started_at) / 3600.0
    return (func.julianday(StepRecord.completed_at) - func.julianday(StepRecord.started_at)) * 24.0


def _requests(provider_id: int | None, service_code: str | None, period: Period) -> ColumnElement[bool]:
    """Return the condition of a request received by the provider (any, for the region) in the period."""
    clauses = [Application.submitted_at >= period.start, Application.submitted_at < period.end,
               Application.provider_id.is_not(None), Application.stage != DRAFT,
               Application.stage.not_in(CENTRE_ONLY)]  # never reached a provider: refused or left at a centre
    if provider_id is not None:
        clauses.append(Application.provider_id == provider_id)
    if service_code:
        clauses.append(Application.service_code == service_code)
    return and_(*clauses)


def _month_figures(session: Session, where: ColumnElement[bool], now: datetime) -> list[MonthFigures]:
    """Return the request counts per service and month of receipt (one query)."""
    month = _month_of(session, Application.submitted_at).label("month")
    done = Application.completed_at.is_not(None)

    def count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    query = (select(Application.service_code, month, func.count(Application.id),
                    count_if(and_(done, Application.completed_at <= Application.deadline_at)),
                    count_if(and_(done, Application.completed_at > Application.deadline_at)),
                    count_if(and_(~done, Application.deadline_at < now)))
             .where(where).group_by(Application.service_code, month).order_by(month, Application.service_code))
    return [MonthFigures(code, m, int(n), int(on_time), int(late), int(overdue))
            for code, m, n, on_time, late, overdue in session.execute(query)]


def _step_figures(session: Session, where: ColumnElement[bool]) -> tuple[list[StepFigures], list[StepFigures]]:
    """Return per service, step and norm: steps done, done late, median hours, by month and over the range.

    PostgreSQL makes both in one pass (GROUPING SETS); SQLite, which has neither those nor a median, in two.
    """
    hours = _hours(session).label("hours")
    month = _month_of(session, Application.submitted_at).label("month")
    service, step = Application.service_code.label("service_code"), StepRecord.step.label("step")
    role, norm = StepRecord.role.label("role"), StepRecord.normative.label("normative")
    steps = and_(where, StepRecord.completed_at.is_not(None), StepRecord.role.in_([str(r) for r in PROVIDER_ROLES]))
    late = case((StepRecord.late, 1), else_=0)
    queries: list[Select[Any]]
    if _dialect(session) == "postgresql":
        queries = [select(service, month, step, role, norm, func.count(StepRecord.id), func.sum(late),
                          func.percentile_cont(0.5).within_group(hours))
                   .select_from(StepRecord).join(Application, Application.id == StepRecord.application_id)
                   .where(steps)
                   .group_by(func.grouping_sets(tuple_(service, month, step, role, norm),
                                                tuple_(service, step, role, norm)))]
    else:
        queries = []
        for by_month in (True, False):
            # no median here: number each group's durations in order, keep the middle one (odd) or two (even)
            keys: list[Any] = [service, month if by_month else literal(None).label("month"), step, role, norm]
            parts = [k for k in keys if by_month or k.name != "month"]
            ranked = (select(*keys, hours,
                             func.row_number().over(partition_by=parts, order_by=hours).label("rank"),
                             func.count().over(partition_by=parts).label("n"),
                             func.sum(late).over(partition_by=parts).label("n_late"))
                      .select_from(StepRecord).join(Application, Application.id == StepRecord.application_id)
                      .where(steps).subquery())
            outer = [ranked.c[k.name] for k in keys]
            queries.append(select(*outer, func.max(ranked.c.n), func.max(ranked.c.n_late), func.avg(ranked.c.hours))
                           .where(ranked.c.rank.in_([(ranked.c.n + 1) // 2, (ranked.c.n + 2) // 2]))
                           .group_by(*outer))
    rows = [StepFigures(code, month_value, step_code, role_code, normative, int(n), int(n_late or 0),
                        None if median is None else round(float(median), 2))
            for query in queries
            for code, month_value, step_code, role_code, normative, n, n_late, median in session.execute(query)]
    rows.sort(key=lambda f: (f.service_code, f.month or "", f.step, f.normative))
    return [f for f in rows if f.month is not None], [f for f in rows if f.month is None]


def regional_providers(session: Session) -> list[Provider]:
    """Return the providers of the region (not the State Corporation's centres), by code."""
    return list(session.scalars(select(Provider).where(Provider.kind != ProviderKind.service_centre)
                                .order_by(Provider.code)))


def figures(session: Session, *, provider: Provider | None, period: Period, now: datetime,
            service_code: str | None = None, providers: list[Provider] | None = None) -> Dashboard:
    """Return the dashboard of a provider (None: the whole region) over the period, optionally for one service."""
    where = _requests(provider.id if provider is not None else None, service_code, period)
    if _dialect(session) == "postgresql":
        # the region's year is a few hundred thousand requests: sort them in memory, not on disk (this
        # transaction only; it reads and is rolled back at the request's end)
        session.execute(text(f"SET LOCAL work_mem = '{WORK_MEM}'"))
    by_month, over_range = _step_figures(session, where)
    return Dashboard(period=period, provider=provider, service_code=service_code or None, now=now,
                     months=_month_figures(session, where, now), steps=by_month, step_totals=over_range,
                     providers=providers or [])


def dashboard_for(session: Session, person: Person, *, now: datetime, first: str | None = None,
                  last: str | None = None, service: str | None = None, provider: str | None = None) -> Dashboard:
    """Return the figures this person may read: a head their own provider's, a regional analyst the region's.

    A regional analyst may narrow the view to one provider by its code; a head's view is their provider's
    whatever is asked. An unknown service or provider code means all of them.
    """
    period = period_of(first, last, now)
    service_code = service if service in SERVICES else None
    if person.role == Role.head and person.provider is not None and not person.provider.is_centre:
        return figures(session, provider=person.provider, period=period, now=now, service_code=service_code)
    if person.role in REGION_ROLES:
        providers = regional_providers(session)
        chosen = next((p for p in providers if p.code == provider), None)
        return figures(session, provider=chosen, period=period, now=now, service_code=service_code,
                       providers=providers)
    raise NotAllowed("dashboard_not_yours")
