"""The dashboard's figures: requests received, completed on time or late, open now, and each step's median time.

Everything is counted by the month it happened in (Kazakhstan time), per service: a request is received
in the month of its submission and completed (on time or late, against its deadline) in the month of its
completion; a step is counted in the month it was completed. Such figures never change once their month
is over, so they are read from the rollup (portal.domain.dashboard_rollup), and only what happened since
the last midnight is counted live: a view costs the same few queries at any size of the tables. What is
open now (overdue, or within its deadline) is read live from the open requests (a partial index).
Step times are wall-clock hours from the step's start to its completion; whether a step was late is the
step record's own flag, counted on the provider's working calendar. A month's median is exact; a median
over several months (or a month and today) is taken from narrow bands, within 1.1%, and says so.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from portal.domain import dashboard_rollup as rollup
from portal.domain.catalog import SERVICES
from portal.domain.errors import NotAllowed
from portal.domain.models import REGION_ROLES, Application, Person, Provider, ProviderKind, Role
from portal.domain.models.dashboard import REGION, DashboardMonth, DashboardStepMonth

#: the months a dashboard covers by default
DEFAULT_MONTHS = 12
#: the most months one view may cover
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
    """The requests of one service received in one month, and those completed in it on time or late."""

    service_code: str
    month: str
    received: int
    on_time: int
    late: int


@dataclass(frozen=True)
class OpenFigures:
    """The requests of one service open now: past their deadline, or within it."""

    service_code: str
    overdue: int
    in_time: int


@dataclass(frozen=True)
class StepFigures:
    """One regulated step of one service (in one month, or over the whole range): how long it actually took."""

    service_code: str
    #: YYYY-MM of the steps' completion; None for the whole range
    month: str | None
    step: str
    role: str
    #: the catalog's normative duration code, e.g. 15m or 14wd
    normative: str
    completed: int
    late: int
    #: the median of completed_at - started_at, in wall-clock hours
    median_hours: float | None
    #: False when the median was taken from the durations' bands (within rollup.BAND_ERROR)
    exact: bool = True


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
    #: what is open now, per service, whatever the period
    open_now: list[OpenFigures] = field(default_factory=list)
    #: the providers a regional view may narrow to (empty for a provider's own view)
    providers: list[Provider] = field(default_factory=list)

    def month_totals(self) -> list[MonthFigures]:
        """Return each month of the period summed over the services (zeros for a month with nothing)."""
        sums: dict[str, list[int]] = {m: [0, 0, 0] for m in self.period.months()}
        for f in self.months:
            row = sums.setdefault(f.month, [0, 0, 0])
            for i, value in enumerate((f.received, f.on_time, f.late)):
                row[i] += value
        return [MonthFigures("", month, *row) for month, row in sums.items()]

    def totals(self) -> MonthFigures:
        """Return the whole period summed over months and services."""
        rows = self.month_totals()
        return MonthFigures("", "", *(sum(getattr(r, name) for r in rows) for name in ("received", "on_time", "late")))

    def open_totals(self) -> OpenFigures:
        """Return what is open now, summed over the services."""
        return OpenFigures("", sum(f.overdue for f in self.open_now), sum(f.in_time for f in self.open_now))


def _step_figures(key: tuple[str, str | None, str, str, str], tally: rollup.StepTally) -> StepFigures:
    """Return a step group's figures from its tally."""
    median = tally.median
    return StepFigures(*key, completed=tally.completed, late=tally.late,
                       median_hours=None if median is None else round(float(median), 2), exact=tally.exact)


