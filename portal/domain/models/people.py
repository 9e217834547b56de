"""People: applicants (citizens) and providers' staff."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.domain.db import Base


class Role(StrEnum):
    """A person's role, named as in the regulations."""

    applicant = "applicant"
    office_clerk = "office_clerk"
    head = "head"
    executor = "executor"


STAFF_ROLES = frozenset({Role.office_clerk, Role.head, Role.executor})


class Person(Base):
    """Anyone who signs in: an applicant or a member of a provider's staff."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: individual identification number, 12 digits; the sign-in name
    iin: Mapped[str] = mapped_column(String(12), unique=True)
    #: surname, name and patronymic as the person typed them
    full_name: Mapped[str] = mapped_column(String(200))
    #: contact phone, +7 and ten digits
    phone: Mapped[str] = mapped_column(String(20), default="")
    #: contact e-mail
    email: Mapped[str] = mapped_column(String(200), default="")
    #: argon2id hash of the password
    password_hash: Mapped[str] = mapped_column(String(200))
    #: applicant, office_clerk, head or executor
    role: Mapped[Role] = mapped_column(String(20), default=Role.applicant)
    #: the provider a staff member works for; None for applicants
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("providers.id"), index=True)
    #: when the account was created
    created_at: Mapped[datetime]
    #: when the person first proved this IIN with their EDS; None while only a password vouches for it
    eds_verified_at: Mapped[datetime | None]
    #: bumped to end every session of the account (e.g. when an EDS sign-in takes over an unproven account)
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")

    provider = relationship("Provider", lazy="joined")

    # The session protocol Flask-Login expects, written out so the domain does not import the web layer.
    is_active = True
    is_authenticated = True
    is_anonymous = False

    def get_id(self) -> str:
        """Return the id the session cookie stores; a bumped session version ends older sessions."""
        return f"{self.id}.{self.session_version}"

    @property
    def is_staff(self) -> bool:
        """Return True for a provider's staff member."""
        return self.role in STAFF_ROLES

