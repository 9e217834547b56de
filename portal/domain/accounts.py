"""Citizen accounts, sign-in and the limits of a session."""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal.domain import audit_trail
from portal.domain.db import writes_first
from portal.domain.errors import DomainError
from portal.domain.models import LOCALES, Person, Role
from portal.domain.passwords import check_password
from portal.domain.throttle import SignInThrottle
from portal.domain.validators import parse_iin

_hasher = PasswordHasher()


@cache
def _dummy_hash() -> str:
    """Return a hash to check when the IIN is unknown, so that timing does not reveal accounts (made once)."""
    return _hasher.hash("not a real password")


def prepare() -> None:
    """Make the dummy hash now (the app calls this at start), so that no sign-in pays for it."""
    _dummy_hash()


#: a staff session ends after this long without a request; a citizen's after the longer time
STAFF_IDLE, CITIZEN_IDLE = timedelta(minutes=30), timedelta(hours=2)
#: any session ends this long after its sign-in, however active
ABSOLUTE = timedelta(hours=12)
PHONE_RE = re.compile(r"^\+7\d{10}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
#: the longest values an account keeps (the columns' sizes; a password is hashed, but hashing is not free)
MAX_FULL_NAME, MAX_PHONE, MAX_EMAIL, MAX_PASSWORD = 200, 20, 200, 256


def _bounded(name: str, value: str, longest: int) -> str:
    """Return the value, or raise too_long naming the field when it exceeds `longest`."""
    if len(value) > longest:
        raise DomainError("too_long", field=name, max=longest)
    return value


def hash_password(password: str) -> str:
    """Return an argon2id hash of the password."""
    return _hasher.hash(password)


def normalise_phone(raw: str) -> str:
    """Return the phone as +7XXXXXXXXXX, accepting 8XXXXXXXXXX and spaces or dashes."""
    digits = re.sub(r"[\s\-()]", "", raw)
    if digits.startswith("8") and len(digits) == 11:
        digits = "+7" + digits[1:]
    return digits


def register_citizen(session: Session, *, iin: str, full_name: str, phone: str, email: str,
                     password: str, now: datetime, locale: str = "kk", consents: bool = False) -> Person:
    """Create an applicant's account after checking every field; `locale` is the language they registered in.

    The citizen must agree to the processing of their personal data (`consents`): the portal keeps and shows
    their IIN, name and contacts to the providers they apply to.
    """
    if not consents:
        raise DomainError("personal_data_consent_required", field="consent")
    parsed = parse_iin(_bounded("iin", iin, 20))
    full_name = _bounded("full_name", " ".join(full_name.split()), MAX_FULL_NAME)
    phone = normalise_phone(_bounded("phone", phone, MAX_PHONE))
    email = _bounded("email", email.strip(), MAX_EMAIL)
    _bounded("password", password, MAX_PASSWORD)
    if not PHONE_RE.match(phone):
        raise DomainError("phone_format")
    if not EMAIL_RE.match(email.strip()):
        raise DomainError("email_format")
    check_password(password, iin=parsed.value)
    if session.scalar(select(Person.id).where(Person.iin == parsed.value)):
        raise DomainError("iin_taken")
    person = Person(iin=parsed.value, full_name=full_name, phone=phone,
                    email=email, password_hash=hash_password(password),
                    created_at=now, locale=locale if locale in LOCALES else "kk", personal_data_consent_at=now)
    try:
        with session.begin_nested():  # two registrations of one IIN at once: the loser is told it is taken
            session.add(person)
    except IntegrityError:
        raise DomainError("iin_taken") from None
    return person


def authenticate(session: Session, *, iin: str, password: str, now: datetime, source: str,
                 throttle: SignInThrottle, trusted_device: bool = False) -> Person:
    """Return the person whose IIN and password match, or raise; failures slow down this source, not the owner."""
    writes_first(session)  # the attempt is audited, whatever its outcome
    iin = "".join(iin.split())
    iin = _bounded("iin", iin, 20)
    throttle.before_check(account=iin, source=source, now=now, trusted_device=trusted_device)
    person = session.scalar(select(Person).where(Person.iin == iin)) if len(iin) == 12 and iin.isdigit() else None
    # a password longer than any kept can never match: hash a bounded prefix that still fails
    password = password[:MAX_PASSWORD + 1]
    try:
        _hasher.verify(person.password_hash if person else _dummy_hash(), password)
        ok = person is not None
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok:
        refusal = throttle.failed(account=iin, source=source, now=now)
        if person is not None:  # the owner sees guesses at their account (the caller commits this row)
            audit_trail.record(session, kind=audit_trail.SIGN_IN, action="sign_in_failed", actor=None, subject=person,
                               at=now, details={"method": "password", "source": source})
        raise refusal
    throttle.succeeded(account=iin, source=source, now=now)
    if not person.is_active:  # told only to whoever knows the password: the owner learns why, a guesser nothing
        raise DomainError("account_deactivated")
    if _hasher.check_needs_rehash(person.password_hash):  # made with other parameters: older ones, or a demo's
        # only over the hash just checked: an EDS sign-in that took the account back meanwhile ("!eds-only") stays
        session.execute(update(Person).where(Person.id == person.id, Person.password_hash == person.password_hash)
                        .values(password_hash=_hasher.hash(password)))
        session.expire(person, ["password_hash"])
    audit_trail.record(session, kind=audit_trail.SIGN_IN, action="sign_in", actor=person, subject=person, at=now,
                       details={"method": "password", "source": source})
    return person  # type: ignore[return-value]


def end_sessions(session: Session, person: Person) -> None:
    """End every session of the person: a copied cookie stops working at once."""
    # one atomic UPDATE: two sign-outs at once both take effect
    session.execute(update(Person).where(Person.id == person.id)
                    .values(session_version=Person.session_version + 1))
    session.expire(person, ["session_version"])


def session_ended(person: Person, *, signed_in_at: datetime | None, seen_at: datetime | None,
                  now: datetime) -> bool:
    """Tell whether a session has been idle too long or has lasted too long in all."""
    idle, absolute = (STAFF_IDLE if person.is_member else CITIZEN_IDLE), ABSOLUTE
    if signed_in_at is None or seen_at is None:
        return True  # a session that does not say when it began cannot be bounded
    return now - seen_at > idle or now - signed_in_at > absolute
