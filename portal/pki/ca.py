"""The portal's local test certification authority (NOT FOR PRODUCTION).

Keys and certificates live as PEM files in one directory:

    root.key.pem, root.cert.pem                 the self-signed root
    providers/<code>.key.pem, <code>.cert.pem   one organisation seal per provider

Creation is safe when several processes (gunicorn workers) start at once on an
empty directory: every file is written to a private temporary file and then
published with ``os.link``, which fails if the name already exists; the loser
discards its own file and re-reads the winner's. A certificate is always built
from the key that won, so a key and its certificate always match.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

ROOT_COMMON_NAME = "Portal Test National CA (NOT FOR PRODUCTION)"
ROOT_ORGANISATION = "Education e-Services Portal (test)"
ROOT_VALIDITY = dt.timedelta(days=3652)
PROVIDER_VALIDITY = dt.timedelta(days=3 * 365)
RENEW_BEFORE = dt.timedelta(days=30)
RSA_BITS = 2048

_CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_BIN_RE = re.compile(r"^\d{12}$")


@dataclass(frozen=True)
class IssuedKey:
    """A private key with its certificate and issuer chain, all PEM."""

    key_pem: bytes
    cert_pem: bytes
    chain_pem: list[bytes]


def _now() -> dt.datetime:
    """Return the current UTC time without microseconds."""
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def _new_key() -> rsa.RSAPrivateKey:
    """Generate a fresh RSA key."""
    return rsa.generate_private_key(public_exponent=65537, key_size=RSA_BITS)


def _key_to_pem(key: rsa.RSAPrivateKey) -> bytes:
    """Serialise a key as unencrypted PKCS#8 PEM."""
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _load_key(pem: bytes) -> rsa.RSAPrivateKey:
    """Load an unencrypted PEM RSA key."""
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("expected an RSA private key")
    return key


