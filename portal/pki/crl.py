"""The issuing CA's CRL: v2, nextUpdate = thisUpdate + 7 days, cached as ``issuing.crl`` (DER) in the CA's store.

The cached file is reused while it is less than a day old, signed by the
current issuing key, and lists exactly the serials of the revoked book;
otherwise it is rebuilt under the store's lock and swapped in atomically.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from portal.pki.certs import now
from portal.pki.registry import Revocation
from portal.pki.store import PkiStore

CRL_FILE = "issuing.crl"
NEXT_UPDATE = dt.timedelta(days=7)
REFRESH_AFTER = dt.timedelta(days=1)


def _load(der: bytes | None) -> x509.CertificateRevocationList | None:
    """Return the cached CRL, or None if missing or unreadable."""
    try:
        return x509.load_der_x509_crl(der) if der else None
    except ValueError:
        return None


def _fresh(
    crl: x509.CertificateRevocationList | None,
    issuing_cert: x509.Certificate,
    revoked: set[int],
) -> bool:
    """Tell whether a cached CRL can still be served."""
    if crl is None or crl.issuer != issuing_cert.subject:
        return False
    if not crl.is_signature_valid(issuing_cert.public_key()):  # type: ignore[arg-type]
        return False
    current = now()
    if crl.last_update_utc < current - REFRESH_AFTER or crl.last_update_utc > current + dt.timedelta(minutes=5):
        return False
    return {entry.serial_number for entry in crl} == revoked


def _crl_number(crl: x509.CertificateRevocationList | None) -> int:
    """Return the number the next CRL gets."""
    if crl is None:
        return 1
    try:
        return crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number + 1
    except x509.ExtensionNotFound:
        return 1


def build_crl(
    issuing_key: rsa.RSAPrivateKey,
    issuing_cert: x509.Certificate,
    revocations: list[Revocation],
    number: int,
) -> x509.CertificateRevocationList:
    """Sign a v2 CRL listing ``revocations``."""
    this_update = now()
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(issuing_cert.subject)
        .last_update(this_update)
        .next_update(this_update + NEXT_UPDATE)
        .add_extension(x509.CRLNumber(number), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuing_key.public_key()), critical=False)
    )
    for revocation in sorted(revocations, key=lambda r: (r.at, r.serial)):
        entry = x509.RevokedCertificateBuilder().serial_number(revocation.serial).revocation_date(revocation.at)
        reason = x509.ReasonFlags[revocation.reason]
        if reason is not x509.ReasonFlags.unspecified:  # RFC 5280: omit the reason code when unspecified
            entry = entry.add_extension(x509.CRLReason(reason), critical=False)
        builder = builder.add_revoked_certificate(entry.build())
    return builder.sign(issuing_key, hashes.SHA256())


def current_crl_der(
    store: PkiStore,
    issuing_key: rsa.RSAPrivateKey,
    issuing_cert: x509.Certificate,
    read_revocations: Callable[[], dict[int, Revocation]],
) -> bytes:
    """Return the current CRL as DER, regenerating the cached file when needed."""
    der = store.read(CRL_FILE)
    if der and _fresh(_load(der), issuing_cert, set(read_revocations())):
        return der
    with store.locked():
        der = store.read(CRL_FILE)
        cached = _load(der)
        revocations = read_revocations()
        if der and _fresh(cached, issuing_cert, set(revocations)):
            return der
        crl = build_crl(issuing_key, issuing_cert, list(revocations.values()), _crl_number(cached))
        der = crl.public_bytes(serialization.Encoding.DER)
        store.replace(CRL_FILE, der)
        return der
