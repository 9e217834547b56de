"""People: applicants (citizens), and staff as members of an organisation (a provider or a service centre)."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from portal.domain.db import Base


class Role(StrEnum):
    """A person's role, named as in the regulations."""

    applicant = "applicant"
    office_clerk = "office_clerk"
    head = "head"
    executor = "executor"
    #: an operator of a State Corporation service centre, filing and handing over on the applicant's behalf
    operator = "operator"
    #: an analyst of the regional education department: reads the region's figures, works no request
    region_analyst = "region_analyst"
    #: a provider's administrator: manages its staff, hours and signing; takes no step of any request
    admin = "admin"


#: the roles of a provider's staff
PROVIDER_ROLES = frozenset({Role.office_clerk, Role.head, Role.executor})
#: the roles of a State Corporation centre's staff
CENTRE_ROLES = frozenset({Role.operator})
#: the staff who work requests; an administrator is a member but works none (not staff in this sense)
STAFF_ROLES = PROVIDER_ROLES | CENTRE_ROLES
#: the interface languages, Kazakh first (the default)
LOCALES = ("kk", "ru", "en")
#: the roles of the region's education authority: figures across providers, no request's personal data
REGION_ROLES = frozenset({Role.region_analyst})
#: who reads the dashboard: a provider's head (their provider's figures) and the region's analysts (all)
DASHBOARD_ROLES = frozenset({Role.head}) | REGION_ROLES
#: the roles of an organisation's administrators
ADMIN_ROLES = frozenset({Role.admin})


class Membership(Base):
    """A staff member's place: (person, organisation, role), for providers and service centres alike."""

    __tablename__ = "memberships"
    # one place per account for now: several would need choosing an organisation when signing in
    __table_args__ = (UniqueConstraint("person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the staff member
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    #: the provider or service centre they work for
    organisation_id: Mapped[int] = mapped_column(ForeignKey("providers.id"), index=True)
    #: office_clerk, head, executor (a provider's), operator (a centre's) or admin (either's administrator)
    role: Mapped[Role] = mapped_column(String(20))

    organisation = relationship("Provider", lazy="joined")


def search_key(text: str) -> str:
    """Return a name as the back office searches it: case-folded, single spaces, ё as е."""
    return " ".join(text.casefold().replace("ё", "е").split())[:200]


class Person(Base):
    """Anyone who signs in: an applicant or a member of a provider's staff."""

    __tablename__ = "people"
    # the back office finds a person by the start of their name: a prefix LIKE that PostgreSQL's index serves
    __table_args__ = (Index("ix_people_search_name", "search_name", postgresql_ops={"search_name": "text_pattern_ops"}),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: individual identification number, 12 digits; the sign-in name
    iin: Mapped[str] = mapped_column(String(12), unique=True)
    #: surname, name and patronymic as the person typed them
    full_name: Mapped[str] = mapped_column(String(200))
    #: the name case-folded, for searching (SQLite's lower() folds only ASCII, and names are Cyrillic)
    search_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    #: contact phone, +7 and ten digits
    phone: Mapped[str] = mapped_column(String(20), default="")
    #: contact e-mail
    email: Mapped[str] = mapped_column(String(200), default="")
    #: the interface language the person last chose (kk, ru or en); their e-mails are written in it
    locale: Mapped[str] = mapped_column(String(2), default="kk", server_default="kk")
    #: argon2id hash of the password
    password_hash: Mapped[str] = mapped_column(String(200))
    #: when the account was created
    created_at: Mapped[datetime]
    #: when the person first proved this IIN with their EDS; None while only a password vouches for it
    eds_verified_at: Mapped[datetime | None]
    #: when the citizen agreed, registering, to the processing of their personal data (Law No. 94-V of
    #: 21 May 2013); None for accounts an administrator or the demo created
    personal_data_consent_at: Mapped[datetime | None]
    #: bumped to end every session of the account (e.g. when an EDS sign-in takes over an unproven account)
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")
    #: when the organisation's administrator deactivated the account; None while it may sign in and act
    deactivated_at: Mapped[datetime | None]
    #: raised by the database's triggers (migration 0029) whenever anything this person's cabinet shows changes:
    #: their requests, the requests' scans, results and providers' hours, their notifications
    cabinet_stamp: Mapped[int] = mapped_column(default=0, server_default="0")

    #: a staff member's place; None for a citizen
    membership: Mapped[Membership | None] = relationship(lazy="joined", uselist=False)
    #: the EDS certificates the organisation's administrator registered for this staff member, oldest first
    certificates: Mapped[list["StaffCertificate"]] = relationship(
        foreign_keys="StaffCertificate.person_id", order_by="StaffCertificate.id", viewonly=True)

    # The session protocol Flask-Login expects, written out so the domain does not import the web layer.
    is_authenticated = True
    is_anonymous = False

    @validates("full_name")
    def _keep_search_name(self, _key: str, value: str) -> str:
        """Keep the searchable form of the name in step with the name."""
        self.search_name = search_key(value)
        return value

    @property
    def is_active(self) -> bool:
        """Tell whether the account may sign in and act (its administrator has not deactivated it)."""
        return self.deactivated_at is None

    def get_id(self) -> str:
        """Return the id the session cookie stores; a bumped session version ends older sessions."""
        return f"{self.id}.{self.session_version}"

    @property
    def role(self) -> Role:
        """Return the role of the person's membership, or applicant for a citizen."""
        return self.membership.role if self.membership is not None else Role.applicant

    @property
    def provider_id(self) -> int | None:
        """Return the id of the organisation the person works for (a provider or a centre); None for a citizen."""
        return self.membership.organisation_id if self.membership is not None else None

    @property
    def provider(self):  # type: ignore[no-untyped-def]
        """Return the organisation the person works for, or None."""
        return self.membership.organisation if self.membership is not None else None

    @property
    def is_staff(self) -> bool:
        """Return True for a member of a provider's or a centre's staff who works requests (active or not)."""
        return self.role in STAFF_ROLES

    @property
    def is_admin(self) -> bool:
        """Return True for an organisation's administrator."""
        return self.role in ADMIN_ROLES

    @property
    def is_member(self) -> bool:
        """Return True for anyone who signs in for an organisation (staff, operators, administrators, analysts)."""
        return self.membership is not None

    @property
    def is_operator(self) -> bool:
        """Return True for a State Corporation centre's operator."""
        return self.role in CENTRE_ROLES



class StaffCertificate(Base):
    """A staff member's EDS signing certificate as their administrator registered it; only these sign for staff."""

    __tablename__ = "staff_certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the staff member the certificate belongs to
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    #: the organisation whose administrator registered it
    organisation_id: Mapped[int] = mapped_column(ForeignKey("providers.id"))
    #: the certificate's serial number, hex
    serial: Mapped[str] = mapped_column(String(64), index=True)
    #: the certificate's subject, as text
    subject: Mapped[str] = mapped_column(String(500))
    #: the certificate's issuer, as text
    issuer: Mapped[str] = mapped_column(String(500))
    #: validity start (Kazakhstan time)
    not_before: Mapped[datetime]
    #: validity end (Kazakhstan time)
    not_after: Mapped[datetime]
    #: the certificate itself, DER
    der: Mapped[bytes] = mapped_column(LargeBinary)
    #: when it was registered
    registered_at: Mapped[datetime]
    #: the administrator who registered it; None for the demo keys `make run` registers
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    #: when the registration was revoked; None while the certificate may sign
    revoked_at: Mapped[datetime | None]
    #: the administrator who revoked the registration
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