def _write_temp(path: Path, data: bytes, mode: int) -> str:
    """Write ``data`` durably to a private temporary file next to ``path``."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
    except BaseException:
        os.unlink(tmp)
        raise
    return tmp


def _publish_once(path: Path, data: bytes, mode: int) -> bytes:
    """Create ``path`` with ``data`` unless it exists; return whatever the file holds then."""
    if not path.exists():
        tmp = _write_temp(path, data, mode)
        try:
            os.link(tmp, path)  # atomic, and fails if another process won the race
        except FileExistsError:
            pass
        finally:
            os.unlink(tmp)
    return path.read_bytes()


def _replace(path: Path, data: bytes, mode: int) -> None:
    """Atomically replace ``path`` with ``data``."""
    tmp = _write_temp(path, data, mode)
    try:
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def _ensure_key(path: Path) -> rsa.RSAPrivateKey:
    """Load the key at ``path``, creating it first if it does not exist."""
    pem = path.read_bytes() if path.exists() else _publish_once(path, _key_to_pem(_new_key()), 0o600)
    return _load_key(pem)


def _ensure_cert(
    path: Path,
    key: rsa.RSAPrivateKey,
    build: Callable[[], x509.Certificate],
    still_good: Callable[[x509.Certificate], bool],
) -> x509.Certificate:
    """Load the certificate at ``path``; issue it when missing, renew it when stale."""
    if not path.exists():
        _publish_once(path, build().public_bytes(serialization.Encoding.PEM), 0o644)
    cert = x509.load_pem_x509_certificate(path.read_bytes())
    if _spki(cert.public_key()) != _spki(key.public_key()):
        raise ValueError(f"{path} does not match its private key")
    if not still_good(cert):
        cert = build()
        _replace(path, cert.public_bytes(serialization.Encoding.PEM), 0o644)
    return cert


def _spki(public_key: Any) -> bytes:
    """Return the DER SubjectPublicKeyInfo of a public key."""
    return public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def _ski(key: rsa.RSAPrivateKey) -> x509.SubjectKeyIdentifier:
    """Return the subject key identifier extension for a key."""
    return x509.SubjectKeyIdentifier.from_public_key(key.public_key())


def _key_usage(*, sign: bool, ca: bool) -> x509.KeyUsage:
    """Return a key usage extension for an end entity or a CA."""
    return x509.KeyUsage(
        digital_signature=sign,
        content_commitment=sign,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


class LocalCA:
    """A file-backed test CA that issues organisation seal certificates."""

    def __init__(self, directory: Path, key: rsa.RSAPrivateKey, cert: x509.Certificate) -> None:
        """Wrap an already loaded root key and certificate."""
        self.directory = directory
        self._key = key
        self._cert = cert
        self.root_cert_pem: bytes = cert.public_bytes(serialization.Encoding.PEM)

    @classmethod
    def load_or_create(cls, directory: Path) -> LocalCA:
        """Load the CA from ``directory``, creating the root on first use."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        key = _ensure_key(directory / "root.key.pem")

        def build() -> x509.Certificate:
            name = x509.Name(
                [
                    x509.NameAttribute(NameOID.COMMON_NAME, ROOT_COMMON_NAME),
                    x509.NameAttribute(NameOID.ORGANIZATION_NAME, ROOT_ORGANISATION),
                    x509.NameAttribute(NameOID.COUNTRY_NAME, "KZ"),
                ]
            )
            start = _now() - dt.timedelta(minutes=5)
            return (
                x509.CertificateBuilder()
                .subject_name(name)
                .issuer_name(name)
                .public_key(key.public_key())
                .serial_number(x509.random_serial_number())
                .not_valid_before(start)
                .not_valid_after(start + ROOT_VALIDITY)
                .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
                .add_extension(_key_usage(sign=False, ca=True), critical=True)
                .add_extension(_ski(key), critical=False)
                .sign(key, hashes.SHA256())
            )

        def still_good(cert: x509.Certificate) -> bool:
            return cert.not_valid_after_utc > _now()

        cert = _ensure_cert(directory / "root.cert.pem", key, build, still_good)
        return cls(directory, key, cert)

    def provider_key(self, *, code: str, organisation: str, bin: str) -> IssuedKey:
        """Return the seal key of a provider, issuing it on first use."""
        if not _CODE_RE.match(code):
            raise ValueError(f"invalid provider code {code!r}")
        if not _BIN_RE.match(bin):
            raise ValueError(f"a BIN has 12 digits, got {bin!r}")
        organisation = " ".join(organisation.split())
        if not organisation:
            raise ValueError("organisation name is empty")
        folder = self.directory / "providers"
        folder.mkdir(exist_ok=True)
        key = _ensure_key(folder / f"{code}.key.pem")
        subject = x509.Name(
            [
                x509.NameAttribute(NameOID.COMMON_NAME, _fit_utf8(organisation, 64)),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
                x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, f"BIN{bin}"),
                x509.NameAttribute(NameOID.COUNTRY_NAME, "KZ"),
            ]
        )

        def build() -> x509.Certificate:
            start = _now() - dt.timedelta(minutes=5)
            end = min(start + PROVIDER_VALIDITY, self._cert.not_valid_after_utc)
            return (
                x509.CertificateBuilder()
                .subject_name(subject)
                .issuer_name(self._cert.subject)
                .public_key(key.public_key())
                .serial_number(int.from_bytes(secrets.token_bytes(16), "big") >> 1)
                .not_valid_before(start)
                .not_valid_after(end)
                .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                .add_extension(_key_usage(sign=True, ca=False), critical=True)
                .add_extension(_ski(key), critical=False)
                .add_extension(
                    x509.AuthorityKeyIdentifier.from_issuer_public_key(self._key.public_key()),
                    critical=False,
                )
                .sign(self._key, hashes.SHA256())
            )

        def still_good(cert: x509.Certificate) -> bool:
            return (
                cert.subject == subject
                and cert.issuer == self._cert.subject
                and _issued_by(cert, self._cert)
                and cert.not_valid_after_utc - RENEW_BEFORE > _now()
            )

        cert = _ensure_cert(folder / f"{code}.cert.pem", key, build, still_good)
        return IssuedKey(
            key_pem=_key_to_pem(key),
            cert_pem=cert.public_bytes(serialization.Encoding.PEM),
            chain_pem=[self.root_cert_pem],
        )

    def trust_roots_pem(self) -> list[bytes]:
        """Return the PEM certificates a verifier should trust."""
        return [self.root_cert_pem]


def _fit_utf8(text: str, limit: int) -> str:
    """Shorten ``text`` to at most ``limit`` UTF-8 bytes, cutting at a word with "…"."""
    if len(text.encode("utf-8")) <= limit:
        return text
    budget = limit - len("…".encode())
    cut = text.encode("utf-8")[:budget].decode("utf-8", errors="ignore")
    if " " in cut.strip():
        cut = cut[: cut.rstrip().rfind(" ")]
    return cut.rstrip(" ,;:«\"-") + "…"


def _issued_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    """Tell whether ``issuer``'s key signed ``cert``."""
    try:
        cert.verify_directly_issued_by(issuer)
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True
