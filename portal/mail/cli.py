"""flask commands: the outbox worker and the staff's daily digest."""
from __future__ import annotations

import signal

import click
from flask import Flask

from portal.mail.sender import Worker, deliver_due, letterhead_for, send_digests, transport_for


def register_mail_cli(app: Flask) -> None:
    """Add the mail commands to `flask`."""

    @app.cli.command("outbox-worker")
    @click.option("--once", is_flag=True, help="Deliver what is due now and exit (for tests and cron).")
    @click.option("--interval", type=click.FloatRange(min=0.1), default=5.0, show_default=True,
                  help="Seconds between two looks at the outbox.")
    def outbox_worker_command(once: bool, interval: float) -> None:
        """Send the outbox's e-mails after their commit; write the staff digest daily at 08:00."""
        ctx = app.extensions["portal"]
        transport, letterhead = transport_for(ctx.config), letterhead_for(ctx.config)
        if once:
            done = deliver_due(ctx.sessions, transport, letterhead)
            click.echo(f"outbox: {done.sent} sent, {done.failed} failed, through {transport}")
            return
        worker = Worker(ctx.sessions, transport, letterhead, interval)
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: worker.stop())
        click.echo(f"The outbox worker sends e-mails through {transport}")
        worker.run()

    @app.cli.command("staff-digest")
    def staff_digest_command() -> None:
        """Write today's digest e-mail for every staff member with something due (once a day each)."""
        count = send_digests(app.extensions["portal"].sessions)
        click.echo(f"staff digest: {count} e-mail(s) written to the outbox")
