"""The PostgreSQL engine: plain reads outside transactions, writes in one, and dead pooled connections replaced."""
from __future__ import annotations

import pytest
from psycopg.pq import TransactionStatus
from sqlalchemy import func, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from portal.domain.db import make_engine, make_session_factory, reads_only
from portal.domain.models import Person
from tests.conftest import MONDAY_10


def test_only_a_plain_select_counts_as_a_read() -> None:
    """Locks, advisory locks, sequences and every other statement begin a transaction."""
    assert reads_only("SELECT people.id FROM people WHERE people.id = %(id)s")
    assert reads_only("\n  select count(*) from notifications")
    for statement in ("SELECT applications.id FROM applications FOR UPDATE OF applications",
                      "SELECT outbox.id FROM outbox LIMIT 1 FOR UPDATE SKIP LOCKED",
                      "SELECT a.id FROM a FOR NO KEY UPDATE", "SELECT a.id FROM a FOR SHARE",
                      "SELECT a.id FROM a for key share", "SELECT pg_advisory_lock(1)", "SELECT nextval('s')",
                      "INSERT INTO people (iin) VALUES (%(iin)s) RETURNING people.id", "UPDATE people SET locale = 'kk'",
                      "DELETE FROM people", "WITH x AS (DELETE FROM a RETURNING id) SELECT * FROM x",
                      "SAVEPOINT sa_savepoint_1", "SET LOCAL plan_cache_mode = force_custom_plan"):
        assert not reads_only(statement), statement


@pytest.fixture
def pg(database_url: str, engine: Engine) -> Engine:
    """Return the PostgreSQL test engine, with no people left over; skip on SQLite."""
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL's transactions and connections")
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM people WHERE iin LIKE '99%'"))
    return engine


def _person(iin: str, name: str) -> Person:
    """Return a new person with a password nobody can use."""
    return Person(iin=iin, full_name=name, password_hash="!", created_at=MONDAY_10)


def _status(session) -> TransactionStatus:  # type: ignore[no-untyped-def]
    """Return the server's transaction status of the session's connection."""
    return session.connection().connection.dbapi_connection.info.transaction_status


def test_a_read_opens_no_transaction_and_a_write_keeps_its_unit_whole(pg: Engine) -> None:
    """Reads leave the connection idle; from the first write up to the commit, all or nothing is saved."""
    sessions = make_session_factory(pg)
    with sessions() as session:
        session.scalar(select(func.count(Person.id)))
        assert _status(session) == TransactionStatus.IDLE  # no BEGIN was sent, so no ROLLBACK is due
        session.add(_person("990101300001", "Бірінші Адам"))
        session.flush()
        assert _status(session) == TransactionStatus.INTRANS
        session.add(_person("990101300001", "Екінші Адам"))  # the same IIN: the unit fails
        with pytest.raises(IntegrityError):
            session.commit()
    with sessions() as session:
        assert session.scalar(select(func.count(Person.id)).where(Person.iin == "990101300001")) == 0
        session.add(_person("990101300002", "Үшінші Адам"))
        session.commit()
        assert session.scalar(select(Person.full_name).where(Person.iin == "990101300002")) == "Үшінші Адам"


def test_a_streamed_read_gets_the_transaction_its_server_side_cursor_needs(pg: Engine) -> None:
    """PostgreSQL keeps a server-side cursor only inside a transaction."""
    sessions = make_session_factory(pg)
    with sessions() as session:
        session.add_all([_person("990101300003", "Төртінші Адам"), _person("990101300004", "Бесінші Адам")])
        session.commit()
    with sessions() as session:
        count = session.scalar(select(func.count(Person.id)))
        streamed = session.scalars(select(Person.id).execution_options(stream_results=True, max_row_buffer=1)).all()
        assert len(streamed) == count >= 2 and _status(session) == TransactionStatus.INTRANS


def test_a_connection_the_server_ended_is_replaced_at_checkout(pg: Engine, database_url: str) -> None:
    """A backend terminated while its connection waited in the pool costs no request an error."""
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            pid = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
        with pg.connect() as admin:
            assert admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar_one()
        for _ in range(100):  # the server closes the socket at once, but not synchronously with the call
            with pg.connect() as admin:
                if not admin.execute(text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid"),
                                     {"pid": pid}).scalar_one():
                    break
        with engine.connect() as conn:
            assert conn.execute(text("SELECT pg_backend_pid()")).scalar_one() != pid
    finally:
        engine.dispose()
