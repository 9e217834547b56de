"""Sign-in throttling by source and by account, so that a stranger's guesses cannot lock the owner out.

Failures are counted in fixed windows of the application clock, in a shared counter store (the rate
limiter's storage: Redis when configured, else memory), whose increments are atomic: parallel guesses are
all counted. Three kinds of counter:

- per (account, source): the tight one, with growing delays (3 a minute, 6 in 15 minutes, 10 an hour,
  20 a day). Only the guesser's own source waits; the owner signing in from elsewhere does not.
- per source, whatever the accounts: one source spraying many accounts is slowed down too.
- per account, whatever the sources: a much higher ceiling against guesses from many sources; a browser
  where the owner signed in before (a device cookie) is exempt, so even this cannot keep the owner out.
"""
from __future__ import annotations

import hashlib
import ipaddress
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from portal.domain.errors import DomainError

#: windows are counted from here; any fixed moment would do
_EPOCH = datetime(2000, 1, 1)


def source_of(address: str | None) -> str:
    """Return the source a client address counts as: an IPv4 address, or the /64 network of an IPv6 one.

    One IPv6 subscriber holds a whole /64: counted address by address, they would never meet a limit.
    """
    try:
        parsed = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return address or ""
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


class Counters(Protocol):
    """Atomic expiring counters (what ``limits`` storages offer)."""

    def incr(self, key: str, expiry: float, amount: int = 1) -> int: ...

    def get(self, key: str) -> int: ...

    def clear(self, key: str) -> None: ...


@dataclass(frozen=True)
class Tier:
    """At most `limit` failures within a fixed window of `seconds`."""

    seconds: int
    limit: int


#: (account, source): the delays grow with the guessing (a minute, a quarter of an hour, an hour, a day)
PAIR_TIERS = (Tier(60, 3), Tier(15 * 60, 6), Tier(60 * 60, 10), Tier(24 * 60 * 60, 20))
#: one source, any accounts: an office behind one address still has room for its clerks' typing errors
SOURCE_TIERS = (Tier(15 * 60, 30), Tier(24 * 60 * 60, 200))
#: one account, any sources: far above what one source may try, and not applied to the owner's own browser
ACCOUNT_TIERS = (Tier(60 * 60, 100), Tier(24 * 60 * 60, 500))


def _digest(value: str) -> str:
    """Return a short hash, so that the counter store holds no IINs or addresses in clear."""
    return hashlib.sha256(value.encode()).hexdigest()[:24]


def _window(tier: Tier, now: datetime) -> tuple[int, datetime]:
    """Return the index of the window `now` falls in and the moment that window ends."""
    index = int((now - _EPOCH).total_seconds()) // tier.seconds
    return index, _EPOCH + timedelta(seconds=(index + 1) * tier.seconds)


def _key(kind: str, who: str, tier: Tier, index: int) -> str:
    """Return the counter's key for one window."""
    return f"sign-in:{kind}:{who}:{tier.seconds}:{index}"


class _Serialised:
    """Counters used one call at a time within this process.

    By its code (limits 5.8), the in-memory store reads a counter back after releasing the key's lock, and
    its ``get`` may drop a key that a parallel first ``incr`` has not yet given an expiry, and the lock with
    it; one call at a time rules both out. Redis's INCR is atomic across processes anyway.
    """

    def __init__(self, counters: Counters) -> None:
        self._counters, self._lock = counters, threading.Lock()

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        with self._lock:
            return self._counters.incr(key, expiry, amount)

    def get(self, key: str) -> int:
        with self._lock:
            return self._counters.get(key)

    def clear(self, key: str) -> None:
        with self._lock:
            self._counters.clear(key)


class SignInThrottle:
    """Decide whether a sign-in attempt may be checked, and count its failure."""

    def __init__(self, counters: Counters) -> None:
        self.counters = _Serialised(counters)

    def _counts(self, kind: str, who: str, tiers: tuple[Tier, ...], now: datetime) -> list[tuple[Tier, int, datetime]]:
        """Return each tier's failures in its current window, and when that window ends."""
        out = []
        for tier in tiers:
            index, ends = _window(tier, now)
            out.append((tier, self.counters.get(_key(kind, who, tier, index)), ends))
        return out

    def _count(self, kind: str, who: str, tiers: tuple[Tier, ...], now: datetime) -> list[tuple[Tier, int, datetime]]:
        """Add one failure to each tier and return the new counts."""
        out = []
        for tier in tiers:
            index, ends = _window(tier, now)
            # the key outlives its window a little, for clocks that differ slightly between workers
            out.append((tier, self.counters.incr(_key(kind, who, tier, index), tier.seconds + 60), ends))
        return out

    @staticmethod
    def _blocked_until(counts: list[tuple[Tier, int, datetime]], *, over: bool) -> datetime | None:
        """Return when the latest of the exhausted windows ends (over: past the limit, else at it)."""
        ends = [end for tier, n, end in counts if (n > tier.limit if over else n >= tier.limit)]
        return max(ends) if ends else None

    def before_check(self, *, account: str, source: str, now: datetime, trusted_device: bool = False) -> None:
        """Count the attempt for (account, source) and refuse it, unchecked, while any limit is exhausted."""
        account_key, source_key = _digest(account), _digest(source)
        pair_key = _digest(f"{account}|{source}")
        # counted before the password is checked, atomically: parallel guesses cannot slip past the limit
        until = self._blocked_until(self._count("pair", pair_key, PAIR_TIERS, now), over=True)
        others = self._counts("source", source_key, SOURCE_TIERS, now)
        if not trusted_device:
            others += self._counts("account", account_key, ACCOUNT_TIERS, now)
        until = max(filter(None, (until, self._blocked_until(others, over=False))), default=None)
        if until is not None:
            raise _wait_error("sign_in_wait", until, now)

    def failed(self, *, account: str, source: str, now: datetime) -> DomainError:
        """Count a failed check by source and by account; return the error to show, saying any wait."""
        self._count("source", _digest(source), SOURCE_TIERS, now)
        self._count("account", _digest(account), ACCOUNT_TIERS, now)
        pair = self._counts("pair", _digest(f"{account}|{source}"), PAIR_TIERS, now)
        until = self._blocked_until(pair, over=False)
        return _wait_error("sign_in_failed_wait", until, now) if until else DomainError("sign_in_failed")

    def succeeded(self, *, account: str, source: str, now: datetime) -> None:
        """Forget the owner's own typing errors from this source."""
        pair_key = _digest(f"{account}|{source}")
        for tier in PAIR_TIERS:
            self.counters.clear(_key("pair", pair_key, tier, _window(tier, now)[0]))

    def failures(self, *, account: str, source: str, now: datetime) -> int:
        """Return the attempts counted for (account, source) in the current day's window."""
        return self._counts("pair", _digest(f"{account}|{source}"), PAIR_TIERS[-1:], now)[0][1]


def _wait_error(code: str, until: datetime, now: datetime) -> DomainError:
    """Return an error that says when the next attempt will be checked."""
    seconds = max(1, int((until - now).total_seconds()))
    return DomainError(code, until=until, seconds=seconds, minutes=(seconds + 59) // 60)
