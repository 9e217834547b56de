"""The stand-in registries answer as ГБД ФЛ and ЕНИС would: people, parents and guardians, powers of attorney."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from portal import demo, demo_registry as reg
from portal.domain import identity
from portal.domain.catalog import SERVICES
from portal.domain.catalog.spec import REGISTRY_LINK
from portal.domain.errors import DomainError
from portal.domain.models import RegistryFamilyTie, RegistryPerson, RegistryPowerOfAttorney
from portal.domain.registries import (DataCannotBeObtained, PowerOfAttorneyExpired, PowerOfAttorneyOutOfScope,
                                      PowerOfAttorneyRevoked, RegisteredPerson, registries)
from portal.domain.validators import make_iin, parse_iin
from tests.conftest import MONDAY_10

TODAY = MONDAY_10.date()


@pytest.fixture
def session(app):  # type: ignore[no-untyped-def]
    """Return a session on the demo data."""
    with app.extensions["portal"].sessions() as s:
        yield s


def test_a_person_is_found_by_iin_with_the_registrys_name_and_birth_date(session):
    person = registries(session).individuals.person(reg.CHILD_IIN)
    assert person == RegisteredPerson(iin=reg.CHILD_IIN, surname="Сейітов", given_name="Нұрлан",
                                      patronymic="Болатұлы", birth_date=date(2012, 9, 3), stand_in=True)
    assert person.full_name == reg.CHILD_NAME


def test_an_absent_person_cannot_be_obtained(session):
    with pytest.raises(DataCannotBeObtained) as caught:
        registries(session).individuals.person(make_iin(date(1990, 1, 1), "M", 9876))
    assert isinstance(caught.value, DomainError) and caught.value.code == "data_cannot_be_obtained"


def test_every_demo_person_is_in_the_registry_born_as_the_iin_says_and_marked_stand_in(session):
    rows = {p.iin: p for p in session.scalars(select(RegistryPerson))}
    for iin in [a.iin for a in demo.ACCOUNTS] + [iin for iin, _name in reg.FAMILY]:
        assert rows[iin].birth_date == parse_iin(iin).birth_date, iin
    assert {p.source for p in rows.values()} == {"stand-in"}
    assert rows[demo.CITIZEN.iin].surname == "Сейітова" and rows[demo.CITIZEN.iin].patronymic == "Қанатқызы"
    assert {t.source for t in session.scalars(select(RegistryFamilyTie))} == {"stand-in"}
    assert {p.source for p in session.scalars(select(RegistryPowerOfAttorney))} == {"stand-in"}


def test_loading_the_demo_data_again_adds_nothing(session):
    counts = [session.scalar(select(func.count()).select_from(m))
              for m in (RegistryPerson, RegistryFamilyTie, RegistryPowerOfAttorney)]
    demo.load(session, MONDAY_10)
    again = [session.scalar(select(func.count()).select_from(m))
             for m in (RegistryPerson, RegistryFamilyTie, RegistryPowerOfAttorney)]
    assert again == counts and counts[2] == 3


def test_parents_are_parents_and_a_neighbour_is_not(session):
    individuals = registries(session).individuals
    for child in (reg.CHILD_IIN, reg.SECOND_CHILD_IIN):
        assert individuals.is_parent_or_guardian(demo.CITIZEN.iin, child, TODAY)
        assert individuals.is_parent_or_guardian(reg.SPOUSE_IIN, child, TODAY)
        assert not individuals.is_parent_or_guardian(reg.NOT_PARENT_IIN, child, TODAY)
    assert not individuals.is_parent_or_guardian(reg.CHILD_IIN, demo.CITIZEN.iin, TODAY)  # not the other way round


def test_a_guardian_is_one_until_the_guardianship_ends(session):
    individuals = registries(session).individuals
    assert individuals.is_parent_or_guardian(reg.GUARDIAN_IIN, reg.WARD_IIN, TODAY)
    assert individuals.is_parent_or_guardian(reg.GUARDIAN_IIN, reg.WARD_IIN, reg.GUARDIANSHIP_UNTIL)
    assert not individuals.is_parent_or_guardian(reg.GUARDIAN_IIN, reg.WARD_IIN, date(2031, 3, 22))
    assert not individuals.is_parent_or_guardian(demo.CITIZEN.iin, reg.WARD_IIN, TODAY)


def test_an_expired_guardianship_does_not_count(session):
    session.add(RegistryFamilyTie(child_iin=reg.SECOND_CHILD_IIN, adult_iin=reg.NOT_PARENT_IIN, relation="guardian",
                                  valid_until=date(2026, 11, 22)))
    session.flush()
    individuals = registries(session).individuals
    assert not individuals.is_parent_or_guardian(reg.NOT_PARENT_IIN, reg.SECOND_CHILD_IIN, TODAY)
    assert individuals.is_parent_or_guardian(reg.NOT_PARENT_IIN, reg.SECOND_CHILD_IIN, date(2026, 11, 22))


def _poa(session, number: str, service: str = "external_study", **kw):  # type: ignore[no-untyped-def]
    """Ask the notary registry for a demo power of attorney of the citizen to her sister."""
    args = dict(principal_iin=demo.CITIZEN.iin, agent_iin=reg.AGENT_IIN, service_code=service, day=TODAY)
    return registries(session).notary.power_of_attorney(number, **{**args, **kw})


def test_a_valid_power_of_attorney_covers_its_services(session):
    for service in reg.POA_VALID_SERVICES:
        poa = _poa(session, reg.POA_VALID, service)
        assert poa.number == reg.POA_VALID and poa.services == reg.POA_VALID_SERVICES and poa.stand_in
        assert poa.principal_iin == demo.CITIZEN.iin and poa.agent_iin == reg.AGENT_IIN
    assert _poa(session, f"  {reg.POA_VALID} ").number == reg.POA_VALID  # spaces typed around it do not matter


def test_an_expired_power_of_attorney_is_refused_with_its_term(session):
    with pytest.raises(PowerOfAttorneyExpired) as caught:
        _poa(session, reg.POA_EXPIRED)
    assert caught.value.code == "poa_expired"
    assert caught.value.params == {"number": reg.POA_EXPIRED, "valid_from": "01.03.2022", "valid_until": "28.02.2023"}
    with pytest.raises(PowerOfAttorneyExpired):  # nor is one in force before its first day
        _poa(session, reg.POA_VALID, day=date(2025, 11, 30))


def test_a_power_of_attorney_for_another_service_is_out_of_scope(session):
    with pytest.raises(PowerOfAttorneyOutOfScope) as caught:
        _poa(session, reg.POA_OUT_OF_SCOPE, "external_study")
    assert caught.value.code == "poa_out_of_scope" and caught.value.params == {"number": reg.POA_OUT_OF_SCOPE}
    assert _poa(session, reg.POA_OUT_OF_SCOPE, "tvet_transfer").services == ("tvet_transfer",)
    with pytest.raises(PowerOfAttorneyOutOfScope):
        _poa(session, reg.POA_VALID, "tvet_transfer")


def test_an_absent_power_of_attorney_or_one_between_other_people_cannot_be_obtained(session):
    for number, kw in (("2099-000000", {}), (reg.POA_VALID, {"agent_iin": reg.NOT_PARENT_IIN}),
                       (reg.POA_VALID, {"principal_iin": reg.SPOUSE_IIN})):
        with pytest.raises(DataCannotBeObtained):
            _poa(session, number, **kw)


def test_a_revoked_power_of_attorney_is_refused(session):
    row = session.scalar(select(RegistryPowerOfAttorney).where(RegistryPowerOfAttorney.number == reg.POA_VALID))
    row.revoked = True
    session.flush()
    with pytest.raises(PowerOfAttorneyRevoked) as caught:
        _poa(session, reg.POA_VALID)
    assert caught.value.code == "poa_revoked"


def test_the_form_takes_the_childs_name_birth_date_and_the_link_from_the_registry(session):
    spec, regs = SERVICES["external_study"], registries(session)
    typed = {"child_iin": reg.CHILD_IIN, "child_name": "Typed Name", "child_birth_date": "2000-01-01"}
    form = identity.fill_from_registry(regs, spec, typed, demo.CITIZEN.iin, TODAY)
    assert form["child_name"] == reg.CHILD_NAME and form["child_birth_date"] == "2012-09-03"
    assert form[REGISTRY_LINK] == identity.CONFIRMED and not spec.document("representation").required_for(form)
    form = identity.fill_from_registry(regs, spec, typed, reg.NOT_PARENT_IIN, TODAY)
    assert form[REGISTRY_LINK] == identity.UNCONFIRMED and spec.document("representation").required_for(form)
    form = identity.fill_from_registry(regs, spec, {"child_iin": reg.CHILD_IIN}, reg.CHILD_IIN, TODAY)
    assert form[REGISTRY_LINK] == identity.SELF and not spec.document("representation").required_for(form)
    unknown = make_iin(date(2014, 2, 2), "F", 777)
    form = identity.fill_from_registry(regs, spec, {**typed, "child_iin": unknown}, demo.CITIZEN.iin, TODAY)
    assert form[REGISTRY_LINK] == identity.UNKNOWN and form["child_name"] == "" and form["child_birth_date"] == ""
    assert identity.registry_problems(spec, form) == [("child_iin", "data_cannot_be_obtained")]
    assert identity.awaits_registry_check(spec, form)
