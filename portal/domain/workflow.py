"""The one workflow engine: a step is taken only by its role, in its state, at its provider."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Callable, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.domain import calendar, fields
from portal.domain.catalog import get_service
from portal.domain.catalog.spec import MAX_LENGTH, Step
from portal.domain.db import is_row_id
from portal.domain.errors import Conflict, DomainError, NotAllowed, NotFound
from portal.domain.models import (Application, AuditEntry, Decision, Notification, Person, Role, Status,
                                  StepRecord)
from portal.domain.refusals import chosen_refusal

#: an effect runs inside the transition's transaction: (session, request, actor, at) -> None
Effect = Callable[[Session, Application, Person, datetime], None]

#: what the applicant is told when a request reaches a status
NOTIFY_ON = {
    Status.registered: "registered",
    Status.in_execution: "in_execution",
    Status.completed: "result_ready",
}


def may_see(app: Application, staff: Person) -> bool:
    """Tell whether a staff member may see this request's personal data and scans.

    The office clerk and the head see every request of their provider; an executor sees only the
    requests assigned to them, and one nobody was assigned to while it waits for an executor to take it
    (a service without an assignment step). A medical form 035-1/у is not for every executor's eyes.
    """
    if not staff.is_staff or staff.provider_id != app.provider_id or app.status == Status.draft:
        return False
    if staff.role != Role.executor:
        return True
    if app.executor_id is not None:
        return app.executor_id == staff.id
    return available_step(app, staff) is not None


def staff_request(session: Session, staff: Person, application_id: int, *, lock: bool = False) -> Application:
    """Return a submitted request of the staff member's own provider that they may see, or NotFound."""
    query = select(Application).where(Application.id == application_id,
                                      Application.provider_id == staff.provider_id,
                                      Application.status != Status.draft)
    app = session.scalar(query.with_for_update(of=Application) if lock else query)
    if app is None or not may_see(app, staff):
        raise NotFound()
    return app


def available_step(app: Application, actor: Person) -> Step | None:
    """Return the step this person may take on this request now, if any."""
    step = get_service(app.service_code).step_from(Status(app.status), app.form)
    if step is None or step.role != actor.role or actor.provider_id != app.provider_id:
        return None
    return step


def may_take(app: Application, actor: Person, step: Step | None) -> bool:
    """Tell whether this person may take this step: an assigned executor's step is theirs alone."""
    return step is not None and (step.role != Role.executor or app.executor_id in (None, actor.id))


def open_step(app: Application) -> StepRecord | None:
    """Return the step record currently waiting to be worked, if any."""
    return next((r for r in reversed(app.steps) if r.completed_at is None), None)


def _apply_payload(session: Session, app: Application, step: Step, actor: Person,
                   payload: Mapping[str, Any]) -> dict:
    """Check and store what the step's actor supplies, as the step's data says; return the audit details."""
    details: dict[str, Any] = {}
    if step.assigns_executor:
        raw = str(payload.get("executor_id") or "")
        wanted = int(raw) if raw.isdecimal() and len(raw) <= 10 else 0
        executor = session.get(Person, wanted) if is_row_id(wanted) else None
        if executor is None or executor.role != Role.executor or executor.provider_id != app.provider_id:
            raise DomainError("executor_invalid")
        resolution = fields.bounded_text("resolution", payload.get("resolution"), MAX_LENGTH["longtext"])
        if not resolution:
            raise DomainError("resolution_required")
        app.executor_id, app.resolution = executor.id, resolution
        details.update(executor_id=executor.id, executor=executor.full_name, resolution=resolution)
    if step.role == Role.executor and app.executor_id is None:
        app.executor_id = actor.id  # a service without an assignment step: whoever takes it executes it
    if step.decides:
        try:
            decision = Decision(payload.get("decision") or "")
        except ValueError:
            raise DomainError("decision_required") from None
        refusal = chosen_refusal(get_service(app.service_code), payload) if decision == Decision.refused else None
        app.decision = decision
        app.refusal_grounds = refusal.explanation if refusal else None
        app.refusal_codes = list(refusal.codes) if refusal else None
        details.update(decision=decision.value, refusal_grounds=app.refusal_grounds, refusal_codes=app.refusal_codes)
    if step.inputs:
        values = {f.name: fields.bounded(f, payload.get(f.name)) for f in step.inputs}
        # what the result states is required for a grant; a refusal states its grounds instead
        if app.decision != Decision.refused:
            missing = fields.problems(step.inputs, values)
            if missing:
                raise DomainError("step_input_invalid", field=missing[0][0])
        app.result_fields = {**(app.result_fields or {}), **values}
        details["inputs"] = values
    return details


def transition(session: Session, app: Application, action: str, actor: Person, at: datetime, *,
               payload: Mapping[str, Any] | None = None, effects: Mapping[str, Effect] | None = None,
               seen_version: int | None = None) -> None:
    """Take one step: check role, state and provider; record it, open the next, audit and notify."""
    if seen_version is not None and seen_version != app.version:
        raise Conflict()  # the person decided on a card that someone else has changed since
    step = available_step(app, actor)
    if step is None or step.action != action:
        raise NotAllowed("step_not_allowed")
    if not may_take(app, actor, step):
        raise NotAllowed("not_your_request")
    details = _apply_payload(session, app, step, actor, payload or {})
    record = open_step(app)
    if record is not None:
        record.completed_at, record.actor_id = at, actor.id
        record.late = at > record.due_at
        details["late"] = record.late
    from_status = app.status
    app.status = step.to_status
    app.updated_at = at
    if step.effect:
        (effects or {})[step.effect](session, app, actor, at)
    service = get_service(app.service_code)
    following = service.step_from(step.to_status, app.form)
    if following is not None:
        hours = app.provider.hours
        app.steps.append(StepRecord(step=following.action, role=following.role,
                                    normative=following.duration.code, started_at=calendar.next_opening(at, hours),
                                    due_at=following.duration.after(at, hours)))
    else:
        app.completed_at = at
    session.add(AuditEntry(application_id=app.id, actor_id=actor.id, action=action, from_status=from_status,
                           to_status=step.to_status, at=at, details=details))
    code = NOTIFY_ON.get(step.to_status)
    if code:
        if code == "result_ready" and app.decision == Decision.refused:
            code = "result_refused"
        session.add(Notification(application_id=app.id, recipient_id=app.applicant_id, code=code,
                                 params={"number": app.number}, created_at=at))
    session.flush()


def queue(session: Session, staff: Person) -> list[Application]:
    """Return the provider's submitted requests this person may see, the ones awaiting them first."""
    apps = [a for a in session.scalars(select(Application).where(Application.provider_id == staff.provider_id,
                                                                  Application.status != Status.draft)
                                       .order_by(Application.deadline_at)) if may_see(a, staff)]
    mine = [a for a in apps if may_take(a, staff, available_step(a, staff))]
    return mine + [a for a in apps if a not in mine]
