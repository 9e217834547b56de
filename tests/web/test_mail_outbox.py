"""E-mail through the outbox, against a real SMTP server on this machine: language, retries, exactly once."""
from __future__ import annotations

import email
import os
import socket
import threading
from dataclasses import dataclass, field
from datetime import timedelta
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path
from typing import Iterator

import pytest
from aiosmtpd.controller import Controller
from babel.messages.pofile import read_po
from sqlalchemy import func, select

from portal import clock, demo
from portal.domain.models import Application, OutboxMessage, Person
from portal.domain.workflow import transition
from portal.mail.render import Letterhead
from portal.mail.sender import deliver_due
from portal.mail.transport import SmtpTransport
from tests.conftest import MONDAY_10, account
from tests.factories import submitted_request
from tests.web.test_backoffice import do

ROOT = Path(__file__).resolve().parents[2]
LETTERHEAD = Letterhead(sender="noreply@portal.test", public_url="http://portal.test")


@dataclass
class Inbox:
    """An aiosmtpd handler that keeps what it receives."""

    messages: list[EmailMessage] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope) -> str:  # type: ignore[no-untyped-def]
        self.messages.append(email.message_from_bytes(envelope.content, policy=default_policy))
        return "250 Message accepted for delivery"


class SmtpServer:
    """A real SMTP server on a free local port that a test can stop and start again on the same port."""

    def __init__(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.inbox = Inbox()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def transport(self) -> SmtpTransport:
        return SmtpTransport("127.0.0.1", self.port, timeout=5)


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


def translated(locale: str, msgid: str) -> str:
    """Return the catalog's translation of a message."""
    with (ROOT / "portal" / "translations" / locale / "LC_MESSAGES" / "messages.po").open("rb") as f:
        found = read_po(f, locale=locale).get(msgid)
    assert found is not None and found.string, msgid
    return found.string


def deliver(app, transport) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    with app.app_context():
        done = deliver_due(app.extensions["portal"].sessions, transport, LETTERHEAD)
    return done.sent, done.failed


def outbox(app) -> list[OutboxMessage]:  # type: ignore[no-untyped-def]
    with app.extensions["portal"].sessions() as s:
        rows = list(s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
        s.expunge_all()
        return rows


def number_of(app, app_id: int) -> str:  # type: ignore[no-untyped-def]
    with app.extensions["portal"].sessions() as s:
        return s.get(Application, app_id).number


def body(message: EmailMessage) -> str:
    return message.get_body(("plain",)).get_content()


def test_a_step_is_mailed_in_the_recipients_language(app, citizen, smtp):
    app_id = submitted_request(app, citizen)  # written while the citizen's language was Kazakh
    number = number_of(app, app_id)
    assert citizen.get("/lang/ru").status_code == 302  # she switches to Russian: her next e-mails are Russian
    with app.extensions["portal"].sessions() as s:
        assert s.scalar(select(Person.locale).where(Person.iin == demo.CITIZEN.iin)) == "ru"
    assert do(app, "office_clerk", app_id, "register").status_code == 302

    assert deliver(app, smtp.transport) == (2, 0)
    submitted, registered = smtp.inbox.messages
    assert registered["To"] == f"{demo.CITIZEN.iin}@demo.invalid"
    assert registered["From"] == "noreply@portal.test"
    assert registered["Content-Language"] == "ru"
    assert registered["Subject"] == translated("ru", "Request %(number)s has been registered by the provider's office."
                                               ) % {"number": number}
    text = body(registered)
    assert demo.CITIZEN.full_name in text
    assert registered["Subject"] in text
    assert f"http://portal.test/cabinet/requests/{app_id}" in text
    assert submitted["Content-Language"] == "kk"
    kk_text = translated("kk", "Request %(number)s has been submitted. The provider's deadline is %(deadline)s.")
    assert kk_text.split("%(number)s")[1].split("%(deadline)s")[0].strip() in body(submitted)
    rows = outbox(app)
    assert [r.sent_at for r in rows] == [MONDAY_10, MONDAY_10]
    assert submitted["Message-ID"] == f"<outbox.{rows[0].id}.20261123100000@portal.test>"
    assert deliver(app, smtp.transport) == (0, 0)  # nothing is sent twice
    assert len(smtp.inbox.messages) == 2


def test_a_server_that_is_down_gets_the_mail_once_it_is_back(app, citizen, smtp):
    app_id = submitted_request(app, citizen)
    smtp.stop()
    assert deliver(app, smtp.transport) == (0, 1)
    [row] = outbox(app)
    assert row.sent_at is None and row.attempts == 1
    assert "Connection" in row.last_error or "refused" in row.last_error.lower()
    assert row.next_attempt_at == MONDAY_10 + timedelta(minutes=1)
    assert deliver(app, smtp.transport) == (0, 0)  # not due again yet

    clock.pin(MONDAY_10 + timedelta(minutes=1))
    assert deliver(app, smtp.transport) == (0, 1)
    [row] = outbox(app)
    assert row.attempts == 2 and row.next_attempt_at == MONDAY_10 + timedelta(minutes=3)  # the wait doubles

    smtp.start()
    clock.pin(MONDAY_10 + timedelta(minutes=3))
    assert deliver(app, smtp.transport) == (1, 0)
    assert deliver(app, smtp.transport) == (0, 0)
    clock.pin(MONDAY_10 + timedelta(days=1))
    assert deliver(app, smtp.transport) == (0, 0)
    [row] = outbox(app)
    assert row.attempts == 3 and row.sent_at == MONDAY_10 + timedelta(minutes=3) and row.last_error is None
    [message] = smtp.inbox.messages
    assert number_of(app, app_id) in message["Subject"]


def test_a_rolled_back_step_writes_and_sends_nothing(app, citizen, smtp):
    app_id = submitted_request(app, citizen)
    assert deliver(app, smtp.transport) == (1, 0)
    with app.extensions["portal"].sessions() as s:
        clerk = s.scalar(select(Person).where(Person.iin == account("office_clerk", "petropavl").iin))
        transition(s, s.get(Application, app_id), "register", clerk, MONDAY_10)
        assert s.scalar(select(func.count(OutboxMessage.id))) == 2  # written in the step's transaction...
        s.rollback()  # ...and gone with it
    assert len(outbox(app)) == 1
    assert deliver(app, smtp.transport) == (0, 0)
    assert len(smtp.inbox.messages) == 1


def test_without_smtp_the_mail_lands_in_the_pickup_folder(app, citizen):
    app_id = submitted_request(app, citizen)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["outbox-worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "1 sent" in result.output
    folder = app.extensions["portal"].config.instance_dir / "mail"
    [row] = outbox(app)
    [path] = [p for p in folder.glob("*.eml") if p.name.startswith(f"outbox.{row.id}.")]
    message = email.message_from_bytes(path.read_bytes(), policy=default_policy)
    assert number_of(app, app_id) in message["Subject"]
    path.unlink()


class MeetingTransport:
    """Hold each worker's first message until both workers hold one, then hand it to SMTP."""

    def __init__(self, inner: SmtpTransport, barrier: threading.Barrier) -> None:
        self.inner, self.barrier, self.waited = inner, barrier, False

    def send(self, message: EmailMessage) -> None:
        if not self.waited:
            self.waited = True
            self.barrier.wait(timeout=20)  # a worker blocked on the other's row lock would never get here
        self.inner.send(message)


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="SKIP LOCKED needs PostgreSQL")
def test_two_workers_at_once_send_each_mail_once(app, citizen, smtp, database_url):
    from portal.domain.db import make_engine, make_session_factory
    from portal.domain.notifications import notify

    app_id = submitted_request(app, citizen)
    with app.extensions["portal"].sessions() as s:
        request, person = s.get(Application, app_id), s.scalar(select(Person).where(Person.iin == demo.CITIZEN.iin))
        for _ in range(19):
            notify(s, request, person, "registered", {"number": request.number}, MONDAY_10)
        s.commit()
    barrier = threading.Barrier(2)
    engines = [make_engine(database_url) for _ in range(2)]
    results: list = [None, None]

    def work(i: int) -> None:
        with app.app_context():
            results[i] = deliver_due(make_session_factory(engines[i]), MeetingTransport(smtp.transport, barrier),
                                     LETTERHEAD)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    for e in engines:
        e.dispose()
    assert [r.failed for r in results] == [0, 0]
    assert all(r.sent > 0 for r in results) and sum(r.sent for r in results) == 20
    ids = [m["Message-ID"] for m in smtp.inbox.messages]
    assert len(ids) == 20 and len(set(ids)) == 20
    assert all(r.sent_at is not None and r.attempts == 1 for r in outbox(app))
