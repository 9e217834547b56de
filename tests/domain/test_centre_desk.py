"""The State Corporation's desk in the domain: registry checks, the centre's calendar, who sees what when."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select

from portal import demo, demo_registry
from portal.domain.catalog.process import PublicStatus
from portal.domain.centre_desk import Filing, file_at_centre
from portal.domain.errors import DomainError, NotFound
from portal.domain.models import Application, Person, Provider
from portal.domain.progress import progress
from portal.domain.registries import registries
from portal.domain.workflow import available_transitions, open_step, staff_request, transition
from tests.conftest import MONDAY_10, account

#: Saturday 28 November 2026, 19:58: the centre works Saturdays until 20:00, the provider does not
SATURDAY_EVENING = datetime(2026, 11, 28, 19, 58)


def _people(s, *accounts: demo.DemoAccount) -> list[Person]:  # type: ignore[no-untyped-def]
    return [s.scalar(select(Person).where(Person.iin == a.iin)) for a in accounts]


def _provider(s, code: str) -> Provider:  # type: ignore[no-untyped-def]
    return s.scalar(select(Provider).where(Provider.code == code))


def _file(s, service: str = "external_study", provider: str = "petropavl", at: datetime = MONDAY_10,
          **who: str) -> Application:  # type: ignore[no-untyped-def]
    operator, = _people(s, demo.OPERATOR)
    filing = Filing(service_code=service, provider_id=_provider(s, provider).id,
                    applicant_iin=who.get("applicant", demo.CITIZEN.iin),
                    representative_iin=who.get("representative", ""), power_of_attorney=who.get("poa", ""))
    return file_at_centre(s, operator, filing, registries(s), at)


def _counts(s) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    return s.scalar(select(func.count(Application.id))), s.scalar(select(func.count(Person.id)))


@pytest.mark.parametrize("who, code", [
    ({"applicant": "990101300999"}, "data_cannot_be_obtained"),
    ({"representative": demo_registry.AGENT_IIN, "poa": "1999-000000"}, "data_cannot_be_obtained"),
    ({"representative": demo_registry.NOT_PARENT_IIN, "poa": demo_registry.POA_VALID}, "data_cannot_be_obtained"),
    ({"representative": demo_registry.AGENT_IIN, "poa": demo_registry.POA_EXPIRED}, "poa_expired"),
    ({"representative": demo_registry.AGENT_IIN, "poa": demo_registry.POA_OUT_OF_SCOPE}, "poa_out_of_scope"),
])
def test_an_unknown_person_or_a_bad_power_of_attorney_stops_the_filing(app: Flask, who: dict, code: str):
    with app.extensions["portal"].sessions() as s:
        before = _counts(s)
        with pytest.raises(DomainError) as stopped:
            _file(s, **who)
        assert stopped.value.code == code
        s.rollback()
        assert _counts(s) == before  # nothing of the stopped request is kept


def test_a_representative_files_under_a_valid_power_of_attorney(app: Flask):
    with app.extensions["portal"].sessions() as s:
        filed = _file(s, representative=demo_registry.AGENT_IIN, poa=demo_registry.POA_VALID)
        assert filed.representative.iin == demo_registry.AGENT_IIN
        assert filed.representative.full_name == demo_registry.AGENT_NAME
        assert filed.power_of_attorney == demo_registry.POA_VALID
        assert filed.applicant.iin == demo.CITIZEN.iin and filed.channel == "state_corporation"
        assert filed.audit[0].details["power_of_attorney"] == demo_registry.POA_VALID


def test_an_applicant_without_an_account_gets_one_from_the_registry_that_no_password_opens(app: Flask):
    with app.extensions["portal"].sessions() as s:
        filed = _file(s, applicant=demo_registry.AGENT_IIN)
        assert filed.applicant.full_name == demo_registry.AGENT_NAME
        assert filed.applicant.password_hash.startswith("!")  # not an argon2 hash: only an EDS sign-in opens it
        assert [n.code for n in filed.notifications] == ["filed_at_centre"]


def test_the_centre_steps_run_on_the_centre_week_the_provider_steps_on_the_provider_week(app: Flask):
    with app.extensions["portal"].sessions() as s:
        filed = _file(s, at=SATURDAY_EVENING)
        consent = open_step(filed)
        # 2 minutes on Saturday, Sunday closed, 3 minutes on Monday from 09:00
        assert (consent.step, consent.due_at) == ("take_consent", datetime(2026, 11, 30, 9, 3))
        assert consent.provider_id == filed.provider_id is not None  # the request's provider, as every step names
        # the service's term runs on the provider's five-day week, from Monday's opening
        assert filed.clock_started_at == datetime(2026, 11, 30, 9, 0)


def test_the_provider_sees_the_package_only_once_the_centre_sends_it(app: Flask):
    with app.extensions["portal"].sessions() as s:
        operator, clerk, stranger = _people(s, demo.OPERATOR, account("office_clerk", "petropavl"),
                                            demo.SECOND_OPERATOR)
        filed = _file(s)
        assert [t.action for t in available_transitions(filed, clerk)] == []
        with pytest.raises(NotFound):
            staff_request(s, clerk, filed.id)
        at = MONDAY_10
        for action in ("take_consent", "centre_register"):
            at += timedelta(minutes=3)
            transition(s, filed, action, operator, at, effects={"record_consent": lambda *a: None})
        # sending, or refusing a package found incomplete after registering
        assert [t.action for t in available_transitions(filed, operator)] == ["send_to_provider", "refuse_package"]
        assert [t.action for t in available_transitions(filed, stranger)] == ["send_to_provider", "refuse_package"]
        transition(s, filed, "send_to_provider", operator, at, effects={"send_to_provider": lambda *a: None})
        assert staff_request(s, clerk, filed.id) is filed
        assert [t.action for t in available_transitions(filed, clerk)] == ["register"]
        assert available_transitions(filed, operator) == []


def test_teacher_attestation_result_is_due_at_the_centre_a_day_before_the_term(app: Flask):
    with app.extensions["portal"].sessions() as s:
        operator, clerk = _people(s, demo.OPERATOR, account("office_clerk", "petropavl"))
        filed = _file(s, service="teacher_attestation")
        assert filed.deadline_at == datetime(2026, 11, 26, 10, 0)  # 3 working days from Monday 10:00
        transition(s, filed, "take_consent", operator, MONDAY_10, effects={"record_consent": lambda *a: None})
        transition(s, filed, "centre_register", operator, MONDAY_10, effects={"send_to_provider": lambda *a: None})
        # the office registers on Wednesday 10:30: 20 minutes would end at 10:50, but the result must reach
        # the centre a day (24 h) before the term, by Wednesday 10:00
        transition(s, filed, "register", clerk, datetime(2026, 11, 25, 10, 30))
        accept = open_step(filed)
        assert (accept.step, accept.due_at) == ("accept", datetime(2026, 11, 25, 10, 0))


def test_without_the_consent_the_request_is_closed_unfiled(app: Flask):
    with app.extensions["portal"].sessions() as s:
        operator, clerk = _people(s, demo.OPERATOR, account("office_clerk", "petropavl"))
        filed = _file(s)
        assert [t.action for t in available_transitions(filed, operator)] == ["take_consent", "consent_refused"]
        transition(s, filed, "consent_refused", operator, MONDAY_10 + timedelta(minutes=2))
        shown = progress(filed)
        assert (shown.status, shown.finished, shown.result_available) == (PublicStatus.closed, True, False)
        assert filed.completed_at is not None and open_step(filed) is None
        assert filed.steps[-1].outcome == "consent_refused"
        assert available_transitions(filed, operator) == [] and filed.consent_given_at is None
        assert [n.code for n in filed.notifications] == ["filed_at_centre", "consent_refused"]
        with pytest.raises(NotFound):
            staff_request(s, clerk, filed.id)
