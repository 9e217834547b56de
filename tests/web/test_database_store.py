"""With PORTAL_FILE_STORE=database every scan and PDF lives in PostgreSQL, not on the machine's disk."""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest
from flask import Flask
from sqlalchemy import Engine, func, select

from portal.config import Config
from portal.domain.models import Application, StoredFile
from portal.domain.storage import DatabaseFileStore, FolderFileStore
from tests.conftest import demo_app
from tests.factories import submitted_request
from tests.web.test_backoffice import work_through
from tests.web.test_uploads import test_cleanup_removes_replaced_removed_and_abandoned_files_only  # noqa: F401


@pytest.fixture
def app(database_url: str, instance_dir: Path, engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    """Return the app keeping its files in the database (PostgreSQL only)."""
    if not database_url.startswith("postgresql"):
        pytest.skip("the database file store is for PostgreSQL (DATABASE_URL)")
    monkeypatch.setenv("SECRET_KEY", "the same on every machine")
    yield from demo_app(database_url, instance_dir, engine, file_store="database")


def test_scans_results_and_signed_applications_are_kept_in_the_database(app, citizen, instance_dir, engine):
    assert isinstance(app.extensions["portal"].store, DatabaseFileStore)
    app_id = submitted_request(app, citizen)
    work_through(app, app_id, {"decision": "permitted"})
    with app.extensions["portal"].sessions() as s:
        a = s.get(Application, app_id)
        shas = {a.result.sha256, *(x.sha256 for x in a.attachments)}
        stored = set(s.scalars(select(StoredFile.sha256)))
        assert shas <= stored and s.scalar(select(func.count()).select_from(StoredFile)) >= 4
    # the result is signed this once (its bytes are its own); the scan is the factories' usual one, which
    # other tests keep in the shared instance folder, so it proves nothing either way
    assert not FolderFileStore(instance_dir / "files").exists(a.result.sha256)  # not on this machine's disk
    pdf = citizen.get(f"/cabinet/requests/{app_id}/result.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_the_database_store_needs_postgresql(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "the same on every machine")
    with pytest.raises(ValueError, match="needs PostgreSQL"):
        Config(instance_dir=tmp_path, database_url="sqlite:///x.db", file_store="database")


def test_several_machines_need_one_session_secret(tmp_path, monkeypatch):
    """A secret made on first run stays in one machine's folder: the others would refuse its sessions."""
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ValueError, match="set SECRET_KEY"):
        Config(instance_dir=tmp_path, database_url="postgresql://x@127.0.0.1/db", file_store="database")
    monkeypatch.setenv("SECRET_KEY", "the same on every machine")
    assert Config(instance_dir=tmp_path, database_url="postgresql://x@127.0.0.1/db", file_store="database")
