"""Keys, certificate profiles and the load-or-issue logic shared by the CA's parts."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID

from portal import clock
from portal.pki.store import PkiStore

Extension = tuple[x509.ExtensionType, bool]

#: naive datetimes given to the PKI are Kazakhstan local time, as in portal.domain.calendar
KZ_TZ = clock.KZ_TZ
CRL_PATH = "/pki/issuing.crl"
ISSUING_CERT_PATH = "/pki/issuing.cer"


def now() -> dt.datetime:
    """Return the application clock's UTC time without microseconds."""
    return clock.utcnow().replace(microsecond=0)


def as_utc(value: dt.datetime) -> dt.datetime:
    """Return ``value`` as aware UTC; a naive value is read as Kazakhstan local time (UTC+5)."""
    if value.tzinfo is None or value.utcoffset() is None:
        value = value.replace(tzinfo=KZ_TZ)
    return value.astimezone(dt.timezone.utc)


def new_key(bits: int = 2048) -> rsa.RSAPrivateKey:
    """Generate a fresh RSA key."""
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def key_to_pem(key: rsa.RSAPrivateKey) -> bytes:
    """Serialise a key as unencrypted PKCS#8 PEM."""
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def load_key(pem: bytes) -> rsa.RSAPrivateKey:
    """Load an unencrypted PEM RSA key."""
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("expected an RSA private key")
    return key


def cert_pem(cert: x509.Certificate) -> bytes:
    """Return a certificate as PEM."""
    return cert.public_bytes(serialization.Encoding.PEM)


def cert_der(cert: x509.Certificate) -> bytes:
    """Return a certificate as DER."""
    return cert.public_bytes(serialization.Encoding.DER)


def spki(public_key: Any) -> bytes:
    """Return the DER SubjectPublicKeyInfo of a public key."""
    return public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def random_serial() -> int:
    """Return a fresh positive 127-bit certificate serial number."""
    return (int.from_bytes(secrets.token_bytes(16), "big") >> 1) | 1


def key_usage(
    *,
    digital_signature: bool = False,
    non_repudiation: bool = False,
    key_encipherment: bool = False,
    ca: bool = False,
) -> x509.KeyUsage:
    """Return a keyUsage extension value."""
    return x509.KeyUsage(
        digital_signature=digital_signature,
        content_commitment=non_repudiation,
        key_encipherment=key_encipherment,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def ca_extensions(path_length: int | None) -> list[Extension]:
    """Return the extensions of a CA certificate."""
    return [
        (x509.BasicConstraints(ca=True, path_length=path_length), True),
        (key_usage(ca=True), True),
    ]


def end_entity_extensions(public_url: str, usage: x509.KeyUsage, eku: list[x509.ObjectIdentifier]) -> list[Extension]:
    """Return the extensions of an end-entity certificate, with CRL DP and AIA from ``public_url``."""
    base = public_url.rstrip("/")
    extensions: list[Extension] = [
        (x509.BasicConstraints(ca=False, path_length=None), True),
        (usage, True),
        (
            x509.CRLDistributionPoints(
                [x509.DistributionPoint([x509.UniformResourceIdentifier(base + CRL_PATH)], None, None, None)]
            ),
            False,
        ),
        (
            x509.AuthorityInformationAccess(
                [
                    x509.AccessDescription(
                        x509.AuthorityInformationAccessOID.CA_ISSUERS,
                        x509.UniformResourceIdentifier(base + ISSUING_CERT_PATH),
                    )
                ]
            ),
            False,
        ),
    ]
    if eku:
        critical = eku == [ExtendedKeyUsageOID.TIME_STAMPING]  # RFC 3161 wants it critical for a TSA
        extensions.append((x509.ExtendedKeyUsage(eku), critical))
    return extensions


def crl_url(cert: x509.Certificate) -> str | None:
    """Return the first CRL distribution point URL of a certificate."""
    try:
        points = cert.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
    except x509.ExtensionNotFound:
        return None
    for point in points:
        for name in point.full_name or []:
            if isinstance(name, x509.UniformResourceIdentifier):
                return name.value
    return None


def build_cert(
    *,
    subject: x509.Name,
    public_key: rsa.RSAPublicKey,
    issuer_name: x509.Name,
    issuer_key: rsa.RSAPrivateKey,
    not_before: dt.datetime,
    not_after: dt.datetime,
    extensions: list[Extension],
    serial: int | None = None,
) -> x509.Certificate:
    """Sign a certificate with SKI and AKI added to ``extensions``."""
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name)
        .public_key(public_key)
        .serial_number(serial or random_serial())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
    )
    for value, critical in extensions:
        builder = builder.add_extension(value, critical=critical)
    builder = builder.add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
    builder = builder.add_extension(
        x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False
    )
    return builder.sign(issuer_key, hashes.SHA256())


def issued_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    """Tell whether ``issuer``'s key signed ``cert`` (and the names chain)."""
    try:
        cert.verify_directly_issued_by(issuer)
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


def ensure_key(store: PkiStore, name: str, bits: int = 2048) -> rsa.RSAPrivateKey:
    """Load the key ``name``, creating it first if it does not exist."""
    pem = store.read(name)
    if pem is None:
        pem = store.publish_once(name, key_to_pem(new_key(bits)), secret=True)
    return load_key(pem)


def ensure_cert(
    store: PkiStore,
    name: str,
    key: rsa.RSAPrivateKey,
    build: Callable[[], x509.Certificate],
    still_good: Callable[[x509.Certificate], bool],
    *,
    on_issued: Callable[[x509.Certificate], None] | None = None,
) -> x509.Certificate:
    """Load the certificate ``name``; issue it when missing, renew it (under the lock) when stale."""
    pem = store.read(name)
    if pem is None:
        built = build()
        pem = store.publish_once(name, cert_pem(built))
        if pem == cert_pem(built) and on_issued:
            on_issued(built)
    cert = x509.load_pem_x509_certificate(pem)
    if spki(cert.public_key()) != spki(key.public_key()):
        raise ValueError(f"{store.where(name)} does not match its private key")
    if not still_good(cert):
        renewed = False
        with store.locked():  # not re-entrant: on_issued may take it again, so call that outside
            cert = x509.load_pem_x509_certificate(store.read(name) or b"")
            if not still_good(cert):  # another process may have renewed it meanwhile
                cert = build()
                store.replace(name, cert_pem(cert))
                renewed = True
        if renewed and on_issued:
            on_issued(cert)
    return cert
