"""Demo rows of the stand-in registries (ГБД ФЛ, ЕНИС): every demo person, two families, three powers of attorney.

Invented people, marked `source="stand-in"` in their tables. Birth dates are read from the IINs, so the
two always agree. Tests import the IINs and numbers below.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.domain.models import RegistryFamilyTie, RegistryPerson, RegistryPowerOfAttorney
from portal.domain.models.registry import STAND_IN
from portal.domain.registries import GUARDIAN, PARENT
from portal.domain.validators import make_iin, parse_iin

#: the demo citizen's son: the child the demo requests are made for
CHILD_IIN = make_iin(date(2012, 9, 3), "M", 4321)
CHILD_NAME = "Сейітов Нұрлан Болатұлы"
CHILD_BORN = date(2012, 9, 3)
#: the demo citizen's daughter
SECOND_CHILD_IIN = make_iin(date(2015, 5, 19), "F", 4322)
SECOND_CHILD_NAME = "Сейітова Аружан Болатқызы"
#: the children's father, the demo citizen's husband
SPOUSE_IIN = make_iin(date(1984, 2, 27), "M", 2345)
#: the demo citizen's sister: the agent of her powers of attorney
AGENT_IIN = make_iin(date(1989, 10, 8), "F", 2346)
AGENT_NAME = "Жұмабаева Сәуле Қанатқызы"
#: a neighbour: an adult the registry knows, who is no parent or guardian of the children above
NOT_PARENT_IIN = make_iin(date(1979, 11, 30), "M", 5151)
NOT_PARENT_NAME = "Тоқтаров Ержан Әділұлы"
#: a grandmother, guardian of her grandson until the day before he turns 18
GUARDIAN_IIN = make_iin(date(1961, 7, 14), "F", 6161)
WARD_IIN = make_iin(date(2013, 3, 22), "M", 6162)
GUARDIANSHIP_UNTIL = date(2031, 3, 21)

#: the demo citizen's powers of attorney to her sister, as registered by the notaries
POA_VALID = "2025-001842"
POA_EXPIRED = "2023-000911"
POA_OUT_OF_SCOPE = "2025-002207"
#: the services the valid one covers
POA_VALID_SERVICES = ("tvet_certificate", "teacher_attestation", "external_study")


@dataclass(frozen=True)
class DemoPoa:
    """A notarised power of attorney of the demo data."""

    number: str
    principal_iin: str
    agent_iin: str
    services: tuple[str, ...] | None
    valid_from: date
    valid_until: date
    notary: str


#: (IIN, "Surname Given Patronymic") of the registry's people who have no portal account
FAMILY = (
    (CHILD_IIN, CHILD_NAME),
    (SECOND_CHILD_IIN, SECOND_CHILD_NAME),
    (SPOUSE_IIN, "Сейітов Болат Ерланұлы"),
    (AGENT_IIN, AGENT_NAME),
    (NOT_PARENT_IIN, NOT_PARENT_NAME),
    (GUARDIAN_IIN, "Қасымова Роза Әмірқызы"),
    (WARD_IIN, "Қасымов Тимур Даниярұлы"),
)


def family_ties(citizen_iin: str) -> tuple[tuple[str, str, str, date | None], ...]:
    """Return (child IIN, adult IIN, relation, valid until) of the demo families."""
    return ((CHILD_IIN, citizen_iin, PARENT, None), (CHILD_IIN, SPOUSE_IIN, PARENT, None),
            (SECOND_CHILD_IIN, citizen_iin, PARENT, None), (SECOND_CHILD_IIN, SPOUSE_IIN, PARENT, None),
            (WARD_IIN, GUARDIAN_IIN, GUARDIAN, GUARDIANSHIP_UNTIL))


def powers_of_attorney(citizen_iin: str) -> tuple[DemoPoa, ...]:
    """Return the demo citizen's powers of attorney to her sister: in force, expired, and for another service."""
    return (DemoPoa(POA_VALID, citizen_iin, AGENT_IIN, POA_VALID_SERVICES, date(2025, 12, 1), date(2027, 11, 30),
                    "Әбенова Гүлжан Сапарқызы"),
            DemoPoa(POA_EXPIRED, citizen_iin, AGENT_IIN, None, date(2022, 3, 1), date(2023, 2, 28),
                    "Әбенова Гүлжан Сапарқызы"),
            DemoPoa(POA_OUT_OF_SCOPE, citizen_iin, AGENT_IIN, ("tvet_transfer",), date(2025, 9, 1),
                    date(2027, 8, 31), "Баймұханов Серік Тұрсынұлы"))


def person_row(iin: str, full_name: str) -> RegistryPerson:
    """Return a stand-in registry row for a person, the birth date read from the IIN."""
    surname, given_name, *rest = full_name.split()
    return RegistryPerson(iin=iin, surname=surname, given_name=given_name, patronymic=" ".join(rest) or None,
                          birth_date=parse_iin(iin).birth_date, source=STAND_IN)


def load(session: Session, people: Iterable[tuple[str, str]], citizen_iin: str) -> None:
    """Add what is missing of the registries' demo rows: these people, the families, the powers of attorney."""
    known = set(session.scalars(select(RegistryPerson.iin)))
    for iin, full_name in (*people, *FAMILY):
        if iin not in known:
            session.add(person_row(iin, full_name))
            known.add(iin)
    ties = {tuple(row) for row in session.execute(select(RegistryFamilyTie.child_iin, RegistryFamilyTie.adult_iin,
                                                         RegistryFamilyTie.relation))}
    for child, adult, relation, until in family_ties(citizen_iin):
        if (child, adult, relation) not in ties:
            session.add(RegistryFamilyTie(child_iin=child, adult_iin=adult, relation=relation, valid_until=until,
                                          source=STAND_IN))
    numbers = set(session.scalars(select(RegistryPowerOfAttorney.number)))
    for poa in powers_of_attorney(citizen_iin):
        if poa.number not in numbers:
            session.add(RegistryPowerOfAttorney(
                number=poa.number, principal_iin=poa.principal_iin, agent_iin=poa.agent_iin,
                services=list(poa.services) if poa.services is not None else None, valid_from=poa.valid_from,
                valid_until=poa.valid_until, notary=poa.notary, revoked=False, source=STAND_IN))
    session.flush()
