"""Each provider's order register: one row per order issued, numbered per provider per calendar year."""
from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.domain.db import Base


class OrderCounter(Base):
    """The last order number a provider gave in a year; its row lock serialises concurrent issuing."""

    __tablename__ = "order_counters"

    #: the provider whose register this is
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"), primary_key=True)
    #: the calendar year the numbering runs in (a new year starts again at 1)
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    #: the last number given; the next order gets last + 1, in the issuing transaction
    last: Mapped[int] = mapped_column(default=0)


class OrderEntry(Base):
    """One order in a provider's register: its number and date, the request it was issued on, its kind."""

    __tablename__ = "order_entries"
    __table_args__ = (UniqueConstraint("provider_id", "year", "number", name="uq_order_entries_provider_year_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the provider whose order this is
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"))
    #: the calendar year of the order's date
    year: Mapped[int]
    #: the number within the provider's year: 1, 2, 3, ... without gaps
    number: Mapped[int]
    #: the order's date, Kazakhstan time
    issued_on: Mapped[date]
    #: the request the order was issued on; one order per request
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), unique=True)
    #: what the order is about: the service code, with the sub-flow after a slash (tvet_transfer/readmission)
    kind: Mapped[str] = mapped_column(String(80))

    provider = relationship("Provider")
    application = relationship("Application")

    @property
    def label(self) -> str:
        """Return the number as printed: the plain sequence number, the date telling the year."""
        return str(self.number)
