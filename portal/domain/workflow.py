"""The one workflow engine: a request moves along its process graph only by a transition its actor may take."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Callable, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from portal.domain import audit_trail, calendar, fields
from portal.domain.catalog import get_service
from portal.domain.catalog.centre import CENTRE_ONLY
from portal.domain.catalog.process import DRAFT, Actor, Process, Transition
from portal.domain.catalog.spec import MAX_LENGTH, ServiceSpec
from portal.domain.db import is_row_id
from portal.domain.errors import Conflict, DomainError, NotAllowed, NotFound
from portal.domain.models import Application, AuditEntry, Decision, Person, Role, StepRecord
from portal.domain.notifications import notify
from portal.domain.refusals import chosen_refusal

#: an effect runs inside the transition's transaction: (session, request, actor, at) -> None
Effect = Callable[[Session, Application, Person, datetime], None]


def service_of(app: Application) -> ServiceSpec:
    """Return the wording of the service the request was filed under (the current one for a draft)."""
    return get_service(app.service_code, app.catalog_version)


def process_of(app: Application) -> Process:
    """Return the process graph this request runs on."""
    return service_of(app).process_for(app.form or {}, app.channel or "portal")


def is_draft(app: Application) -> bool:
    """Tell whether the applicant has not submitted the request yet."""
    return app.stage == DRAFT


def organisation_of(app: Application, move: Transition) -> int | None:
    """Return the organisation whose members take a transition: the centre's for its steps, else the provider's."""
    return app.centre_id if move.calendar == "centre" else app.provider_id


def ways_out(app: Application, person: Person) -> list[Transition]:
    """Return the transitions out of the request's stage that are this person's role's, at their organisation."""
    if is_draft(app) or not person.is_staff or not person.is_active:
        return []
    return [t for t in process_of(app).ways_out(app.stage)
            if t.role == person.role and person.provider_id == organisation_of(app, t)]


def may_take(app: Application, person: Person, move: Transition | None) -> bool:
    """Tell whether this person may take this transition: an assignee's move is the assigned executor's alone."""
    return move is not None and (move.actor != Actor.assignee or app.executor_id in (None, person.id))


def available_transitions(app: Application, person: Person) -> list[Transition]:
    """Return the transitions this person may take on this request now, the regulated step first."""
    return [t for t in ways_out(app, person) if may_take(app, person, t)]


def may_see(app: Application, staff: Person) -> bool:
    """Tell whether a staff member may see this request's personal data and scans.

    The office clerk and the head see every request of their provider; an executor sees only the
    requests assigned to them, and one nobody was assigned to while it waits for an executor to take it
    (a service without an assignment step). A medical form 035-1/у is not for every executor's eyes.
    """
    if is_draft(app) or not staff.is_staff or not staff.is_active:
        return False
    if staff.is_operator:
        return app.centre_id is not None and staff.provider_id == app.centre_id
    if staff.provider_id != app.provider_id or app.stage in CENTRE_ONLY:
        return False  # a package the centre has not sent on is not the provider's yet
    if staff.role != Role.executor:
        return True
    if app.executor_id is not None:
        return app.executor_id == staff.id
    return bool(ways_out(app, staff))


def card_loads() -> list[Any]:
    """Return the loader options of everything a request's card shows: a fixed number of queries, however long its history."""
    return [selectinload(Application.steps).joinedload(StepRecord.actor),
            selectinload(Application.audit).joinedload(AuditEntry.actor),
            selectinload(Application.attachments), selectinload(Application.signatures),
            joinedload(Application.result), joinedload(Application.executor)]


def staff_request(session: Session, staff: Person, application_id: int, *, lock: bool = False,
                  card: bool = False) -> Application:
    """Return a submitted request of the staff member's own provider that they may see, or NotFound.

    `card` loads with it everything its card shows.
    """
    query = select(Application).options(*(card_loads() if card else ())).where(Application.id == application_id,
                                      Application.provider_id == staff.provider_id,
                                      Application.stage != DRAFT, Application.stage.not_in(CENTRE_ONLY))
    app = session.scalar(query.with_for_update(of=Application) if lock else query)
    if app is None or not may_see(app, staff):
        raise NotFound()
    return app


def open_step(app: Application) -> StepRecord | None:
    """Return the step record currently waiting to be worked, if any."""
    return next((r for r in reversed(app.steps) if r.completed_at is None), None)


def open_stage_step(app: Application, process: Process, stage: str, at: datetime) -> None:
    """Open the step record of the regulated step a stage waits for, with its full normative time."""
    step = process.step_of(stage)
    if step is None:
        return
    hours = hours_of(app, step)
    due = step.duration.after(at, hours)
    if step.deliver_before_deadline_hours and app.deadline_at is not None:
        due = min(due, app.deadline_at - timedelta(hours=step.deliver_before_deadline_hours))
    app.steps.append(StepRecord(step=step.action, role=step.role, normative=step.duration.code,
                                started_at=calendar.next_opening(at, hours), due_at=due, provider_id=app.provider_id))


