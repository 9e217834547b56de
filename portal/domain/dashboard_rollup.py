"""The dashboard's counting: what happened in a span of time, counted live or once and for all in the rollup.

Every figure is an event stamped by the clock when it happens: a request received (submitted_at), a
request completed on time or late (completed_at against deadline_at), a step completed (its duration
and its late flag). An event never moves once written, so the figures of a span that has ended do not
change either: `fill` counts a month (or the days of the current month that are over) once, for every
provider and for the region, and the page reads those few rows and counts only the rest live: the hours
since the last midnight. A span counts as over an hour after it ended (SETTLE): a transaction that
stamped its time before the end has committed by then.

One exception is watched for: a request filed at a State Corporation centre is not the provider's until
the centre sends it on (or refuses it), which may be days later. `fill` notes how many such requests of
the month were still at a centre (`pending`); the page compares that number with the table's at every
view (one cheap count over an indexed stage) and counts the month again when one has moved on.

Medians: each stored row keeps its exact median, and the durations counted by narrow bands (`band`: 32 per
doubling, stored as the lowest band and the counts from it on, so that summing two is one slice operation; so a band's middle is within 1.1% of any duration in it, or within a second under two
seconds). A median over several rows (months, or the rollup and today) is taken from the summed bands
and is marked approximate.
"""
from __future__ import annotations

import math
import operator
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, case, delete, extract, func, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, sessionmaker

from portal.domain.catalog.centre import CENTRE_ONLY, ENTRY_STAGES
from portal.domain.catalog.process import DRAFT
from portal.domain.models import PROVIDER_ROLES, Application, StepRecord
from portal.domain.models.dashboard import REGION, DashboardFill, DashboardMonth, DashboardStepMonth

#: how long after a span's end its figures are taken as final (every transaction of before has committed)
SETTLE = timedelta(hours=1)
#: bands per doubling of a duration: a band is 2^(1/32) = 2.2% wide
BANDS_PER_DOUBLING = 32
#: the largest relative error of a median taken from bands: half a band, 2^(1/64) - 1
BAND_ERROR = 2 ** (1 / (2 * BANDS_PER_DOUBLING)) - 1

#: (provider_id, service_code, month) of a request count
RequestKey = tuple[int, str, str]
#: (provider_id, service_code, month, step, role, normative) of a step's figures
StepKey = tuple[int, str, str, str, str, str]


def band(seconds: float) -> int:
    """Return the band of a duration: -1 under a second (or negative), else floor(32 * log2(seconds))."""
    return -1 if seconds < 1 else math.floor(BANDS_PER_DOUBLING * math.log2(seconds))


def band_middle(index: int) -> float:
    """Return the duration in seconds that stands for a band: its geometric middle (0 for the lowest)."""
    return 0.0 if index < 0 else 2 ** ((index + 0.5) / BANDS_PER_DOUBLING)


