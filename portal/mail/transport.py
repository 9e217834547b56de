"""Where e-mails go: a real SMTP server, or a pickup directory of .eml files when none is configured."""
from __future__ import annotations

import os
import smtplib
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol


class Transport(Protocol):
    """Something that takes a message for delivery or raises."""

    def send(self, message: EmailMessage) -> None:
        """Hand the message over; raise when it was not accepted."""


class SmtpTransport:
    """Deliver through an SMTP server (one connection per message: the outbox is small and steady)."""

    def __init__(self, host: str, port: int, timeout: float = 10.0) -> None:
        """Remember the server."""
        self.host, self.port, self.timeout = host, port, timeout

    def send(self, message: EmailMessage) -> None:
        """Send the message; smtplib raises when the server is down or refuses it."""
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            smtp.send_message(message)

    def __str__(self) -> str:
        """Say where mail goes."""
        return f"SMTP {self.host}:{self.port}"


class PickupDirectory:
    """Write each message as an .eml file, named by its Message-ID, for a mail program (or a person) to pick up."""

    def __init__(self, folder: Path) -> None:
        """Remember the folder."""
        self.folder = folder

    def send(self, message: EmailMessage) -> None:
        """Write the message atomically; writing the same message again leaves one file."""
        self.folder.mkdir(parents=True, exist_ok=True)
        name = "".join(c if c.isalnum() or c in "._-" else "_" for c in str(message["Message-ID"]).strip("<>"))
        path = self.folder / f"{name}.eml"
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(message.as_bytes())
        os.replace(tmp, path)

    def __str__(self) -> str:
        """Say where mail goes."""
        return f"the folder {self.folder}"


def is_permanent(error: BaseException) -> bool:
    """Tell whether the server refused for good (5xx), so retrying cannot help."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    return isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500
