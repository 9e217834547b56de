"""Database engine, session factory and the declarative base."""
from __future__ import annotations

import re
import select
from datetime import datetime
from functools import lru_cache

from sqlalchemy import DateTime, MetaData, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, DisconnectionError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


#: the largest row id: ids are INTEGER columns, and PostgreSQL raises on anything larger
MAX_ROW_ID = 2**31 - 1


def is_row_id(value: int) -> bool:
    """Tell whether a number can be a row id (looking up a larger one overflows the column)."""
    return 0 < value <= MAX_ROW_ID


class Base(DeclarativeBase):
    """Base of every model; naive datetimes hold Kazakhstan local time (UTC+5)."""

    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: DateTime(timezone=False)}


#: the execution option of a transaction that will write whatever happens (see writes_first)
WRITES_FIRST = "portal_writes_first"


def writes_first(session: Session) -> None:
    """Begin the session's transaction as a writer, when it has not begun yet.

    SQLite cannot turn a reader into a writer while another connection writes: the upgrade fails at once
    with "database is locked" instead of waiting. A transaction sure to write (a sign-in is audited, failed
    or not) takes the write lock first and so waits its turn. PostgreSQL ignores the option.
    """
    if not session.in_transaction():
        session.connection(execution_options={WRITES_FIRST: True})


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite gets foreign keys and a busy timeout for threaded servers."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.close()
            # pysqlite opens a transaction only before a write, so a SAVEPOINT taken first became the
            # outermost transaction and its RELEASE committed: a registration outlived its request's
            # failed commit. SQLAlchemy's recipe: the driver stays out, and every transaction says BEGIN.
            dbapi_conn.isolation_level = None

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn) -> None:  # type: ignore[no-untyped-def]
            conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(WRITES_FIRST) else "BEGIN")

        return engine
    # no pre-ping: a round trip on every checkout, where looking at the idle socket finds what it would
    engine = create_engine(url)
    _read_outside_transactions(engine)
    return engine


def server_closed(dbapi_conn) -> bool:  # type: ignore[no-untyped-def]
    """Tell whether the server ended an idle pooled connection: it has something to read, or is closed.

    An idle connection has nothing pending: a server that shuts down or terminates the backend sends its
    last error and closes, which makes the socket readable. No round trip, unlike a pre-ping.
    """
    if dbapi_conn.closed:
        return True
    poller = select.poll()
    poller.register(dbapi_conn.fileno(), select.POLLIN)
    return bool(poller.poll(0))


#: a statement that may change something or hold a lock: everything but a plain SELECT
_WRITES_OR_LOCKS = re.compile(r"\bFOR\s+(?:NO\s+KEY\s+)?(?:UPDATE|SHARE)\b|\bFOR\s+KEY\s+SHARE\b|pg_advisory|nextval\(",
                              re.IGNORECASE)


@lru_cache(maxsize=2048)  # the same few hundred statements, each looked at once per process instead of per run
def reads_only(statement: str) -> bool:
    """Tell whether a statement only reads: a SELECT that takes no lock and advances no sequence."""
    return statement.lstrip()[:6].upper() == "SELECT" and not _WRITES_OR_LOCKS.search(statement)


def _read_outside_transactions(engine: Engine) -> None:
    """Run a connection's plain SELECTs outside any transaction until its first write or lock, on PostgreSQL.

    Under READ COMMITTED every statement takes its own snapshot, inside a transaction or not, and a plain
    SELECT holds no lock: so a read-only request needs no BEGIN and no ROLLBACK, two round trips of its three.
    The first statement that writes or locks turns the connection transactional before it runs, so that
    statement and everything after it, up to the commit, stay one transaction as before.
    """
    @event.listens_for(engine, "checkout")
    def _autocommit_reads(dbapi_conn, _record, _proxy) -> None:  # type: ignore[no-untyped-def]
        if server_closed(dbapi_conn):
            raise DisconnectionError("the server closed the connection")  # the pool connects anew
        dbapi_conn.autocommit = True  # a checked-in connection was rolled back: it is idle

    @event.listens_for(engine, "before_cursor_execute")
    def _begin_before_writing(_conn, cursor, statement, _params, _context, _many) -> None:  # type: ignore[no-untyped-def]
        # a server-side cursor (stream_results) lives in a transaction, whatever it reads
        if cursor.connection.autocommit and (not reads_only(statement) or getattr(cursor, "name", None)):
            cursor.connection.autocommit = False  # psycopg sends BEGIN with this statement


#: PostgreSQL: serialization failure, deadlock, lock not available
_CONFLICT_STATES = frozenset({"40001", "40P01", "55P03"})


def is_conflict(err: DBAPIError) -> bool:
    """Tell whether a database error means a concurrent transaction won (worth a retry), not a bug."""
    state = getattr(err.orig, "sqlstate", None) or getattr(err.orig, "pgcode", None)
    if state in _CONFLICT_STATES:
        return True
    # SQLite in WAL mode: a write after another connection's commit fails at once (SQLITE_BUSY_SNAPSHOT)
    return "database is locked" in str(err.orig) or "database table is locked" in str(err.orig)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Return a session factory bound to the engine."""
    return sessionmaker(bind=engine, expire_on_commit=False)
