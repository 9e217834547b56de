"""One clock for the whole application: the domain, the CA, the TSA, CRLs and pyHanko follow it."""
from __future__ import annotations

import base64
from datetime import datetime, timedelta, timezone
from pathlib import Path

from asn1crypto import cms
from sqlalchemy import select
from sqlalchemy.engine import Engine

from portal import clock, demo
from portal.app import create_app
from portal.config import Config
from portal.domain.models import Application, Provider
from portal.pki.cmsbuild import signing_time_value
from portal.pki.testsigner import P12Signer
from tests.conftest import wipe
from tests.web.test_eds import draft_ready, submit_with

#: a Thursday morning after 2049, when UTCTime can no longer say the year
AFTER_2049 = datetime(2051, 3, 2, 10, 0)


def test_signing_time_is_utctime_until_2049_then_generalizedtime() -> None:
    assert signing_time_value(datetime(2049, 12, 31, 23, 0, tzinfo=timezone.utc)).name == "utc_time"
    late = signing_time_value(AFTER_2049)
    assert late.name == "generalized_time" and late.native == AFTER_2049.replace(tzinfo=clock.KZ_TZ)


def test_the_clock_is_pinned_and_moves_only_when_told() -> None:
    assert clock.now_kz() == datetime(2026, 11, 23, 10, 0)
    with clock.pinned(AFTER_2049):
        assert clock.utcnow() == datetime(2051, 3, 2, 5, 0, tzinfo=timezone.utc)
    assert clock.now_kz() == datetime(2026, 11, 23, 10, 0)


def _portal_in(instance: Path, database_url: str, engine: Engine):  # type: ignore[no-untyped-def]
    """Build a portal with its own CA in ``instance`` on an emptied database, the demo data loaded."""
    wipe(engine)
    app = create_app(Config(instance_dir=instance, database_url=database_url, testing=True, csrf_enabled=False,
                            public_url="http://portal.test"))
    with app.extensions["portal"].sessions() as session:
        demo.load(session, clock.now_kz())
        session.commit()
    return app


def _demo_key(app, iin: str, *, auth: bool) -> P12Signer:  # type: ignore[no-untyped-def]
    """Open a demo holder's key, issued (or renewed) on the application clock."""
    ctx = app.extensions["portal"]
    with ctx.sessions() as session:
        providers = {p.code: (p.name_kk, p.bin) for p in session.scalars(select(Provider))}
    key = next(k for k in demo.issue_eds_keys(ctx.ca, providers, ctx.config.instance_dir / "demo-eds")
               if k.account.iin == iin)
    return P12Signer.from_p12((key.auth_file if auth else key.signing_file).read_bytes(), key.password)


def test_the_portal_works_after_2049(tmp_path: Path, database_url: str, engine: Engine) -> None:
    """With the clock in 2051, a new CA, EDS sign-in, a signed request and its timestamp all follow it."""
    clock.pin(AFTER_2049)
    app = _portal_in(tmp_path, database_url, engine)
    ca = app.extensions["portal"].ca
    assert ca.root_cert.not_valid_before_utc.year == 2051
    client = app.test_client()
    page = client.get("/").get_data(as_text=True)
    assert '<meta name="portal-time" content="2051-03-02T05:00:00+00:00">' in page

    challenge = client.post("/auth/eds/challenge", json={}).get_json()["challenge"]
    auth = _demo_key(app, demo.CITIZEN.iin, auth=True)
    signed = auth.create_cms(base64.b64decode(challenge), attached=True)
    assert cms.ContentInfo.load(signed)["content"]["signer_infos"][0]["signed_attrs"][1]["values"][0].name \
        == "generalized_time"
    r = client.post("/auth/eds/sign-in", json={"cms": base64.b64encode(signed).decode()})
    assert r.status_code == 200, r.get_json()

    app_id = draft_ready(app, client)
    r = submit_with(client, app_id, _demo_key(app, demo.CITIZEN.iin, auth=False))
    assert r.status_code == 200, r.get_json()
    with app.extensions["portal"].sessions() as session:
        request = session.get(Application, app_id)
        assert request.submitted_at == AFTER_2049 and request.deadline_at.year == 2051
    page = client.get(f"/cabinet/requests/{app_id}").get_data(as_text=True)
    assert "02.03.2051 10:00" in page


def test_demo_keys_are_renewed_when_they_expire(tmp_path: Path, database_url: str, engine: Engine) -> None:
    app = _portal_in(tmp_path, database_url, engine)
    ctx = app.extensions["portal"]
    providers: dict[str, tuple[str, str]] = {}
    first = demo.issue_eds_keys(ctx.ca, providers, tmp_path / "demo-eds")
    again = demo.issue_eds_keys(ctx.ca, providers, tmp_path / "demo-eds")
    assert [k.signing_file for k in again] == [k.signing_file for k in first]  # still good: reused
    clock.pin(clock.now_kz() + timedelta(days=340))  # within a month of the year's end
    renewed = demo.issue_eds_keys(ctx.ca, providers, tmp_path / "demo-eds")
    assert all(new.signing_file != old.signing_file for new, old in zip(renewed, first))
    assert all(not old.signing_file.exists() for old in first)
    key = P12Signer.from_p12(renewed[0].signing_file.read_bytes(), renewed[0].password)
    assert key.certificate.not_valid_after_utc > clock.utcnow() + timedelta(days=300)
