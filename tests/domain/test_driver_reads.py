"""A driver read answers as SQLAlchemy would, on both databases: types, parameters, errors and connections."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, bindparam, delete, event, func, insert, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from portal.domain.db import make_engine
from portal.domain.driver_reads import DriverRead
from portal.domain.models import DocumentCheck

AT = datetime(2026, 11, 23, 10, 0, 5, 123456)
NEXT_DAY = datetime(2026, 11, 24, 10, 0, 5)  # a whole second: SQLite's text of it and Python's differ
FILE = "f" * 64


@pytest.fixture
def checks(engine: Engine) -> Iterator[Engine]:
    """Record two checks of one file, against two sets of roots, checked a day apart."""
    rows = [{"sha256": FILE, "roots_sha256": "a" * 64, "verdict": '{"n": 1}', "checked_at": AT},
            {"sha256": FILE, "roots_sha256": "b" * 64, "verdict": '{"n": 2}', "checked_at": NEXT_DAY}]
    with engine.begin() as conn:
        conn.execute(insert(DocumentCheck), rows)
    yield engine
    with engine.begin() as conn:
        conn.execute(delete(DocumentCheck).where(DocumentCheck.sha256 == FILE))


def test_a_row_comes_back_typed_as_sqlalchemy_types_it(checks: Engine):
    statement = (select(DocumentCheck.verdict, DocumentCheck.checked_at.label("at"))
                 .where(DocumentCheck.sha256 == bindparam("sha"), DocumentCheck.roots_sha256 == bindparam("roots")))
    read = DriverRead(statement)
    with Session(checks) as session:
        row = read.first(session, {"sha": FILE, "roots": "a" * 64})
        expected = session.execute(statement, {"sha": FILE, "roots": "a" * 64}).one()
        assert read.first(session, {"sha": FILE, "roots": "c" * 64}) is None
    assert tuple(row) == tuple(expected) == ('{"n": 1}', AT)
    assert isinstance(row.at, datetime) and row.at.microsecond == 123456  # SQLite keeps it as text: parsed back


def test_parameters_go_in_as_sqlalchemy_sends_them_literals_included(checks: Engine):
    # a datetime parameter is text on SQLite, and the statement's own literal is bound with it
    read = DriverRead(select(DocumentCheck.roots_sha256)
                      .where(DocumentCheck.checked_at > bindparam("after"), DocumentCheck.sha256 == FILE))
    with Session(checks) as session:
        assert read.first(session, {"after": AT})[0] == "b" * 64
        assert read.first(session, {"after": NEXT_DAY}) is None  # sent as SQLAlchemy writes it, not as Python would


def test_only_a_plain_select_with_plain_parameters_runs_on_the_driver(checks: Engine):
    listed = DriverRead(select(DocumentCheck.verdict).where(DocumentCheck.roots_sha256.in_(["a" * 64, "b" * 64])))
    with Session(checks) as session, pytest.raises(ValueError, match="plain named parameters"):
        listed.first(session, {})  # an IN list expands at each execution: only SQLAlchemy's can send it
    if checks.dialect.name == "sqlite":
        return  # SQLite has no FOR UPDATE: its SELECT stays plain
    with Session(checks) as session, pytest.raises(ValueError, match="plain SELECT"):
        DriverRead(select(DocumentCheck.verdict).with_for_update()).first(session, {})


def test_a_session_that_has_begun_lends_its_connection_and_its_unflushed_rows_stay_its_own(checks: Engine):
    read = DriverRead(select(func.count()).select_from(DocumentCheck).where(DocumentCheck.sha256 == FILE))
    checkouts: list[object] = []

    def note(*args: object) -> None:
        checkouts.append(args)

    event.listen(checks, "checkout", note)
    try:
        with Session(checks) as session:
            session.add(DocumentCheck(sha256=FILE, roots_sha256="c" * 64, verdict="{}", checked_at=AT))
            session.flush()  # the session begins, on one connection
            assert read.first(session, {})[0] == 3  # read on it: its own flushed row is seen
            assert len(checkouts) == 1  # and no second connection was taken
            with Session(checks) as other:
                assert read.first(other, {})[0] == 2  # another, not begun, reads what is committed
            session.rollback()
    finally:
        event.remove(checks, "checkout", note)


def test_a_drivers_error_comes_out_as_sqlalchemys_and_the_connection_serves_again(checks: Engine):
    missing = DriverRead(select(Table("no_such_table", MetaData(), Column("id", Integer)).c.id))
    with Session(checks) as session, pytest.raises(DBAPIError) as raised:
        missing.first(session, {})
    assert "no_such_table" in str(raised.value) and not raised.value.connection_invalidated
    with Session(checks) as session:
        assert DriverRead(select(DocumentCheck.verdict).where(DocumentCheck.roots_sha256 == "b" * 64)) \
            .first(session, {}).verdict == '{"n": 2}'


def test_a_connection_the_server_ended_is_replaced_before_the_read(database_url: str):
    if not database_url.startswith("postgresql"):
        pytest.skip("a server ends connections on PostgreSQL")
    engine = make_engine(database_url)  # its own pool: one connection, known by its backend's pid
    try:
        pid = DriverRead(select(func.pg_backend_pid().label("pid")))
        with Session(engine) as session:
            first = pid.first(session, {}).pid
        admin = make_engine(database_url)  # another pool's connection ends the first one's backend, and waits till it has
        with admin.connect() as conn:
            conn.execute(text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": first})
        admin.dispose()
        with Session(engine) as session:
            assert pid.first(session, {}).pid not in (first, None)
    finally:
        engine.dispose()