def banded_median(first: int, counts: list[int]) -> float | None:
    """Return the median in hours of durations counted by band from `first` on (the mean of the middle two if even)."""
    n = sum(counts)
    if n == 0:
        return None
    wanted, found, seen = [(n + 1) // 2, (n + 2) // 2], [], 0
    for offset, count in enumerate(counts):
        seen += count
        while wanted and wanted[0] <= seen:
            found.append(band_middle(first + offset))
            wanted.pop(0)
        if not wanted:
            break
    return sum(found) / len(found) / 3600.0


@dataclass
class StepTally:
    """The completed steps of one group: how many, how many late, their exact median and their bands."""

    completed: int = 0
    late: int = 0
    #: the exact median in hours, known while the tally is of one group counted whole; None once merged
    median_hours: float | None = None
    #: the lowest band counted
    first: int = 0
    #: the durations in each band from `first` on, every band between included: merging two is one slice sum
    counts: list[int] = field(default_factory=list)
    #: how many non-empty tallies were merged into this one
    parts: int = 0

    @classmethod
    def of(cls, durations: list[tuple[float, bool]]) -> StepTally:
        """Return the tally of (hours, late) durations, with the exact median."""
        if not durations:
            return cls()
        bands = [band(hours * 3600.0) for hours, _late in durations]
        first = min(bands)
        counts = [0] * (max(bands) - first + 1)
        for index in bands:
            counts[index - first] += 1
        return cls(completed=len(durations), late=sum(1 for _h, late in durations if late),
                   median_hours=statistics.median(h for h, _l in durations), first=first, counts=counts, parts=1)

    @classmethod
    def stored(cls, completed: int, late: int, median_hours: float | None, histogram: dict[str, Any]) -> StepTally:
        """Return the tally of a rollup row (its histogram as `histogram` writes it)."""
        return cls(completed=completed, late=late, median_hours=median_hours, first=int(histogram.get("first", 0)),
                   counts=list(histogram.get("counts", [])), parts=1 if completed else 0)

    def histogram(self) -> dict[str, Any]:
        """Return the bands as the rollup stores them (JSON)."""
        return {"first": self.first, "counts": self.counts}

    def add(self, other: StepTally) -> None:
        """Merge another tally of the same step into this one."""
        if not other.completed:
            return
        if not self.completed:
            self.median_hours, self.first, self.counts = other.median_hours, other.first, list(other.counts)
        else:
            low = min(self.first, other.first)
            high = max(self.first + len(self.counts), other.first + len(other.counts))
            if low < self.first or high > self.first + len(self.counts):
                self.counts = [0] * (self.first - low) + self.counts + [0] * (high - self.first - len(self.counts))
                self.first = low
            at = other.first - self.first
            self.counts[at:at + len(other.counts)] = map(operator.add, self.counts[at:at + len(other.counts)],
                                                         other.counts)
        self.completed += other.completed
        self.late += other.late
        self.parts += other.parts

    @property
    def exact(self) -> bool:
        """Tell whether the median is exact: the tally is one group counted whole."""
        return self.parts <= 1

    @property
    def median(self) -> float | None:
        """Return the median in hours: exact when known, else taken from the bands."""
        return self.median_hours if self.exact else banded_median(self.first, self.counts)


@dataclass
class Tally:
    """What happened in a span, by provider, service and month: requests received and completed, steps completed."""

    #: [received, completed on time, completed late]
    requests: dict[RequestKey, list[int]] = field(default_factory=dict)
    #: each completed step's (hours, late)
    durations: dict[StepKey, list[tuple[float, bool]]] = field(default_factory=dict)

    def as_one(self, provider_id: int) -> Tally:
        """Return the same figures with every provider's counted as one's (the region's), durations pooled."""
        out = Tally()
        for (_pid, *rest), values in self.requests.items():
            row = out.requests.setdefault((provider_id, *rest), [0, 0, 0])  # type: ignore[arg-type]
            for i, value in enumerate(values):
                row[i] += value
        for (_pid, *other), durations in self.durations.items():
            out.durations.setdefault((provider_id, *other), []).extend(durations)  # type: ignore[arg-type]
        return out

    def steps(self) -> dict[StepKey, StepTally]:
        """Return each step group's tally, with its exact median."""
        return {key: StepTally.of(values) for key, values in self.durations.items()}


def _dialect(session: Session) -> str:
    """Return the database's dialect name."""
    return session.get_bind().dialect.name


def month_of(session: Session, column: Any) -> ColumnElement[str]:
    """Return the SQL expression of a timestamp's month as YYYY-MM."""
    if _dialect(session) == "postgresql":
        return func.to_char(column, "YYYY-MM")
    return func.strftime("%Y-%m", column)


def _hours(session: Session) -> ColumnElement[float]:
    """Return the SQL expression of a step's wall-clock duration in hours."""
    if _dialect(session) == "postgresql":
        return extract("epoch", StepRecord.completed_at - StepRecord.started_at) / 3600.0
    return (func.julianday(StepRecord.completed_at) - func.julianday(StepRecord.started_at)) * 24.0


def provider_requests(provider_id: int | None, service_code: str | None) -> list[ColumnElement[bool]]:
    """Return the conditions of a request that reached a provider (this one, or any for None), of a service."""
    clauses = [Application.provider_id.is_not(None), Application.stage != DRAFT,
               Application.stage.not_in(CENTRE_ONLY)]  # never reached a provider: refused or left at a centre
    if provider_id is not None:
        clauses.append(Application.provider_id == provider_id)
    if service_code:
        clauses.append(Application.service_code == service_code)
    return clauses


def custom_plans(session: Session) -> None:
    """Plan this transaction's queries for their actual span, on PostgreSQL, never with a cached generic plan.

    The same three queries count a month (the rollup) and a few hours (a view). The driver prepares a
    statement run five times on a connection, and PostgreSQL may then keep one generic plan for it: the
    month's plan (walk every step) made a region's view of today take 450 ms instead of 20 at a million.
    """
    if _dialect(session) == "postgresql":
        session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))


