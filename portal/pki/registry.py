"""The CA's books: every certificate it issued and every revocation, as JSON lines.

The books "issued" and "revoked" of the CA's store; serials are lower-case
hex strings (JSON numbers lose precision above 2**53 in most readers). Both are
small and re-read on every question, so several processes always agree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from cryptography import x509

from portal.pki.certs import as_utc
from portal.pki.store import PkiStore

ISSUED = "issued"
REVOKED = "revoked"
REASONS = frozenset(flag.name for flag in x509.ReasonFlags if flag is not x509.ReasonFlags.remove_from_crl)


@dataclass(frozen=True)
class Revocation:
    """One revoked certificate."""

    serial: int
    reason: str
    at: dt.datetime


class Registry:
    """Reads and appends the issued and revoked books of one CA store."""

    def __init__(self, store: PkiStore) -> None:
        """Use the books in ``store``."""
        self.store = store

    def record_issued(self, cert: x509.Certificate, kind: str) -> None:
        """Append a freshly issued certificate to the issued list."""
        record = {
            "serial": format(cert.serial_number, "x"),
            "kind": kind,
            "subject": cert.subject.rfc4514_string(),
            "not_before": cert.not_valid_before_utc.isoformat(),
            "not_after": cert.not_valid_after_utc.isoformat(),
        }
        with self.store.locked():
            self.store.append(ISSUED, record)

    def issued(self) -> list[dict[str, str]]:
        """Return every issued-certificate record, oldest first."""
        return self.store.records(ISSUED)

    def find_issued(self, serial: int) -> dict[str, str] | None:
        """Return the record of the certificate with ``serial``, if we issued it."""
        wanted = format(serial, "x")
        return next((r for r in self.issued() if r.get("serial") == wanted), None)

    def revocations(self) -> dict[int, Revocation]:
        """Return the revocations by serial (the first one of a serial counts)."""
        found: dict[int, Revocation] = {}
        for record in self.store.records(REVOKED):
            try:
                serial = int(record["serial"], 16)
                revocation = Revocation(serial, str(record["reason"]), dt.datetime.fromisoformat(record["at"]))
            except (KeyError, TypeError, ValueError):
                continue
            found.setdefault(serial, revocation)
        return found

    def revoke(self, serial: int, reason: str, at: dt.datetime) -> bool:
        """Record a revocation of a certificate we issued; return False if it was already revoked.

        A naive ``at`` is Kazakhstan local time.
        """
        if reason not in REASONS:
            raise ValueError(f"unknown revocation reason {reason!r}; use one of {sorted(REASONS)}")
        if self.find_issued(serial) is None:
            raise ValueError(f"no certificate with serial {serial:x} was issued by this CA")
        with self.store.locked():
            if serial in self.revocations():
                return False
            record = {
                "serial": format(serial, "x"),
                "reason": reason,
                "at": as_utc(at).replace(microsecond=0).isoformat(),
            }
            self.store.append(REVOKED, record)
        return True
