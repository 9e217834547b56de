"""Files kept in the database, for portals that run on several machines with no disk they share."""
from __future__ import annotations

from sqlalchemy import Float, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.domain.db import Base


class StoredFile(Base):
    """One blob, addressed by its SHA-256, as portal.domain.storage.FileStore keeps them in a folder."""

    __tablename__ = "stored_files"

    #: SHA-256 of the content, hex
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    #: the content
    data: Mapped[bytes] = mapped_column(LargeBinary)
    #: its size in bytes
    size: Mapped[int]
    #: when it was last written, as a Unix time: the clean-up spares a blob written within its grace period
    written_at: Mapped[float] = mapped_column(Float)


class PkiFile(Base):
    """One of the test CA's files (a key, a certificate, the CRL), as portal.pki.store keeps them in a folder."""

    __tablename__ = "pki_files"

    #: the file's name in the CA's folder, e.g. "issuing.cert.pem" or "providers/<code>.key.pem"
    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    #: the content (a private key too: the database's backups hold the CA's keys)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class PkiRecord(Base):
    """One line of the CA's books: a certificate it issued, or a revocation."""

    __tablename__ = "pki_records"

    #: order of writing: the books are read oldest first
    id: Mapped[int] = mapped_column(primary_key=True)
    #: "issued" or "revoked"
    book: Mapped[str] = mapped_column(String(20), index=True)
    #: the record, as JSON
    record: Mapped[str] = mapped_column(Text)
