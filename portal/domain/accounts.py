"""Citizen accounts, passwords and sign-in throttling."""
from __future__ import annotations

import re
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal.domain.errors import DomainError
from portal.domain.models import Person, Role, SignInThrottle
from portal.domain.validators import parse_iin

_hasher = PasswordHasher()
#: a precomputed hash, checked when the IIN is unknown so that timing does not reveal accounts
_DUMMY_HASH = _hasher.hash("not a real password")

#: failures after which each further attempt must wait, and after which the account locks
SLOW_AFTER, LOCK_AFTER = 3, 5
LOCK_FOR = timedelta(minutes=15)
PHONE_RE = re.compile(r"^\+7\d{10}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD = 8
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
                     password: str, now: datetime) -> Person:
    """Create an applicant's account after checking every field."""
    parsed = parse_iin(_bounded("iin", iin, 20))
    full_name = _bounded("full_name", " ".join(full_name.split()), MAX_FULL_NAME)
    phone = normalise_phone(_bounded("phone", phone, MAX_PHONE))
    email = _bounded("email", email.strip(), MAX_EMAIL)
    _bounded("password", password, MAX_PASSWORD)
    if not PHONE_RE.match(phone):
        raise DomainError("phone_format")
    if not EMAIL_RE.match(email.strip()):
        raise DomainError("email_format")
    if len(password) < MIN_PASSWORD:
        raise DomainError("password_short", min=MIN_PASSWORD)
    if session.scalar(select(Person.id).where(Person.iin == parsed.value)):
        raise DomainError("iin_taken")
    person = Person(iin=parsed.value, full_name=full_name, phone=phone,
                    email=email, password_hash=hash_password(password), role=Role.applicant,
                    created_at=now)
    try:
        with session.begin_nested():  # two registrations of one IIN at once: the loser is told it is taken
            session.add(person)
    except IntegrityError:
        raise DomainError("iin_taken") from None
    return person


def _wait_after(failures: int) -> timedelta:
    """Return how long the next attempt must wait after this many failures."""
    if failures >= LOCK_AFTER:
        return LOCK_FOR
    if failures >= SLOW_AFTER:
        return timedelta(seconds=10 * 2 ** (failures - SLOW_AFTER))
    return timedelta(0)


def _new_throttle(session: Session, iin: str) -> SignInThrottle:
    """Create the failure counter of an IIN, or lock the one a parallel attempt just created."""
    try:
        with session.begin_nested():
            throttle = SignInThrottle(iin=iin, failures=0)
            session.add(throttle)
        return throttle
    except IntegrityError:
        return session.get(SignInThrottle, iin, with_for_update=True, populate_existing=True)  # type: ignore[return-value]


def authenticate(session: Session, *, iin: str, password: str, now: datetime) -> Person:
    """Return the person whose IIN and password match, or raise; repeated failures slow down, then lock."""
    iin = "".join(iin.split())
    countable = len(iin) == 12 and iin.isdigit()
    throttle = session.get(SignInThrottle, iin, with_for_update=True) if countable else None
    if throttle and throttle.blocked_until and throttle.blocked_until > now:
        seconds = int((throttle.blocked_until - now).total_seconds()) + 1
        code = "sign_in_locked" if throttle.failures >= LOCK_AFTER else "sign_in_slowed"
        raise DomainError(code, seconds=seconds, minutes=(seconds + 59) // 60)
    person = session.scalar(select(Person).where(Person.iin == iin)) if countable else None
    # a password longer than any kept can never match: hash a bounded prefix that still fails
    password = password[:MAX_PASSWORD + 1]
    try:
        _hasher.verify(person.password_hash if person else _DUMMY_HASH, password)
        ok = person is not None
    except (VerificationError, InvalidHashError):
        ok = False
    if ok:
        if throttle:
            session.delete(throttle)
        return person  # type: ignore[return-value]
    if countable:
        throttle = throttle or _new_throttle(session, iin)
        throttle.failures += 1
        wait = _wait_after(throttle.failures)
        throttle.blocked_until = now + wait if wait else None
        session.add(throttle)
        if throttle.failures >= LOCK_AFTER:
            raise DomainError("sign_in_locked", minutes=int(LOCK_FOR.total_seconds() // 60),
                              seconds=int(LOCK_FOR.total_seconds()))
        if wait:
            raise DomainError("sign_in_failed_slowed", seconds=int(wait.total_seconds()),
                              left=LOCK_AFTER - throttle.failures)
    raise DomainError("sign_in_failed")
