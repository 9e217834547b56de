"""Files kept in the database, for portals that run on several machines with no disk they share."""
from __future__ import annotations

from sqlalchemy import Float, LargeBinary, String
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
