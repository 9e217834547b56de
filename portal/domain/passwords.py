"""The password policy: long enough, not absurdly long, not the IIN, not a commonly used password."""
from __future__ import annotations

from functools import lru_cache

from portal.domain.errors import DomainError

#: NIST SP 800-63B: at least 8 characters; the upper bound keeps hashing cheap and still allows passphrases
MIN_PASSWORD, MAX_PASSWORD = 8, 128


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """Return the 30,000 most common passwords from leaked lists, as zxcvbn ships and maintains them."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS  # large: loaded on the first check, not at import

    return frozenset(FREQUENCY_LISTS["passwords"])


def check_password(password: str, *, iin: str) -> None:
    """Refuse a password that breaks the policy, naming the rule it breaks."""
    if len(password) < MIN_PASSWORD:
        raise DomainError("password_short", min=MIN_PASSWORD)
    if len(password) > MAX_PASSWORD:
        raise DomainError("password_long", max=MAX_PASSWORD)
    if iin and iin in password:
        raise DomainError("password_is_iin")
    if password.lower() in common_passwords():
        raise DomainError("password_common")
