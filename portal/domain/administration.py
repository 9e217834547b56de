"""An organisation's administration: its staff accounts, their EDS certificates, its hours and its signing.

Every function takes the administrator and touches only their own organisation: another organisation's
account or certificate is NotFound, the same answer as one that does not exist. Every change is audited.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from portal.domain import audit_trail
from portal.domain.accounts import EMAIL_RE, MAX_EMAIL, MAX_FULL_NAME, end_sessions, hash_password
from portal.domain.db import is_row_id
from portal.domain.errors import DomainError, NotAllowed, NotFound
from portal.domain.models import CENTRE_ROLES, PROVIDER_ROLES, Application, Membership, Person, Provider, Role, StaffCertificate
from portal.domain.passwords import MAX_PASSWORD, check_password
from portal.domain.staff_certificates import new_registration
from portal.domain.validators import ValidationError, parse_iin
from portal.pki.ca import LocalCA

#: accounts on one page of the staff list
PAGE = 50
#: the password hash of an account that signs in only with its EDS (no password matches it)
EDS_ONLY = "!eds-only"
HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def _audit(session: Session, *, action: str, actor: Person, at: datetime, subject: Person | None = None,
           details: dict[str, Any] | None = None) -> None:
    """Record an administrator's change in the audit trail, in the change's transaction (what, old and new value)."""
    audit_trail.record(session, kind=audit_trail.ADMIN, action=action, actor=actor, at=at, subject=subject,
                       organisation_id=actor.provider_id, details=details or {})


def _organisation(admin: Person) -> Provider:
    """Return the administrator's organisation, or refuse anyone who is not an active administrator."""
    if not admin.is_admin or not admin.is_active or admin.provider is None:
        raise NotAllowed("not_an_administrator")
    return admin.provider


def assignable_roles(admin: Person) -> list[Role]:
    """Return the roles an administrator gives: a provider's office clerk, head, executor, or a centre's operator."""
    roles = CENTRE_ROLES if _organisation(admin).is_centre else PROVIDER_ROLES
    return [r for r in (Role.office_clerk, Role.head, Role.executor, Role.operator) if r in roles]


@dataclass(frozen=True)
class StaffPage:
    """One page of an organisation's accounts, by name, and the key of the next page (None on the last)."""

    people: list[Person]
    next_key: tuple[str, int] | None
    total: int


def staff_page(session: Session, admin: Person, *, after: tuple[str, int] | None = None,
               size: int = PAGE) -> StaffPage:
    """Return one page of the organisation's accounts with their certificates: three queries, whatever the size."""
    org = _organisation(admin)
    query = select(Person).join(Person.membership).where(Membership.organisation_id == org.id)
    if after is not None:
        name, last_id = after
        query = query.where(or_(Person.full_name > name, and_(Person.full_name == name, Person.id > last_id)))
    rows = list(session.scalars(query.options(selectinload(Person.certificates))
                                .order_by(Person.full_name, Person.id).limit(size + 1)))
    people, more = rows[:size], len(rows) > size
    total = session.scalar(select(func.count(Membership.id)).where(Membership.organisation_id == org.id)) or 0
    return StaffPage(people=people, next_key=(people[-1].full_name, people[-1].id) if more else None, total=total)


def parse_key(raw: str) -> tuple[str, int] | None:
    """Return the keyset a "next page" link carries ("<id>_<name>"), or None when it is not one."""
    ident, _, name = raw.partition("_")
    if not ident.isdecimal() or len(ident) > 10 or len(name) > MAX_FULL_NAME:
        return None
    return name, int(ident)


def staff_member(session: Session, admin: Person, person_id: int) -> Person:
    """Return an account of the administrator's organisation, or NotFound (another organisation's too)."""
    org = _organisation(admin)
    person = session.get(Person, person_id) if is_row_id(person_id) else None
    if person is None or person.provider_id != org.id:
        raise NotFound()
    return person


def _role(admin: Person, raw: str) -> Role:
    """Return a role this administrator may give, or raise role_invalid."""
    try:
        role = Role(raw)
    except ValueError:
        raise DomainError("role_invalid", field="role") from None
    if role not in assignable_roles(admin):
        raise DomainError("role_invalid", field="role")
    return role


def create_staff(session: Session, admin: Person, *, iin: str, full_name: str, email: str, role: str,
                 password: str, eds_only: bool, now: datetime) -> Person:
    """Create a staff account of the administrator's organisation, with a password or for EDS sign-in only."""
    org = _organisation(admin)
    try:
        parsed = parse_iin("".join(iin.split())[:20])
    except ValidationError as err:
        raise DomainError(err.code, field="iin") from None
    full_name = " ".join(full_name.split())
    if not full_name:
        raise DomainError("name_required", field="full_name")
    if len(full_name) > MAX_FULL_NAME:
        raise DomainError("too_long", field="full_name")
    email = email.strip()
    if len(email) > MAX_EMAIL or not EMAIL_RE.match(email):
        raise DomainError("email_format", field="email")
    given = _role(admin, role)
    if eds_only:
        password_hash = EDS_ONLY
    else:
        if not password:
            raise DomainError("password_or_eds", field="password")
        try:
            check_password(password[:MAX_PASSWORD + 1], iin=parsed.value)
        except DomainError as err:
            raise DomainError(err.code, field="password", **err.params) from None
        password_hash = hash_password(password)
    if session.scalar(select(Person.id).where(Person.iin == parsed.value)):
        raise DomainError("staff_iin_taken", field="iin")
    person = Person(iin=parsed.value, full_name=full_name, email=email, password_hash=password_hash, created_at=now)
    person.membership = Membership(organisation_id=org.id, role=given)
    try:
        with session.begin_nested():  # the same IIN created twice at once: the loser is told it is taken
            session.add(person)
    except IntegrityError:
        raise DomainError("staff_iin_taken", field="iin") from None
    _audit(session, action="staff_created", actor=admin, at=now, subject=person,
           details={"iin": person.iin, "full_name": full_name, "email": email, "role": given.value,
                    "sign_in": "eds" if eds_only else "password"})
    return person


