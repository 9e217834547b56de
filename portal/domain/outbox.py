"""The outbox's bookkeeping: which e-mails are due, claiming one for a sender, retries with backoff, staff digests.

A sender claims a row inside its own transaction (`SELECT ... FOR UPDATE SKIP LOCKED` on PostgreSQL),
hands it to the mail server, marks it sent and commits: the row lock keeps every other sender, on any
machine, off that row meanwhile. Should a sender die between the server's "250 OK" and its commit, the
row is sent again later with the same Message-ID, which lets mail systems drop the copy.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal.domain.models import PROVIDER_ROLES, Membership, OutboxMessage, Person
from portal.domain.queues import due_by

#: the first retry waits this long; each further one twice as long as the one before
FIRST_RETRY = timedelta(minutes=1)
#: but never longer than this, so a mail server back after a night's outage gets the mail within the hour
LONGEST_RETRY = timedelta(hours=1)
#: an error message is kept up to this length
ERROR_LENGTH = 500
#: the staff digest lists at most this many requests (and says how many more there are)
DIGEST_ITEMS = 100
#: when the daily digest goes out, Kazakhstan time
DIGEST_AT = time(8, 0)


def claim_next(session: Session, now: datetime) -> OutboxMessage | None:
    """Lock and return the next unsent row that is due, skipping rows other senders hold; None when none is."""
    query = (select(OutboxMessage)
             .where(OutboxMessage.sent_at.is_(None), OutboxMessage.next_attempt_at <= now)
             .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(1)
             .with_for_update(skip_locked=True))  # SQLite ignores it: there is one writer at a time
    return session.scalar(query)


def retry_delay(attempts: int) -> timedelta:
    """Return how long to wait after the given number of failed attempts."""
    return min(FIRST_RETRY * 2 ** min(max(attempts - 1, 0), 10), LONGEST_RETRY)


def mark_sent(message: OutboxMessage, at: datetime) -> None:
    """Record that the mail server accepted the message."""
    message.attempts += 1
    message.sent_at, message.next_attempt_at, message.last_error = at, None, None


def mark_failed(message: OutboxMessage, at: datetime, error: str, *, permanent: bool = False) -> None:
    """Record a failed attempt: try again after a growing wait, or never when the server refused for good."""
    message.attempts += 1
    message.last_error = error[:ERROR_LENGTH]
    message.next_attempt_at = None if permanent else at + retry_delay(message.attempts)


def digest_key(person: Person, day: date) -> str:
    """Return the key that allows one digest per person and day."""
    return f"digest:{person.id}:{day.isoformat()}"


def digest_is_due(now: datetime, last_day: date | None) -> bool:
    """Tell whether a worker that last enqueued the digest on `last_day` should enqueue today's now."""
    return now.time() >= DIGEST_AT and last_day != now.date()


def enqueue_digests(session: Session, now: datetime) -> int:
    """Write today's digest for every provider staff member with an e-mail and something due; return how many.

    Each lists the requests waiting for the person's step that is overdue or due by the end of today.
    A person gets at most one a day, however often this runs and on however many machines: the
    outbox's unique key refuses a second one.
    """
    day = now.date()
    end_of_day = datetime.combine(day + timedelta(days=1), time())
    staff = session.scalars(select(Person).join(Membership, Membership.person_id == Person.id)
                            .where(Membership.role.in_(PROVIDER_ROLES), Person.email != "",
                                   Person.deactivated_at.is_(None)).order_by(Person.id))
    written = set(session.scalars(select(OutboxMessage.unique_key)
                                  .where(OutboxMessage.unique_key.like(f"digest:%:{day.isoformat()}"))))
    count = 0
    for person in staff:
        key = digest_key(person, day)
        if key in written:
            continue
        due = due_by(session, person, end_of_day)
        if not due:
            continue  # nothing waits: no mail
        items = [{"number": app.number, "service": app.service_code, "due_at": at.isoformat(), "overdue": at < now}
                 for app, at in due[:DIGEST_ITEMS]]
        try:
            with session.begin_nested():
                session.add(OutboxMessage(recipient_id=person.id, to_address=person.email, locale=person.locale,
                                          kind="digest", code="staff_digest", unique_key=key, created_at=now,
                                          next_attempt_at=now,
                                          params={"day": day.isoformat(), "items": items,
                                                  "more": len(due) - len(items),
                                                  "overdue": sum(1 for _, at in due if at < now)}))
        except IntegrityError:
            continue  # another worker wrote it meanwhile
        count += 1
    return count
