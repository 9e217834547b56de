"""The portal's local two-level test certification authority (NOT FOR PRODUCTION).

Keys and certificates live as PEM files in the CA's store (portal.pki.store): a folder by default,
or the database when the portal runs on several machines (docs/eds.md). In a folder:

    root.key.pem, root.cert.pem                 the self-signed root (RSA-3072, 10 y)
    issuing.key.pem, issuing.cert.pem           the issuing CA under the root (RSA-2048, 5 y, pathlen 0)
    providers/<code>.key.pem, <code>.cert.pem   one organisation seal per provider (issuing CA)
    tsa.key.pem, tsa.cert.pem                   the time-stamping authority (issuing CA), made on first use
    issued.jsonl, revoked.jsonl, issuing.crl    the books and the cached CRL
    .lock                                       flock for read-modify-write steps

Creation is safe when several processes (gunicorn workers) start at once on an
empty store: every file is published only if its name is still free (``os.link``
in a folder, an insert that yields to an existing row in the database); the loser
discards its own file and re-reads the winner's. A certificate is always built
from the key that won, so a key and its certificate always match. Renewals
(same key, new certificate) happen under the folder lock.

A folder made by the former one-level CA (a root with pathlen 0 that signed the
seals directly) is upgraded in place: the root is re-signed with its own key and
subject but without the path length limit, so earlier signatures still chain to it.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID

from portal.pki import crl as crl_module
from portal.pki.certs import (
    CRL_PATH,
    build_cert,
    ca_extensions,
    cert_der,
    cert_pem,
    crl_url,
    end_entity_extensions,
    ensure_cert,
    ensure_key,
    issued_by,
    key_to_pem,
    key_usage,
    now,
)
from portal.pki.names import (
    BIN_RE,
    ISSUING_COMMON_NAME,
    ROOT_COMMON_NAME,
    TSA_COMMON_NAME,
    ca_name,
    seal_name,
)
from portal.pki.persons import PERSON_VALIDITY_DAYS, PersonKeys, issue_person_keys
from portal.pki.registry import Registry
from portal.pki.store import PkiStore, pki_store
from portal.pki.tsa import TimeStampAuthority

DEFAULT_PUBLIC_URL = "http://127.0.0.1:5000"
ROOT_VALIDITY = dt.timedelta(days=3652)
ISSUING_VALIDITY = dt.timedelta(days=1826)
PROVIDER_VALIDITY = dt.timedelta(days=3 * 365)
TSA_VALIDITY = dt.timedelta(days=3 * 365)
ROOT_RENEW_BEFORE = dt.timedelta(days=2 * 366)  # leaves the issuing CA at least two years
ISSUING_RENEW_BEFORE = dt.timedelta(days=366)  # leaves a person certificate its full year
RENEW_BEFORE = dt.timedelta(days=30)
ROOT_BITS = 3072
SKEW = dt.timedelta(minutes=5)

_CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


@dataclass(frozen=True)
class IssuedKey:
    """A private key with its certificate and issuer chain (issuing CA, root), all PEM."""

    key_pem: bytes
    cert_pem: bytes
    chain_pem: list[bytes]


def _path_length_ok(cert: x509.Certificate) -> bool:
    """Tell whether a root may have a CA below it (no pathlen 0)."""
    constraints = cert.extensions.get_extension_for_class(x509.BasicConstraints).value
    return constraints.ca and (constraints.path_length is None or constraints.path_length >= 1)


def _ensure_root(store: PkiStore) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    """Load the root, creating it, or re-signing a stale or legacy (pathlen 0) one with its key."""
    key = ensure_key(store, "root.key.pem", ROOT_BITS)

    def build() -> x509.Certificate:
        """Self-sign the root, keeping the subject of an existing (possibly legacy) root."""
        existing = store.read("root.cert.pem")
        subject = x509.load_pem_x509_certificate(existing).subject if existing else None
        subject = subject or ca_name(ROOT_COMMON_NAME)
        start = now() - SKEW
        return build_cert(
            subject=subject,
            public_key=key.public_key(),
            issuer_name=subject,
            issuer_key=key,
            not_before=start,
            not_after=start + ROOT_VALIDITY,
            extensions=ca_extensions(path_length=1),
        )

    def still_good(cert: x509.Certificate) -> bool:
        """Keep a root that allows a CA below it and has two years left."""
        return _path_length_ok(cert) and cert.not_valid_after_utc - ROOT_RENEW_BEFORE > now()

    return key, ensure_cert(store, "root.cert.pem", key, build, still_good)


def _ensure_issuing(
    store: PkiStore, root_key: rsa.RSAPrivateKey, root: x509.Certificate
) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    """Load the issuing CA, issuing or renewing it under the root as needed."""
    key = ensure_key(store, "issuing.key.pem")
    subject = ca_name(ISSUING_COMMON_NAME)

    def build() -> x509.Certificate:
        """Sign the issuing CA with the root key."""
        start = now() - SKEW
        return build_cert(
            subject=subject,
            public_key=key.public_key(),
            issuer_name=root.subject,
            issuer_key=root_key,
            not_before=start,
            not_after=min(start + ISSUING_VALIDITY, root.not_valid_after_utc),
            extensions=ca_extensions(path_length=0),
        )

    def still_good(cert: x509.Certificate) -> bool:
        """Keep an issuing CA signed by this root with a year left."""
        return (
            cert.subject == subject
            and issued_by(cert, root)
            and cert.not_valid_after_utc - ISSUING_RENEW_BEFORE > now()
        )

    return key, ensure_cert(store, "issuing.cert.pem", key, build, still_good)


class LocalCA:
    """A two-level test CA kept in a store: seals, persons, revocation, CRL and TSA."""

    def __init__(
        self,
        store: PkiStore,
        public_url: str,
        root_cert: x509.Certificate,
        issuing_key: rsa.RSAPrivateKey,
        issuing_cert: x509.Certificate,
    ) -> None:
        """Wrap already loaded certificates and the issuing key."""
        self.store = store
        self.public_url = public_url.rstrip("/")
        self.root_cert = root_cert
        self.issuing_cert = issuing_cert
        self._issuing_key = issuing_key
        self.root_cert_pem: bytes = cert_pem(root_cert)
        self.issuing_cert_pem: bytes = cert_pem(issuing_cert)
        self.registry = Registry(store)
        self._tsa: TimeStampAuthority | None = None
        self._tsa_lock = threading.Lock()

    @classmethod
    def load_or_create(cls, where: Path | str | PkiStore, public_url: str = DEFAULT_PUBLIC_URL) -> LocalCA:
        """Load the CA from a store (or a folder), creating root and issuing CA on first use."""
        store = pki_store(where)
        root_key, root = _ensure_root(store)
        issuing_key, issuing = _ensure_issuing(store, root_key, root)
        return cls(store, public_url, root, issuing_key, issuing)

    # -- certificates -------------------------------------------------------------------------

    @property
    def chain_pem(self) -> list[bytes]:
        """Return the issuer chain of an end-entity certificate: issuing CA, root."""
        return [self.issuing_cert_pem, self.root_cert_pem]

    @property
    def crl_url(self) -> str:
        """Return the CRL distribution point written into end-entity certificates."""
        return self.public_url + CRL_PATH

    def trust_roots_pem(self) -> list[bytes]:
        """Return the PEM certificates a verifier should trust (the root only)."""
        return [self.root_cert_pem]

    def _end_entity_good(self, cert: x509.Certificate, subject: x509.Name) -> bool:
        """Tell whether an end-entity certificate may be kept (else it is re-issued on its key)."""
        return (
            cert.subject == subject
            and issued_by(cert, self.issuing_cert)
            and crl_url(cert) == self.crl_url
            and cert.not_valid_after_utc - RENEW_BEFORE > now()
        )

    def _issue_end_entity(
        self,
        key: rsa.RSAPrivateKey,
        subject: x509.Name,
        validity: dt.timedelta,
        usage: x509.KeyUsage,
        eku: list[x509.ObjectIdentifier],
    ) -> x509.Certificate:
        """Sign an end-entity certificate for ``key`` with the issuing CA."""
        start = now() - SKEW
        return build_cert(
            subject=subject,
            public_key=key.public_key(),
            issuer_name=self.issuing_cert.subject,
            issuer_key=self._issuing_key,
            not_before=start,
            not_after=min(start + validity, self.issuing_cert.not_valid_after_utc),
            extensions=end_entity_extensions(self.public_url, usage, eku),
        )

    def provider_key(self, *, code: str, organisation: str, bin: str) -> IssuedKey:
        """Return the seal key of a provider, issuing it on first use."""
        if not _CODE_RE.match(code):
            raise ValueError(f"invalid provider code {code!r}")
        if not BIN_RE.match(bin):
            raise ValueError(f"a BIN has 12 digits, got {bin!r}")
        organisation = " ".join(organisation.split())
        if not organisation:
            raise ValueError("organisation name is empty")
        key = ensure_key(self.store, f"providers/{code}.key.pem")
        subject = seal_name(organisation, bin)
        usage = key_usage(digital_signature=True, non_repudiation=True)
        cert = ensure_cert(
            self.store,
            f"providers/{code}.cert.pem",
            key,
            lambda: self._issue_end_entity(key, subject, PROVIDER_VALIDITY, usage, []),
            lambda c: self._end_entity_good(c, subject),
            on_issued=lambda c: self.registry.record_issued(c, f"seal:{code}"),
        )
        return IssuedKey(key_pem=key_to_pem(key), cert_pem=cert_pem(cert), chain_pem=self.chain_pem)

    def issue_person(
        self,
        *,
        iin: str,
        surname: str,
        name: str,
        patronymic: str | None = None,
        organisation: str | None = None,
        bin: str | None = None,
        password: str,
        valid_from: dt.datetime | None = None,
        valid_days: int = PERSON_VALIDITY_DAYS,
    ) -> PersonKeys:
        """Issue a person's signing and authentication keys as password-protected .p12 files."""
        return issue_person_keys(
            issuing_key=self._issuing_key,
            issuing_cert=self.issuing_cert,
            chain=[self.issuing_cert, self.root_cert],
            public_url=self.public_url,
            record=self.registry.record_issued,
            iin=iin,
            surname=surname,
            name=name,
            patronymic=patronymic,
            organisation=organisation,
            bin=bin,
            password=password,
            valid_from=valid_from,
            valid_days=valid_days,
        )

    # -- revocation ---------------------------------------------------------------------------

    def revoke(self, serial: int, reason: str = "key_compromise", at: dt.datetime | None = None) -> bool:
        """Revoke a certificate this CA issued; return False if it was already revoked."""
        return self.registry.revoke(serial, reason, at or now())

    def is_revoked(self, serial: int) -> bool:
        """Tell whether the certificate with ``serial`` is revoked (reads the revocation file)."""
        return serial in self.registry.revocations()

    @property
    def crl_location(self) -> str:
        """Say where the cached CRL is kept."""
        return self.store.where(crl_module.CRL_FILE)

    def crl_der(self) -> bytes:
        """Return the current CRL (DER), regenerating it if a revocation was added or it is a day old."""
        return crl_module.current_crl_der(
            self.store, self._issuing_key, self.issuing_cert, self.registry.revocations
        )

    # -- time stamping ------------------------------------------------------------------------

    def tsa(self) -> TimeStampAuthority:
        """Return the time-stamping authority, issuing its certificate on first use."""
        with self._tsa_lock:
            if self._tsa is None or not self._end_entity_good(self._tsa.certificate, ca_name(TSA_COMMON_NAME)):
                self._tsa = self._load_tsa()
            return self._tsa

    def _load_tsa(self) -> TimeStampAuthority:
        """Load or issue the TSA key and certificate."""
        key = ensure_key(self.store, "tsa.key.pem")
        subject = ca_name(TSA_COMMON_NAME)
        usage = key_usage(digital_signature=True, non_repudiation=True)
        cert = ensure_cert(
            self.store,
            "tsa.cert.pem",
            key,
            lambda: self._issue_end_entity(key, subject, TSA_VALIDITY, usage, [ExtendedKeyUsageOID.TIME_STAMPING]),
            lambda c: self._end_entity_good(c, subject),
            on_issued=lambda c: self.registry.record_issued(c, "tsa"),
        )
        return TimeStampAuthority(key, cert, self.issuing_cert)

    def cert_der(self, which: str) -> bytes:
        """Return the DER of the "root" or "issuing" certificate."""
        return cert_der({"root": self.root_cert, "issuing": self.issuing_cert}[which])

