"""The dashboard's rollup: what happened in each month that is over (or in the days of this one that are), counted once.

A request received, a request completed, a step completed: each is stamped with the clock's time when it
happens and never moves afterwards, so the figures of a span that has ended never change and are stored
here, per provider and for the whole region (portal.domain.dashboard_rollup fills them).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Float, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from portal.domain.db import Base
from portal.domain.models.applications import Application, StepRecord

#: the provider_id of the rows that count the whole region (every provider together)
REGION = 0

# the rollup counts what was completed in a span, and the page what was completed today: both look up
# completions by time, which the applications' and steps' own indexes do not serve. Only what is completed:
# what is open is the partial index ix_applications_open_deadline's, which the planner must keep choosing
_COMPLETED = "completed_at IS NOT NULL"
Index("ix_applications_completed_at", Application.completed_at, sqlite_where=text(_COMPLETED),
      postgresql_where=text(_COMPLETED))
Index("ix_step_records_completed_at", StepRecord.completed_at, sqlite_where=text(_COMPLETED),
      postgresql_where=text(_COMPLETED))


class DashboardFill(Base):
    """How far one month is counted in the rollup, for every provider at once."""

    __tablename__ = "dashboard_fills"

    #: the month, YYYY-MM (Kazakhstan time)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    #: the month's first instant
    starts_at: Mapped[datetime]
    #: counted up to this instant (excluded): the month's end once it is over, the start of a day while it runs
    until: Mapped[datetime]
    #: requests filed at a centre in the month that were still there when counted: they may yet reach a provider
    pending: Mapped[int]
    #: when it was counted
    filled_at: Mapped[datetime]


class DashboardMonth(Base):
    """The requests of one provider (or the region) and one service received and completed in one month."""

    __tablename__ = "dashboard_months"

    #: the provider; REGION (0) for all of them together, hence no foreign key
    provider_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    #: the month, YYYY-MM
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    #: catalog code of the service
    service_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    #: requests received (submitted) in the month
    received: Mapped[int]
    #: requests completed in the month by their deadline
    on_time: Mapped[int]
    #: requests completed in the month after their deadline
    late: Mapped[int]


class DashboardStepMonth(Base):
    """One regulated step of one service completed in one month at one provider (or in the region): how long it took."""

    __tablename__ = "dashboard_step_months"

    #: the provider; REGION (0) for all of them together, hence no foreign key
    provider_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    #: the month the steps were completed in, YYYY-MM
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    #: catalog code of the service
    service_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    #: catalog code of the step (its action)
    step: Mapped[str] = mapped_column(String(40), primary_key=True)
    #: the role that performs it
    role: Mapped[str] = mapped_column(String(20), primary_key=True)
    #: the normative duration code, e.g. 15m or 14wd
    normative: Mapped[str] = mapped_column(String(10), primary_key=True)
    #: steps completed
    completed: Mapped[int]
    #: of which completed after their due time
    late: Mapped[int]
    #: the exact median of completed_at - started_at, wall-clock hours
    median_hours: Mapped[float | None] = mapped_column(Float)
    #: the durations by band (see dashboard_rollup.band): {"first": lowest band, "counts": from it on}, for medians over several months
    histogram: Mapped[dict[str, int]] = mapped_column(JSON)
