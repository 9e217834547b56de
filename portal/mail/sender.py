"""The outbox's sender: deliver due rows after their commit, retry with backoff, send the staff digest daily.

Every row is claimed, sent and marked in one short transaction of its own, so several senders (on
several machines, on PostgreSQL) share the work without sending a row twice; see portal.domain.outbox.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import date
from email.message import EmailMessage
from typing import Callable

from sqlalchemy.orm import Session, sessionmaker

from portal import clock
from portal.config import Config
from portal.domain.dashboard_rollup import rollup_job, settled_until
from portal.domain.models import OutboxMessage
from portal.domain.outbox import claim_next, digest_is_due, enqueue_digests, mark_failed, mark_sent
from portal.mail.render import Letterhead, render
from portal.mail.transport import PickupDirectory, SmtpTransport, Transport, is_permanent

log = logging.getLogger(__name__)

#: rows one pass sends at most, so that a long queue still lets the loop look at the clock
BATCH = 200


def transport_for(config: Config) -> Transport:
    """Return SMTP when SMTP_HOST is set, else the pickup directory instance/mail/."""
    if config.smtp_host:
        return SmtpTransport(config.smtp_host, config.smtp_port)
    return PickupDirectory(config.mail_dir)


def letterhead_for(config: Config) -> Letterhead:
    """Return the From address and the links' base for this portal."""
    return Letterhead(sender=config.mail_from, public_url=config.public_url.rstrip("/"))


@dataclass
class Pass:
    """What one delivery pass did."""

    sent: int = 0
    failed: int = 0


def deliver_due(sessions: sessionmaker[Session], transport: Transport, letterhead: Letterhead,
                renderer: Callable[[OutboxMessage, Letterhead], EmailMessage] = render, limit: int = BATCH) -> Pass:
    """Send the rows that are due, each in a transaction of its own; return the counts."""
    done = Pass()
    for _ in range(limit):
        with sessions() as session:
            message = claim_next(session, clock.now_kz())
            if message is None:
                return done
            try:
                transport.send(renderer(message, letterhead))
            except Exception as error:  # noqa: BLE001 - whatever went wrong is recorded on the row and retried
                log.warning("outbox %s not sent: %s", message.id, error)
                mark_failed(message, clock.now_kz(), f"{type(error).__name__}: {error}", permanent=is_permanent(error))
                done.failed += 1
            else:
                mark_sent(message, clock.now_kz())
                done.sent += 1
            session.commit()
    return done


def send_digests(sessions: sessionmaker[Session]) -> int:
    """Write today's staff digests into the outbox (once per person and day); return how many were written."""
    with sessions() as session:
        count = enqueue_digests(session, clock.now_kz())
        session.commit()
    return count


class Worker:
    """Deliver the outbox every `interval` seconds and write the digest once a day, until stopped."""

    def __init__(self, sessions: sessionmaker[Session], transport: Transport, letterhead: Letterhead,
                 interval: float) -> None:
        """Remember what to deliver through and how often."""
        self.sessions, self.transport, self.letterhead, self.interval = sessions, transport, letterhead, interval
        self.stopped = threading.Event()
        self.digest_day: date | None = None
        self.rollup_day: date | None = None

    def step(self) -> Pass:
        """Run one round: the digest and the dashboard's rollup when due today, then a delivery pass."""
        now = clock.now_kz()
        if digest_is_due(now, self.digest_day):
            send_digests(self.sessions)
            self.digest_day = now.date()
        if settled_until(now).date() != self.rollup_day:  # once a day, soon after midnight: yesterday is over
            rollup_job(self.sessions, now)
            self.rollup_day = settled_until(now).date()
        return deliver_due(self.sessions, self.transport, self.letterhead)

    def run(self) -> None:
        """Loop until stop() is called (a signal, or the test that started it)."""
        while not self.stopped.is_set():
            try:
                self.step()
            except Exception:  # noqa: BLE001 - a database hiccup must not end the worker
                log.exception("outbox round failed")
            self.stopped.wait(self.interval)

    def stop(self) -> None:
        """Ask the loop to end after the current round."""
        self.stopped.set()
