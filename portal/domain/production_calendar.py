"""Kazakhstan's official production calendar: holidays, their observed days and transfers.

The portal keeps the calendar as data per year in ``kz_production_calendar.toml`` (with the laws
and decrees it follows).  For a year listed there that data is authoritative; the `holidays`
library fills in only the years the data does not cover, so a library upgrade can never move a
day off in a year the portal has checked against the published calendar.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property, lru_cache
from pathlib import Path

import holidays

__all__ = ["DATA_FILE", "FIVE_DAY_WEEK", "YearCalendar", "covered_years", "year_calendar"]

DATA_FILE = Path(__file__).with_name("kz_production_calendar.toml")

#: the week the Government's transfers of days off are decreed for (Monday to Friday)
FIVE_DAY_WEEK = frozenset({0, 1, 2, 3, 4})

_SATURDAY, _SUNDAY = 5, 6


@dataclass(frozen=True)
class YearCalendar:
    """One year of the production calendar."""

    year: int
    #: public holidays: date -> name
    holidays: dict[date, str]
    #: the next working days that replace holidays falling on a Saturday or Sunday
    observed: frozenset[date]
    #: weekdays made days off by a transfer (five-day week only)
    transferred_days_off: frozenset[date]
    #: Saturdays and Sundays made working days by a transfer (five-day week only)
    working_weekend_days: frozenset[date]
    #: where the year's data comes from ("holidays library" for years without own data)
    sources: tuple[str, ...]

    @cached_property
    def public_days_off(self) -> frozenset[date]:
        """Return the holidays and their observed days (off on every weekly schedule)."""
        return frozenset(self.holidays) | self.observed

    @cached_property
    def five_day_days_off(self) -> frozenset[date]:
        """Return the days off of the five-day week besides Saturdays and Sundays: holidays, observed, transferred."""
        return self.public_days_off | self.transferred_days_off


def _observed_days(holiday_dates: dict[date, str], no_carry: frozenset[date]) -> frozenset[date]:
    """Return the next working day for each carrying holiday that falls on a Saturday or Sunday.

    Labour Code art. 85 p. 2: the day off moves to the next working day, i.e. the next Monday to
    Friday that is neither a holiday nor already taken by an earlier holiday's observed day
    (Nauryz 2026: Saturday 21 -> Tuesday 24, Sunday 22 -> Wednesday 25, since Monday 23 is itself
    a holiday).
    """
    taken: set[date] = set()
    for day in sorted(holiday_dates):
        if day.weekday() < _SATURDAY or day in no_carry:
            continue
        candidate = day + timedelta(days=1)
        while candidate.weekday() >= _SATURDAY or candidate in holiday_dates or candidate in taken:
            candidate += timedelta(days=1)
        taken.add(candidate)
    return frozenset(taken)


def _parse_day(text: str, year: int, what: str) -> date:
    """Return the ISO date `text`, checking it lies in `year`."""
    day = date.fromisoformat(text)
    if day.year != year:
        raise ValueError(f"{DATA_FILE.name}: {what} {text} is not in {year}")
    return day


def _from_data(year: int, entry: dict) -> YearCalendar:
    """Build and check one year of the portal's own calendar data."""
    names = {_parse_day(k, year, "holiday"): str(v) for k, v in entry["holidays"].items()}
    no_carry = frozenset(_parse_day(k, year, "no_carry day") for k in entry.get("no_carry", []))
    if not no_carry <= names.keys():
        raise ValueError(f"{DATA_FILE.name}: {year} no_carry days must be holidays")
    observed = _observed_days(names, no_carry)
    off, worked = set(), set()
    for transfer in entry.get("transfers", []):
        worked_day = _parse_day(transfer["from"], year, "transfer from")
        off_day = _parse_day(transfer["to"], year, "transfer to")
        if worked_day.weekday() < _SATURDAY or worked_day in names:
            raise ValueError(f"{DATA_FILE.name}: a transfer's 'from' {worked_day} must be a Saturday or Sunday, not a holiday")
        if off_day.weekday() >= _SATURDAY or off_day in names or off_day in observed:
            raise ValueError(f"{DATA_FILE.name}: a transfer's 'to' {off_day} must be an ordinary weekday")
        worked.add(worked_day)
        off.add(off_day)
    return YearCalendar(year, names, observed, frozenset(off), frozenset(worked), tuple(entry.get("sources", ())))


def _from_library(year: int) -> YearCalendar:
    """Build a year the portal has no data for from the `holidays` library.

    The library lists a transfer's new day off among its holidays, so for these years it counts
    on every weekly schedule, not only the five-day week.
    """
    observed_lib = holidays.country_holidays("KZ", years=year, observed=True)
    plain = holidays.country_holidays("KZ", years=year, observed=False)
    names = {d: str(n) for d, n in plain.items()}
    extra = frozenset(observed_lib) - frozenset(plain)
    worked = frozenset(d for d in getattr(observed_lib, "weekend_workdays", ()) if d.year == year)
    return YearCalendar(year, names, extra, frozenset(), worked, (f"holidays library {holidays.__version__}",))


@lru_cache(maxsize=1)
def _data() -> dict[int, dict]:
    """Return the parsed data file, keyed by year."""
    with DATA_FILE.open("rb") as fh:
        raw = tomllib.load(fh)
    return {int(year): entry for year, entry in raw["years"].items()}


def covered_years() -> frozenset[int]:
    """Return the years the portal's own data covers."""
    return frozenset(_data())


@lru_cache(maxsize=None)
def year_calendar(year: int) -> YearCalendar:
    """Return the production calendar of `year`: the portal's data, else the library's."""
    entry = _data().get(year)
    return _from_data(year, entry) if entry is not None else _from_library(year)
