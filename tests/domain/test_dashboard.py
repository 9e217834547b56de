"""The dashboard's figures, on a handcrafted set, on whichever database the suite runs."""
from __future__ import annotations

from datetime import datetime

import pytest
from flask import Flask
from sqlalchemy import event, select

from portal import demo
from portal.domain import dashboard, dashboard_rollup
from portal.domain.errors import NotAllowed
from portal.domain.models import Application, DashboardFill, DashboardMonth, Person, Provider
from portal.domain.models.dashboard import REGION
from tests.conftest import MONDAY_10
from tests.dashboard_data import NOV, OCT, add_request, handcrafted


def _figures(app: Flask, provider: str | None, **kw) -> dashboard.Dashboard:  # type: ignore[no-untyped-def]
    with app.extensions["portal"].sessions() as s:
        chosen = s.scalar(select(Provider).where(Provider.code == provider)) if provider else None
        period = dashboard.period_of(kw.pop("first", None), kw.pop("last", None), MONDAY_10)
        d = dashboard.figures(s, provider=chosen, period=period, now=MONDAY_10, **kw)
        s.commit()  # keep what the rollup counted, as the page does
        return d


def _months(d: dashboard.Dashboard) -> dict[tuple[str, str], tuple[int, int, int]]:
    return {(f.service_code, f.month): (f.received, f.on_time, f.late) for f in d.months}


def _open(d: dashboard.Dashboard) -> dict[str, tuple[int, int]]:
    return {f.service_code: (f.overdue, f.in_time) for f in d.open_now}


def _steps(rows: list[dashboard.StepFigures]) -> dict[tuple, tuple]:  # type: ignore[type-arg]
    return {(s.service_code, s.month, s.step, s.normative): (s.completed, s.late, s.median_hours) for s in rows}


def test_the_default_range_is_the_last_twelve_months_by_the_clock():
    period = dashboard.period_of(None, None, MONDAY_10)
    assert (period.first, period.last) == (datetime(2025, 12, 1).date(), datetime(2026, 11, 1).date())
    assert period.months()[0] == "2025-12" and period.months()[-1] == "2026-11" and len(period.months()) == 12
    assert period.end == datetime(2026, 12, 1)


def test_a_range_is_read_swapped_bounded_and_a_bad_month_falls_back():
    assert dashboard.period_of("2026-05", "2026-02", MONDAY_10).months() == ["2026-02", "2026-03", "2026-04", "2026-05"]
    assert len(dashboard.period_of("2001-01", "2026-11", MONDAY_10).months()) == dashboard.MAX_MONTHS
    assert dashboard.period_of("2026-13", "junk", MONDAY_10) == dashboard.period_of(None, None, MONDAY_10)
    assert dashboard.period_of("2025-12", "2025-12", MONDAY_10).end == datetime(2026, 1, 1)


def test_a_providers_figures_count_received_on_time_late_and_overdue_now(app: Flask):
    handcrafted(app)
    d = _figures(app, "petropavl")
    # here every request was completed in the month it was received in, so both ways of counting agree
    assert _months(d) == {("external_study", OCT): (3, 1, 1), ("tvet_certificate", OCT): (1, 1, 0),
                          ("external_study", NOV): (1, 0, 0)}
    totals = d.totals()
    assert (totals.received, totals.on_time, totals.late) == (5, 2, 1)
    assert [m.month for m in d.month_totals()] == d.period.months()  # every month, zeros included
    # open now, whatever month they came in: October's overdue one, and the one of November 2025 (before the
    # months shown, still open and long overdue); November's is within its deadline
    assert _open(d) == {"external_study": (2, 1)}
    assert (d.open_totals().overdue, d.open_totals().in_time) == (2, 1)


def test_a_request_is_completed_in_the_month_of_its_completion(app: Flask):
    with app.extensions["portal"].sessions() as s:
        add_request(s, "petropavl", datetime(2026, 9, 28, 9), datetime(2026, 10, 10, 18), datetime(2026, 10, 2, 9),
                    stage="completed")
        add_request(s, "petropavl", datetime(2026, 9, 29, 9), datetime(2026, 10, 10, 18), datetime(2026, 11, 20, 9),
                    stage="completed")
        s.commit()
    assert _months(_figures(app, "petropavl")) == {("external_study", "2026-09"): (2, 0, 0),
                                                   ("external_study", OCT): (0, 1, 0),
                                                   ("external_study", NOV): (0, 0, 1)}


