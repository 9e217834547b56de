"""The audit trail (an append-only hash chain) and the citizen's notifications."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.domain.db import Base


class AuditEntry(Base):
    """One link of the audit chain: who did or opened what, whose data, when; written with the act itself.

    Rows are never changed or deleted (database triggers refuse it); each carries the hash of the one
    before, so `flask audit-verify` finds an edited or a removed row.
    """

    __tablename__ = "audit_entries"
    # the citizen's "who viewed your data" reads one request's views newest first
    __table_args__ = (Index("ix_audit_entries_application_kind_seq", "application_id", "kind", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: position in the chain, 1, 2, 3, ... without gaps
    seq: Mapped[int] = mapped_column(unique=True)
    #: state_change, sign_in, view or admin (portal.domain.audit_trail.KINDS)
    kind: Mapped[str] = mapped_column(String(20), default="state_change", server_default="state_change")
    #: the request concerned; None for a sign-in or an administration change
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"), index=True)
    #: who acted; None when nobody proved who they are (a failed sign-in)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    #: whose data it concerns (the applicant; the account signed into)
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    #: the IIN of the person the applicant represents (a child), whose data it concerns too
    represented_iin: Mapped[str | None] = mapped_column(String(12), index=True)
    #: the organisation the actor acted for (a provider or a State Corporation centre)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("providers.id"))
    #: what was done (a step's action, submit, sign_in_password, view_card, ...)
    action: Mapped[str] = mapped_column(String(40))
    #: status before (a state change only)
    from_status: Mapped[str | None] = mapped_column(String(30))
    #: status after (a state change only)
    to_status: Mapped[str | None] = mapped_column(String(30))
    #: when
    at: Mapped[datetime]
    #: details worth keeping (decision, executor, the file opened, the source address, ...)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: the hash of the entry before (64 zeros for the first)
    prev_hash: Mapped[str] = mapped_column(String(64))
    #: SHA-256 of this entry's canonical form and prev_hash, hex
    hash: Mapped[str] = mapped_column(String(64))

    actor = relationship("Person", foreign_keys=[actor_id])
    subject = relationship("Person", foreign_keys=[subject_id])
    organisation = relationship("Provider", foreign_keys=[organisation_id])


class AuditChainHead(Base):
    """The chain's one head row: locked by each append, so concurrent appends queue up and never fork.

    It points at the last entry; a full wipe deletes it first (it is the entries' child), and only
    without a head do the triggers let entries be deleted.
    """

    __tablename__ = "audit_chain_head"

    #: always 1
    id: Mapped[int] = mapped_column(primary_key=True)
    #: the last entry's seq (0 for an empty chain)
    seq: Mapped[int] = mapped_column(default=0)
    #: the last entry's hash (64 zeros for an empty chain)
    hash: Mapped[str] = mapped_column(String(64))
    #: the last entry
    last_entry_id: Mapped[int | None] = mapped_column(ForeignKey("audit_entries.id"))


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
