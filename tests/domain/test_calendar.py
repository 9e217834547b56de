"""Test the Kazakhstan working calendar against hand-computed real dates.

Reference weekdays used below (2026): Fri 20 Nov, Mon 23 Nov, Mon 2 Nov,
Mon 7 Dec, Wed 16 Dec (Independence Day), Sat 21 Mar .. Wed 25 Mar (Nauryz,
24-25 observed), Thu 26 Mar.  Default hours: 09:00-18:30, lunch 13:00-14:30,
i.e. 480 open minutes a day.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import pytest

from portal.domain.calendar import (
    DEFAULT_HOURS,
    KZ_TZ,
    WorkingHours,
    add_working_days,
    add_working_minutes,
    clock_start,
    is_open,
    is_working_day,
    kz_holidays,
    next_opening,
    now_kz,
    to_kz_naive,
    working_days_left,
)


def dt(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    """Build a naive Kazakhstan-local datetime."""
    return datetime(y, mo, d, h, mi)


# ----------------------------------------------------------------- WorkingHours


def test_default_hours_are_480_minutes_a_day() -> None:
    assert DEFAULT_HOURS.opens == time(9, 0)
    assert DEFAULT_HOURS.closes == time(18, 30)
    assert DEFAULT_HOURS.weekdays == frozenset({0, 1, 2, 3, 4})
    # 09:00-13:00 = 240, 14:30-18:30 = 240.
    assert DEFAULT_HOURS.minutes_per_day == 480


def test_hours_without_lunch() -> None:
    hours = WorkingHours(opens=time(8, 0), closes=time(17, 0), lunch_from=None, lunch_to=None)
    assert hours.minutes_per_day == 540
    assert is_open(dt(2026, 11, 20, 13, 30), hours)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"opens": time(18, 0), "closes": time(9, 0)},
        {"lunch_from": time(13, 0), "lunch_to": None},
        {"lunch_from": time(14, 0), "lunch_to": time(13, 0)},
        {"lunch_from": time(8, 0), "lunch_to": time(10, 0)},
        {"weekdays": frozenset()},
        {"weekdays": frozenset({7})},
    ],
)
def test_inconsistent_hours_are_rejected(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        WorkingHours(**kwargs)  # type: ignore[arg-type]


def test_time_helpers() -> None:
    assert KZ_TZ.utcoffset(None) == timedelta(hours=5)
    assert now_kz().tzinfo is None
    aware_utc = datetime(2026, 11, 20, 4, 0, tzinfo=timezone.utc)
    assert to_kz_naive(aware_utc) == dt(2026, 11, 20, 9, 0)
    assert to_kz_naive(dt(2026, 11, 20, 9, 0)) == dt(2026, 11, 20, 9, 0)


# -------------------------------------------------------------- is_working_day


def test_independence_day_is_not_a_working_day() -> None:
    assert date(2026, 12, 16).weekday() == 2  # Wednesday
    assert not is_working_day(date(2026, 12, 16))
    assert is_working_day(date(2026, 12, 15))
    assert is_working_day(date(2026, 12, 17))


def test_nauryz_2026() -> None:
    # 21 Sat, 22 Sun, 23 Mon holiday, 24-25 observed (moved from the weekend).
    for day in range(21, 26):
        assert not is_working_day(date(2026, 3, day)), day
    assert is_working_day(date(2026, 3, 20))  # Friday before
    assert is_working_day(date(2026, 3, 26))  # Thursday after
    assert {date(2026, 3, d) for d in range(21, 26)} <= kz_holidays(2026)


def test_observed_holiday_on_monday() -> None:
    # Women's Day 8 March 2026 is a Sunday; Monday 9 March is observed.
    assert not is_working_day(date(2026, 3, 9))


def test_weekends_are_not_working_days() -> None:
    assert not is_working_day(date(2026, 11, 21))  # Saturday
    assert not is_working_day(date(2026, 11, 22))  # Sunday
    assert is_working_day(date(2026, 11, 20))  # Friday
    assert is_working_day(date(2026, 11, 23))  # Monday


def test_custom_weekdays_include_saturday() -> None:
    six_day = WorkingHours(weekdays=frozenset({0, 1, 2, 3, 4, 5}))
    assert is_working_day(date(2026, 11, 21), six_day)
    assert not is_working_day(date(2026, 12, 16), six_day)


def test_is_working_day_accepts_datetime() -> None:
    assert not is_working_day(dt(2026, 12, 16, 10, 0))


# --------------------------------------------------------------------- is_open


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (dt(2026, 11, 20, 8, 59), False),
        (dt(2026, 11, 20, 9, 0), True),
        (dt(2026, 11, 20, 12, 59), True),
        (dt(2026, 11, 20, 13, 0), False),  # lunch starts
        (dt(2026, 11, 20, 14, 29), False),
        (dt(2026, 11, 20, 14, 30), True),  # lunch over
        (dt(2026, 11, 20, 18, 29), True),
        (dt(2026, 11, 20, 18, 30), False),  # closed
        (dt(2026, 11, 21, 11, 0), False),  # Saturday
        (dt(2026, 12, 16, 11, 0), False),  # Independence Day
    ],
)
def test_is_open(at: datetime, expected: bool) -> None:
    assert is_open(at) is expected


# ------------------------------------------------------ next_opening / clock_start


def test_request_filed_friday_evening_starts_monday_morning() -> None:
    assert clock_start(dt(2026, 11, 20, 19, 5)) == dt(2026, 11, 23, 9, 0)


def test_request_filed_during_lunch_starts_after_lunch() -> None:
    assert clock_start(dt(2026, 11, 20, 13, 30)) == dt(2026, 11, 20, 14, 30)


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (dt(2026, 11, 20, 10, 15), dt(2026, 11, 20, 10, 15)),  # open: itself
        (dt(2026, 11, 20, 7, 0), dt(2026, 11, 20, 9, 0)),  # before opening
        (dt(2026, 11, 20, 18, 30), dt(2026, 11, 23, 9, 0)),  # exactly at closing
        (dt(2026, 11, 22, 12, 0), dt(2026, 11, 23, 9, 0)),  # Sunday
        (dt(2026, 12, 15, 18, 45), dt(2026, 12, 17, 9, 0)),  # skips 16 Dec
        (dt(2026, 3, 20, 19, 0), dt(2026, 3, 26, 9, 0)),  # skips Nauryz + weekend
    ],
)
def test_next_opening(at: datetime, expected: datetime) -> None:
    assert next_opening(at) == expected


# ------------------------------------------------------------- add_working_minutes


def test_minutes_carry_over_the_weekend() -> None:
    # Fri 18:20 -> 10 min until 18:30, remaining 5 from Mon 09:00.
    assert add_working_minutes(dt(2026, 11, 20, 18, 20), 15) == dt(2026, 11, 23, 9, 5)


def test_minutes_skip_lunch() -> None:
    # 12:50 -> 10 min until 13:00, remaining 10 from 14:30.
    assert add_working_minutes(dt(2026, 11, 20, 12, 50), 20) == dt(2026, 11, 20, 14, 40)


def test_minutes_ending_exactly_at_closing_stay_that_day() -> None:
    assert add_working_minutes(dt(2026, 11, 20, 18, 15), 15) == dt(2026, 11, 20, 18, 30)


def test_minutes_from_closed_time_start_at_next_opening() -> None:
    assert add_working_minutes(dt(2026, 11, 21, 10, 0), 30) == dt(2026, 11, 23, 9, 30)
    assert add_working_minutes(dt(2026, 11, 20, 19, 5), 0) == dt(2026, 11, 23, 9, 0)


def test_minutes_skip_holiday() -> None:
    # Tue 15 Dec 18:00 -> 30 min that day; 16 Dec is a holiday; 30 min on Thu 17 Dec.
    assert add_working_minutes(dt(2026, 12, 15, 18, 0), 60) == dt(2026, 12, 17, 9, 30)


def test_full_day_of_minutes() -> None:
    assert add_working_minutes(dt(2026, 11, 23, 9, 0), 480) == dt(2026, 11, 23, 18, 30)


def test_negative_minutes_are_rejected() -> None:
    with pytest.raises(ValueError):
        add_working_minutes(dt(2026, 11, 23, 9, 0), -1)


# --------------------------------------------------------------- add_working_days


def test_fifteen_days_in_plain_weeks() -> None:
    # Clock starts Mon 2 Nov 09:00. Working days after it: 3,4,5,6 (4), 9-13 (9),
    # 16-20 (14), 23 Nov (15) -> 09:00 on Mon 23 Nov, an opening time, so the
    # deadline is shown as the previous working day's close: Fri 20 Nov 18:30.
    assert add_working_days(dt(2026, 11, 2, 9, 0), 15) == dt(2026, 11, 20, 18, 30)


def test_fifteen_days_across_independence_day() -> None:
    # Filed Mon 7 Dec 10:00 (open, so the clock starts then). Working days after:
    # 8,9,10,11 (4), 14,15 (6), [16 holiday], 17,18 (8), 21-25 (13), 28 (14),
    # 29 (15) -> Tue 29 Dec 10:00.
    assert add_working_days(dt(2026, 12, 7, 10, 0), 15) == dt(2026, 12, 29, 10, 0)


def test_fifteen_days_across_independence_day_from_opening() -> None:
    # Filed Sat 5 Dec -> clock starts Mon 7 Dec 09:00; 15 working days later is
    # Tue 29 Dec 09:00 (see above), an opening time -> Mon 28 Dec 18:30.
    assert add_working_days(dt(2026, 12, 5, 11, 0), 15) == dt(2026, 12, 28, 18, 30)


def test_days_from_lunch_keep_time_of_day() -> None:
    # Filed Fri 20 Nov 13:30 -> clock 14:30; one working day later: Mon 23 Nov 14:30.
    assert add_working_days(dt(2026, 11, 20, 13, 30), 1) == dt(2026, 11, 23, 14, 30)


def test_days_across_nauryz() -> None:
    # Clock Fri 20 Mar 10:00; 21-25 Mar off; 26 (1), 27 (2), Mon 30 (3).
    assert add_working_days(dt(2026, 3, 20, 10, 0), 3) == dt(2026, 3, 30, 10, 0)


def test_days_across_new_year() -> None:
    # Clock Wed 30 Dec 2026 11:00; 31 Dec (1); 1 Jan 2027 Fri holiday, weekend,
    # Mon 4 Jan observed holiday; Tue 5 Jan (2), Wed 6 Jan (3).
    assert add_working_days(dt(2026, 12, 30, 11, 0), 3) == dt(2027, 1, 6, 11, 0)


def test_zero_days_is_the_clock_start() -> None:
    assert add_working_days(dt(2026, 11, 20, 19, 5), 0) == dt(2026, 11, 23, 9, 0)


def test_negative_days_are_rejected() -> None:
    with pytest.raises(ValueError):
        add_working_days(dt(2026, 11, 23, 9, 0), -1)


def test_days_agree_with_minutes() -> None:
    # Cross-check two implementations: N working days == N * 480 open minutes.
    for start in (dt(2026, 11, 2, 9, 0), dt(2026, 12, 7, 10, 0), dt(2026, 3, 20, 10, 0)):
        for days in (1, 3, 15):
            assert add_working_days(start, days) == add_working_minutes(start, days * 480)


# -------------------------------------------------------------- working_days_left


def test_days_left_positive() -> None:
    # Mon 14 Dec -> Fri 18 Dec: 15, 17, 18 (16 is a holiday) = 3.
    assert working_days_left(dt(2026, 12, 14, 10, 0), dt(2026, 12, 18, 18, 30)) == 3
    # Fri 20 Nov -> Mon 23 Nov: only Monday counts = 1.
    assert working_days_left(dt(2026, 11, 20, 12, 0), dt(2026, 11, 23, 18, 30)) == 1


def test_days_left_zero_when_due_today() -> None:
    assert working_days_left(dt(2026, 12, 18, 9, 0), dt(2026, 12, 18, 18, 30)) == 0
    assert working_days_left(dt(2026, 12, 18, 18, 30), dt(2026, 12, 18, 18, 30)) == 0


def test_days_left_negative_when_overdue() -> None:
    deadline = dt(2026, 11, 20, 18, 30)  # Friday
    assert working_days_left(dt(2026, 11, 20, 19, 0), deadline) == -1  # same evening
    assert working_days_left(dt(2026, 11, 21, 10, 0), deadline) == -1  # Saturday
    assert working_days_left(dt(2026, 11, 23, 10, 0), deadline) == -1  # Monday
    assert working_days_left(dt(2026, 11, 24, 10, 0), deadline) == -2  # Tuesday


def test_working_minutes_left_skip_lunch_and_the_night() -> None:
    from portal.domain.calendar import working_minutes_left
    # 12:50 -> 14:40 the same day: 10 minutes before lunch, 10 after it (lunch 13:00-14:30)
    assert working_minutes_left(datetime(2026, 11, 23, 12, 50), datetime(2026, 11, 23, 14, 40)) == 20
    # Friday 18:20 -> Monday 09:05: 10 minutes on Friday, 5 on Monday
    assert working_minutes_left(datetime(2026, 11, 20, 18, 20), datetime(2026, 11, 23, 9, 5)) == 15
    # a deadline already passed leaves nothing
    assert working_minutes_left(datetime(2026, 11, 23, 10, 0), datetime(2026, 11, 23, 9, 0)) == 0


def test_working_days_between_counts_a_year_at_a_time_as_a_day_by_day_walk_does():
    from random import Random

    from portal.domain.calendar import _working_days_between

    rng = Random(7)
    for hours in (WorkingHours(), WorkingHours(weekdays=frozenset(range(6)))):
        for _ in range(200):
            after = date(2023, 1, 1) + timedelta(days=rng.randrange(0, 5 * 365))
            through = after + timedelta(days=rng.randrange(-3, 3 * 365))
            walked = sum(is_working_day(after + timedelta(days=k), hours)
                         for k in range(1, (through - after).days + 1))
            assert _working_days_between(after, through, hours) == walked, (after, through)
