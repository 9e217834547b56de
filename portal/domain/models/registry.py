"""The stand-in registries: the individuals' registry (ГБД ФЛ) and the notary registry (ЕНИС).

Both are closed government systems the portal cannot reach; these tables hold what they would answer,
loaded with demo data. `portal.domain.registries` reads them behind interfaces a real adapter can replace.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import JSON, String, false
from sqlalchemy.orm import Mapped, mapped_column

from portal.domain.db import Base

#: the `source` of a row loaded by the portal itself: demo data, not an answer of the real registry
STAND_IN = "stand-in"


class RegistryPerson(Base):
    """A person as the individuals' registry (ГБД ФЛ) knows them."""

    __tablename__ = "registry_persons"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: individual identification number, 12 digits
    iin: Mapped[str] = mapped_column(String(12), unique=True)
    #: surname, as in the identity documents
    surname: Mapped[str] = mapped_column(String(100))
    #: given name
    given_name: Mapped[str] = mapped_column(String(100))
    #: patronymic; None for people who have none
    patronymic: Mapped[str | None] = mapped_column(String(100))
    #: date of birth (agrees with the IIN's first six digits)
    birth_date: Mapped[date]
    #: where the row comes from: "stand-in" for the portal's own demo data, never a real registry's answer
    source: Mapped[str] = mapped_column(String(20), default=STAND_IN, server_default=STAND_IN)


class RegistryFamilyTie(Base):
    """A child's parent or legal guardian as the individuals' registry records them."""

    __tablename__ = "registry_family_ties"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the child's IIN
    child_iin: Mapped[str] = mapped_column(String(12), index=True)
    #: the parent's or guardian's IIN
    adult_iin: Mapped[str] = mapped_column(String(12), index=True)
    #: "parent" or "guardian"
    relation: Mapped[str] = mapped_column(String(20))
    #: the last day a guardianship holds (the guardianship authority's act sets it); None for parents
    valid_until: Mapped[date | None]
    #: where the row comes from: "stand-in" for the portal's own demo data
    source: Mapped[str] = mapped_column(String(20), default=STAND_IN, server_default=STAND_IN)


class RegistryPowerOfAttorney(Base):
    """A notarised power of attorney as the notary registry (ЕНИС) records it."""

    __tablename__ = "registry_powers_of_attorney"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the number the notary registered it under
    number: Mapped[str] = mapped_column(String(40), unique=True)
    #: IIN of the person who gives the power (the applicant)
    principal_iin: Mapped[str] = mapped_column(String(12), index=True)
    #: IIN of the person who acts on it (the representative)
    agent_iin: Mapped[str] = mapped_column(String(12), index=True)
    #: the service codes it covers; None when it covers every service
    services: Mapped[list[str] | None] = mapped_column(JSON)
    #: the first day it is in force
    valid_from: Mapped[date]
    #: the last day it is in force
    valid_until: Mapped[date]
    #: the notary who certified it: surname, name and patronymic
    notary: Mapped[str] = mapped_column(String(200))
    #: True once the principal revoked it
    revoked: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: where the row comes from: "stand-in" for the portal's own demo data
    source: Mapped[str] = mapped_column(String(20), default=STAND_IN, server_default=STAND_IN)
