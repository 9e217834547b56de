"""Sign-in throttling in the domain: exact counts under parallel guesses, limits by source and by account."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from limits.storage import MemoryStorage

from portal import demo
from portal.domain.accounts import authenticate
from portal.domain.errors import DomainError
from portal.domain import throttle as throttle_module
from portal.domain.throttle import ACCOUNT_TIERS, SOURCE_TIERS, SignInThrottle, Tier
from portal.domain.validators import make_iin
from tests.conftest import MONDAY_10


def attempt(app, throttle: SignInThrottle, iin: str, password: str, source: str,  # type: ignore[no-untyped-def]
            trusted: bool = False, at=MONDAY_10) -> str:
    """Try one sign-in in a session of its own; return "ok" or the refusal's code."""
    with app.extensions["portal"].sessions() as session:
        try:
            authenticate(session, iin=iin, password=password, now=at, source=source, throttle=throttle,
                         trusted_device=trusted)
        except DomainError as err:
            return err.code
    return "ok"


def test_parallel_guesses_are_all_counted_and_only_three_are_checked(app):
    throttle = SignInThrottle(MemoryStorage())
    start = threading.Barrier(8)
    codes: list[str] = []

    def guess() -> None:
        start.wait()
        codes.append(attempt(app, throttle, demo.CITIZEN.iin, "wrong-password", "203.0.113.5"))

    threads = [threading.Thread(target=guess) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert throttle.failures(account=demo.CITIZEN.iin, source="203.0.113.5", now=MONDAY_10) == 8
    # the count comes before the check, atomically: at most the minute's three passwords were checked (fewer
    # when a guess was counted early in one window and late in another, which is as it should be)
    checked = [c for c in codes if c in ("sign_in_failed", "sign_in_failed_wait")]
    assert 1 <= len(checked) <= 3 and codes.count("sign_in_wait") == 8 - len(checked)


def test_one_source_spraying_many_accounts_is_stopped(app, monkeypatch):
    monkeypatch.setattr(throttle_module, "SOURCE_TIERS", (Tier(15 * 60, 5),))  # the real 30 only take longer
    throttle = SignInThrottle(MemoryStorage())
    limit = 5
    for n in range(limit):  # a different account each time: no pair limit is reached
        iin = make_iin(MONDAY_10.date().replace(year=1990), "M", 500 + n)
        assert attempt(app, throttle, iin, "guess-guess-guess", "203.0.113.7") == "sign_in_failed"
    assert attempt(app, throttle, demo.CITIZEN.iin, demo.CITIZEN.password, "203.0.113.7") == "sign_in_wait"
    assert attempt(app, throttle, demo.CITIZEN.iin, demo.CITIZEN.password, "198.51.100.1") == "ok"
    later = MONDAY_10 + timedelta(minutes=15)
    assert attempt(app, throttle, demo.CITIZEN.iin, demo.CITIZEN.password, "203.0.113.7", at=later) == "ok"


@pytest.mark.parametrize("trusted,expected", [(False, "sign_in_wait"), (True, "ok")])
def test_the_account_ceiling_spares_the_owners_browser(app, trusted, expected):
    throttle = SignInThrottle(MemoryStorage())
    ceiling = ACCOUNT_TIERS[0].limit
    assert ceiling > 3 * SOURCE_TIERS[0].limit  # much higher than any one source may try
    for n in range(ceiling):  # failures from as many sources (counted as a failed check counts them)
        throttle.failed(account=demo.CITIZEN.iin, source=f"bot-{n}", now=MONDAY_10)
    assert attempt(app, throttle, demo.CITIZEN.iin, demo.CITIZEN.password, "198.51.100.2", trusted=trusted) == expected
