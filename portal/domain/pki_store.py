"""The test CA's files and books in the database, so that every machine of the portal uses the same CA."""
from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from portal.domain.models.stored_files import PkiFile, PkiRecord

#: the PostgreSQL advisory lock the CA's read-modify-write steps take ("pki" in ASCII)
LOCK_KEY = 0x706B69


class DatabasePkiStore:
    """Keep the CA's files in pki_files and its books in pki_records; lock with a PostgreSQL advisory lock.

    Each write is its own transaction, as a file written to disk is. The lock is held by a connection of its
    own for the length of the step, so it spans machines; on SQLite (tests only, one process) a thread lock
    stands in for it.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._thread_lock = threading.Lock()

    def _insert(self):  # type: ignore[no-untyped-def]
        """Return the dialect's INSERT, which knows ON CONFLICT."""
        return pg_insert if self.engine.dialect.name == "postgresql" else sqlite_insert

    def read(self, name: str) -> bytes | None:
        """Return the file's bytes, or None if there is no such file."""
        with self.engine.connect() as conn:
            data = conn.scalar(select(PkiFile.data).where(PkiFile.name == name))
        return None if data is None else bytes(data)

    def publish_once(self, name: str, data: bytes, *, secret: bool = False) -> bytes:
        """Create the file unless it exists (another machine may have won); return what it holds then."""
        with self.engine.begin() as conn:
            conn.execute(self._insert()(PkiFile).values(name=name, data=data).on_conflict_do_nothing())
        stored = self.read(name)
        assert stored is not None  # rows are never deleted
        return stored

    def replace(self, name: str, data: bytes, *, secret: bool = False) -> None:
        """Replace the file's bytes."""
        with self.engine.begin() as conn:
            conn.execute(self._insert()(PkiFile).values(name=name, data=data)
                         .on_conflict_do_update(index_elements=["name"], set_={"data": data}))

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the CA's lock, across every machine on PostgreSQL."""
        if self.engine.dialect.name != "postgresql":
            with self._thread_lock:
                yield
            return
        with self.engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": LOCK_KEY})
            conn.commit()  # the lock belongs to the session, not to a transaction: no transaction stays open
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": LOCK_KEY})
                conn.commit()

    def append(self, book: str, record: dict[str, Any]) -> None:
        """Append a record to a book."""
        with self.engine.begin() as conn:
            conn.execute(PkiRecord.__table__.insert().values(
                book=book, record=json.dumps(record, ensure_ascii=False, sort_keys=True)))

    def records(self, book: str) -> list[dict[str, Any]]:
        """Return a book's records, oldest first."""
        with self.engine.connect() as conn:
            rows = conn.scalars(select(PkiRecord.record).where(PkiRecord.book == book).order_by(PkiRecord.id))
            return [json.loads(row) for row in rows]

    def where(self, name: str) -> str:
        """Name the row the file is kept in."""
        return f"database table pki_files, {name}"
