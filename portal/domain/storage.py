"""File storage addressed by content hash: in a folder (one machine) or in the database (several)."""
from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path
from typing import Iterator, Protocol

from sqlalchemy import ColumnElement, Engine, delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from portal.domain.models.stored_files import StoredFile

_BLOB_NAME = re.compile(r"[0-9a-f]{64}")


class FileStore(Protocol):
    """Where the portal keeps blobs (scans, prepared and signed PDFs, results), each named by its SHA-256."""

    def put(self, data: bytes) -> str:
        """Store the bytes and return their SHA-256; storing the same bytes again only makes them fresh."""

    def get(self, sha256: str) -> bytes:
        """Return the stored bytes."""

    def exists(self, sha256: str) -> bool:
        """Tell whether a blob with this hash is stored."""

    def blobs(self) -> Iterator[tuple[str, float]]:
        """Yield (SHA-256, last written as a Unix time) of every stored blob."""

    def file_time_now(self) -> float:
        """Return the current time as the store stamps blobs."""

    def remove_if_older(self, sha256: str, cutoff: float) -> int:
        """Delete a blob last written before `cutoff`; return the bytes freed, 0 if kept."""

    def remove_stale_temporaries(self, cutoff: float) -> int:
        """Delete half-written leftovers from before `cutoff`; return how many."""


class FolderFileStore:
    """Keep blobs under a folder, named by their SHA-256; writing the same content twice is a no-op."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def _path(self, sha256: str) -> Path:
        """Return where a blob with this hash lives."""
        if len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256):
            raise ValueError("not a SHA-256 hex digest")
        return self.root / sha256[:2] / sha256

    def put(self, data: bytes) -> str:
        """Store the bytes and return their SHA-256."""
        sha = hashlib.sha256(data).hexdigest()
        path = self._path(sha)
        if path.exists():
            try:
                os.utime(path)  # fresh again: the clean-up spares it until the row that uses it is committed
                return sha
            except FileNotFoundError:
                pass  # removed by the clean-up a moment ago: write it anew
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{sha[:8]}.")
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
        return sha

    def get(self, sha256: str) -> bytes:
        """Return the stored bytes."""
        return self._path(sha256).read_bytes()

    def exists(self, sha256: str) -> bool:
        """Tell whether a blob with this hash is stored."""
        return self._path(sha256).exists()

    def blobs(self) -> Iterator[tuple[str, float]]:
        """Yield (SHA-256, last written as a Unix time) of every stored blob."""
        if not self.root.is_dir():
            return
        for folder in sorted(self.root.iterdir()):
            if folder.is_dir() and len(folder.name) == 2:
                for path in folder.iterdir():
                    if _BLOB_NAME.fullmatch(path.name):
                        try:
                            yield path.name, path.stat().st_mtime
                        except FileNotFoundError:
                            continue

    def file_time_now(self) -> float:
        """Return the current time as the file system stamps files (a Unix time), to compare file ages with.

        File ages are the file system's times, not the application clock's: a pinned or skewed process
        clock must not make every file look old (or new).
        """
        self.root.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=self.root, prefix=".now.")
        try:
            return os.fstat(fd).st_mtime
        finally:
            os.close(fd)
            os.unlink(probe)

    def remove_if_older(self, sha256: str, cutoff: float) -> int:
        """Delete a blob last written before `cutoff` (a Unix time); return the bytes freed, 0 if kept."""
        path = self._path(sha256)
        try:
            stat = path.stat()  # looked at again right before deleting: a put() since has made it fresh
            if stat.st_mtime >= cutoff:
                return 0
            path.unlink()
        except FileNotFoundError:
            return 0
        return stat.st_size

    def remove_stale_temporaries(self, cutoff: float) -> int:
        """Delete half-written files a crashed put() left behind before `cutoff`; return how many."""
        removed = 0
        if not self.root.is_dir():
            return 0
        for tmp in self.root.glob("??/.*"):
            try:
                if tmp.stat().st_mtime < cutoff:
                    tmp.unlink()
                    removed += 1
            except FileNotFoundError:
                continue
        return removed


class DatabaseFileStore:
    """Keep blobs in the database (table stored_files), so that every machine of the portal reaches them.

    Each write is its own transaction on its own connection, as a file written to disk is there whether
    or not the request that wrote it commits; the clean-up removes what no row came to need. It is meant
    for PostgreSQL: SQLite allows one writer, and the request's own transaction may be it.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def put(self, data: bytes) -> str:
        """Store the bytes and return their SHA-256."""
        sha = hashlib.sha256(data).hexdigest()
        with self.engine.begin() as conn:
            now = float(conn.scalar(select(self._now())))
            fresh = update(StoredFile).where(StoredFile.sha256 == sha).values(written_at=now)
            if conn.execute(fresh).rowcount:  # stored before: fresh again, so the clean-up spares it
                return sha
            insert = (pg_insert if self.engine.dialect.name == "postgresql" else sqlite_insert)(StoredFile)
            conn.execute(insert.values(sha256=sha, data=data, size=len(data), written_at=now)
                         .on_conflict_do_update(index_elements=["sha256"], set_={"written_at": now}))
        return sha

    def get(self, sha256: str) -> bytes:
        """Return the stored bytes; raise FileNotFoundError as the folder's store does."""
        with self.engine.connect() as conn:
            data = conn.scalar(select(StoredFile.data).where(StoredFile.sha256 == sha256))
        if data is None:
            raise FileNotFoundError(sha256)
        return bytes(data)

    def exists(self, sha256: str) -> bool:
        """Tell whether a blob with this hash is stored."""
        with self.engine.connect() as conn:
            return conn.scalar(select(StoredFile.size).where(StoredFile.sha256 == sha256)) is not None

    def blobs(self) -> Iterator[tuple[str, float]]:
        """Yield (SHA-256, last written as a Unix time) of every stored blob."""
        with self.engine.connect() as conn:
            yield from conn.execute(select(StoredFile.sha256, StoredFile.written_at).order_by(StoredFile.sha256))

    def _now(self) -> ColumnElement[float]:
        """Return the database's clock as a Unix time: one clock for every machine that writes or cleans."""
        if self.engine.dialect.name == "postgresql":
            return func.extract("epoch", func.clock_timestamp())
        return (func.julianday("now") - 2440587.5) * 86400.0

    def file_time_now(self) -> float:
        """Return the current time as put() stamps blobs: the database's, whichever machine asks."""
        with self.engine.connect() as conn:
            return float(conn.scalar(select(self._now())))

    def remove_if_older(self, sha256: str, cutoff: float) -> int:
        """Delete a blob last written before `cutoff` (a Unix time); return the bytes freed, 0 if kept."""
        with self.engine.begin() as conn:
            size = conn.scalar(delete(StoredFile).where(StoredFile.sha256 == sha256, StoredFile.written_at < cutoff)
                               .returning(StoredFile.size))
        return size or 0

    def remove_stale_temporaries(self, cutoff: float) -> int:
        """Return 0: a database write leaves no half-written file behind."""
        return 0
