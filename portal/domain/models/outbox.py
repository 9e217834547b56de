"""The outbox: e-mails written in the same transaction as the change they tell about, sent after its commit."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.domain.db import Base


class OutboxMessage(Base):
    """One e-mail waiting to be sent (or sent); its text is rendered from its code in the recipient's language."""

    __tablename__ = "outbox"
    # the sender's one question: which unsent rows are due now
    __table_args__ = (Index("ix_outbox_due", "sent_at", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: who it is for
    recipient_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    #: the address as it was when the message was written
    to_address: Mapped[str] = mapped_column(String(200))
    #: the language to write it in (the recipient's when it was written)
    locale: Mapped[str] = mapped_column(String(2))
    #: what kind of message: notification or digest
    kind: Mapped[str] = mapped_column(String(20))
    #: the cabinet notification it repeats, for a notification
    notification_id: Mapped[int | None] = mapped_column(ForeignKey("notifications.id"), index=True)
    #: the request it is about, for a notification
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"))
    #: message code (labels.NOTIFICATION's for a notification), translated when rendered
    code: Mapped[str] = mapped_column(String(40))
    #: values the message names
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: at most one message per key (a staff member's digest of a day); None for most
    unique_key: Mapped[str | None] = mapped_column(String(80), unique=True)
    #: when it was written
    created_at: Mapped[datetime]
    #: delivery attempts so far
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    #: not to be tried before this; None once sent or given up
    next_attempt_at: Mapped[datetime | None]
    #: the last attempt's error, for the operator of the portal
    last_error: Mapped[str | None] = mapped_column(String(500))
    #: when the mail server accepted it
    sent_at: Mapped[datetime | None]

    notification = relationship("Notification")
    recipient = relationship("Person")
