"""Applications (electronic requests) and the steps worked on them."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.domain.db import Base


class Decision(StrEnum):
    """The executor's draft decision, approved by the head."""

    permitted = "permitted"
    refused = "refused"


class Channel(StrEnum):
    """Where a request was filed."""

    portal = "portal"
    state_corporation = "state_corporation"
    provider_office = "provider_office"


class Application(Base):
    """A citizen's electronic request for one service from one provider."""

    __tablename__ = "applications"
    # the back office's queues walk a provider's requests by deadline: (provider, deadline, id) is their keyset
    # and what still waits (a small part of a provider's years of requests) by a partial index of its own;
    # the dashboard counts a provider's requests (or the region's) received within a range of months
    __table_args__ = (Index("ix_applications_provider_deadline", "provider_id", "deadline_at", "id"),
                      Index("ix_applications_open_deadline", "provider_id", "deadline_at", "id",
                            sqlite_where=text("completed_at IS NULL"), postgresql_where=text("completed_at IS NULL")),
                      Index("ix_applications_provider_id_submitted_at", "provider_id", "submitted_at"),
                      # an executor's queues: their own requests (at their provider) by deadline
                      Index("ix_applications_executor_deadline", "executor_id", "provider_id", "deadline_at", "id",
                            postgresql_include=["stage"]),
                      # the queues' branches (portal.domain.queues): open requests at a stage, or an executor's
                      Index("ix_applications_open_stage", "provider_id", "stage", "deadline_at", "id",
                            sqlite_where=text("completed_at IS NULL"), postgresql_where=text("completed_at IS NULL"),
                            postgresql_include=["service_code", "executor_id"]),
                      Index("ix_applications_open_executor", "executor_id", "provider_id", "stage", "deadline_at", "id",
                            sqlite_where=text("completed_at IS NULL AND executor_id IS NOT NULL"),
                            postgresql_where=text("completed_at IS NULL AND executor_id IS NOT NULL"),
                            postgresql_include=["service_code"]),
                      # the cabinet's keyset: an applicant's requests, most recently changed first (it also serves
                      # every look-up by applicant alone)
                      Index("ix_applications_applicant_updated", "applicant_id", "updated_at", "id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    #: registration number, given on submission
    number: Mapped[str | None] = mapped_column(String(40), unique=True)
    #: catalog code of the service
    service_code: Mapped[str] = mapped_column(String(40))
    #: the citizen who applies (a parent acting for a child)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    #: where the request was filed: on the portal, at a State Corporation centre or at the provider's office
    channel: Mapped[Channel] = mapped_column(String(20), default=Channel.portal, server_default="portal")
    #: who filed it: the applicant on the portal, the operator at a centre
    filed_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    #: the State Corporation centre it was filed at; None on the portal
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("providers.id"), index=True)
    #: the representative acting for the applicant under a power of attorney, if any
    representative_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    #: the notarised power of attorney's number in the notary registry, when a representative acts
    power_of_attorney: Mapped[str | None] = mapped_column(String(40))
    #: the provider chosen; None while a draft has none
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("providers.id"), index=True)
    #: the stage of the service's process graph the request waits in ("draft" before submission)
    stage: Mapped[str] = mapped_column(String(30), default="draft", index=True)
    #: the catalog version of the service's regulation the request was filed under (None while a draft)
    catalog_version: Mapped[int | None]
    #: the request's fields as the service's form defines them
    form: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: when the citizen submitted it
    submitted_at: Mapped[datetime | None] = mapped_column(index=True)
    #: when the provider's clock started (next opening after submission)
    clock_started_at: Mapped[datetime | None]
    #: the service's overall deadline
    deadline_at: Mapped[datetime | None]
    #: the executor the head assigned
    executor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    #: the head's resolution when assigning
    resolution: Mapped[str | None] = mapped_column(Text)
    #: the executor's drafted decision
    decision: Mapped[Decision | None] = mapped_column(String(20))
    #: a reasoned refusal's explanation in the executor's words (before 0006: its whole grounds)
    refusal_grounds: Mapped[str | None] = mapped_column(Text)
    #: the codes of the catalog's refusal grounds the executor chose (see ServiceSpec.refusal_grounds)
    refusal_codes: Mapped[list[str] | None] = mapped_column(JSON)
    #: what the steps' actors filled in for the result (the service's step inputs)
    result_fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: when the result reached the citizen
    completed_at: Mapped[datetime | None]
    #: when consent to use legally protected data held in information systems was given (None: not given)
    consent_given_at: Mapped[datetime | None]
    #: the version of the consent text agreed to (portal.domain.consent.CONSENT_VERSION at the time)
    consent_version: Mapped[int | None]
    #: who gave the consent: the applicant, or their representative at a State Corporation centre
    consent_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    #: created
    created_at: Mapped[datetime]
    #: last changed
    updated_at: Mapped[datetime]
    #: row version: an update made from a stale copy fails (double submission, two clerks at once)
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    applicant = relationship("Person", foreign_keys=[applicant_id], lazy="joined")
    executor = relationship("Person", foreign_keys=[executor_id])
    consent_by = relationship("Person", foreign_keys=[consent_by_id])
    provider = relationship("Provider", foreign_keys=[provider_id], lazy="joined")
    centre = relationship("Provider", foreign_keys=[centre_id])
    representative = relationship("Person", foreign_keys=[representative_id])
    filed_by = relationship("Person", foreign_keys=[filed_by_id])
    attachments = relationship("Attachment", back_populates="application", order_by="Attachment.id",
                               cascade="all, delete-orphan")
    steps = relationship("StepRecord", order_by="StepRecord.id", cascade="all, delete-orphan")
    notifications = relationship("Notification", order_by="Notification.id", cascade="all, delete-orphan")
    #: the request's state changes, for its timelines (views and sign-ins are audited in the same chain)
    audit = relationship("AuditEntry", order_by="AuditEntry.seq", viewonly=True,
                         primaryjoin="and_(AuditEntry.application_id == Application.id, "
                                     "AuditEntry.kind == 'state_change')")
    result = relationship("ResultDocument", uselist=False, back_populates="application")
    signatures = relationship("SignatureRecord", order_by="SignatureRecord.id", viewonly=True)

    def signature(self, purpose: str):  # type: ignore[no-untyped-def]
        """Return the verified signature for this purpose ("request" or "result"), if any."""
        return next((s for s in self.signatures if s.purpose == purpose), None)


class StepRecord(Base):
    """One regulated step of a request: who, when, how long it may take, and whether it ran late."""

    __tablename__ = "step_records"
    __table_args__ = (Index("ix_step_records_provider_completed", "provider_id", "completed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the request
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    #: catalog code of the step (its action)
    step: Mapped[str] = mapped_column(String(40))
    #: the role that performs it
    role: Mapped[str] = mapped_column(String(20))
    #: normative duration, e.g. "15m" or "14wd"
    normative: Mapped[str] = mapped_column(String(10))
    #: who performed it; None while open
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    #: when the step became due to be worked
    started_at: Mapped[datetime]
    #: by when it must be done, on the provider's working calendar
    due_at: Mapped[datetime]
    #: when it was done; None while open
    completed_at: Mapped[datetime | None]
    #: True when it was done after due_at
    late: Mapped[bool] = mapped_column(default=False)
    #: the action that closed it: the step itself, or a side move such as a return (None while open)
    outcome: Mapped[str | None] = mapped_column(String(40))
    #: the request's provider, copied: a provider's steps done in a span are found without visiting its requests
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("providers.id"))

    actor = relationship("Person")