def tally(session: Session, start: datetime, end: datetime, *, provider_id: int | None = None,
          service_code: str | None = None) -> Tally:
    """Count what happened in [start, end) at a provider (every one for None), by provider, service and month.

    Three queries: requests received, requests completed, and the steps completed, whose durations come
    to Python (a month's at most) for their exact medians and bands.
    """
    out = Tally()
    where = provider_requests(provider_id, service_code)
    received = month_of(session, Application.submitted_at)
    for pid, code, month, n in session.execute(
            select(Application.provider_id, Application.service_code, received, func.count())
            .where(*where, Application.submitted_at >= start, Application.submitted_at < end)
            .group_by(Application.provider_id, Application.service_code, received)):
        out.requests.setdefault((pid, code, month), [0, 0, 0])[0] += int(n)
    completed = month_of(session, Application.completed_at)
    late = Application.completed_at > Application.deadline_at
    for pid, code, month, n, n_late in session.execute(
            select(Application.provider_id, Application.service_code, completed, func.count(),
                   func.coalesce(func.sum(case((late, 1), else_=0)), 0))
            .where(*where, Application.completed_at >= start, Application.completed_at < end)
            .group_by(Application.provider_id, Application.service_code, completed)):
        row = out.requests.setdefault((pid, code, month), [0, 0, 0])
        row[1] += int(n) - int(n_late)
        row[2] += int(n_late)
    durations: dict[StepKey, list[tuple[float, bool]]] = defaultdict(list)
    for pid, code, month, step, role, norm, hours, step_late in session.execute(
            select(Application.provider_id, Application.service_code, month_of(session, StepRecord.completed_at),
                   StepRecord.step, StepRecord.role, StepRecord.normative, _hours(session), StepRecord.late)
            .select_from(StepRecord).join(Application, Application.id == StepRecord.application_id)
            .where(*where, *([StepRecord.provider_id == provider_id] if provider_id is not None else []),
                   StepRecord.completed_at >= start, StepRecord.completed_at < end,
                   StepRecord.role.in_([str(r) for r in PROVIDER_ROLES]))):
        durations[(pid, code, month, step, role, norm)].append((float(hours), bool(step_late)))
    out.durations = dict(durations)
    return out


def month_bounds(month: str) -> tuple[datetime, datetime]:
    """Return the first instant of a YYYY-MM month and the first instant after it."""
    year, number = int(month[:4]), int(month[5:])
    after = (year + 1, 1) if number == 12 else (year, number + 1)
    return datetime(year, number, 1), datetime(*after, 1)


def settled_until(now: datetime) -> datetime:
    """Return the last midnight that is over by SETTLE: what happened before it can be counted once and for all."""
    day: date = (now - SETTLE).date()
    return datetime(day.year, day.month, day.day)


def _insert(session: Session) -> Any:
    """Return the dialect's INSERT, which knows ON CONFLICT."""
    return pg_insert if _dialect(session) == "postgresql" else sqlite_insert


