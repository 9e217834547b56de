"""Load the scale benchmark's database: the real migrations, the demo data, then N requests by COPY.

Each size gets its own PostgreSQL database (bench_scale_<N>); a marker table records what was loaded,
so a later run reuses it unless the loader or the seed changed; newer migrations are applied to it.
"""
from __future__ import annotations

import os
import queue
import threading
import time
from urllib.parse import urlsplit, urlunsplit

import psycopg
from alembic.script import ScriptDirectory
from sqlalchemy.orm import Session

from bench import scale_data as data
from portal.domain.db import make_engine
from portal.domain.migrate import alembic_config, upgrade

#: the server the benchmark databases live on (a database name in it is ignored)
SERVER = os.environ.get("BENCH_DATABASE_URL", "postgresql://root@127.0.0.1:5432/")
SEED = 20261123
#: rows handed to COPY at once
BATCH = 20000


def database_url(n: int, server: str = SERVER) -> str:
    """Return the libpq URL of the database holding n requests."""
    parts = urlsplit(server)
    return urlunsplit((parts.scheme, parts.netloc, f"/bench_scale_{n}", parts.query, ""))


def sqlalchemy_url(url: str) -> str:
    """Return the URL SQLAlchemy opens with psycopg 3."""
    return "postgresql+psycopg://" + url.split("://", 1)[1]


def _admin(server: str) -> psycopg.Connection:
    """Return an autocommit connection to the server's maintenance database."""
    parts = urlsplit(server)
    return psycopg.connect(urlunsplit((parts.scheme, parts.netloc, "/postgres", parts.query, "")), autocommit=True)


def migration_head() -> str:
    """Return the newest migration's revision."""
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head() or ""


def loaded(url: str, n: int) -> bool:
    """Tell whether the database holds the n requests this loader makes; bring its schema to the head if so.

    A schema behind the head is migrated as a deployment would be (the data stays valid: a change to what
    the loader writes bumps LOADER_VERSION instead), so a new migration costs a migration, not a reload.
    """
    try:
        with psycopg.connect(url, connect_timeout=5) as conn:
            row = conn.execute("SELECT n, seed, loader, head FROM bench_scale_marker").fetchone()
    except psycopg.Error:
        return False
    if row is None or row[:3] != (n, SEED, data.LOADER_VERSION):
        return False
    head = migration_head()
    if row[3] != head:
        engine = make_engine(sqlalchemy_url(url))
        try:
            upgrade(engine)
        finally:
            engine.dispose()
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("UPDATE bench_scale_marker SET head = %s", (head,))
            conn.execute("ANALYZE")
    return True


def server_reachable(server: str = SERVER) -> bool:
    """Tell whether the PostgreSQL server answers."""
    try:
        _admin(server).close()
        return True
    except psycopg.Error:
        return False


class Copier:
    """COPY batches into the database from a thread, while the generator makes the next ones."""

    def __init__(self, url: str) -> None:
        self.conn = psycopg.connect(url)
        self.conn.execute("SET session_replication_role = replica")  # the rows are consistent by construction
        self.jobs: queue.Queue = queue.Queue(maxsize=4)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while (job := self.jobs.get()) is not None:
            name, columns, text = job
            try:
                with self.conn.cursor() as cur, cur.copy(f"COPY {name} ({', '.join(columns)}) FROM STDIN") as copy:
                    copy.write(text)
            except BaseException as err:  # reported to the generating thread
                self.error = err
                return

    def send(self, tables: dict[str, data.Table]) -> None:
        """Queue every table's gathered rows."""
        if self.error:
            raise self.error
        for t in tables.values():
            if t.rows:
                self.jobs.put((t.name, t.columns, t.take()))
                t.rows = 0

    def finish(self) -> None:
        """Wait for the last batch and commit."""
        self.jobs.put(None)
        self.thread.join()
        if self.error:
            raise self.error
        self.conn.commit()
        self.conn.close()


def _next_ids(conn: psycopg.Connection) -> dict[str, int]:
    """Return the first free id of every table the loader fills."""
    return {t: conn.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {t}").fetchone()[0] for t in data.TABLES}


def _secondary_indexes(conn: psycopg.Connection) -> list[tuple[str, str]]:
    """Return (name, definition) of the plain indexes of the loaded tables (not those of constraints)."""
    return conn.execute(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema() "
        "AND i.tablename = ANY(%s) AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
        (list(data.TABLES),)).fetchall()


def load(n: int, server: str = SERVER, log=print) -> float:  # type: ignore[no-untyped-def]
    """(Re)create the database of n requests and fill it; return the seconds it took."""
    began = time.perf_counter()
    url = database_url(n, server)
    name = urlsplit(url).path.lstrip("/")
    with _admin(server) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name}")
        admin.execute(f"CREATE DATABASE {name}")
    engine = make_engine(sqlalchemy_url(url))
    upgrade(engine)
    head = migration_head()  # what the schema was migrated to (files may change while the rows load)
    with Session(engine) as session:  # the demo providers and staff, through the ORM (a few rows)
        data.demo.load(session, data.NOW)
        session.commit()
    with psycopg.connect(url) as conn:
        first = _next_ids(conn)
        taken = {row[0] for row in conn.execute("SELECT iin FROM people UNION SELECT iin FROM registry_persons")}
        indexes = _secondary_indexes(conn)
        for index, _ in indexes:  # built once at the end: faster than kept up row by row
            conn.execute(f"DROP INDEX {index}")
    tables = {t: data.Table(t, cols, first[t]) for t, cols in data.TABLES.items()}
    names: dict[int, str] = {}
    with Session(engine) as session:
        orgs = data.demo_orgs(session, tables, names)
    engine.dispose()
    copier = Copier(url)
    applicants = data.add_applicants(max(2, n // data.REQUESTS_PER_APPLICANT), tables, taken)
    copier.send(tables)
    last = time.perf_counter()
    for done in data.requests(n, SEED, orgs, applicants, tables, names):
        if sum(t.rows for t in tables.values()) >= BATCH * 8 or done == n:
            copier.send(tables)
        if time.perf_counter() - last > 15:
            log(f"  ... {done:,} of {n:,} requests generated ({time.perf_counter() - began:.0f} s)")
            last = time.perf_counter()
    copier.send(tables)
    copier.finish()
    log(f"  rows copied ({time.perf_counter() - began:.0f} s); building indexes and statistics")
    with psycopg.connect(url, autocommit=True) as conn:
        for _, definition in indexes:
            conn.execute(definition)
        for t in data.TABLES:
            conn.execute(f"SELECT setval(pg_get_serial_sequence('{t}', 'id'), (SELECT max(id) FROM {t}))")
        # the audit chain's head points at the last entry the loader chained, as audit_trail.record leaves it
        conn.execute("DELETE FROM audit_chain_head")
        conn.execute("INSERT INTO audit_chain_head (id, seq, hash, last_entry_id) SELECT 1, seq, hash, id "
                     "FROM audit_entries ORDER BY seq DESC LIMIT 1")
        conn.execute("VACUUM ANALYZE")
        conn.execute("CREATE TABLE bench_scale_marker (n integer, seed integer, loader integer, head text, "
                      "seconds real)")
        seconds = time.perf_counter() - began
        conn.execute("INSERT INTO bench_scale_marker VALUES (%s, %s, %s, %s, %s)",
                     (n, SEED, data.LOADER_VERSION, head, seconds))
    return seconds
