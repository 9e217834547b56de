"""Staff EDS certificates as their organisation's administrator registered them; only these sign for staff."""
from __future__ import annotations

from datetime import datetime

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.domain.calendar import KZ_TZ, to_kz_naive
from portal.domain.errors import DomainError
from portal.domain.models import Person, StaffCertificate
from portal.pki.ca import LocalCA
from portal.pki.cms import EdsError, Signer, check_certificate

#: a certificate file is a few kilobytes; anything much larger is not one
MAX_CERTIFICATE_BYTES = 20_000
#: the subject's attributes named as Kazakh certificates show them (serialNumber carries the IIN)
_NAMES = {NameOID.SERIAL_NUMBER: "SERIALNUMBER", NameOID.GIVEN_NAME: "G"}
#: the portal's PKI refusals, said to an administrator registering someone else's certificate
_REFUSAL = {"iin_mismatch": "certificate_other_iin", "key_usage": "certificate_not_for_signing",
            "cms_malformed": "certificate_unreadable"}


def read_certificate(data: bytes) -> bytes:
    """Return the DER of an uploaded .cer (DER) or .pem certificate, or raise certificate_unreadable."""
    if not data or len(data) > MAX_CERTIFICATE_BYTES:
        raise DomainError("certificate_unreadable")
    try:
        cert = x509.load_pem_x509_certificate(data) if b"-----BEGIN" in data else x509.load_der_x509_certificate(data)
        return cert.public_bytes(Encoding.DER)
    except ValueError:
        raise DomainError("certificate_unreadable") from None


def checked_certificate(ca: LocalCA, der: bytes, person: Person, organisation_bin: str, now: datetime) -> Signer:
    """Check a staff member's signing certificate: the portal's CA, valid now, not revoked, their IIN, the BIN."""
    try:
        signer = check_certificate(der, ca=ca, purpose="SIGNATURE", expected_iin=person.iin,
                                   now=now.replace(tzinfo=KZ_TZ))
    except EdsError as err:
        raise DomainError(_REFUSAL.get(err.code, err.code)) from None
    if signer.bin != organisation_bin:
        raise DomainError("certificate_other_bin")
    return signer


def new_registration(session: Session, ca: LocalCA, *, person: Person, organisation_id: int, organisation_bin: str,
                     data: bytes, by: Person | None, now: datetime) -> StaffCertificate:
    """Register an uploaded certificate for a staff member after checking it; refuse one registered already."""
    der = read_certificate(data)
    signer = checked_certificate(ca, der, person, organisation_bin, now)
    serial = format(signer.serial, "x")
    if session.scalar(select(StaffCertificate.id).where(StaffCertificate.person_id == person.id,
                                                        StaffCertificate.serial == serial,
                                                        StaffCertificate.revoked_at.is_(None))):
        raise DomainError("certificate_already_registered")
    cert = x509.load_der_x509_certificate(der)
    row = StaffCertificate(person_id=person.id, organisation_id=organisation_id, serial=serial,
                           subject=cert.subject.rfc4514_string(_NAMES)[:500], issuer=signer.issuer[:500],
                           not_before=to_kz_naive(signer.not_before), not_after=to_kz_naive(signer.not_after),
                           der=der, registered_at=now,
                           registered_by_id=by.id if by is not None else None)
    session.add(row)
    session.flush()
    return row


def require_registered(session: Session, person: Person, serial: int) -> None:
    """Refuse a staff signature whose certificate the organisation's administrator has not registered (or revoked)."""
    found = session.scalar(select(StaffCertificate.id).where(
        StaffCertificate.person_id == person.id, StaffCertificate.organisation_id == person.provider_id,
        StaffCertificate.serial == format(serial, "x"), StaffCertificate.revoked_at.is_(None)))
    if found is None:
        raise DomainError("certificate_not_registered")
