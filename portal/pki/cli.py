"""``flask eds``: issue person keys, revoke certificates, publish the CRL of the local test CA."""

from __future__ import annotations

import os
from pathlib import Path

import click
from cryptography import x509
from flask import Flask, current_app
from flask.cli import AppGroup

from portal.pki.ca import LocalCA
from portal.pki.registry import REASONS


def _ca() -> LocalCA:
    """Return the running app's CA."""
    return current_app.extensions["portal"].ca


def _write_private(path: Path, data: bytes) -> None:
    """Write a key file readable by the owner only."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


def _serial(text: str) -> int:
    """Parse a certificate serial written in hex (as in the .p12 file names), with or without 0x."""
    cleaned = text.strip().lower().removeprefix("0x").replace(":", "")
    try:
        return int(cleaned, 16)
    except ValueError:
        raise click.BadParameter(f"{text!r} is not a hexadecimal serial number") from None


eds = AppGroup("eds", help="The local test CA (NOT FOR PRODUCTION): person keys, revocation, CRL.")


@eds.command("issue")
@click.option("--iin", required=True, help="12-digit IIN.")
@click.option("--surname", required=True)
@click.option("--name", required=True)
@click.option("--patronymic", default=None)
@click.option("--organisation", default=None, help="Employer (staff certificates), with --bin.")
@click.option("--bin", "bin_", default=None, help="12-digit BIN of the employer, with --organisation.")
@click.option("--password", required=True, help="Password of both .p12 files.")
@click.option("--valid-days", default=365, show_default=True, type=click.IntRange(min=1))
@click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path))
def issue_command(
    iin: str,
    surname: str,
    name: str,
    patronymic: str | None,
    organisation: str | None,
    bin_: str | None,
    password: str,
    valid_days: int,
    out: Path,
) -> None:
    """Issue a signing and an authentication key and write the two .p12 files."""
    try:
        keys = _ca().issue_person(
            iin=iin,
            surname=surname,
            name=name,
            patronymic=patronymic,
            organisation=organisation,
            bin=bin_,
            password=password,
            valid_days=valid_days,
        )
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    out.mkdir(parents=True, exist_ok=True)
    for filename, data in ((keys.signing_filename, keys.signing_p12), (keys.auth_filename, keys.auth_p12)):
        path = out / filename
        _write_private(path, data)
        click.echo(str(path))


@eds.command("revoke")
@click.argument("serial", callback=lambda _ctx, _param, value: _serial(value))
@click.option("--reason", default="key_compromise", show_default=True, type=click.Choice(sorted(REASONS)))
def revoke_command(serial: int, reason: str) -> None:
    """Revoke the certificate with SERIAL (hex, as in the .p12 file name)."""
    try:
        added = _ca().revoke(serial, reason)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"revoked {serial:x} ({reason})" if added else f"{serial:x} was already revoked")


@eds.command("publish-crl")
def publish_crl_command() -> None:
    """Write the current CRL to the CA's store and print where, with its number of revoked certificates."""
    ca = _ca()
    crl = x509.load_der_x509_crl(ca.crl_der())
    click.echo(f"{ca.crl_location}  ({len(crl)} revoked)")


def register_pki_cli(app: Flask) -> None:
    """Add the ``flask eds`` command group."""
    app.cli.add_command(eds)