def _stored(session: Session, scope: int, months: list[str], service_code: str | None
            ) -> tuple[dict[rollup.RequestKey, list[int]], dict[rollup.StepKey, rollup.StepTally]]:
    """Return the rollup's request counts and step tallies of a provider (or REGION) for these months (two queries)."""
    requests: dict[rollup.RequestKey, list[int]] = {}
    if not months:
        return requests, {}
    m, t = DashboardMonth, DashboardStepMonth  # plain rows, not ORM objects: a region's year is a few hundred
    rows = select(m.service_code, m.month, m.received, m.on_time, m.late).where(m.provider_id == scope,
                                                                                m.month.in_(months))
    steps = select(t.service_code, t.month, t.step, t.role, t.normative, t.completed, t.late, t.median_hours,
                   t.histogram).where(t.provider_id == scope, t.month.in_(months))
    if service_code:
        rows = rows.where(m.service_code == service_code)
        steps = steps.where(t.service_code == service_code)
    for code, month, received, on_time, late in session.execute(rows):
        requests[(scope, code, month)] = [received, on_time, late]
    tallies = {(scope, code, month, step, role, norm):
               rollup.StepTally.stored(n, n_late, median, histogram or {})
               for code, month, step, role, norm, n, n_late, median, histogram in session.execute(steps)}
    return requests, tallies


def _open_now(session: Session, provider_id: int | None, service_code: str | None, now: datetime) -> list[OpenFigures]:
    """Return the requests open now per service, past their deadline or within it (the open requests' index)."""
    overdue = Application.deadline_at < now
    query = (select(Application.service_code, func.coalesce(func.sum(case((overdue, 1), else_=0)), 0),
                    func.coalesce(func.sum(case((overdue, 0), else_=1)), 0))
             .where(Application.completed_at.is_(None), Application.deadline_at.is_not(None),
                    *rollup.provider_requests(provider_id, service_code))
             .group_by(Application.service_code).order_by(Application.service_code))
    return [OpenFigures(code, int(late), int(in_time)) for code, late, in_time in session.execute(query)]


def regional_providers(session: Session) -> list[Provider]:
    """Return the providers of the region (not the State Corporation's centres), by code."""
    return list(session.scalars(select(Provider).where(Provider.kind != ProviderKind.service_centre)
                                .order_by(Provider.code)))


def figures(session: Session, *, provider: Provider | None, period: Period, now: datetime,
            service_code: str | None = None, providers: list[Provider] | None = None,
            live: bool = False) -> Dashboard:
    """Return the dashboard of a provider (None: the whole region) over the period, optionally for one service.

    The months the rollup holds (counting first any it lacks) are read from it, the rest counted live;
    `live` counts everything live instead, as the rollup itself does (for tests and comparisons).
    """
    scope = provider.id if provider is not None else REGION
    months = period.months()
    rollup.custom_plans(session)
    counted = {} if live else rollup.prepare(session, months, now)
    covered, edge = [], period.start
    for month in months:  # the rollup's share: the months it holds from the period's start, without a gap
        start, end = rollup.month_bounds(month)
        until = counted.get(month)
        if until is None or start != edge:
            break
        covered.append(month)
        edge = until
        if until < end:
            break
    requests, steps = _stored(session, scope, covered, service_code)
    if edge < min(period.end, now):
        fresh = rollup.tally(session, edge, min(period.end, now), provider_id=provider.id if provider else None,
                             service_code=service_code).as_one(scope)
        for key, values in fresh.requests.items():
            row = requests.setdefault(key, [0, 0, 0])
            for i, value in enumerate(values):
                row[i] += value
        for key, figures_ in fresh.steps().items():
            steps.setdefault(key, rollup.StepTally()).add(figures_)
    over_range: dict[tuple[str, None, str, str, str], rollup.StepTally] = {}
    for (_scope, code, month, step, role, norm), figures_ in steps.items():
        over_range.setdefault((code, None, step, role, norm), rollup.StepTally()).add(figures_)
    order = (lambda f: (f.service_code, f.month or "", f.step, f.normative))  # noqa: E731
    return Dashboard(
        period=period, provider=provider, service_code=service_code or None, now=now,
        months=sorted((MonthFigures(code, month, *values) for (_s, code, month), values in requests.items()),
                      key=lambda f: (f.month, f.service_code)),
        steps=sorted((_step_figures((code, month, step, role, norm), t)
                      for (_s, code, month, step, role, norm), t in steps.items()), key=order),
        step_totals=sorted((_step_figures(key, t) for key, t in over_range.items()), key=order),
        open_now=_open_now(session, provider.id if provider else None, service_code, now), providers=providers or [])


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
