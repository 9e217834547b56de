"""Compute service deadlines on Kazakhstan's working calendar.

Which days are working days comes from the official production calendar
(portal.domain.production_calendar): public holidays, the days off observed
for holidays on a weekend, and the Government's transfers of days off, which
apply to providers working the five-day week.

Every datetime handled here is naive and expressed in Kazakhstan local time
(UTC+5, no daylight saving).  Aware datetimes passed in are converted to that
convention first; all returned datetimes are naive.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from portal import clock
from portal.domain.production_calendar import FIVE_DAY_WEEK, year_calendar

__all__ = [
    "DEFAULT_HOURS",
    "KZ_TZ",
    "WorkingHours",
    "add_working_days",
    "add_working_minutes",
    "clock_start",
    "is_open",
    "is_working_day",
    "kz_holidays",
    "next_opening",
    "now_kz",
    "to_kz_naive",
    "working_days_left",
    "working_minutes_left",
]

KZ_TZ = clock.KZ_TZ

# Upper bound on how far the calendar searches for the next working day; a
# real calendar never has a year without one, so hitting it means a bug.
_MAX_SEARCH_DAYS = 366 * 2


@dataclass(frozen=True)
class WorkingHours:
    """Describe a service provider's weekly opening hours."""

    opens: time = time(9, 0)
    closes: time = time(18, 30)
    lunch_from: time | None = time(13, 0)
    lunch_to: time | None = time(14, 30)
    weekdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})  # Mon-Fri

    def __post_init__(self) -> None:
        """Reject inconsistent opening hours."""
        if not self.opens < self.closes:
            raise ValueError("opens must be earlier than closes")
        if (self.lunch_from is None) != (self.lunch_to is None):
            raise ValueError("lunch_from and lunch_to must be set together")
        if self.lunch_from is not None and self.lunch_to is not None:
            if not self.opens < self.lunch_from < self.lunch_to < self.closes:
                raise ValueError("lunch must lie strictly inside opening hours")
        if not self.weekdays or not set(self.weekdays) <= set(range(7)):
            raise ValueError("weekdays must be a non-empty subset of 0..6")
        for t in (self.opens, self.closes, self.lunch_from, self.lunch_to):
            if t is not None and t.tzinfo is not None:
                raise ValueError("working hours must use naive times")

    @property
    def minutes_per_day(self) -> int:
        """Return the number of open minutes in one working day."""
        total = sum(
            (end - start for start, end in self.open_intervals(date(2000, 1, 3))),
            timedelta(),
        )
        return int(total.total_seconds() // 60)

    def open_intervals(self, d: date) -> tuple[tuple[datetime, datetime], ...]:
        """Return the half-open [start, end) open intervals on day `d`, ignoring holidays."""
        if self.lunch_from is None or self.lunch_to is None:
            return ((datetime.combine(d, self.opens), datetime.combine(d, self.closes)),)
        return (
            (datetime.combine(d, self.opens), datetime.combine(d, self.lunch_from)),
            (datetime.combine(d, self.lunch_to), datetime.combine(d, self.closes)),
        )


DEFAULT_HOURS = WorkingHours()


def now_kz() -> datetime:
    """Return the current naive Kazakhstan local time."""
    return clock.now_kz()


def to_kz_naive(dt: datetime) -> datetime:
    """Return `dt` as naive Kazakhstan local time (naive input is returned unchanged)."""
    if dt.tzinfo is None or dt.utcoffset() is None:
        return dt.replace(tzinfo=None)
    return dt.astimezone(KZ_TZ).replace(tzinfo=None)


def kz_holidays(year: int) -> frozenset[date]:
    """Return Kazakhstan's public holidays in `year` with the days off observed for them."""
    return year_calendar(year).public_days_off


def is_working_day(d: date, hours: WorkingHours = DEFAULT_HOURS) -> bool:
    """Return whether `d` is a working day on the production calendar for these weekly hours.

    On the five-day week (Monday to Friday) the Government's transfers count: a transferred
    Saturday or Sunday is a working day and the weekday it was moved to is a day off.  Other
    weekly schedules keep their own weekdays and only lose holidays and their observed days.
    """
    if isinstance(d, datetime):
        d = to_kz_naive(d).date()
    calendar = year_calendar(d.year)
    if hours.weekdays == FIVE_DAY_WEEK:
        if d in calendar.working_weekend_days:
            return True
        return d.weekday() in FIVE_DAY_WEEK and d not in calendar.five_day_days_off
    return d.weekday() in hours.weekdays and d not in calendar.public_days_off


def is_open(at: datetime, hours: WorkingHours = DEFAULT_HOURS) -> bool:
    """Return whether the provider is open at `at` (opening inclusive, closing and lunch excluded)."""
    at = to_kz_naive(at)
    if not is_working_day(at.date(), hours):
        return False
    return any(start <= at < end for start, end in hours.open_intervals(at.date()))


def _next_working_day(d: date, hours: WorkingHours) -> date:
    """Return the first working day strictly after `d`."""
    for offset in range(1, _MAX_SEARCH_DAYS + 1):
        candidate = d + timedelta(days=offset)
        if is_working_day(candidate, hours):
            return candidate
    raise RuntimeError(f"no working day within {_MAX_SEARCH_DAYS} days after {d}")


def _previous_working_day(d: date, hours: WorkingHours) -> date:
    """Return the last working day strictly before `d`."""
    for offset in range(1, _MAX_SEARCH_DAYS + 1):
        candidate = d - timedelta(days=offset)
        if is_working_day(candidate, hours):
            return candidate
    raise RuntimeError(f"no working day within {_MAX_SEARCH_DAYS} days before {d}")


def next_opening(at: datetime, hours: WorkingHours = DEFAULT_HOURS) -> datetime:
    """Return `at` if the provider is open then, else the next moment it opens."""
    at = to_kz_naive(at)
    if is_working_day(at.date(), hours):
        for start, end in hours.open_intervals(at.date()):
            if at < end:
                return max(at, start)
    day = _next_working_day(at.date(), hours)
    return datetime.combine(day, hours.opens)


def clock_start(submitted_at: datetime, hours: WorkingHours = DEFAULT_HOURS) -> datetime:
    """Return when the processing clock of a request submitted at `submitted_at` starts."""
    return next_opening(submitted_at, hours)


def _interval_end(at: datetime, hours: WorkingHours) -> datetime:
    """Return the end of the open interval containing the open moment `at`."""
    for start, end in hours.open_intervals(at.date()):
        if start <= at < end:
            return end
    raise AssertionError(f"{at} is not an open moment")  # pragma: no cover


def add_working_minutes(start: datetime, minutes: int, hours: WorkingHours = DEFAULT_HOURS) -> datetime:
    """Return the moment `minutes` open minutes after `start`, skipping closed time.

    Counting begins at next_opening(start); a result that exhausts an open
    interval exactly is reported as that interval's end (e.g. 18:30, not the
    next morning's 09:00).
    """
    if minutes < 0:
        raise ValueError("minutes must be non-negative")
    cursor = next_opening(start, hours)
    remaining = timedelta(minutes=minutes)
    while True:
        end = _interval_end(cursor, hours)
        available = end - cursor
        if remaining <= available:
            return cursor + remaining
        remaining -= available
        cursor = next_opening(end, hours)


def add_working_days(start: datetime, days: int, hours: WorkingHours = DEFAULT_HOURS) -> datetime:
    """Return the deadline after `days` full working days counted from next_opening(start).

    The deadline has the clock start's time of day, `days` working days later.
    When that is exactly the opening time it is reported as the previous
    working day's closing time instead ("by 18:30 on Friday", not "09:00 on
    Monday").  With `days == 0` the clock start itself is returned.
    """
    if days < 0:
        raise ValueError("days must be non-negative")
    begin = next_opening(start, hours)
    if days == 0:
        return begin
    day = begin.date()
    for _ in range(days):
        day = _next_working_day(day, hours)
    if begin.time() == hours.opens:
        return datetime.combine(_previous_working_day(day, hours), hours.closes)
    return datetime.combine(day, begin.time())


@lru_cache(maxsize=256)
def _year_running_count(year: int, weekdays: frozenset[int]) -> tuple[int, ...]:
    """Return, for each day of the year, how many working days the year has up to and including it."""
    hours, out, count, d = WorkingHours(weekdays=weekdays), [], 0, date(year, 1, 1)
    while d.year == year:
        count += is_working_day(d, hours)
        out.append(count)
        d += timedelta(days=1)
    return tuple(out)


def _so_far(d: date, weekdays: frozenset[int]) -> int:
    """Return the working days from 1 January of d's year up to and including d."""
    return _year_running_count(d.year, weekdays)[d.timetuple().tm_yday - 1]


def _working_days_between(after: date, through: date, hours: WorkingHours) -> int:
    """Count working days d with after < d <= through, a year at a time (a years-old deadline costs no more)."""
    if through <= after:
        return 0
    weekdays = frozenset(hours.weekdays)
    if after.year == through.year:
        return _so_far(through, weekdays) - _so_far(after, weekdays)
    count = _year_running_count(after.year, weekdays)[-1] - _so_far(after, weekdays)
    for year in range(after.year + 1, through.year):
        count += _year_running_count(year, weekdays)[-1]
    return count + _so_far(through, weekdays)


def working_minutes_left(now: datetime, deadline: datetime, hours: WorkingHours = DEFAULT_HOURS) -> int:
    """Return the provider's open minutes from `now` until `deadline` (0 once it has passed)."""
    now, deadline = to_kz_naive(now), to_kz_naive(deadline)
    seconds, day = 0.0, now.date()
    while deadline > now and day <= deadline.date():
        if is_working_day(day, hours):
            for start, end in hours.open_intervals(day):
                low, high = max(start, now), min(end, deadline)
                seconds += max((high - low).total_seconds(), 0.0)
        day += timedelta(days=1)
    return int(seconds // 60)


def working_days_left(now: datetime, deadline: datetime, hours: WorkingHours = DEFAULT_HOURS) -> int:
    """Return the whole working days from `now` until `deadline`.

    Not yet due: the number of working days after today up to and including
    the deadline's day (0 when due today, 1 when due on the next working day).
    Overdue (now > deadline): minus the number of working days after the
    deadline's day up to and including today, but at least -1, so a deadline
    missed this evening or over a weekend already reads -1.
    """
    now = to_kz_naive(now)
    deadline = to_kz_naive(deadline)
    if now <= deadline:
        return _working_days_between(now.date(), deadline.date(), hours)
    return -max(1, _working_days_between(deadline.date(), now.date(), hours))