def fill(session: Session, month: str, until: datetime, now: datetime, *, force: bool = False) -> bool:
    """Count a month from its start up to `until` into the rollup, for each provider and the region; replace what was.

    Returns False, writing nothing, when the month is already counted that far (by another transaction,
    maybe: claiming the month's row waits for it). `force` counts it again all the same.
    """
    start, end = month_bounds(month)
    until = min(until, end)
    claim = _insert(session)(DashboardFill).values(month=month, starts_at=start, until=until, pending=0,
                                                   filled_at=now)
    claim = claim.on_conflict_do_update(
        index_elements=[DashboardFill.month], set_={"until": until, "filled_at": now},
        where=None if force else DashboardFill.until < until)
    if session.execute(claim.returning(DashboardFill.month)).first() is None:
        return False
    session.execute(delete(DashboardMonth).where(DashboardMonth.month == month))
    session.execute(delete(DashboardStepMonth).where(DashboardStepMonth.month == month))
    counted = tally(session, start, until)
    requests = {**counted.requests, **counted.as_one(REGION).requests}
    steps = {**counted.steps(), **counted.as_one(REGION).steps()}
    if requests:
        session.execute(_insert(session)(DashboardMonth), [
            dict(provider_id=pid, month=m, service_code=code, received=r, on_time=ok, late=late)
            for (pid, code, m), (r, ok, late) in requests.items()])
    if steps:
        session.execute(_insert(session)(DashboardStepMonth), [
            dict(provider_id=pid, month=m, service_code=code, step=step, role=role, normative=norm,
                 completed=f.completed, late=f.late, median_hours=f.median_hours,
                 histogram=f.histogram())
            for (pid, code, m, step, role, norm), f in steps.items()])
    pending = session.scalar(select(func.count()).select_from(Application).where(
        Application.stage.in_(ENTRY_STAGES), Application.submitted_at >= start, Application.submitted_at < until))
    session.execute(DashboardFill.__table__.update().where(DashboardFill.month == month)
                    .values(pending=int(pending or 0)))
    return True


def stored_fills(session: Session, months: list[str]) -> dict[str, tuple[datetime, bool]]:
    """Return how far each of these months is counted, and whether it is still true (no request left a centre since)."""
    moved = (select(func.count()).select_from(Application)
             .where(Application.stage.in_(ENTRY_STAGES), Application.submitted_at >= DashboardFill.starts_at,
                    Application.submitted_at < DashboardFill.until).scalar_subquery())
    rows = session.execute(select(DashboardFill.month, DashboardFill.until, DashboardFill.pending, moved)
                           .where(DashboardFill.month.in_(months)))
    return {month: (until, int(pending) == int(still or 0)) for month, until, pending, still in rows}


def prepare(session: Session, months: list[str], now: datetime) -> dict[str, datetime]:
    """Return how far each month is counted in the rollup, first counting what is missing or out of date.

    A month is counted up to the last settled midnight (the whole month once it is over): the first view
    that needs one pays for it once (as long as the live count took before the rollup); the daily run of
    `rollup` (the outbox worker, or `flask dashboard-rollup`) normally leaves nothing for a view to do.
    """
    settled = settled_until(now)
    fills = stored_fills(session, months)
    out: dict[str, datetime] = {}
    for month in months:
        start, end = month_bounds(month)
        target = min(end, settled)
        if target <= start:
            continue
        until, still_true = fills.get(month, (start, True))
        if until < target or not still_true:
            fill(session, month, target, now, force=not still_true)
            until = target
        out[month] = until
    return out


def due(session: Session, now: datetime, *, months: list[str] | None = None, force: bool = False) -> list[str]:
    """Return the months (by default every one since the first request) the rollup lacks or holds out of date."""
    settled = settled_until(now)
    if months is None:
        first = session.scalar(select(func.min(Application.submitted_at)))
        months = []
        if first is not None:
            year, number = first.year, first.month
            while datetime(year, number, 1) < settled:
                months.append(f"{year:04d}-{number:02d}")
                year, number = (year + 1, 1) if number == 12 else (year, number + 1)
    fills = {} if force else stored_fills(session, months)
    out = []
    for month in months:
        start, end = month_bounds(month)
        until, still_true = fills.get(month, (start, True))
        if min(end, settled) > start and (force or until < min(end, settled) or not still_true):
            out.append(month)
    return out


def rollup(session: Session, now: datetime, *, months: list[str] | None = None, force: bool = False) -> list[str]:
    """Count into the rollup the months `due` names (every one again with `force`), in this transaction."""
    done = due(session, now, months=months, force=force)
    for month in done:
        fill(session, month, settled_until(now), now, force=True)
    return done


def rollup_job(sessions: sessionmaker[Session], now: datetime, *, months: list[str] | None = None,
               force: bool = False) -> list[str]:
    """Count the months `due` names into the rollup, each in a transaction of its own (the daily job)."""
    with sessions() as session:
        todo = due(session, now, months=months, force=force)
    for month in todo:
        with sessions() as session:
            fill(session, month, settled_until(now), now, force=True)
            session.commit()
    return todo
