"""The one way the portal writes dates and times, on its pages, in its e-mails and in its PDFs.

Kazakh and Russian official documents write dd.MM.yyyy; the English pages use the same digits, so a
date reads the same in a citizen's cabinet, on the provider's card and on the signed result.
"""
from __future__ import annotations

from datetime import date, datetime

#: a day, as Kazakh official documents print it
DAY = "%d.%m.%Y"
#: a moment to the minute
MINUTE = DAY + " %H:%M"
#: a moment to the second (a signature's time)
SECOND = DAY + " %H:%M:%S"


def day(value: date) -> str:
    """Write a day as dd.MM.yyyy."""
    return value.strftime(DAY)


def minute(value: datetime) -> str:
    """Write a moment as dd.MM.yyyy HH:mm."""
    return value.strftime(MINUTE)


def second(value: datetime) -> str:
    """Write a moment as dd.MM.yyyy HH:mm:ss."""
    return value.strftime(SECOND)


def typed_day(value: str) -> str:
    """Write a date typed in a form (ISO, as a date input sends it) as dd.MM.yyyy; leave anything else as typed."""
    try:
        return day(date.fromisoformat(value))
    except ValueError:
        return value
