"""Sign as the demo people would, with the Python test signer (the same CMS the browser signer makes)."""
from __future__ import annotations

import base64
from datetime import datetime
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal import demo
from portal.domain.models import Provider
from portal.domain.calendar import KZ_TZ
from cryptography.hazmat.primitives.serialization import Encoding

from portal import clock
from portal.pki.testsigner import P12Signer


KEYS_VALID_FROM = datetime(2025, 11, 1, tzinfo=KZ_TZ)


def signing_time_for(app: Flask) -> datetime | None:
    """Return the application clock's time as the signer's clock (a signer's clock agrees with the server's)."""
    return clock.utcnow()


def demo_keys(app: Flask) -> dict[str, demo.DemoKey]:
    """Return the demo EDS keys by IIN (issued once into the test instance folder), the staff's registered."""
    ctx = app.extensions["portal"]
    with ctx.sessions() as session:
        providers = {p.code: (p.name_kk, p.bin) for p in session.scalars(select(Provider))}
    # valid from well before the dates the suite pins and for years after, so pinned and real clocks both fit
    keys = demo.issue_eds_keys(ctx.ca, providers, ctx.config.instance_dir / "demo-eds",
                               valid_from=KEYS_VALID_FROM, valid_days=3650)
    with ctx.sessions() as session:  # the staff's signing certificates are registered, as make run does
        demo.register_staff_keys(session, ctx.ca, keys, clock.now_kz())
        session.commit()
    return {k.account.iin: k for k in keys}


def signer(app: Flask, iin: str, *, auth: bool = False) -> P12Signer:
    """Open a demo person's signing (or authentication) key."""
    key = demo_keys(app)[iin]
    return P12Signer.from_p12(Path(key.auth_file if auth else key.signing_file).read_bytes(), key.password)


def announce(key: P12Signer, *, consent: bool = False) -> dict[str, object]:
    """Return the prepare request's body: the signing certificate the page announces, as base64 DER.

    With ``consent`` the body carries the applicant's tick of the consent to use protected data, as the
    review page sends it: an applicant's request is prepared only with it.
    """
    body: dict[str, object] = {"certificate": base64.b64encode(key.certificate.public_bytes(Encoding.DER)).decode()}
    return {**body, "consent": True} if consent else body


def sign_prepared(client: FlaskClient, prepare_url: str, finish_url: str, key: P12Signer,
                  signing_time: datetime | None = None,
                  announced: P12Signer | None = None, consent: bool = False):  # type: ignore[no-untyped-def]
    """Prepare a document (announcing ``announced``, by default the signing key, with the applicant's
    consent when ``consent``), sign the prepared bytes detached, and send the CMS; return the finish response."""
    if signing_time is None:
        signing_time = signing_time_for(client.application)
    prepared = client.post(prepare_url, json=announce(announced or key, consent=consent))
    assert prepared.status_code == 200, prepared.get_data(as_text=True)
    body = prepared.get_json()
    cms = key.create_cms(base64.b64decode(body["data"]), attached=False, signing_time=signing_time)
    return client.post(finish_url, json={"token": body["token"], "cms": base64.b64encode(cms).decode()})
