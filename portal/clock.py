"""The application's one clock: every "now" (domain, calendar, PKI, TSA, CRL, signing) is read here.

Real time by default. Tests, demos and benchmarks pin it in one place with :func:`pin`; the test CA,
the time-stamping authority, CRLs and pyHanko's validation then all agree with the pinned instant.
"""
from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from contextlib import contextmanager

#: Kazakhstan time (a single zone, UTC+5, since 2024-03-01); naive datetimes in the domain are in it
KZ_TZ = dt.timezone(dt.timedelta(hours=5), "Asia/Almaty")

_pinned: dt.datetime | None = None


def _aware(value: dt.datetime) -> dt.datetime:
    """Return ``value`` as aware UTC; a naive value is read as Kazakhstan local time."""
    if value.tzinfo is None or value.utcoffset() is None:
        value = value.replace(tzinfo=KZ_TZ)
    return value.astimezone(dt.timezone.utc)


def utcnow() -> dt.datetime:
    """Return the current time as aware UTC."""
    return _pinned if _pinned is not None else dt.datetime.now(dt.timezone.utc)


def now_kz() -> dt.datetime:
    """Return the current time as naive Kazakhstan local time."""
    return utcnow().astimezone(KZ_TZ).replace(tzinfo=None)


def pin(at: dt.datetime | None) -> None:
    """Stop the clock at ``at`` (naive means Kazakhstan time); None lets it run again."""
    global _pinned
    _pinned = _aware(at) if at is not None else None


def pinned_at() -> dt.datetime | None:
    """Return the pinned instant (aware UTC), or None when the clock runs."""
    return _pinned


@contextmanager
def pinned(at: dt.datetime | None) -> Iterator[None]:
    """Pin the clock at ``at`` for a block, then put back what was there."""
    before = _pinned
    pin(at)
    try:
        yield
    finally:
        pin(before)


def pin_from_environment() -> None:
    """Pin the clock from PORTAL_CLOCK (ISO 8601, Kazakhstan time if naive), for demos and benchmarks."""
    value = os.environ.get("PORTAL_CLOCK", "").strip()
    if value:
        pin(dt.datetime.fromisoformat(value))
