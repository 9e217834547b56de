"""A driver read answers as SQLAlchemy would, on both databases, and runs nothing but a plain SELECT."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from sqlalchemy import bindparam, delete, insert, select
from sqlalchemy.engine import Engine

from portal.domain.driver_reads import DriverRead
from portal.domain.models import DocumentCheck

AT = datetime(2026, 11, 23, 10, 0, 5, 123456)
NEXT_DAY = datetime(2026, 11, 24, 10, 0, 5)  # a whole second: SQLite's text of it and Python's differ


@pytest.fixture
def checks(engine: Engine) -> Iterator[Engine]:
    """Record two checks of one file, against two sets of roots, checked a day apart."""
    rows = [{"sha256": "f" * 64, "roots_sha256": "a" * 64, "verdict": '{"n": 1}', "checked_at": AT},
            {"sha256": "f" * 64, "roots_sha256": "b" * 64, "verdict": '{"n": 2}', "checked_at": NEXT_DAY}]
    with engine.begin() as conn:
        conn.execute(insert(DocumentCheck), rows)
    yield engine
    with engine.begin() as conn:
        conn.execute(delete(DocumentCheck).where(DocumentCheck.sha256 == "f" * 64))


def test_a_row_comes_back_typed_as_sqlalchemy_types_it(checks: Engine):
    statement = (select(DocumentCheck.verdict, DocumentCheck.checked_at.label("at"))
                 .where(DocumentCheck.sha256 == bindparam("sha"), DocumentCheck.roots_sha256 == bindparam("roots")))
    read = DriverRead(statement)
    row = read.first(checks, {"sha": "f" * 64, "roots": "a" * 64})
    with checks.connect() as conn:
        expected = conn.execute(statement, {"sha": "f" * 64, "roots": "a" * 64}).one()
    assert tuple(row) == tuple(expected) == ('{"n": 1}', AT)
    assert isinstance(row.at, datetime) and row.at.microsecond == 123456  # SQLite keeps it as text: parsed back
    assert read.first(checks, {"sha": "f" * 64, "roots": "c" * 64}) is None


def test_parameters_go_in_as_sqlalchemy_sends_them_literals_included(checks: Engine):
    # a datetime parameter is text on SQLite, and the statement's own literal is bound with it
    read = DriverRead(select(DocumentCheck.roots_sha256)
                      .where(DocumentCheck.checked_at > bindparam("after"), DocumentCheck.sha256 == "f" * 64))
    assert read.first(checks, {"after": AT})[0] == "b" * 64
    assert read.first(checks, {"after": NEXT_DAY}) is None  # sent as SQLAlchemy writes it, not as Python would


def test_only_a_plain_select_runs_on_the_driver(checks: Engine):
    locking = DriverRead(select(DocumentCheck.verdict).with_for_update())
    if checks.dialect.name == "sqlite":
        pytest.skip("SQLite has no FOR UPDATE: its SELECT stays plain")
    with pytest.raises(ValueError):
        locking.first(checks, {})

