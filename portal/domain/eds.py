"""EDS flows: sign in by a signed challenge, and sign a PDF in two steps (prepare, then finish)."""
from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from portal.documents.interrupted import PreparedPdf, finish, prepare
from portal.domain import audit_trail
from portal.domain.calendar import KZ_TZ, to_kz_naive
from portal.domain.errors import Conflict, DomainError, NotFound
from portal.domain.models import Application, EdsChallenge, Person, Role, SignatureRecord, SigningSession
from portal.domain.staff_certificates import require_registered
from portal.domain.storage import FileStore
from portal.domain.validators import ValidationError, parse_iin
from portal.pki.ca import LocalCA
from portal.pki.cms import (CmsCheck, EdsError, Signer, add_signature_timestamp, check_certificate,
                            read_signature_timestamp, verify_cms)

CHALLENGE_TTL = timedelta(minutes=5)
#: how far a signer's clock may run behind the server's
CLOCK_SKEW = timedelta(minutes=5)
SIGNING_TTL = timedelta(minutes=30)


@dataclass(frozen=True)
class ToSign:
    """What the page must sign: the session token and the bytes, base64."""

    token: str
    data_b64: str


def issue_challenge(session: Session, now: datetime) -> EdsChallenge:
    """Create a one-time sign-in challenge."""
    challenge = EdsChallenge(nonce=secrets.token_hex(32), created_at=now, expires_at=now + CHALLENGE_TTL)
    session.add(challenge)
    session.flush()
    return challenge


def _checked(cms_der: bytes, ca: LocalCA, **kwargs) -> CmsCheck:  # type: ignore[no-untyped-def]
    """Verify a CMS and turn its refusal into a domain error with the same code."""
    if kwargs.get("now") is not None:
        kwargs["now"] = kwargs["now"].replace(tzinfo=KZ_TZ)  # the domain's naive times are Kazakhstan time
    try:
        return verify_cms(cms_der, ca=ca, **kwargs)
    except EdsError as err:
        raise DomainError(err.code) from None
    except ValueError:  # e.g. a detached signature where the signed content must travel inside
        raise DomainError("cms_malformed") from None


def certificate_name(signer: Signer) -> str:
    """Return 'Surname Name Patronymic' from the certificate's CN and given name."""
    parts = signer.common_name.split() + (signer.given_name or "").split()
    return " ".join(p[:1].upper() + p[1:].lower() for p in parts)


def _full_name(check: CmsCheck) -> str:
    """Return the signer's name as certificate_name spells it."""
    return certificate_name(check.signer)


def signer_of(ca: LocalCA, certificate_der: bytes, person: Person, now: datetime) -> Signer:
    """Check the signing certificate a page announces for this person, before it signs anything."""
    try:
        return check_certificate(certificate_der, ca=ca, purpose="SIGNATURE", expected_iin=person.iin,
                                 now=now.replace(tzinfo=KZ_TZ))
    except EdsError as err:
        raise DomainError(err.code) from None


def _claim(session: Session, model: type, row_id: int, column: str, now: datetime) -> bool:
    """Mark a one-time row used, atomically: only one of two simultaneous requests wins."""
    done = session.execute(update(model).where(model.id == row_id, getattr(model, column).is_(None))
                           .values({column: now}).execution_options(synchronize_session=False))
    return done.rowcount == 1


def _check_signing_time(check: CmsCheck, issued_at: datetime) -> None:
    """Refuse a signing time stated before the challenge or document it signs even existed."""
    if to_kz_naive(check.signed_at) < issued_at - CLOCK_SKEW:
        raise DomainError("signing_time_invalid")


def _audit_failed_sign_in(session: Session, check: CmsCheck, err: DomainError, now: datetime, source: str) -> None:
    """Record a valid key's refused sign-in at an existing account, then raise it as a refusal to keep."""
    owner = session.scalar(select(Person).where(Person.iin == check.signer.iin)) if check.signer.iin else None
    if owner is None:
        return
    audit_trail.record(session, kind=audit_trail.SIGN_IN, action="sign_in_failed", actor=None, subject=owner, at=now,
                       details={"method": "eds", "source": source, "reason": err.code})
    raise audit_trail.AuditedRefusal(err.code, **err.params) from err


