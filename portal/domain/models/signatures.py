"""EDS: sign-in challenges, signing sessions between prepare and finish, and verified signatures."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.domain.db import Base


class EdsChallenge(Base):
    """A one-time random challenge a person signs with their authentication key to sign in."""

    __tablename__ = "eds_challenges"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the random bytes, hex
    nonce: Mapped[str] = mapped_column(String(64), unique=True)
    #: when it was issued
    created_at: Mapped[datetime]
    #: after this it is refused
    expires_at: Mapped[datetime]
    #: when it was used; a used challenge is refused (no replay)
    used_at: Mapped[datetime | None]


class SigningSession(Base):
    """A PDF prepared for a browser signature; it lives between the prepare and the finish requests."""

    __tablename__ = "signing_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: random token the page sends back with the signature
    token: Mapped[str] = mapped_column(String(64), unique=True)
    #: who must sign
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    #: the request it belongs to
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    #: "request" (the applicant's application) or "result" (the head's result)
    purpose: Mapped[str] = mapped_column(String(20))
    #: SHA-256 of the prepared PDF in the file store
    pdf_sha256: Mapped[str] = mapped_column(String(64))
    #: start of the reserved /Contents region
    region_start: Mapped[int]
    #: end of the reserved /Contents region
    region_end: Mapped[int]
    #: SHA-256 of the signed byte ranges, hex
    document_digest: Mapped[str] = mapped_column(String(64))
    #: the request's row version when prepared; a draft changed since is refused
    draft_version: Mapped[str] = mapped_column(String(40))
    #: the result number printed on a prepared result, else None
    result_number: Mapped[str | None] = mapped_column(String(40))
    #: the name printed from the certificate the page announced; the signature must carry that name
    certified_name: Mapped[str | None] = mapped_column(String(200))
    #: the applicant's name a prepared result states, recorded with it once signed (else None)
    applicant_name: Mapped[str | None] = mapped_column(String(300), default=None)
    #: when it was prepared
    created_at: Mapped[datetime]
    #: after this it is refused
    expires_at: Mapped[datetime]
    #: when the signature was embedded; a finished session is refused
    finished_at: Mapped[datetime | None]


class SignatureRecord(Base):
    """A verified EDS signature on a request's document: who, their IIN, when, and the certificate's state."""

    __tablename__ = "signature_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the request
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    #: "request" or "result"
    purpose: Mapped[str] = mapped_column(String(20))
    #: SHA-256 of the signed PDF in the file store
    pdf_sha256: Mapped[str] = mapped_column(String(64))
    #: signer's IIN from the certificate's serialNumber
    signer_iin: Mapped[str] = mapped_column(String(12))
    #: signer's name from the certificate (CN and given name)
    signer_name: Mapped[str] = mapped_column(String(300))
    #: organisation (O) for staff, else None
    organisation: Mapped[str | None] = mapped_column(String(300))
    #: organisation's BIN (OU=BIN…) for staff, else None
    bin: Mapped[str | None] = mapped_column(String(12))
    #: certificate serial number, hex
    cert_serial: Mapped[str] = mapped_column(String(64))
    #: certificate issuer, as text
    issuer: Mapped[str] = mapped_column(String(300))
    #: certificate validity start
    cert_not_before: Mapped[datetime]
    #: certificate validity end
    cert_not_after: Mapped[datetime]
    #: signing time the signer's software stated (UTC+5)
    signed_at: Mapped[datetime]
    #: time of the portal TSA's timestamp on the signature (UTC+5)
    timestamp_at: Mapped[datetime | None]
    #: when the server verified it (chain, validity, CRL, key usage, IIN all passed then)
    verified_at: Mapped[datetime]

    application = relationship("Application")
