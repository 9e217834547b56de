"""Fixtures: a schema built by the real migrations (SQLite or PostgreSQL), the app, signed-in clients."""
from __future__ import annotations

import os
import re
from datetime import datetime
from pathlib import Path
from typing import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine

from portal import clock, demo
from portal.app import create_app
from portal.config import Config
from portal.domain.db import Base, make_engine
from portal.domain.migrate import upgrade
from portal.pki.ca import LocalCA

#: a Monday within working hours, so that clocks start at once; every test starts with the clock pinned here
MONDAY_10 = datetime(2026, 11, 23, 10, 0)
#: when the test CA, its TSA and the providers' seals were issued: before every date a test pins
PKI_BORN = datetime(2025, 11, 1, 9, 0)
#: each pytest-xdist worker ("gw0", "gw1", ...) has schemas of its own on a shared PostgreSQL
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
PG_SCHEMA = f"portal_test{'_' + WORKER if WORKER else ''}"


def _database_url(tmp: Path) -> str:
    """Return the test database: PostgreSQL when TEST_DATABASE_URL says so, else a fresh SQLite file."""
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url:
        return f"sqlite:///{tmp / 'test.sqlite3'}"
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    admin = create_engine(url)
    with admin.begin() as conn:  # a schema of our own, rebuilt from nothing by the migrations
        conn.execute(text(f"DROP SCHEMA IF EXISTS {PG_SCHEMA} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {PG_SCHEMA}"))
    admin.dispose()
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options=-csearch_path%3D{PG_SCHEMA}"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Build the schema once per run by running the Alembic migrations."""
    url = _database_url(tmp_path_factory.mktemp("db"))
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return url


@pytest.fixture(scope="session", autouse=True)
def pinned_clock_for_the_run() -> Iterator[None]:
    """Pin the application's one clock (domain, PKI, TSA, CRL, pyHanko) before any fixture reads it."""
    with clock.pinned(MONDAY_10):
        yield


@pytest.fixture(autouse=True)
def pinned_clock(pinned_clock_for_the_run: None) -> Iterator[None]:
    """Start every test at MONDAY_10; a test moves the clock with clock.pin, and the move ends with it."""
    with clock.pinned(MONDAY_10):
        yield


@pytest.fixture(scope="session")
def instance_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return one instance folder per run, its test CA, TSA and seals issued once, at PKI_BORN."""
    folder = tmp_path_factory.mktemp("instance")
    with clock.pinned(PKI_BORN):
        ca = LocalCA.load_or_create(folder / "pki", "http://portal.test")
        ca.tsa()
        for code, organisation, bin_ in demo.seal_holders():
            ca.provider_key(code=code, organisation=organisation, bin=bin_)
    return folder


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    """Return an engine on the test database."""
    eng = make_engine(database_url)
    yield eng
    eng.dispose()


def wipe(engine: Engine) -> None:
    """Delete every row, children first."""
    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())


def demo_app(database_url: str, instance_dir: Path, engine: Engine, **settings: str) -> Iterator[Flask]:
    """Yield the app on an empty database with the demo data (settings: more Config fields), then dispose of it."""
    wipe(engine)
    application = create_app(Config(instance_dir=instance_dir, database_url=database_url, testing=True,
                                    csrf_enabled=False, public_url="http://portal.test", **settings))
    with application.app_context():
        with application.extensions["portal"].sessions() as session:
            demo.load(session, MONDAY_10)
            session.commit()
    yield application
    application.extensions["portal"].sessions.kw["bind"].dispose()


@pytest.fixture
def app(database_url: str, instance_dir: Path, engine: Engine) -> Iterator[Flask]:
    """Return the app on an empty database with the demo data, the clock pinned to a Monday morning."""
    yield from demo_app(database_url, instance_dir, engine)


def sign_in(client: FlaskClient, account: demo.DemoAccount) -> FlaskClient:
    """Sign the client in as a demo account."""
    response = client.post("/auth/sign-in", data={"iin": account.iin, "password": account.password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return client


def account(role: str, provider: str | None = None) -> demo.DemoAccount:
    """Return the demo account with this role (at this provider)."""
    return next(a for a in demo.ACCOUNTS if a.role == role and (provider is None or a.provider_code == provider))


@pytest.fixture
def citizen(app: Flask) -> FlaskClient:
    """Return a client signed in as the demo citizen."""
    return sign_in(app.test_client(), demo.CITIZEN)


def staff_client(app: Flask, role: str, provider: str = "petropavl") -> FlaskClient:
    """Return a client signed in as a staff member."""
    return sign_in(app.test_client(), account(role, provider))


def csrf_token(html: str) -> str:
    """Return the CSRF token embedded in a page."""
    match = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


@pytest.fixture(scope="session")
def require_tools() -> bool:
    """Return True when external checkers (pdfsig, Chromium) must be present rather than skipped."""
    return os.environ.get("REQUIRE_TOOLS") == "1"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run browser tests last: Playwright's sync API keeps an event loop running in the main thread,
    and pyHanko's sync calls (asyncio.run) in other tests would fail under it."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)
