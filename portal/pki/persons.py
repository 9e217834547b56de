"""Person certificates: a signing and an authentication key, delivered as .p12 files.

Profiles and the .p12 encryption follow docs/eds.md; the CA keeps no copy of
the private keys, only the certificates' entries in ``issued.jsonl``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import PrivateFormat, pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID

from portal.pki.certs import as_utc, build_cert, end_entity_extensions, key_usage, new_key, now
from portal.pki.names import person_name

P12_KDF_ROUNDS = 200_000
PERSON_VALIDITY_DAYS = 365
SKEW = dt.timedelta(minutes=5)


@dataclass(frozen=True)
class PersonKeys:
    """The two .p12 files of one person, as the NCA hands them out."""

    signing_p12: bytes
    auth_p12: bytes
    signing_filename: str
    auth_filename: str
    signing_serial: int
    auth_serial: int


def p12_bytes(
    key: rsa.RSAPrivateKey, cert: x509.Certificate, chain: list[x509.Certificate], password: str
) -> bytes:
    """Serialise key, certificate and chain as PBES2/AES-256 PKCS#12 with an HMAC-SHA256 MAC."""
    encryption = (
        PrivateFormat.PKCS12.encryption_builder()
        .kdf_rounds(P12_KDF_ROUNDS)
        .key_cert_algorithm(pkcs12.PBES.PBESv2SHA256AndAES256CBC)
        .hmac_hash(hashes.SHA256())
        .build(password.encode("utf-8"))
    )
    return pkcs12.serialize_key_and_certificates(None, key, cert, chain, encryption)


def _window(valid_from: dt.datetime | None, valid_days: int, limit: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """Return (not_before, not_after) of a person certificate, capped at the issuer's end."""
    if valid_days < 1:
        raise ValueError("valid_days must be positive")
    if valid_from is None:
        start = now() - SKEW
    else:
        start = as_utc(valid_from).replace(microsecond=0)
    return start, min(start + dt.timedelta(days=valid_days), limit)


def issue_person_keys(
    *,
    issuing_key: rsa.RSAPrivateKey,
    issuing_cert: x509.Certificate,
    chain: list[x509.Certificate],
    public_url: str,
    record: Callable[[x509.Certificate, str], None],
    iin: str,
    surname: str,
    name: str,
    patronymic: str | None,
    organisation: str | None,
    bin: str | None,
    password: str,
    valid_from: dt.datetime | None,
    valid_days: int,
) -> PersonKeys:
    """Issue a person's signing and authentication certificates and pack them as .p12."""
    if not password:
        raise ValueError("a .p12 password is required")
    subject = person_name(
        iin=iin, surname=surname, name=name, patronymic=patronymic, organisation=organisation, bin=bin
    )
    not_before, not_after = _window(valid_from, valid_days, issuing_cert.not_valid_after_utc)
    profiles = {
        "person-signing": (key_usage(digital_signature=True, non_repudiation=True), []),
        "person-auth": (
            key_usage(digital_signature=True, key_encipherment=True),
            [ExtendedKeyUsageOID.CLIENT_AUTH],
        ),
    }
    issued: dict[str, tuple[x509.Certificate, bytes]] = {}
    for kind, (usage, eku) in profiles.items():
        key = new_key()
        cert = build_cert(
            subject=subject,
            public_key=key.public_key(),
            issuer_name=issuing_cert.subject,
            issuer_key=issuing_key,
            not_before=not_before,
            not_after=not_after,
            extensions=end_entity_extensions(public_url, usage, eku),
        )
        record(cert, kind)
        issued[kind] = (cert, p12_bytes(key, cert, chain, password))
    signing_cert, signing_p12 = issued["person-signing"]
    auth_cert, auth_p12 = issued["person-auth"]
    return PersonKeys(
        signing_p12=signing_p12,
        auth_p12=auth_p12,
        signing_filename=f"RSA256_{signing_cert.serial_number:x}.p12",
        auth_filename=f"AUTH_RSA256_{auth_cert.serial_number:x}.p12",
        signing_serial=signing_cert.serial_number,
        auth_serial=auth_cert.serial_number,
    )