def test_medians_per_step_and_month_against_the_norm(app: Flask):
    handcrafted(app)
    d = _figures(app, "petropavl")
    assert _steps(d.steps) == {("external_study", OCT, "register", "15m"): (3, 1, 2.0),
                               ("external_study", OCT, "assign", "20m"): (2, 1, 7.0)}
    assert _steps(d.step_totals) == {("external_study", None, "register", "15m"): (3, 1, 2.0),
                                     ("external_study", None, "assign", "20m"): (2, 1, 7.0)}


def test_the_region_sums_the_providers_and_takes_the_median_over_all_their_steps(app: Flask):
    handcrafted(app)
    d = _figures(app, None)
    assert _months(d) == {("external_study", OCT): (4, 2, 1), ("tvet_certificate", OCT): (1, 1, 0),
                          ("external_study", NOV): (2, 0, 0)}
    assert _open(d) == {"external_study": (3, 1)}
    a, b = _figures(app, "petropavl"), _figures(app, "aiyrtau")
    for name in ("received", "on_time", "late"):
        assert getattr(d.totals(), name) == getattr(a.totals(), name) + getattr(b.totals(), name)
    assert d.open_totals().overdue == a.open_totals().overdue + b.open_totals().overdue
    # 1, 2, 3 and 5 hours: the median of an even count is the mean of the middle two
    assert _steps(d.steps)[("external_study", OCT, "register", "15m")] == (4, 1, 2.5)


def test_a_service_filter_and_a_range_narrow_the_figures(app: Flask):
    handcrafted(app)
    d = _figures(app, "petropavl", service_code="tvet_certificate")
    assert _months(d) == {("tvet_certificate", OCT): (1, 1, 0)} and d.steps == [] and _open(d) == {}
    d = _figures(app, "petropavl", first="2025-11", last="2025-11")
    assert _months(d) == {("external_study", "2025-11"): (1, 0, 0)}
    assert _steps(d.steps) == {("external_study", "2025-11", "register", "15m"): (1, 1, 50.0)}


def test_overdue_now_follows_the_clock(app: Flask):
    handcrafted(app)
    with app.extensions["portal"].sessions() as s:
        chosen = s.scalar(select(Provider).where(Provider.code == "petropavl"))
        later = datetime(2026, 12, 5, 10)
        d = dashboard.figures(s, provider=chosen, period=dashboard.period_of(None, "2026-11", later), now=later)
    assert _open(d) == {"external_study": (3, 0)}  # November's has passed its deadline of the 30th too


def _statements(app: Flask, provider: str | None, first: str | None = None) -> list[str]:
    engine = app.extensions["portal"].sessions.kw["bind"]
    seen: list[str] = []

    def count(conn, cursor, statement, *args) -> None:  # type: ignore[no-untyped-def]
        if statement.strip().upper() != "BEGIN":  # SQLite's explicit BEGIN (portal.domain.db) is no query
            seen.append(statement)

    with app.extensions["portal"].sessions() as s:
        chosen = s.scalar(select(Provider).where(Provider.code == provider)) if provider else None
        event.listen(engine, "before_cursor_execute", count)
        try:
            d = dashboard.figures(s, provider=chosen, period=dashboard.period_of(first, None, MONDAY_10), now=MONDAY_10)
        finally:
            event.remove(engine, "before_cursor_execute", count)
        s.commit()
    assert d.totals().received > 0
    return seen


def _add(app: Flask, count: int) -> None:
    with app.extensions["portal"].sessions() as s:
        for i in range(count):
            add_request(s, ("petropavl", "aiyrtau")[i % 2], datetime(2026, 1 + i % 11, 3, 9), datetime(2026, 12, 1),
                        steps=(("register", "office_clerk", "15m", 1 + i % 5, False),
                               ("assign", "head", "20m", 2 + i % 3, i % 2 == 0)))
        s.commit()