def change_role(session: Session, admin: Person, person_id: int, role: str, now: datetime) -> Person:
    """Give a staff member another role; an administrator's own role is not changed here."""
    person = staff_member(session, admin, person_id)
    if person.is_admin:
        raise DomainError("administrator_role_fixed", field="role")
    given, old = _role(admin, role), person.role
    if given == old:
        raise DomainError("role_unchanged", field="role")
    assert person.membership is not None
    person.membership.role = given
    end_sessions(session, person)  # pages and queues of the old role must not stay open
    _audit(session, action="role_changed", actor=admin, at=now, subject=person,
           details={"old": str(old), "new": given.value})
    return person


def open_assigned(session: Session, person: Person) -> int:
    """Return how many unfinished requests are assigned to this person (after deactivation: the head's to reassign)."""
    return session.scalar(select(func.count()).select_from(Application)
                          .where(Application.executor_id == person.id, Application.completed_at.is_(None))) or 0


def set_active(session: Session, admin: Person, person_id: int, active: bool, now: datetime) -> Person:
    """Deactivate an account (its sessions end; it can neither sign in nor act) or reactivate it."""
    person = staff_member(session, admin, person_id)
    if person.id == admin.id:
        raise DomainError("cannot_deactivate_self")
    if person.is_active == active:
        raise DomainError("already_active" if active else "already_deactivated")
    old = person.deactivated_at
    person.deactivated_at = None if active else now
    if not active:
        end_sessions(session, person)
    _audit(session, action="staff_reactivated" if active else "staff_deactivated", actor=admin, at=now,
           subject=person, details={"old": old.isoformat() if old else None,
                                    "new": None if active else now.isoformat()})
    return person


def _hhmm(value: str, field: str) -> str:
    """Return an HH:MM time as typed, or raise time_format naming the field."""
    value = value.strip()
    if not HHMM.match(value):
        raise DomainError("time_format", field=field)
    return value


def set_hours(session: Session, admin: Person, *, opens: str, closes: str, lunch_from: str, lunch_to: str,
              now: datetime) -> Provider:
    """Set the organisation's hours and lunch break (none when both are empty); new steps' deadlines follow them."""
    org = _organisation(admin)
    new = {"opens": _hhmm(opens, "opens"), "closes": _hhmm(closes, "closes")}
    if new["opens"] >= new["closes"]:
        raise DomainError("hours_order", field="closes")
    if lunch_from.strip() or lunch_to.strip():
        new["lunch_from"], new["lunch_to"] = _hhmm(lunch_from, "lunch_from"), _hhmm(lunch_to, "lunch_to")
        if not new["opens"] < new["lunch_from"] < new["lunch_to"] < new["closes"]:
            raise DomainError("lunch_outside_hours", field="lunch_from")
    else:
        new["lunch_from"] = new["lunch_to"] = None
    old = {name: getattr(org, name) for name in new}
    changed = {name: {"old": old[name], "new": value} for name, value in new.items() if old[name] != value}
    if not changed:
        raise DomainError("hours_unchanged")
    for name, value in new.items():
        setattr(org, name, value)
    _audit(session, action="hours_changed", actor=admin, at=now, details=changed)
    return org


def set_head_signs(session: Session, admin: Person, head_signs: bool, now: datetime) -> Provider:
    """Choose whether the head signs results with their own EDS or the portal seals them with the organisation's key."""
    org = _organisation(admin)
    if org.is_centre:
        raise NotAllowed("not_a_provider")  # a centre issues no results
    if org.head_signs_results == head_signs:
        raise DomainError("signing_unchanged")
    old, org.head_signs_results = org.head_signs_results, head_signs
    _audit(session, action="result_signing_changed", actor=admin, at=now,
           details={"head_signs_results": {"old": old, "new": head_signs}})
    return org


def register_certificate(session: Session, ca: LocalCA, admin: Person, person_id: int, data: bytes,
                         now: datetime) -> StaffCertificate:
    """Register a staff member's signing certificate after checking its chain, IIN and the organisation's BIN."""
    org = _organisation(admin)
    person = staff_member(session, admin, person_id)
    row = new_registration(session, ca, person=person, organisation_id=org.id, organisation_bin=org.bin, data=data,
                           by=admin, now=now)
    _audit(session, action="certificate_registered", actor=admin, at=now, subject=person,
           details={"serial": row.serial, "subject": row.subject, "not_after": row.not_after.isoformat()})
    return row


def revoke_certificate(session: Session, admin: Person, person_id: int, certificate_id: int,
                       now: datetime) -> StaffCertificate:
    """Revoke a certificate's registration: the staff member's signatures with it are refused from now on."""
    person = staff_member(session, admin, person_id)
    row = session.get(StaffCertificate, certificate_id) if is_row_id(certificate_id) else None
    if row is None or row.person_id != person.id or row.organisation_id != admin.provider_id:
        raise NotFound()
    if row.revoked_at is not None:
        raise DomainError("certificate_already_revoked")
    row.revoked_at, row.revoked_by_id = now, admin.id
    _audit(session, action="certificate_revoked", actor=admin, at=now, subject=person,
           details={"serial": row.serial, "old": "registered", "new": "revoked"})
    return row
