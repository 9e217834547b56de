"""The state registries the services consult: individuals (ГБД ФЛ) and notarised powers of attorney (ЕНИС).

Both are closed government systems the portal cannot reach. The rest of the code asks them through the
two protocols below, obtained from `registries(session)`; today that returns the stand-ins, which answer
from the portal's own registry tables (loaded with demo data, marked `source="stand-in"`). A real adapter
implements the same protocols and replaces the factory.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import dates
from portal.domain.errors import DomainError
from portal.domain.models import RegistryFamilyTie, RegistryPerson, RegistryPowerOfAttorney

__all__ = [
    "DataCannotBeObtained", "IndividualsRegistry", "NotaryRegistry", "PowerOfAttorney", "PowerOfAttorneyExpired",
    "PowerOfAttorneyOutOfScope", "PowerOfAttorneyRevoked", "RegisteredPerson", "Registries", "RegistryRefusal",
    "StandInIndividualsRegistry", "StandInNotaryRegistry", "registries",
]

#: family ties the individuals' registry records
PARENT, GUARDIAN = "parent", "guardian"


class RegistryRefusal(DomainError):
    """A registry gave no usable answer; the request cannot go on with what was entered."""


class DataCannotBeObtained(RegistryRefusal):
    """The registry has no such record: the regulation's «деректерді алу мүмкін емес»."""

    def __init__(self, **params: object) -> None:
        super().__init__("data_cannot_be_obtained", **params)


class PowerOfAttorneyExpired(RegistryRefusal):
    """The power of attorney exists but is not in force on the day asked (expired or not yet begun)."""

    def __init__(self, poa: PowerOfAttorney) -> None:
        super().__init__("poa_expired", number=poa.number, valid_from=dates.day(poa.valid_from),
                         valid_until=dates.day(poa.valid_until))


class PowerOfAttorneyOutOfScope(RegistryRefusal):
    """The power of attorney does not cover the service asked for."""

    def __init__(self, poa: PowerOfAttorney) -> None:
        super().__init__("poa_out_of_scope", number=poa.number)


class PowerOfAttorneyRevoked(RegistryRefusal):
    """The principal revoked the power of attorney."""

    def __init__(self, poa: PowerOfAttorney) -> None:
        super().__init__("poa_revoked", number=poa.number)


@dataclass(frozen=True)
class RegisteredPerson:
    """A person as the individuals' registry states them."""

    iin: str
    surname: str
    given_name: str
    patronymic: str | None
    birth_date: date
    #: True when the answer comes from the portal's stand-in tables, not from ГБД ФЛ itself
    stand_in: bool = True

    @property
    def full_name(self) -> str:
        """Return "Surname Given Patronymic", as documents print it."""
        return " ".join(part for part in (self.surname, self.given_name, self.patronymic) if part)


@dataclass(frozen=True)
class PowerOfAttorney:
    """A notarised power of attorney as the notary registry states it."""

    number: str
    principal_iin: str
    agent_iin: str
    #: the service codes it covers; None when it covers every service
    services: tuple[str, ...] | None
    valid_from: date
    valid_until: date
    notary: str
    revoked: bool = False
    stand_in: bool = True

    def covers(self, service_code: str) -> bool:
        """Tell whether it covers this service."""
        return self.services is None or service_code in self.services

    def in_force(self, day: date) -> bool:
        """Tell whether its term includes this day."""
        return self.valid_from <= day <= self.valid_until


class IndividualsRegistry(Protocol):
    """The individuals' state database (ГБД ФЛ / ЖТ МДҚ)."""

    def person(self, iin: str) -> RegisteredPerson:
        """Return the person with this IIN; raise DataCannotBeObtained when the registry has none."""
        ...

    def is_parent_or_guardian(self, adult_iin: str, child_iin: str, day: date) -> bool:
        """Tell whether the adult is the child's parent, or their guardian on this day."""
        ...


class NotaryRegistry(Protocol):
    """The unified notary information system (ЕНИС / БНАЖ)."""

    def power_of_attorney(self, number: str, *, principal_iin: str, agent_iin: str, service_code: str,
                          day: date) -> PowerOfAttorney:
        """Return the power of attorney that lets the agent act for the principal in this service on this day.

        Raise DataCannotBeObtained when there is no such power of attorney between these two people,
        PowerOfAttorneyRevoked, PowerOfAttorneyExpired (not in force that day) or PowerOfAttorneyOutOfScope.
        """
        ...


@dataclass(frozen=True)
class Registries:
    """The registries a request is checked against."""

    individuals: IndividualsRegistry
    notary: NotaryRegistry


class StandInIndividualsRegistry:
    """ГБД ФЛ answered from the portal's own `registry_persons` and `registry_family_ties`."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def person(self, iin: str) -> RegisteredPerson:
        """Return the person with this IIN; raise DataCannotBeObtained when the table has none."""
        row = self.session.scalar(select(RegistryPerson).where(RegistryPerson.iin == iin))
        if row is None:
            raise DataCannotBeObtained(iin=iin)
        return RegisteredPerson(iin=row.iin, surname=row.surname, given_name=row.given_name,
                                patronymic=row.patronymic, birth_date=row.birth_date, stand_in=True)

    def is_parent_or_guardian(self, adult_iin: str, child_iin: str, day: date) -> bool:
        """Tell whether a tie makes the adult the child's parent, or their guardian still on this day."""
        ties = self.session.scalars(select(RegistryFamilyTie).where(RegistryFamilyTie.child_iin == child_iin,
                                                                    RegistryFamilyTie.adult_iin == adult_iin))
        return any(tie.relation == PARENT or (tie.relation == GUARDIAN and
                                              (tie.valid_until is None or day <= tie.valid_until))
                   for tie in ties)


class StandInNotaryRegistry:
    """ЕНИС answered from the portal's own `registry_powers_of_attorney`."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def power_of_attorney(self, number: str, *, principal_iin: str, agent_iin: str, service_code: str,
                          day: date) -> PowerOfAttorney:
        """Return the power of attorney if it lets the agent act for the principal here and now, else raise."""
        number = " ".join(str(number).split())
        row = self.session.scalar(select(RegistryPowerOfAttorney).where(RegistryPowerOfAttorney.number == number))
        # one answer for "no such number" and "someone else's power of attorney": the number alone tells nothing
        if row is None or row.principal_iin != principal_iin or row.agent_iin != agent_iin:
            raise DataCannotBeObtained(number=number)
        poa = PowerOfAttorney(number=row.number, principal_iin=row.principal_iin, agent_iin=row.agent_iin,
                              services=tuple(row.services) if row.services is not None else None,
                              valid_from=row.valid_from, valid_until=row.valid_until, notary=row.notary,
                              revoked=row.revoked, stand_in=True)
        if poa.revoked:
            raise PowerOfAttorneyRevoked(poa)
        if not poa.in_force(day):
            raise PowerOfAttorneyExpired(poa)
        if not poa.covers(service_code):
            raise PowerOfAttorneyOutOfScope(poa)
        return poa


def registries(session: Session) -> Registries:
    """Return the registries to consult: today the stand-ins over the portal's own tables."""
    return Registries(individuals=StandInIndividualsRegistry(session), notary=StandInNotaryRegistry(session))
