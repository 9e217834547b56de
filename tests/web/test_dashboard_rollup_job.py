"""The dashboard's rollup as a job: `flask dashboard-rollup` and the outbox worker count the months that are over."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import Flask
from sqlalchemy import select

from portal import clock
from portal.domain.models import DashboardFill, DashboardMonth
from portal.domain.models.dashboard import REGION
from portal.mail.render import Letterhead
from portal.mail.sender import Worker
from portal.mail.transport import PickupDirectory
from tests.conftest import MONDAY_10
from tests.dashboard_data import NOV, OCT, add_request, handcrafted


def _fills(app: Flask) -> dict[str, datetime]:
    with app.extensions["portal"].sessions() as s:
        return {f.month: f.until for f in s.scalars(select(DashboardFill))}


def _region(app: Flask, month: str) -> dict[str, tuple[int, int, int]]:
    with app.extensions["portal"].sessions() as s:
        return {r.service_code: (r.received, r.on_time, r.late) for r in s.scalars(
            select(DashboardMonth).where(DashboardMonth.provider_id == REGION, DashboardMonth.month == month))}


def test_the_command_counts_every_month_once_and_again_when_forced(app: Flask):
    handcrafted(app)
    runner = app.test_cli_runner()
    out = runner.invoke(args=["dashboard-rollup"]).output
    assert out.startswith("dashboard rollup: 13 month(s) counted: 2025-11,")  # from the first request on
    fills = _fills(app)
    assert fills[OCT] == datetime(2026, 11, 1) and fills[NOV] == datetime(2026, 11, 23)  # up to this midnight
    assert _region(app, OCT) == {"external_study": (4, 2, 1), "tvet_certificate": (1, 1, 0)}
    assert runner.invoke(args=["dashboard-rollup"]).output == "dashboard rollup: 0 month(s) counted\n"  # idempotent
    with app.extensions["portal"].sessions() as s:  # old data loaded afterwards: only --force sees it
        add_request(s, "aiyrtau", datetime(2026, 10, 12, 9), datetime(2026, 10, 28, 18))
        s.commit()
    assert runner.invoke(args=["dashboard-rollup", "--month", OCT]).output.startswith("dashboard rollup: 0")
    assert runner.invoke(args=["dashboard-rollup", "--month", OCT, "--force"]).output == (
        "dashboard rollup: 1 month(s) counted: 2026-10\n")
    assert _region(app, OCT) == {"external_study": (5, 2, 1), "tvet_certificate": (1, 1, 0)}  # replaced, not added
    assert runner.invoke(args=["dashboard-rollup", "--month", "2026-1"]).exit_code == 2


def test_the_outbox_worker_counts_the_day_that_is_over_once_a_day(app: Flask, tmp_path):  # type: ignore[no-untyped-def]
    handcrafted(app)
    worker = Worker(app.extensions["portal"].sessions, PickupDirectory(tmp_path),
                    Letterhead("noreply@portal.test", "http://portal.test"), interval=1)
    with app.app_context():
        worker.step()
        assert _fills(app)[NOV] == datetime(2026, 11, 23)
        with app.extensions["portal"].sessions() as s:
            add_request(s, "aiyrtau", datetime(2026, 11, 23, 11), datetime(2026, 12, 8, 18))  # today
            s.commit()
        clock.pin(MONDAY_10 + timedelta(hours=14, minutes=30))  # 00:30: yesterday is not settled yet
        worker.step()
        assert _fills(app)[NOV] == datetime(2026, 11, 23)
        clock.pin(MONDAY_10 + timedelta(hours=15, minutes=1))  # 01:01 on Tuesday
        worker.step()
    assert _fills(app)[NOV] == datetime(2026, 11, 24)
    assert _region(app, NOV) == {"external_study": (3, 0, 0)}
