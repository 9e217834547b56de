"""Organisations: providers of services (education departments, colleges, schools) and State Corporation centres."""
from __future__ import annotations

from datetime import time
from enum import StrEnum
from functools import lru_cache

from sqlalchemy import String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from portal.domain.calendar import WorkingHours
from portal.domain.db import Base


class ProviderKind(StrEnum):
    """Kinds of providers the regulations name."""

    education_department = "education_department"
    college = "college"
    school = "school"
    regional_department = "regional_department"
    #: a service centre of the State Corporation «Азаматтарға арналған үкімет»: files requests, provides none
    service_centre = "service_centre"


@lru_cache(maxsize=64)
def hours_of(opens: time | None, closes: time | None, lunch_from: time | None, lunch_to: time | None,
             weekdays: str = "01234") -> WorkingHours:
    """Return (cached) working hours; identical schedules share one object."""
    return WorkingHours(opens=opens or time(9), closes=closes or time(18, 30), lunch_from=lunch_from, lunch_to=lunch_to,
                        weekdays=frozenset(int(d) for d in weekdays))


class Provider(Base):
    """An organisation with its address and hours: a provider (көрсетілетін қызметті беруші) or a service centre."""

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
    #: the name in English, for the English interface (empty: the Russian name is shown)
    name_en: Mapped[str] = mapped_column(String(300), default="", server_default="")
    #: the district or city it serves
    area_kk: Mapped[str] = mapped_column(String(200), default="")
    #: the district or city in Russian
    area_ru: Mapped[str] = mapped_column(String(200), default="", server_default="")
    #: the district or city in English
    area_en: Mapped[str] = mapped_column(String(200), default="", server_default="")
    #: postal address, verbatim from the regulation
    address: Mapped[str] = mapped_column(String(400))
    #: working schedule, verbatim from the regulation
    schedule_kk: Mapped[str] = mapped_column(Text, default="")
    #: business identification number, 12 digits
    bin: Mapped[str] = mapped_column(String(12))
    #: opening time, HH:MM (Kazakhstan time)
    opens: Mapped[str] = mapped_column(String(5), default="09:00", server_default="09:00")
    #: closing time, HH:MM
    closes: Mapped[str] = mapped_column(String(5), default="18:30", server_default="18:30")
    #: lunch break start, HH:MM, or None
    lunch_from: Mapped[str | None] = mapped_column(String(5), default="13:00", server_default="13:00")
    #: lunch break end, HH:MM, or None
    lunch_to: Mapped[str | None] = mapped_column(String(5), default="14:30", server_default="14:30")
    #: the days it works, Monday = 0 (a centre: "012345", Monday to Saturday); holidays are always off
    weekdays: Mapped[str] = mapped_column(String(7), default="01234", server_default="01234")
    #: True when the head signs results with their own EDS; False: the portal seals them with the organisation key
    head_signs_results: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: True for providers made up for the demo, not taken from a regulation
    is_demo: Mapped[bool] = mapped_column(default=False)

    @property
    def hours(self) -> WorkingHours:
        """Return the provider's working hours for the deadline calendar."""
        def at(value: str | None) -> time | None:
            return time.fromisoformat(value) if value else None
        return hours_of(at(self.opens), at(self.closes), at(self.lunch_from), at(self.lunch_to), self.weekdays or "01234")

    @property
    def is_centre(self) -> bool:
        """Tell whether this is a State Corporation service centre rather than a provider."""
        return self.kind == ProviderKind.service_centre

    def name(self, locale: str) -> str:
        """Return the name in the given locale (in English where there is one, else in Russian; Kazakh otherwise)."""
        if locale == "en":
            return self.name_en or self.name_ru or self.name_kk
        return (self.name_ru or self.name_kk) if locale == "ru" else self.name_kk

    def area(self, locale: str) -> str:
        """Return the district or city it serves in the given locale, as name() chooses."""
        if locale == "en":
            return self.area_en or self.area_ru or self.area_kk
        return (self.area_ru or self.area_kk) if locale == "ru" else self.area_kk
