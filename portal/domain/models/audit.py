"""The audit trail and the citizen's notifications."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.domain.db import Base


class AuditEntry(Base):
    """Who changed what on a request, and when; written with the change itself."""

    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the request
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    #: who acted
    actor_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    #: what was done (a step's action, or submit)
    action: Mapped[str] = mapped_column(String(40))
    #: status before
    from_status: Mapped[str] = mapped_column(String(30))
    #: status after
    to_status: Mapped[str] = mapped_column(String(30))
    #: when
    at: Mapped[datetime]
    #: details worth keeping (decision, executor, ...)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    actor = relationship("Person")


class Notification(Base):
    """A message to the applicant in the cabinet's timeline; text comes from its code."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the request
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    #: the applicant it is for
    recipient_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    #: message code, translated when shown
    code: Mapped[str] = mapped_column(String(40))
    #: values the message names
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: when
    created_at: Mapped[datetime]
    #: when the applicant opened the request's page after it came; None while it is unread
    read_at: Mapped[datetime | None]
