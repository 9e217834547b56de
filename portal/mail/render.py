"""Write an outbox row as an e-mail in its recipient's language, from the same message codes the cabinet shows."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from email.message import EmailMessage
from email.utils import format_datetime as rfc2822_date

from flask_babel import force_locale, gettext as _

from portal import clock, dates, labels
from portal.domain.catalog import UnknownService, get_service
from portal.domain.models import OutboxMessage
from portal.web import localized


@dataclass(frozen=True)
class Letterhead:
    """Who the portal's e-mails come from and where their links point."""

    #: the From address
    sender: str
    #: the portal's address, without a trailing slash
    public_url: str

    @property
    def domain(self) -> str:
        """Return the domain Message-IDs are made in."""
        return self.sender.rpartition("@")[2].strip(">") or "localhost"


def message_id(message: OutboxMessage, letterhead: Letterhead) -> str:
    """Return the row's Message-ID: the same for every attempt, so a copy sent twice is one message."""
    return f"<outbox.{message.id}.{message.created_at:%Y%m%d%H%M%S}@{letterhead.domain}>"


def _service_name(code: str) -> str:
    """Return a service's name in the current language, or its code when the catalog no longer has it."""
    try:
        return localized(get_service(code).name)
    except UnknownService:
        return code


def _notification(message: OutboxMessage, letterhead: Letterhead) -> tuple[str, str]:
    """Return the subject and body of a request's notification."""
    text = labels.notification_text(message.code, message.params)
    link = f"{letterhead.public_url}/cabinet/requests/{message.application_id}"
    body = "\n\n".join([
        _("Hello, %(name)s!", name=message.recipient.full_name),
        text,
        _("Open the request in your personal cabinet: %(url)s", url=link),
    ])
    return text, body


def _digest(message: OutboxMessage, letterhead: Letterhead) -> tuple[str, str]:
    """Return the subject and body of a staff member's daily digest."""
    params = message.params
    day = dates.day(date.fromisoformat(params["day"]))
    items = params["items"]
    subject = _("Requests due today and overdue, %(day)s: %(count)s", day=day, count=len(items) + params["more"])
    lines = [_("Hello, %(name)s!", name=message.recipient.full_name),
             _("These requests wait for your step and are due by the end of %(day)s:", day=day), ""]
    for item in items:
        due = dates.minute(datetime.fromisoformat(item["due_at"]))
        mark = _("overdue since %(time)s", time=due) if item["overdue"] else _("due by %(time)s", time=due)
        lines.append(f"- {item['number']} — {_service_name(item['service'])} — {mark}")
    if params["more"]:
        lines.append(_("…and %(count)s more.", count=params["more"]))
    lines += ["", _("Open your queue in the back office: %(url)s", url=f"{letterhead.public_url}/backoffice/")]
    return subject, "\n".join(lines)


KINDS = {"notification": _notification, "digest": _digest}


def render(message: OutboxMessage, letterhead: Letterhead) -> EmailMessage:
    """Return the e-mail for an outbox row, written in the row's language (needs the app's context)."""
    with force_locale(message.locale or "kk"):
        subject, body = KINDS[message.kind](message, letterhead)
        footer = _("This message was sent by the eGov education portal. Please do not reply to it.")
    email = EmailMessage()
    email["Subject"] = subject
    email["From"] = letterhead.sender
    email["To"] = message.to_address
    email["Date"] = rfc2822_date(clock.utcnow())
    email["Message-ID"] = message_id(message, letterhead)
    email["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies to a robot
    email.set_content(f"{body}\n\n-- \n{footer}\n")
    email["Content-Language"] = message.locale or "kk"  # after set_content, which drops Content-* headers
    return email

