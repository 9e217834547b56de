"""Documents: the citizen's scans and the signed result."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.domain.db import Base


class Attachment(Base):
    """A scan attached to a request, stored by content hash."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the request
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    #: catalog code of the required document this scan is
    kind: Mapped[str] = mapped_column(String(40))
    #: file name as uploaded (shown only; never used as a path)
    original_name: Mapped[str] = mapped_column(String(255))
    #: MIME type judged from the content
    content_type: Mapped[str] = mapped_column(String(50))
    #: size in bytes
    size: Mapped[int]
    #: SHA-256 of the content, hex
    sha256: Mapped[str] = mapped_column(String(64))
    #: when it was uploaded
    uploaded_at: Mapped[datetime]
    #: SHA-256 of a PNG of its first page, for its owner to check (None: it could not be drawn)
    preview_sha256: Mapped[str | None] = mapped_column(String(64), default=None)

    application = relationship("Application", back_populates="attachments")


class ResultDocument(Base):
    """The signed result PDF of a request; anyone can verify it by its number."""

    __tablename__ = "result_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the request
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), unique=True)
    #: public, unguessable number printed on the document and in its QR code
    number: Mapped[str] = mapped_column(String(40), unique=True)
    #: permitted or refused
    decision: Mapped[str] = mapped_column(String(20))
    #: SHA-256 of the signed PDF, hex
    sha256: Mapped[str] = mapped_column(String(64))
    #: size in bytes
    size: Mapped[int]
    #: who signed (organisation or person), as on the stamp
    signer_label: Mapped[str] = mapped_column(String(300))
    #: when it was signed
    signed_at: Mapped[datetime]
    #: the applicant's name as the document states it (None: issued before it was recorded here)
    applicant_name: Mapped[str | None] = mapped_column(String(300), default=None)

    application = relationship("Application", back_populates="result")


class DocumentCheck(Base):
    """The verification page's last verdict on a file the portal issued, shared by every worker and machine."""

    __tablename__ = "document_checks"

    #: SHA-256 of the file, hex (the file itself is immutable: it is stored by this hash)
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    #: SHA-256 of the trust roots it was checked against, hex
    roots_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    #: the verdict, as JSON (portal.documents.verification.PdfVerdict)
    verdict: Mapped[str] = mapped_column(Text)
    #: when it was checked (application clock): a day later it is checked again, as validity depends on time
    checked_at: Mapped[datetime]