def hours_of(app: Application, move: Transition) -> calendar.WorkingHours:
    """Return the working calendar a transition's normative time runs on: the provider's or the centre's."""
    if move.calendar == "provider":
        return app.provider.hours
    if move.calendar == "centre" and app.centre is not None:
        return app.centre.hours
    raise ValueError(f"unknown calendar {move.calendar!r}")


def _text(payload: Mapping[str, Any], name: str, code: str) -> str:
    """Return a required, bounded free text of the payload, or raise DomainError(code)."""
    value = fields.bounded_text(name, payload.get(name), MAX_LENGTH["longtext"])
    if not value:
        raise DomainError(code)
    return value


def _decision(payload: Mapping[str, Any], *, required: bool) -> Decision | None:
    """Return the decision the payload states; None when none is stated and none is required."""
    raw = payload.get("decision") or ""
    if not raw and not required:
        return None
    try:
        return Decision(raw)
    except ValueError:
        raise DomainError("decision_required") from None


def _apply_payload(session: Session, app: Application, move: Transition, actor: Person,
                   payload: Mapping[str, Any]) -> dict:
    """Check and store what the transition's actor supplies, as the catalog says; return the audit details."""
    details: dict[str, Any] = {}
    if move.comment:
        details["comment"] = _text(payload, "comment", "comment_required")
    if move.releases_executor and app.executor_id is not None:
        details.update(released_executor=app.executor.full_name)
        app.executor_id = None
    if move.assigns_executor:
        raw = str(payload.get("executor_id") or "")
        wanted = int(raw) if raw.isdecimal() and len(raw) <= 10 else 0
        executor = session.get(Person, wanted) if is_row_id(wanted) else None
        if (executor is None or executor.role != Role.executor or executor.provider_id != app.provider_id
                or not executor.is_active):
            raise DomainError("executor_invalid")
        if move.source == move.target and executor.id == app.executor_id:
            raise DomainError("executor_unchanged")
        resolution = _text(payload, "resolution", "resolution_required")
        app.executor_id, app.resolution = executor.id, resolution
        details.update(executor_id=executor.id, executor=executor.full_name, resolution=resolution)
    if move.role == Role.executor and app.executor_id is None and not move.releases_executor:
        app.executor_id = actor.id  # a service without an assignment step: whoever takes it executes it
    if move.decides or move.amends_decision:
        decision = _decision(payload, required=move.decides)
        if decision is not None:
            # the one who decides states the grounds; a head changing the decision leaves them to the redraft
            refusal = chosen_refusal(service_of(app), payload) if decision == Decision.refused and move.decides else None
            app.decision = decision
            app.refusal_grounds = refusal.explanation if refusal else None
            app.refusal_codes = list(refusal.codes) if refusal else None
            details.update(decision=decision.value, refusal_grounds=app.refusal_grounds, refusal_codes=app.refusal_codes)
    if move.inputs:
        values = {f.name: fields.bounded(f, payload.get(f.name)) for f in move.inputs}
        # what the result states is required for a grant; a refusal states its grounds instead
        if app.decision != Decision.refused:
            missing = fields.problems(move.inputs, values)
            if missing:
                raise DomainError("step_input_invalid", field=missing[0][0])
        app.result_fields = {**(app.result_fields or {}), **values}
        details["inputs"] = values
    return details


def transition(session: Session, app: Application, action: str, actor: Person, at: datetime, *,
               payload: Mapping[str, Any] | None = None, effects: Mapping[str, Effect] | None = None,
               seen_version: int | None = None) -> Transition:
    """Take one transition: check actor and stage; close the step, open the next, audit and notify."""
    if seen_version is not None and seen_version != app.version:
        raise Conflict()  # the person decided on a card that someone else has changed since
    mine = [t for t in ways_out(app, actor) if t.action == action]
    if not mine:
        raise NotAllowed("step_not_allowed")
    move = mine[0]
    if not may_take(app, actor, move):
        raise NotAllowed("not_your_request")
    details = _apply_payload(session, app, move, actor, payload or {})
    record = open_step(app)
    if record is not None:
        record.completed_at, record.actor_id, record.outcome = at, actor.id, move.action
        record.late = at > record.due_at
        details["late"] = record.late
    from_stage, process = app.stage, process_of(app)
    app.stage = move.target
    app.updated_at = at
    if move.effect:
        (effects or {})[move.effect](session, app, actor, at)
    if process.is_final(move.target):
        app.completed_at = at
    else:
        open_stage_step(app, process, move.target, at)
    audit_trail.record(session, kind=audit_trail.STATE_CHANGE, action=move.action, actor=actor, at=at,
                       application=app, details=details, from_status=from_stage, to_status=move.target)
    if move.notify:
        code = "result_refused" if move.notify == "result_ready" and app.decision == Decision.refused else move.notify
        notify(session, app, app.applicant, code, {"number": app.number}, at)
    session.flush()
    return move
