"""The applicant's notifications: written with the change they tell about, e-mailed through the outbox, read in the cabinet."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Mapping

from sqlalchemy import Integer, bindparam, func, select, update
from sqlalchemy.orm import Session

from portal.domain.models import LOCALES, Application, Notification, OutboxMessage, Person


def notify(session: Session, app: Application, recipient: Person, code: str, params: Mapping[str, Any],
           at: datetime) -> Notification:
    """Tell a person about their request: in the cabinet, and by e-mail when they gave an address.

    Both rows join the caller's transaction, so a step rolled back sends nothing; the outbox's
    sender delivers the e-mail only after the commit.
    """
    note = Notification(application_id=app.id, recipient_id=recipient.id, code=code, params=dict(params),
                        created_at=at)
    session.add(note)
    if recipient.email:
        session.add(OutboxMessage(recipient_id=recipient.id, to_address=recipient.email, locale=recipient.locale,
                                  kind="notification", notification=note, application_id=app.id, code=code,
                                  params=dict(params), created_at=at, next_attempt_at=at))
    return note


def unread_count(session: Session, person: Person) -> int:
    """Return how many of the person's notifications they have not seen yet (one query)."""
    return session.scalar(select(func.count(Notification.id)).where(
        Notification.recipient_id == person.id, Notification.read_at.is_(None))) or 0


#: the signed-in person and their unread notifications: every page shows the count, so it comes with the person
_PERSON_WITH_UNREAD = select(
    Person,
    select(func.count(Notification.id)).where(Notification.recipient_id == Person.id, Notification.read_at.is_(None))
    .correlate(Person).scalar_subquery(),
).where(Person.id == bindparam("person_id", type_=Integer))


def person_with_unread(session: Session, person_id: int) -> tuple[Person | None, int]:
    """Return the person and how many of their notifications they have not seen yet, in one round trip."""
    row = session.execute(_PERSON_WITH_UNREAD, {"person_id": person_id}).first()
    return (None, 0) if row is None else (row[0], row[1] or 0)


def mark_read(session: Session, app: Application, person: Person, at: datetime) -> frozenset[int]:
    """Mark the person's notifications on this request read; return the ids that were unread until now."""
    fresh = frozenset(session.scalars(select(Notification.id).where(
        Notification.application_id == app.id, Notification.recipient_id == person.id,
        Notification.read_at.is_(None))))
    if fresh:
        session.execute(update(Notification).where(Notification.id.in_(fresh), Notification.read_at.is_(None))
                        .values(read_at=at).execution_options(synchronize_session=False))
    return fresh


def choose_locale(person: Person, code: str) -> None:
    """Remember the interface language a person chose; their e-mails are written in it from now on."""
    if code in LOCALES:
        person.locale = code
