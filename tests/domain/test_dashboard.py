"""The dashboard's figures, on a handcrafted set, on whichever database the suite runs."""
from __future__ import annotations

from datetime import datetime

import pytest
from flask import Flask
from sqlalchemy import event, select

from portal import demo
from portal.domain import dashboard
from portal.domain.errors import NotAllowed
from portal.domain.models import Person, Provider
from tests.conftest import MONDAY_10
from tests.dashboard_data import NOV, OCT, add_request, handcrafted


def _figures(app: Flask, provider: str | None, **kw) -> dashboard.Dashboard:  # type: ignore[no-untyped-def]
    with app.extensions["portal"].sessions() as s:
        chosen = s.scalar(select(Provider).where(Provider.code == provider)) if provider else None
        period = dashboard.period_of(kw.pop("first", None), kw.pop("last", None), MONDAY_10)
        return dashboard.figures(s, provider=chosen, period=period, now=MONDAY_10, **kw)


def _months(d: dashboard.Dashboard) -> dict[tuple[str, str], tuple[int, int, int, int]]:
    return {(f.service_code, f.month): (f.received, f.on_time, f.late, f.overdue_now) for f in d.months}


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
    assert _months(d) == {("external_study", OCT): (3, 1, 1, 1), ("tvet_certificate", OCT): (1, 1, 0, 0),
                          ("external_study", NOV): (1, 0, 0, 0)}
    nov = next(f for f in d.months if f.month == NOV)
    assert nov.in_time_now == 1
    totals = d.totals()
    assert (totals.received, totals.on_time, totals.late, totals.overdue_now) == (5, 2, 1, 1)
    assert [m.month for m in d.month_totals()] == d.period.months()  # every month, zeros included


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
    assert _months(d) == {("external_study", OCT): (4, 2, 1, 1), ("tvet_certificate", OCT): (1, 1, 0, 0),
                          ("external_study", NOV): (2, 0, 0, 1)}
    a, b = _figures(app, "petropavl"), _figures(app, "aiyrtau")
    for name in ("received", "on_time", "late", "overdue_now"):
        assert getattr(d.totals(), name) == getattr(a.totals(), name) + getattr(b.totals(), name)
    # 1, 2, 3 and 5 hours: the median of an even count is the mean of the middle two
    assert _steps(d.steps)[("external_study", OCT, "register", "15m")] == (4, 1, 2.5)


def test_a_service_filter_and_a_range_narrow_the_figures(app: Flask):
    handcrafted(app)
    d = _figures(app, "petropavl", service_code="tvet_certificate")
    assert _months(d) == {("tvet_certificate", OCT): (1, 1, 0, 0)} and d.steps == []
    d = _figures(app, "petropavl", first="2025-11", last="2025-11")
    assert _months(d) == {("external_study", "2025-11"): (1, 0, 0, 1)}
    assert _steps(d.steps) == {("external_study", "2025-11", "register", "15m"): (1, 1, 50.0)}


def test_overdue_now_follows_the_clock(app: Flask):
    handcrafted(app)
    with app.extensions["portal"].sessions() as s:
        chosen = s.scalar(select(Provider).where(Provider.code == "petropavl"))
        later = datetime(2026, 12, 5, 10)
        d = dashboard.figures(s, provider=chosen, period=dashboard.period_of(None, "2026-11", later), now=later)
    assert _months(d)[("external_study", NOV)] == (1, 0, 0, 1)


def _statements(app: Flask, provider: str | None) -> int:
    engine = app.extensions["portal"].sessions.kw["bind"]
    seen: list[str] = []

    def count(conn, cursor, statement, *args) -> None:  # type: ignore[no-untyped-def]
        if statement.strip().upper() != "BEGIN":  # SQLite's explicit BEGIN (portal.domain.db) is no query
            seen.append(statement)

    with app.extensions["portal"].sessions() as s:
        chosen = s.scalar(select(Provider).where(Provider.code == provider)) if provider else None
        event.listen(engine, "before_cursor_execute", count)
        try:
            d = dashboard.figures(s, provider=chosen, period=dashboard.period_of(None, None, MONDAY_10), now=MONDAY_10)
        finally:
            event.remove(engine, "before_cursor_execute", count)
    assert d.totals().received > 0
    return len(seen)


def _add(app: Flask, count: int) -> None:
    with app.extensions["portal"].sessions() as s:
        for i in range(count):
            add_request(s, ("petropavl", "aiyrtau")[i % 2], datetime(2026, 1 + i % 11, 3, 9), datetime(2026, 12, 1),
                        steps=(("register", "office_clerk", "15m", 1 + i % 5, False),
                               ("assign", "head", "20m", 2 + i % 3, i % 2 == 0)))
        s.commit()


@pytest.mark.parametrize("provider", ["petropavl", None])
def test_the_figures_cost_the_same_queries_for_three_requests_as_for_sixty(app: Flask, provider: str | None):
    _add(app, 3)
    few = _statements(app, provider)
    _add(app, 57)
    assert _statements(app, provider) == few <= 3


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