def _writes(statements: list[str]) -> list[str]:
    return [q for q in statements if q.lstrip().split()[0].upper() in ("INSERT", "UPDATE", "DELETE")]


@pytest.mark.parametrize("provider", ["petropavl", None])
def test_a_counted_month_is_read_back_in_the_same_few_queries_for_three_requests_as_for_sixty(
        app: Flask, provider: str | None):
    _add(app, 3)
    first = _statements(app, provider)
    assert _writes(first)  # the first view counted the months it needed
    few = _statements(app, provider)
    assert not _writes(few) and len(few) <= 8  # how far, two reads of the rollup, three of today, open now (+ SET on PG)
    _add(app, 57)  # into months already counted: only a recount (the daily job's --force) sees them
    with app.extensions["portal"].sessions() as s:
        assert len(dashboard_rollup.rollup(s, MONDAY_10, force=True)) >= 11
        s.commit()
    many = _statements(app, provider)
    assert len(many) == len(few) and not _writes(many)
    _statements(app, provider, first="2023-12")  # counts the 24 earlier (empty) months
    assert len(_statements(app, provider, first="2023-12")) == len(few)  # then 36 months cost what 12 do


def test_a_view_counts_live_only_since_the_last_midnight(app: Flask):
    _add(app, 6)
    d = _figures(app, "petropavl")  # counts the months up to this midnight
    with app.extensions["portal"].sessions() as s:
        fills = {f.month: f.until for f in s.scalars(select(DashboardFill))}
        assert fills[NOV] == datetime(2026, 11, 23) and fills[OCT] == datetime(2026, 11, 1)
        add_request(s, "petropavl", datetime(2026, 11, 23, 8), datetime(2026, 12, 8, 18), datetime(2026, 11, 23, 9, 50),
                    stage="completed", steps=(("register", "office_clerk", "15m", 0.5, False),))  # today, before ten
        s.commit()
    assert ("external_study", NOV) not in _months(d)
    statements = _statements(app, "petropavl")
    assert not _writes(statements)  # today is not counted into the rollup...
    d = _figures(app, "petropavl")
    assert _months(d)[("external_study", NOV)] == (1, 1, 0)  # ...but read live
    assert [(f.month, f.completed, f.median_hours, f.exact) for f in d.steps if f.month == NOV] == [(NOV, 1, 0.5, True)]


def test_the_rollup_gives_the_figures_counting_everything_live_gives(app: Flask):
    handcrafted(app)
    _add(app, 40)
    for provider in ("petropavl", "aiyrtau", None):
        with app.extensions["portal"].sessions() as s:
            chosen = s.scalar(select(Provider).where(Provider.code == provider)) if provider else None
            period = dashboard.period_of(None, None, MONDAY_10)
            rolled = dashboard.figures(s, provider=chosen, period=period, now=MONDAY_10)
            s.commit()
            live = dashboard.figures(s, provider=chosen, period=period, now=MONDAY_10, live=True)
            again = dashboard.figures(s, provider=chosen, period=period, now=MONDAY_10)
        assert rolled.months == live.months == again.months and rolled.open_now == live.open_now
        assert rolled.steps == live.steps == again.steps  # a month's medians are exact either way
        assert rolled.step_totals == live.step_totals == again.step_totals
        assert all(f.exact for f in rolled.steps)


def test_a_median_over_several_months_is_close_and_says_it_is_approximate(app: Flask):
    _add(app, 40)
    d = _figures(app, None)
    register = next(f for f in d.step_totals if f.step == "register")
    # 1..5 hours, eight times each: the median is 3 hours; the bands give it within 1.1%
    assert register.completed == 40 and not register.exact
    assert abs(register.median_hours - 3.0) <= 3.0 * dashboard_rollup.BAND_ERROR + 0.005
    one_month = _figures(app, None, first="2026-03", last="2026-03")
    assert all(f.exact for f in one_month.step_totals)


