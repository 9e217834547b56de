"""Tests of the two-level test PKI, the CMS signer and verifier, the TSA and the /pki endpoints."""

from __future__ import annotations

from portal.pki.ca import LocalCA
from portal.pki.persons import PersonKeys
from portal.pki.testsigner import P12Signer

IIN = "850412400123"
OTHER_IIN = "900101300456"
BIN = "040340001234"
PASSWORD = "Құпия-сөз 1"  # non-ASCII on purpose: PBKDF2 takes it as UTF-8


def issue(ca: LocalCA, **changes: object) -> PersonKeys:
    """Issue a citizen's two keys with defaults that tests may override."""
    fields: dict[str, object] = {"iin": IIN, "surname": "Сейітова", "name": "Айгүл", "password": PASSWORD}
    fields.update(changes)
    return ca.issue_person(**fields)  # type: ignore[arg-type]


def open_signing(keys: PersonKeys) -> P12Signer:
    """Open the signing key."""
    return P12Signer.from_p12(keys.signing_p12, PASSWORD)


def open_auth(keys: PersonKeys) -> P12Signer:
    """Open the authentication key."""
    return P12Signer.from_p12(keys.auth_p12, PASSWORD)
