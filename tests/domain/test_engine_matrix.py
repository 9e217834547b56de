"""Every service and sub-flow, table-driven: each step is allowed to its role in its state at its provider,
and refused to every other role, in every other state, and to the same role at another provider."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from portal import demo
from portal.domain import applications as requests_
from portal.domain.catalog import SERVICES
from portal.domain.errors import NotAllowed
from portal.domain.models import Membership, Person, Provider, Role
from portal.domain.workflow import transition
from tests.conftest import MONDAY_10
from tests.factories import pdf_bytes
from tests.service_samples import form_values, step_payload

FLOWS = [(code, value) for code, spec in SERVICES.items() for value, _ in spec.all_flows()]


def providers_for(session, spec) -> tuple[Provider, Provider]:  # type: ignore[no-untyped-def]
    """Return a staffed provider of the service whose results the portal seals, and another staffed one."""
    found = session.scalars(select(Provider).where(Provider.kind.in_(spec.provider_kinds)).order_by(Provider.id)).all()
    staffed = [p for p in found if session.scalar(select(Membership.id).where(Membership.organisation_id == p.id))]
    sealed = next(p for p in staffed if not p.head_signs_results)
    return sealed, next(p for p in staffed if p is not sealed)


def staff_of(session, provider: Provider) -> dict[str, Person]:  # type: ignore[no-untyped-def]
    return {p.role: p for p in session.scalars(select(Person).join(Person.membership)
                                               .where(Membership.organisation_id == provider.id))}


@pytest.mark.parametrize("code,subflow", FLOWS, ids=[f"{c}-{s or 'main'}" for c, s in FLOWS])
def test_every_step_only_by_its_role_in_its_state(app, code, subflow):
    spec = SERVICES[code]
    ctx = app.extensions["portal"]
    with ctx.sessions() as session:
        provider, other_provider = providers_for(session, spec)
        staff, strangers = staff_of(session, provider), staff_of(session, other_provider)
        applicant = session.scalar(select(Person).where(Person.iin == demo.CITIZEN.iin))
        app_ = requests_.create_draft(session, applicant, code, MONDAY_10)
        requests_.save_draft(session, app_, form_values(spec, subflow), provider.id, MONDAY_10)
        for doc in spec.required_documents(app_.form):
            requests_.attach(session, ctx.store, app_, doc.code, f"{doc.code}.pdf", pdf_bytes(), MONDAY_10)
        assert requests_.problems(app_) == []
        requests_.submit(session, app_, MONDAY_10)
        steps, _ = spec.flow(app_.form)
        assert app_.stage == "submitted" and [s.action for s in steps][0] == app_.steps[0].step
        for step in steps:
            payload = step_payload(step, staff[Role.executor].id)
            for role, person in staff.items():
                if role != step.role:
                    with pytest.raises(NotAllowed):
                        transition(session, app_, step.action, person, MONDAY_10, payload=payload,
                                   effects=ctx.effects)
            with pytest.raises(NotAllowed):  # the same role at another provider
                transition(session, app_, step.action, strangers[step.role], MONDAY_10, payload=payload,
                           effects=ctx.effects)
            for other in steps:  # every other step's action is refused in this state, even to its role
                if other.action != step.action:
                    with pytest.raises(NotAllowed):
                        transition(session, app_, other.action, staff[other.role], MONDAY_10,
                                   payload=step_payload(other, staff[Role.executor].id), effects=ctx.effects)
            transition(session, app_, step.action, staff[step.role], MONDAY_10, payload=payload, effects=ctx.effects)
            assert app_.stage == step.target
        assert app_.stage == "completed" and app_.result is not None
        # the sealed result keeps the applicant's name it states, for the verification page
        assert app_.result.applicant_name == requests_.applicant_name(app_) != ""
        assert [r.normative for r in app_.steps] == [s.duration.code for s in steps]
        session.rollback()