def test_the_bands_keep_a_median_within_their_error():
    for seconds in (1.0, 59.0, 61.0, 900.0, 3600.0, 7.5 * 3600, 14 * 24 * 3600.0):
        middle = dashboard_rollup.band_middle(dashboard_rollup.band(seconds))
        assert abs(middle - seconds) <= seconds * dashboard_rollup.BAND_ERROR
    assert dashboard_rollup.banded_median(0, []) is None
    assert dashboard_rollup.band(-5) == dashboard_rollup.band(0.5) == -1
    assert f"{dashboard_rollup.BAND_ERROR * 100:.1f}" == "1.1"  # as the page and the CSV say
    a, b = (dashboard_rollup.StepTally.of([(h, False) for h in hours]) for hours in ((1.0, 2.0), (30.0, 0.0001)))
    a.add(b)  # the bands of both, aligned: one under a second, 1 h, 2 h, 30 h
    assert (a.completed, a.exact, sum(a.counts), a.first) == (4, False, 4, -1)
    assert abs(a.median - 1.5) <= 1.5 * dashboard_rollup.BAND_ERROR


def test_a_request_that_leaves_a_centre_after_its_month_was_counted_is_counted_then(app: Flask):
    handcrafted(app)
    with app.extensions["portal"].sessions() as s:
        waiting = add_request(s, "petropavl", datetime(2026, 10, 30, 17), datetime(2026, 11, 20, 18),
                              stage="centre_registered")
        s.commit()
        waiting_id = waiting.id
    assert _months(_figures(app, "petropavl"))[("external_study", OCT)] == (3, 1, 1)  # not the provider's yet
    with app.extensions["portal"].sessions() as s:
        s.get(Application, waiting_id).stage = "submitted"  # the centre sent it on
        s.commit()
    assert _months(_figures(app, "petropavl"))[("external_study", OCT)] == (4, 1, 1)
    assert _months(_figures(app, None))[("external_study", OCT)] == (5, 2, 1)


def test_the_rollup_keeps_each_providers_figures_to_itself(app: Flask):
    handcrafted(app)
    _figures(app, None)  # the region's view counts every provider's months
    with app.extensions["portal"].sessions() as s:
        ids = {code: s.scalar(select(Provider.id).where(Provider.code == code)) for code in ("petropavl", "aiyrtau")}
        rows = {(r.provider_id, r.service_code, r.month): (r.received, r.on_time, r.late)
                for r in s.scalars(select(DashboardMonth).where(DashboardMonth.month == OCT))}
    assert rows == {(ids["petropavl"], "external_study", OCT): (3, 1, 1),
                    (ids["petropavl"], "tvet_certificate", OCT): (1, 1, 0),
                    (ids["aiyrtau"], "external_study", OCT): (1, 1, 0),
                    (REGION, "external_study", OCT): (4, 2, 1), (REGION, "tvet_certificate", OCT): (1, 1, 0)}
    assert _months(_figures(app, "aiyrtau")) == {("external_study", OCT): (1, 1, 0), ("external_study", NOV): (1, 0, 0)}


def test_a_head_reads_their_provider_whatever_is_asked_and_an_analyst_may_narrow(app: Flask):
    handcrafted(app)
    with app.extensions["portal"].sessions() as s:
        def person(account: demo.DemoAccount) -> Person:
            return s.scalar(select(Person).where(Person.iin == account.iin))
        head = next(a for a in demo.ACCOUNTS if a.role == "head" and a.provider_code == "petropavl")
        d = dashboard.dashboard_for(s, person(head), now=MONDAY_10, provider="aiyrtau")
        assert d.provider.code == "petropavl" and d.providers == [] and d.totals().received == 5
        d = dashboard.dashboard_for(s, person(demo.REGION_ANALYST), now=MONDAY_10)
        assert d.provider is None and d.totals().received == 7
        assert "hqko-petropavl-1" not in {p.code for p in d.providers} and len(d.providers) > 2
        d = dashboard.dashboard_for(s, person(demo.REGION_ANALYST), now=MONDAY_10, provider="aiyrtau",
                                    service="nonsense")
        assert d.provider.code == "aiyrtau" and d.service_code is None and d.totals().received == 2
        clerk = next(a for a in demo.ACCOUNTS if a.role == "office_clerk" and a.provider_code == "petropavl")
        with pytest.raises(NotAllowed):
            dashboard.dashboard_for(s, person(clerk), now=MONDAY_10)
