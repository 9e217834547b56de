"""Test the official production calendar: each year's published days off and transfers, 2024-2027.

The expected lists are the published calendars (egov.kz and the Ministry of Labour), written out by
hand, not computed: every weekday that is a day off on the five-day week, and every Saturday or
Sunday the Government made a working day.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Iterator

import pytest
from sqlalchemy import select

from portal import demo
from portal.domain import applications as requests_
from portal.domain import production_calendar
from portal.domain.calendar import (
    WorkingHours,
    add_working_days,
    add_working_minutes,
    clock_start,
    is_working_day,
    kz_holidays,
)
from portal.domain.catalog import SERVICES
from portal.domain.models import Person, Provider
from portal.domain.production_calendar import YearCalendar, covered_years, year_calendar
from tests.factories import pdf_bytes
from tests.service_samples import form_values


def d(text: str) -> date:
    """Parse an ISO date."""
    return date.fromisoformat(text)


#: weekdays (Monday to Friday) that are days off on the five-day week, as published
PUBLISHED_WEEKDAYS_OFF = {
    2024: ["2024-01-01", "2024-01-02", "2024-03-08", "2024-03-21", "2024-03-22", "2024-03-25",
           "2024-05-01", "2024-05-07", "2024-05-08", "2024-05-09", "2024-07-08", "2024-08-30",
           "2024-10-25", "2024-12-16"],
    2025: ["2025-01-01", "2025-01-02", "2025-01-03", "2025-01-07", "2025-03-10", "2025-03-21",
           "2025-03-24", "2025-03-25", "2025-05-01", "2025-05-07", "2025-05-09", "2025-06-06",
           "2025-07-07", "2025-09-01", "2025-10-27", "2025-12-16"],
    2026: ["2026-01-01", "2026-01-02", "2026-01-07", "2026-03-09", "2026-03-23", "2026-03-24",
           "2026-03-25", "2026-05-01", "2026-05-07", "2026-05-11", "2026-05-27", "2026-07-06",
           "2026-10-26", "2026-12-16"],
    2027: ["2027-01-01", "2027-01-04", "2027-01-07", "2027-03-08", "2027-03-15", "2027-03-22",
           "2027-03-23", "2027-03-24", "2027-05-03", "2027-05-07", "2027-05-10", "2027-07-06",
           "2027-10-25", "2027-12-16"],
}

#: Saturdays and Sundays made working days by the Government's transfers
PUBLISHED_WORKING_WEEKENDS = {2024: ["2024-05-04"], 2025: ["2025-01-05"], 2026: [], 2027: []}


def days_of(year: int) -> Iterator[date]:
    """Yield every day of `year`."""
    day = date(year, 1, 1)
    while day.year == year:
        yield day
        day += timedelta(days=1)


@pytest.fixture
def fresh_calendar() -> Iterator[None]:
    """Forget the cached years before and after a test that changes where they come from."""
    production_calendar.year_calendar.cache_clear()
    yield
    production_calendar.year_calendar.cache_clear()


# ------------------------------------------------------------- the data, year by year


def test_the_data_covers_2024_to_2027_with_sources() -> None:
    assert covered_years() >= {2024, 2025, 2026, 2027}
    for year in (2024, 2025, 2026, 2027):
        assert year_calendar(year).sources, year
        assert not year_calendar(year).sources[0].startswith("holidays library")


@pytest.mark.parametrize("year", [2024, 2025, 2026, 2027])
def test_each_years_days_off_and_working_weekends_are_the_published_ones(year: int) -> None:
    weekdays_off = [day.isoformat() for day in days_of(year) if day.weekday() < 5 and not is_working_day(day)]
    working_weekends = [day.isoformat() for day in days_of(year) if day.weekday() >= 5 and is_working_day(day)]
    assert weekdays_off == PUBLISHED_WEEKDAYS_OFF[year]
    assert working_weekends == PUBLISHED_WORKING_WEEKENDS[year]


def test_2024_saturday_4_may_worked_and_wednesday_8_may_off() -> None:
    assert date(2024, 5, 4).weekday() == 5 and date(2024, 5, 8).weekday() == 2
    assert is_working_day(date(2024, 5, 4))
    assert not is_working_day(date(2024, 5, 8))
    assert not is_working_day(date(2024, 5, 5))  # the Sunday stays a day off
    # 6 July 2024 was a Saturday: Monday 8 July off, no transfer besides May's
    assert not is_working_day(date(2024, 7, 8))
    assert year_calendar(2024).transferred_days_off == {date(2024, 5, 8)}


def test_2025_sunday_5_january_worked_and_friday_3_january_off() -> None:
    assert date(2025, 1, 5).weekday() == 6 and date(2025, 1, 3).weekday() == 4
    assert is_working_day(date(2025, 1, 5))
    assert not is_working_day(date(2025, 1, 3))
    assert is_working_day(date(2025, 5, 8))  # no transfer for the May holidays of 2025
    assert year_calendar(2025).transferred_days_off == {date(2025, 1, 3)}


def test_2026_has_no_transfers_and_30_august_is_no_longer_a_holiday() -> None:
    cal = year_calendar(2026)
    assert cal.transferred_days_off == frozenset() and cal.working_weekend_days == frozenset()
    # 30 August 2026 is a Sunday; without the holiday Monday 31 August is an ordinary working day
    assert date(2026, 8, 30) not in cal.holidays
    assert is_working_day(date(2026, 8, 31))
    # Constitution Day on 15 March starts in 2027: Sunday 15 March 2026 gives no Monday off
    assert is_working_day(date(2026, 3, 16))


def test_2027_constitution_day_is_15_march_and_there_are_no_transfers() -> None:
    cal = year_calendar(2027)
    assert cal.holidays[date(2027, 3, 15)] == "Constitution Day"
    assert not is_working_day(date(2027, 3, 15))
    assert is_working_day(date(2027, 8, 30))  # a Monday, no longer a holiday
    assert cal.transferred_days_off == frozenset() and cal.working_weekend_days == frozenset()


def test_religious_holidays_on_a_weekend_give_no_extra_day() -> None:
    # Orthodox Christmas on Sunday 7 January 2024, Kurban Ait on Sunday 16 June 2024
    assert is_working_day(date(2024, 1, 8))
    assert is_working_day(date(2024, 6, 17))
    assert date(2024, 1, 7) in kz_holidays(2024) and date(2024, 6, 16) in kz_holidays(2024)


# -------------------------------------------------- the calendar's own data wins


def _library_before_the_2026_constitution(country: str, years: int, observed: bool) -> dict[date, str]:
    """Stand in for a `holidays` release that still has 30 August 2026 and lacks 15 March 2027."""
    assert country == "KZ"
    days = {date(years, 1, 1): "New Year", date(years, 8, 30): "Constitution Day"}
    if observed and date(years, 8, 30).weekday() == 6:
        days[date(years, 8, 31)] = "Constitution Day (observed)"
    return days


def test_the_datas_years_never_ask_the_library(monkeypatch: pytest.MonkeyPatch, fresh_calendar: None) -> None:
    monkeypatch.setattr(production_calendar.holidays, "country_holidays", _library_before_the_2026_constitution)
    assert is_working_day(date(2026, 8, 31))
    assert not is_working_day(date(2027, 3, 15))
    assert not is_working_day(date(2024, 5, 8)) and is_working_day(date(2024, 5, 4))


def test_years_without_data_fall_back_to_the_library(monkeypatch: pytest.MonkeyPatch, fresh_calendar: None) -> None:
    year = max(covered_years()) + 5
    monkeypatch.setattr(production_calendar.holidays, "country_holidays", _library_before_the_2026_constitution)
    cal = year_calendar(year)
    assert cal.sources[0].startswith("holidays library")
    assert date(year, 1, 1) in kz_holidays(year)
    assert (date(year, 8, 30) in kz_holidays(year)) and not is_working_day(date(year, 8, 30))


def test_the_pinned_library_release_agrees_with_the_data() -> None:
    """Flag a `holidays` upgrade that changes a covered year: check the published calendar, fix the data."""
    import holidays

    for year in (2024, 2025, 2026, 2027):
        library = frozenset(holidays.country_holidays("KZ", years=year, observed=True))
        assert library == year_calendar(year).five_day_days_off, (year, sorted(library ^ year_calendar(year).five_day_days_off))


# ------------------------------------------------------------- the data's checks


def test_a_transfer_from_a_weekday_is_refused() -> None:
    entry = {"holidays": {"2024-01-01": "New Year"}, "transfers": [{"from": "2024-05-03", "to": "2024-05-08"}]}
    with pytest.raises(ValueError, match="Saturday or Sunday"):
        production_calendar._from_data(2024, entry)


def test_a_transfer_onto_a_holiday_is_refused() -> None:
    entry = {"holidays": {"2024-05-09": "Victory Day"}, "transfers": [{"from": "2024-05-04", "to": "2024-05-09"}]}
    with pytest.raises(ValueError, match="ordinary weekday"):
        production_calendar._from_data(2024, entry)


def test_a_date_in_the_wrong_years_table_is_refused() -> None:
    with pytest.raises(ValueError, match="not in 2025"):
        production_calendar._from_data(2025, {"holidays": {"2024-01-01": "New Year"}})


def test_observed_days_skip_holidays_and_each_other() -> None:
    cal: YearCalendar = production_calendar._from_data(2026, {"holidays": {
        "2026-03-21": "Nauryz", "2026-03-22": "Nauryz", "2026-03-23": "Nauryz"}})
    assert cal.observed == {date(2026, 3, 24), date(2026, 3, 25)}


# ------------------------------------------------------------- other weekly schedules


def test_transfers_apply_to_the_five_day_week_only() -> None:
    six_day = WorkingHours(weekdays=frozenset({0, 1, 2, 3, 4, 5}))
    assert is_working_day(date(2024, 5, 4), six_day)  # an ordinary Saturday for them
    assert is_working_day(date(2024, 5, 8), six_day)  # the transfer is not theirs
    assert not is_working_day(date(2024, 5, 9), six_day)  # holidays are everybody's
    tue_to_sat = WorkingHours(weekdays=frozenset({1, 2, 3, 4, 5}))
    assert not is_working_day(date(2025, 1, 5), tue_to_sat)  # a transferred Sunday is not theirs


# ------------------------------------------------ the regression: Friday 3 May 2024, 18:45


def test_a_request_filed_friday_3_may_2024_evening_starts_on_the_working_saturday() -> None:
    filed = datetime(2024, 5, 3, 18, 45)
    start = clock_start(filed)
    assert start == datetime(2024, 5, 4, 9, 0)  # Saturday 4 May was a working day
    # a 15-minute acceptance step is due that Saturday morning
    assert add_working_minutes(start, 15) == datetime(2024, 5, 4, 9, 15)
    # two working days: Saturday 4 and Monday 6 May (7, 8 and 9 May are days off)
    assert add_working_days(start, 2) == datetime(2024, 5, 6, 18, 30)
    # three: then Friday 10 May
    assert add_working_days(start, 3) == datetime(2024, 5, 10, 18, 30)


def test_the_tvet_certificate_filed_friday_3_may_2024_evening_is_due_monday_6_may(app) -> None:  # type: ignore[no-untyped-def]
    code = "tvet_certificate"
    spec = SERVICES[code]
    filed = datetime(2024, 5, 3, 18, 45)
    ctx = app.extensions["portal"]
    with ctx.sessions() as session:
        provider = session.scalars(select(Provider).where(Provider.kind.in_(spec.provider_kinds))
                                   .order_by(Provider.id)).first()
        hours = provider.hours
        assert hours.weekdays == frozenset({0, 1, 2, 3, 4}) and filed.time() > hours.closes
        applicant = session.scalar(select(Person).where(Person.iin == demo.CITIZEN.iin))
        request = requests_.create_draft(session, applicant, code, filed)
        requests_.save_draft(session, request, form_values(spec, None), provider.id, filed)
        for doc in spec.required_documents(request.form):
            requests_.attach(session, ctx.store, request, doc.code, f"{doc.code}.pdf", pdf_bytes(), filed)
        requests_.submit(session, request, filed)
        assert spec.deadline.working_days == 2
        assert request.clock_started_at == datetime.combine(date(2024, 5, 4), hours.opens)
        # before the production calendar this came out as Friday 10 May, one working day late
        assert request.deadline_at == datetime.combine(date(2024, 5, 6), hours.closes)
        session.rollback()
