"""Receipts of refusal to accept documents, issued at a State Corporation centre (Standard annex 3)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.domain.db import Base


class RefusalReceipt(Base):
    """A signed receipt refusing an incomplete package; anyone can verify it by its number, like a result."""

    __tablename__ = "refusal_receipts"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: public, unguessable number printed on the receipt and in its QR code
    number: Mapped[str] = mapped_column(String(40), unique=True)
    #: the request the package was brought for
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    #: the centre's operator who refused the package
    operator_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    #: the code of the centre (organisation) whose seal signed it
    centre_code: Mapped[str] = mapped_column(String(64))
    #: catalog codes of the documents missing from the package, as listed on the receipt
    missing_documents: Mapped[list[str]] = mapped_column(JSON)
    #: the Standard's paragraph whose list of documents the package was checked against
    standard_paragraph: Mapped[int]
    #: SHA-256 of the signed PDF, hex (the file lives in the FileStore)
    sha256: Mapped[str] = mapped_column(String(64))
    #: size in bytes
    size: Mapped[int]
    #: who signed (the centre), as on the stamp
    signer_label: Mapped[str] = mapped_column(String(300))
    #: when it was issued and signed
    issued_at: Mapped[datetime]

    application = relationship("Application")
    operator = relationship("Person")
