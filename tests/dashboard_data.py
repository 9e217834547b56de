"""A small handcrafted set of requests and steps whose dashboard figures are known by hand."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import Flask
from sqlalchemy import select

from portal import demo
from portal.domain.models import Application, Person, Provider, StepRecord

OCT, NOV = "2026-10", "2026-11"


def _provider(session, code: str) -> int:  # type: ignore[no-untyped-def]
    return session.scalar(select(Provider.id).where(Provider.code == code))


def add_request(session, provider: str, submitted: datetime | None, deadline: datetime | None,  # type: ignore[no-untyped-def]
                completed: datetime | None = None, *, service: str = "external_study", stage: str = "in_execution",
                steps: tuple[tuple[str, str, str, float | None, bool], ...] = ()) -> Application:
    """Insert a request and its step records: (step, role, normative, hours taken or None while open, late)."""
    applicant = session.scalar(select(Person.id).where(Person.iin == demo.CITIZEN.iin))
    count = session.scalar(select(Application.id).order_by(Application.id.desc()).limit(1)) or 0
    at = submitted or datetime(2026, 1, 1)
    app = Application(service_code=service, catalog_version=1, applicant_id=applicant,
                      provider_id=_provider(session, provider), stage=stage, form={},
                      number=None if stage == "draft" else f"T-{count + 1:06d}", submitted_at=submitted,
                      deadline_at=deadline, completed_at=completed, created_at=at, updated_at=at)
    start = at + timedelta(hours=1)
    for step, role, normative, hours, late in steps:
        app.steps.append(StepRecord(step=step, role=role, normative=normative, started_at=start,
                                    due_at=start + timedelta(hours=1),
                                    completed_at=None if hours is None else start + timedelta(hours=hours),
                                    late=late, provider_id=app.provider_id))
    session.add(app)
    return app


def handcrafted(app: Flask) -> None:
    """Load the set: Petropavl (A) and Aiyrtau (B), October and November 2026, with the noise to leave out.

    Petropavl, external study, received in October: one done on time, one done late, one overdue now;
    in November one open within its deadline; one tvet certificate in October, done on time.
    Aiyrtau, external study: one done on time in October, one overdue now in November.
    Steps of Petropavl's October external-study requests: register (15m) took 1, 3 and 2 hours (median 2,
    one late); assign (20m) took 4 and 10 hours (median 7). Aiyrtau's October register took 5 hours.
    Left out: a draft, a request received before the range, a package left at a centre, an open step,
    an operator's step at a centre.
    """
    with app.extensions["portal"].sessions() as s:
        add_request(s, "petropavl", datetime(2026, 10, 5, 9), datetime(2026, 10, 20, 18), datetime(2026, 10, 15, 12),
                    stage="completed", steps=(("register", "office_clerk", "15m", 1, False),
                                              ("assign", "head", "20m", 4, False),
                                              ("hand_over", "operator", "15m", 100, True)))
        add_request(s, "petropavl", datetime(2026, 10, 6, 9), datetime(2026, 10, 21, 18), datetime(2026, 10, 25, 12),
                    stage="completed", steps=(("register", "office_clerk", "15m", 3, True),
                                              ("assign", "head", "20m", 10, True)))
        add_request(s, "petropavl", datetime(2026, 10, 7, 9), datetime(2026, 11, 1, 18),
                    steps=(("register", "office_clerk", "15m", 2, False), ("assign", "head", "20m", None, False)))
        add_request(s, "petropavl", datetime(2026, 11, 2, 9), datetime(2026, 11, 30, 18))
        add_request(s, "petropavl", datetime(2026, 10, 9, 9), datetime(2026, 10, 30, 18), datetime(2026, 10, 29, 9),
                    service="tvet_certificate", stage="completed")
        add_request(s, "petropavl", None, None, stage="draft")
        add_request(s, "petropavl", datetime(2025, 11, 10, 9), datetime(2025, 11, 30, 18),
                    steps=(("register", "office_clerk", "15m", 50, True),))
        add_request(s, "petropavl", datetime(2026, 10, 8, 9), datetime(2026, 10, 30, 18), stage="not_filed")
        add_request(s, "aiyrtau", datetime(2026, 10, 10, 9), datetime(2026, 10, 25, 18), datetime(2026, 10, 20, 9),
                    stage="completed", steps=(("register", "office_clerk", "15m", 5, False),))
        add_request(s, "aiyrtau", datetime(2026, 11, 3, 9), datetime(2026, 11, 20, 18))
        s.commit()
