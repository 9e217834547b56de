"""A portal that ran on one machine moves its files and CA into PostgreSQL; its results verify on any machine."""
from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from portal.app import create_app
from portal.config import Config
from portal.domain.models import ResultDocument
from tests.factories import submitted_request
from tests.web.test_backoffice import work_through


def test_a_result_issued_with_local_files_verifies_on_a_machine_of_the_shared_store(
        app: Flask, citizen, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("the database file store is for PostgreSQL (DATABASE_URL)")
    work_through(app, submitted_request(app, citizen), {"decision": "permitted"})
    with app.extensions["portal"].sessions() as s:
        number, sha = s.execute(select(ResultDocument.number, ResultDocument.sha256)).one()

    moved = app.test_cli_runner().invoke(args=["move-files-to-database"])
    assert moved.exit_code == 0 and "now set PORTAL_FILE_STORE=database" in moved.output, moved.output

    monkeypatch.setenv("SECRET_KEY", "the same on every machine")
    other = create_app(Config(instance_dir=tmp_path / "another-machine", database_url=database_url, testing=True,
                              csrf_enabled=False, public_url="http://portal.test", file_store="database"))
    try:
        assert other.extensions["portal"].store.get(sha) == app.extensions["portal"].store.get(sha)
        anyone = other.test_client()
        anyone.get("/lang/en")
        page = anyone.get(f"/verify/{number}").get_data(as_text=True)
        # the moved CA is the one that signed: a new CA made on the shared store would not be trusted
        assert "Authentic and unchanged" in page, page
        assert other.extensions["portal"].ca.chain_pem == app.extensions["portal"].ca.chain_pem
        again = app.test_cli_runner().invoke(args=["move-files-to-database"])
        assert "copied 0 stored files, 0 CA files and 0 CA records" in again.output, again.output
    finally:
        other.extensions["portal"].sessions.kw["bind"].dispose()


def test_the_move_needs_postgresql(app: Flask, database_url: str) -> None:
    if database_url.startswith("postgresql"):
        pytest.skip("on SQLite only")
    refused = app.test_cli_runner().invoke(args=["move-files-to-database"])
    assert refused.exit_code != 0 and "needs PostgreSQL" in refused.output
