"""Providers of services: education departments, colleges, schools."""
from __future__ import annotations

from enum import StrEnum

from sqlalchemy import String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from portal.domain.db import Base


class ProviderKind(StrEnum):
    """Kinds of providers the regulations name."""

    education_department = "education_department"
    college = "college"
    school = "school"
    regional_department = "regional_department"


class Provider(Base):
    """A provider (көрсетілетін қызметті беруші) with its address and hours."""

    __tablename__ = "providers"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: stable short code, used in URLs and key file names
    code: Mapped[str] = mapped_column(String(40), unique=True)
    #: which kind of organisation this is
    kind: Mapped[ProviderKind] = mapped_column(String(30))
    #: the official name in Kazakh, verbatim from the regulation
    name_kk: Mapped[str] = mapped_column(String(300))
    #: the official name in Russian
    name_ru: Mapped[str] = mapped_column(String(300))
    #: the district or city it serves
    area_kk: Mapped[str] = mapped_column(String(200), default="")
    #: postal address, verbatim from the regulation
    address: Mapped[str] = mapped_column(String(400))
    #: working schedule, verbatim from the regulation
    schedule_kk: Mapped[str] = mapped_column(Text, default="")
    #: business identification number, 12 digits
    bin: Mapped[str] = mapped_column(String(12))
    #: True when the head signs results with their own EDS; False: the portal seals them with the organisation key
    head_signs_results: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: True for providers made up for the demo, not taken from a regulation
    is_demo: Mapped[bool] = mapped_column(default=False)

    def name(self, locale: str) -> str:
        """Return the name in the given locale (Kazakh otherwise)."""
        return self.name_ru if locale == "ru" else self.name_kk
