"""flask commands: migrate the database, load the demo data, remove unneeded files, verify the audit chain, count
the dashboard's months."""
from __future__ import annotations


import click
from flask import Flask

from portal import demo, demo_registry
from portal.domain import audit_trail, calendar, dashboard_rollup
from portal.domain.file_cleanup import DEFAULT_GRACE_SECONDS, remove_unneeded_files
from portal.domain.migrate import upgrade
from portal.domain.move_to_database import MoveRefused, move_to_database
from portal.domain.pki_store import DatabasePkiStore
from portal.domain.storage import DatabaseFileStore, FolderFileStore
from portal.domain.models import Provider
from portal.web import now
from sqlalchemy import select


def register_cli(app: Flask) -> None:
    """Add the portal's commands to `flask`."""

    @app.cli.command("migrate")
    def migrate_command() -> None:
        """Upgrade the database to the newest schema."""
        ctx = app.extensions["portal"]
        upgrade(ctx.sessions.kw["bind"])
        click.echo(f"database is up to date: {ctx.sessions.kw['bind'].url.render_as_string(hide_password=True)}")

    @app.cli.command("demo-data")
    def demo_data_command() -> None:
        """Upgrade the database, load the demo providers and accounts (idempotent) and print the accounts."""
        ctx = app.extensions["portal"]
        upgrade(ctx.sessions.kw["bind"])  # `make run` does both in one process: the imports cost seconds
        with ctx.sessions() as session:
            accounts = demo.load(session, calendar.now_kz())
            session.commit()
            providers = {p.code: (p.name_kk, p.bin) for p in session.scalars(select(Provider))}
        keys = demo.issue_eds_keys(ctx.ca, providers, ctx.config.instance_dir / "demo-eds")
        with ctx.sessions() as session:  # staff sign only with a registered certificate
            demo.register_staff_keys(session, ctx.ca, keys, calendar.now_kz())
            session.commit()
        url = ctx.config.public_url
        click.echo(f"\nThe portal: {url}/   (sign in: {url}/auth/sign-in)")
        click.echo("Demo accounts (sign in with the IIN and the password):")
        for a in accounts:
            where = f" at {a.provider_code}" if a.provider_code else ""
            click.echo(f"  {a.role.value:<14} {a.iin}  {a.password:<28} {a.full_name}{where}")
        click.echo("\nStand-in registries (ГБД ФЛ, ЕНИС are closed systems; the portal answers from its own demo tables):")
        click.echo(f"  at the operator's desk ({url}/desk/), file for the citizen {demo.CITIZEN.iin}, or for them "
                   f"through the representative {demo_registry.AGENT_IIN} under power of attorney "
                   f"{demo_registry.POA_VALID} (expired: {demo_registry.POA_EXPIRED}; "
                   f"another service's: {demo_registry.POA_OUT_OF_SCOPE})")
        click.echo(f"  the citizen's child in the registry: IIN {demo_registry.CHILD_IIN}")
        click.echo("\nDemo EDS keys (sign in with EDS at /auth/eds; sign requests and results):")
        for k in keys:
            click.echo(f"  {k.account.role.value:<13} {k.account.iin}  password {k.password}")
            click.echo(f"      signing:        {k.signing_file}")
            click.echo(f"      authentication: {k.auth_file}")
        click.echo("")

    @app.cli.command("dashboard-rollup")
    @click.option("--month", "months", multiple=True, metavar="YYYY-MM",
                  help="Count only this month (repeatable); by default every month since the first request.")
    @click.option("--force", is_flag=True, help="Count again even what is counted already (after loading old data).")
    def dashboard_rollup_command(months: tuple[str, ...], force: bool) -> None:
        """Count the dashboard's months that are over (and this month's past days) into its rollup, idempotently."""
        for month in months:
            if len(month) != 7 or month[4] != "-" or not (month[:4] + month[5:]).isdigit():
                raise click.BadParameter(f"{month!r} is not YYYY-MM", param_hint="--month")
        done = dashboard_rollup.rollup_job(app.extensions["portal"].sessions, now(), months=list(months) or None,
                                           force=force)
        click.echo(f"dashboard rollup: {len(done)} month(s) counted{': ' + ', '.join(done) if done else ''}")

    @app.cli.command("cleanup-files")
    @click.option("--grace-minutes", type=click.IntRange(min=0), default=DEFAULT_GRACE_SECONDS // 60,
                  show_default=True, help="Spare files written within this many minutes.")
    @click.option("--dry-run", is_flag=True, help="Only count what would be removed.")
    def cleanup_files_command(grace_minutes: int, dry_run: bool) -> None:
        """Remove stored files no row needs: replaced or removed scans, prepared PDFs never signed."""
        ctx = app.extensions["portal"]
        with ctx.sessions() as session:
            # file ages are the file system's own times; signing sessions expire on the app's clock
            done = remove_unneeded_files(session, ctx.store, now(), ctx.store.file_time_now() - grace_minutes * 60,
                                         dry_run=dry_run)
        verb = "would remove" if dry_run else "removed"
        click.echo(f"{verb} {done.removed} files ({done.freed_bytes} bytes); kept {done.kept} in use; "
                   f"{done.temporaries} stale temporary files removed")

    @app.cli.command("move-files-to-database")
    def move_files_to_database_command() -> None:
        """Copy this machine's stored files and CA into PostgreSQL, before setting PORTAL_FILE_STORE=database."""
        ctx = app.extensions["portal"]
        engine = ctx.sessions.kw["bind"]
        if engine.dialect.name != "postgresql":
            raise click.ClickException("the database store needs PostgreSQL: run this with the DATABASE_URL of the "
                                       "portal's own PostgreSQL database")
        try:
            moved = move_to_database(FolderFileStore(ctx.config.files_dir), DatabaseFileStore(engine),
                                     ctx.config.pki_dir, DatabasePkiStore(engine))
        except MoveRefused as refused:
            raise click.ClickException(str(refused)) from refused
        click.echo(f"copied {moved.blobs} stored files, {moved.pki_files} CA files and {moved.records} CA records "
                   f"into {engine.url.render_as_string(hide_password=True)}")
        if moved.damaged:
            raise click.ClickException(f"{len(moved.damaged)} stored files no longer match their hash and were not "
                                       f"copied: {', '.join(moved.damaged)}")
        click.echo("now set PORTAL_FILE_STORE=database on every machine")

    @app.cli.command("audit-verify")
    @click.option("--batch", type=click.IntRange(min=1, max=100_000), default=1000, show_default=True,
                  help="Entries read per query.")
    def audit_verify_command(batch: int) -> None:
        """Walk the audit chain; say OK with the count, or the first edited or deleted entry (exit code 1)."""
        ctx = app.extensions["portal"]
        with ctx.sessions() as session:
            verdict = audit_trail.verify(session, batch=batch)
        if not verdict.ok:
            click.echo(f"BROKEN: {verdict.message} ({verdict.count} entries before it intact)", err=True)
            raise SystemExit(1)
        click.echo(verdict.message)
