"""Database engine, session factory and the declarative base."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, MetaData, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
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
    return create_engine(url, pool_pre_ping=True)


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
