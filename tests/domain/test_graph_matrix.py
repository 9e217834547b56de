"""Every transition of every graph, side moves included: for each stage a request can reach, each way out is
allowed to exactly the people the catalog names (role, provider, assignee) and leads where the catalog says,
with the step clocks the regulation gives (a returned step gets its full time; the overall deadline stays)."""
from __future__ import annotations

from collections import deque
from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import select

from portal import demo
from portal.domain import applications as requests_
from portal.domain.catalog import VERSIONS, service_on
from portal.domain.catalog.process import Actor, Process, Transition
from portal.domain.errors import NotAllowed
from portal.domain.models import Membership, Person, Provider, Role
from portal.domain.workflow import available_transitions, open_step, transition
from tests.conftest import MONDAY_10
from tests.domain.test_engine_matrix import providers_for, staff_of
from tests.factories import pdf_bytes
from tests.service_samples import form_values, step_payload

GRAPHS = [(spec, value, process) for versions in VERSIONS.values() for spec in versions
          for value, process in spec.all_processes()]


def filing_time(spec) -> datetime:  # type: ignore[no-untyped-def]
    """Return a Monday 10:00 on which this wording of the service was in force."""
    if service_on(spec.code, MONDAY_10.date()).version == spec.version:
        return MONDAY_10
    day = spec.valid_from + timedelta(days=(7 - spec.valid_from.weekday()) % 7)
    return datetime.combine(day, time(10))


def path_to(process: Process, move: Transition) -> list[Transition]:
    """Return the shortest list of transitions from the start that ends with `move`."""
    queue: deque[tuple[str, list[Transition]]] = deque([(process.start, [])])
    seen = {process.start}
    while queue:
        stage, path = queue.popleft()
        if stage == move.source:
            return [*path, move]
        for t in process.ways_out(stage):
            if t.target not in seen:
                seen.add(t.target)
                queue.append((t.target, [*path, t]))
    raise AssertionError(f"{move.action} is unreachable")


def payload(move: Transition, executors: list[Person], current: int | None) -> dict:
    """Return what the actor supplies for a move; a reassignment picks an executor other than the current."""
    pick = next(p.id for p in executors if p.id != current) if move.source == move.target else executors[0].id
    values = step_payload(move, pick)
    if move.comment:
        values["comment"] = "Кестедегі күнді түзетіңіз / Исправьте дату в таблице"
    return values


@pytest.mark.parametrize("spec,value,process", GRAPHS,
                         ids=[f"{s.code}-v{s.version}-{v or 'main'}" for s, v, _ in GRAPHS])
def test_every_transition_only_by_its_people(app, spec, value, process):
    ctx = app.extensions["portal"]
    with ctx.sessions() as session:
        provider, other_provider = providers_for(session, spec)
        staff, strangers = staff_of(session, provider), staff_of(session, other_provider)
        second = Person(iin="990101300123", full_name="Екінші Орындаушы", password_hash="!", created_at=MONDAY_10,
                        membership=Membership(organisation_id=provider.id, role=Role.executor))
        session.add(second)
        session.flush()
        executors = [staff[Role.executor], second]
        applicant = session.scalar(select(Person).where(Person.iin == demo.CITIZEN.iin))
        for move in process.transitions:
            app_ = requests_.create_draft(session, applicant, spec.code, MONDAY_10)
            requests_.save_draft(session, app_, form_values(spec, value), provider.id, MONDAY_10)
            for doc in spec.required_documents(app_.form):
                requests_.attach(session, ctx.store, app_, doc.code, f"{doc.code}.pdf", pdf_bytes(), MONDAY_10)
            filed = filing_time(spec)
            requests_.submit(session, app_, filed)
            assert app_.catalog_version == spec.version  # the wording in force on the filing day
            deadline, at = app_.deadline_at, filed
            for before in path_to(process, move)[:-1]:
                actor = second if before.role == Role.executor and app_.executor_id == second.id else staff[before.role]
                at += timedelta(minutes=1)
                transition(session, app_, before.action, actor, at, payload=payload(before, executors, app_.executor_id),
                           effects=ctx.effects)
            assert app_.stage == move.source
            everyone = [*staff.values(), second, *strangers.values()]
            for person in everyone:  # each way out of this stage is offered to exactly its people
                expected = [t.action for t in process.ways_out(move.source)
                            if t.role == person.role and person.provider_id == app_.provider_id
                            and (t.actor != Actor.assignee or app_.executor_id in (None, person.id))]
                assert [t.action for t in available_transitions(app_, person)] == expected, (move.action, person.role)
            for person in everyone:
                if move.action not in [t.action for t in available_transitions(app_, person)]:
                    with pytest.raises(NotAllowed):
                        transition(session, app_, move.action, person, at,
                                   payload=payload(move, executors, app_.executor_id), effects=ctx.effects)
            actor = next(p for p in [staff[move.role], second] if move.action in
                         [t.action for t in available_transitions(app_, p)])
            at += timedelta(minutes=1)
            transition(session, app_, move.action, actor, at, payload=payload(move, executors, app_.executor_id),
                       effects=ctx.effects)
            assert app_.stage == move.target and app_.deadline_at == deadline
            audit = app_.audit[-1] if app_.audit else None
            session.flush()
            session.refresh(app_)
            assert app_.audit[-1].action == move.action and app_.audit[-1].actor_id == actor.id, audit
            following = process.step_of(move.target)
            if following is None:
                assert open_step(app_) is None and app_.completed_at == at
            else:
                record = open_step(app_)
                assert record.step == following.action and record.normative == following.duration.code
                assert record.due_at == following.duration.after(at, provider.hours)
                closed = [r for r in app_.steps if r.completed_at is not None][-1]
                assert closed.outcome == move.action and closed.actor_id == actor.id
            if move.comment:
                assert app_.audit[-1].details["comment"].startswith("Кестедегі")
        session.rollback()


def test_every_stage_of_every_graph_is_reachable_and_ends():
    for spec, value, process in GRAPHS:
        finals = [s.code for s in process.stages if process.is_final(s.code)]
        assert finals, spec.code
        for move in process.transitions:
            assert path_to(process, move)[-1] is move
        assert process.main_path()[-1].target in finals, (spec.code, value)