def sign_in(session: Session, ca: LocalCA, *, challenge_id: int | None, cms_der: bytes, now: datetime,
            source: str = "") -> Person:
    """Sign a person in by their signed challenge; a first sign-in creates a citizen's account."""
    challenge = session.get(EdsChallenge, challenge_id or 0)
    if challenge is None:
        raise DomainError("challenge_unknown")
    if now > challenge.expires_at:
        raise DomainError("challenge_expired")
    if not _claim(session, EdsChallenge, challenge.id, "used_at", now):
        raise DomainError("challenge_used")
    check = _checked(cms_der, ca, purpose="AUTHENTICATION", now=now)
    try:
        if check.content != bytes.fromhex(challenge.nonce):
            raise DomainError("content_mismatch")
        _check_signing_time(check, challenge.created_at)
    except DomainError as err:
        _audit_failed_sign_in(session, check, err, now, source)
        raise
    try:
        iin = parse_iin(check.signer.iin).value
    except ValidationError:
        raise DomainError("untrusted") from None
    person = session.scalar(select(Person).where(Person.iin == iin))
    if person is not None and not person.is_active:
        raise DomainError("account_deactivated")
    if person is None:
        person = Person(iin=iin, full_name=_full_name(check), password_hash="!eds-only",
                        created_at=now)
        session.add(person)
    elif person.eds_verified_at is None and person.role == Role.applicant:
        # Anyone can register any IIN with a password; the key's owner takes the account over from
        # whoever did: the certificate's name, no password, and every other session ended.
        person.full_name, person.password_hash = _full_name(check), "!eds-only"
        person.session_version += 1
    person.eds_verified_at = person.eds_verified_at or now
    session.flush()
    audit_trail.record(session, kind=audit_trail.SIGN_IN, action="sign_in", actor=person, subject=person, at=now,
                       details={"method": "eds", "source": source})
    return person


def open_session(session: Session, store: FileStore, *, person: Person, app: Application, purpose: str,
                 prepared: PreparedPdf, now: datetime, result_number: str | None = None,
                 certified_name: str | None = None, applicant_name: str | None = None) -> ToSign:
    """Keep a prepared PDF until the page returns its signature; return what the page signs."""
    token = secrets.token_urlsafe(32)
    session.add(SigningSession(token=token, person_id=person.id, application_id=app.id, purpose=purpose,
                               certified_name=certified_name,
                               pdf_sha256=store.put(prepared.pdf), region_start=prepared.region_start,
                               region_end=prepared.region_end, document_digest=prepared.document_digest.hex(),
                               draft_version=str(app.version), result_number=result_number,
                               applicant_name=applicant_name, created_at=now, expires_at=now + SIGNING_TTL))
    session.flush()
    return ToSign(token, base64.b64encode(prepared.signed_bytes()).decode())


def prepare_pdf(pdf: bytes, **kwargs) -> PreparedPdf:  # type: ignore[no-untyped-def]
    """Prepare a PDF for an EDS signature (a placeholder the signature fills later)."""
    return prepare(pdf, **kwargs)


@dataclass(frozen=True)
class Signed:
    """A signed PDF and the record of its verified signature."""

    pdf: bytes
    record: SignatureRecord
    signing: SigningSession


def finish_session(session: Session, store: FileStore, ca: LocalCA, *, token: str, person: Person,
                   app: Application, purpose: str, cms_der: bytes, now: datetime,
                   expected_bin: str | None = None) -> Signed:
    """Verify the page's signature over the prepared PDF, timestamp it, embed it and record it."""
    signing = session.scalar(select(SigningSession).where(SigningSession.token == token))
    if signing is None or signing.person_id != person.id or signing.application_id != app.id \
            or signing.purpose != purpose:
        raise NotFound()
    if now > signing.expires_at:
        raise DomainError("signing_session_expired")
    if not _claim(session, SigningSession, signing.id, "finished_at", now):
        raise DomainError("signing_session_used")
    if str(app.version) != signing.draft_version:
        raise Conflict("draft_changed")
    prepared = PreparedPdf(pdf=store.get(signing.pdf_sha256), region_start=signing.region_start,
                           region_end=signing.region_end, document_digest=bytes.fromhex(signing.document_digest))
    check = _checked(cms_der, ca, purpose="SIGNATURE", digest=prepared.document_digest, expected_iin=person.iin,
                     now=now)
    if expected_bin is not None and check.signer.bin != expected_bin:
        raise DomainError("bin_mismatch")
    if person.is_staff:  # staff sign for their organisation only with a certificate its administrator registered
        require_registered(session, person, check.signer.serial)
    if signing.certified_name is not None and _full_name(check) != signing.certified_name:
        raise DomainError("name_mismatch")  # the document names the certificate shown at prepare, not this one
    _check_signing_time(check, signing.created_at)
    stamped = add_signature_timestamp(cms_der, ca)
    try:
        pdf = finish(prepared, stamped)
    except ValueError:  # attached content, or a container too large for the reserved space
        raise DomainError("cms_malformed") from None
    stamp_time = read_signature_timestamp(stamped)
    signer = check.signer
    record = SignatureRecord(
        application_id=app.id, purpose=purpose, pdf_sha256=store.put(pdf), signer_iin=signer.iin,
        signer_name=_full_name(check), organisation=signer.organisation, bin=signer.bin,
        cert_serial=format(signer.serial, "x"), issuer=signer.issuer,
        cert_not_before=to_kz_naive(signer.not_before), cert_not_after=to_kz_naive(signer.not_after),
        signed_at=to_kz_naive(check.signed_at), timestamp_at=to_kz_naive(stamp_time) if stamp_time else None,
        verified_at=now)
    session.add(record)
    person.eds_verified_at = person.eds_verified_at or now
    session.flush()
    return Signed(pdf, record, signing)
