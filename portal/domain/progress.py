"""What a page may say about a request: its public status, its stage, its outcome and its timeline."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from portal.domain.catalog.process import PublicStatus, Stage, Text
from portal.domain import calendar
from portal.domain.models import Application, Decision, Role, StepRecord
from portal.domain.workflow import is_draft, process_of, service_of


@dataclass(frozen=True)
class Progress:
    """A request's standing, computed once in the domain so that no template compares stage strings."""

    status: PublicStatus
    #: the stage of the process graph; None for a draft
    stage: Stage | None
    #: the applicant may download the result
    result_available: bool

    @property
    def is_draft(self) -> bool:
        """Tell whether the request is still a draft."""
        return self.status == PublicStatus.draft

    @property
    def finished(self) -> bool:
        """Tell whether the request has reached its outcome."""
        return self.status.finished

    @property
    def refused(self) -> bool:
        """Tell whether the outcome is a reasoned refusal."""
        return self.status == PublicStatus.refused


def progress(app: Application) -> Progress:
    """Return what the request's stage means to the applicant and to the pages."""
    if is_draft(app):
        return Progress(PublicStatus.draft, None, False)
    stage = process_of(app).stage(app.stage)
    if stage.public is not None:
        status = stage.public
    else:
        status = PublicStatus.refused if app.decision == Decision.refused else PublicStatus.granted
    return Progress(status, stage, status.finished and app.result is not None)


@dataclass(frozen=True)
class Event:
    """One move in a request's life: what, when, by whom, and why."""

    at: datetime
    action: str
    #: the catalog's wording of the move (None for the applicant's submission)
    title: Text | None
    actor_name: str
    actor_role: str
    #: taken by the provider's (or a centre's) staff rather than by the applicant
    by_staff: bool
    #: the reason the actor gave (a return's comment, an assignment's resolution), if any
    why: str | None
    #: the executor a move assigned, if any
    executor: str | None


def timeline(app: Application) -> list[Event]:
    """Return every move of the request from its audit trail, oldest first."""
    service, process = service_of(app), process_of(app)

    def title(action: str) -> Text | None:
        move = process.transition(action)  # the request's own wording first (the centre's path rewords a step)
        return move.title if move is not None else service.action_title(action)

    return [Event(at=e.at, action=e.action, title=title(e.action), actor_name=e.actor.full_name,
                  actor_role=str(e.actor.role), by_staff=e.actor.is_staff,
                  why=(e.details or {}).get("comment") or (e.details or {}).get("resolution"),
                  executor=(e.details or {}).get("executor")) for e in app.audit]



@dataclass(frozen=True)
class StepTime:
    """One regulated step as the card shows it: its norm against the working time it actually took."""

    record: StepRecord
    #: open minutes of the step's organisation from the step's start to its end (or to now, while it waits)
    actual_minutes: int
    #: the open minutes in one working day of that organisation, to say the time in days
    day_minutes: int
    #: the step is still waiting
    running: bool
    #: the step took (or has taken so far) longer than its normative time allowed
    over_norm: bool
    #: when the step reached its role: the previous step's end, or the submission (its clock may start later,
    #: at the organisation's next opening)
    received_at: datetime | None = None
    #: the step waits for its organisation's working time to begin: not started yet
    not_started: bool = False


def step_times(app: Application, now: datetime) -> list[StepTime]:
    """Return each step of the request with the working time it took, on its own organisation's hours."""
    found, received = [], app.submitted_at
    for record in app.steps:
        # the centre's steps run on the centre's week, the provider's on its own hours (as their deadlines did)
        hours = app.centre.hours if record.role == Role.operator and app.centre is not None else app.provider.hours
        end = record.completed_at or now
        found.append(StepTime(record=record, actual_minutes=calendar.working_minutes_left(record.started_at, end, hours),
                              day_minutes=hours.minutes_per_day, running=record.completed_at is None,
                              over_norm=record.late if record.completed_at else now > record.due_at,
                              received_at=min(received, record.started_at) if received else record.started_at,
                              not_started=record.completed_at is None and now < record.started_at))
        received = record.completed_at or received
    return found
