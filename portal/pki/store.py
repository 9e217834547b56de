"""Where the CA keeps its working files: a folder (one machine) or the database (several, see portal.domain).

The CA needs few operations, all of them safe when several processes share the store: read a file,
publish a file unless it exists (the first writer wins), replace a file, hold the store's lock for a
read-modify-write step, and append to or read one of its books (the issued and revoked lists).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any, Protocol

from portal.pki.files import append_json_line, locked, publish_once, read_json_lines, replace


class PkiStore(Protocol):
    """The CA's files (keys, certificates, the CRL) and books, shared by every process of the portal."""

    def read(self, name: str) -> bytes | None:
        """Return the file's bytes, or None if there is no such file."""

    def publish_once(self, name: str, data: bytes, *, secret: bool = False) -> bytes:
        """Create the file unless it exists; return what it holds then (the first writer's bytes)."""

    def replace(self, name: str, data: bytes, *, secret: bool = False) -> None:
        """Replace the file's bytes at once."""

    def locked(self) -> AbstractContextManager[None]:
        """Hold the store's exclusive lock for a read-modify-write step (not re-entrant)."""

    def append(self, book: str, record: dict[str, Any]) -> None:
        """Append a record to a book (call under ``locked``)."""

    def records(self, book: str) -> list[dict[str, Any]]:
        """Return a book's records, oldest first."""

    def where(self, name: str) -> str:
        """Say where the file is kept, for people."""


class FolderPkiStore:
    """The CA's files in one folder: PEM files, JSON-lines books, an flock on ``.lock``."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)

    def _path(self, name: str) -> Path:
        """Return the file's path, making its sub-folder."""
        path = self.directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def read(self, name: str) -> bytes | None:
        """Return the file's bytes, or None if there is no such file."""
        try:
            return (self.directory / name).read_bytes()
        except FileNotFoundError:
            return None

    def publish_once(self, name: str, data: bytes, *, secret: bool = False) -> bytes:
        """Create the file unless it exists; return what it holds then."""
        return publish_once(self._path(name), data, 0o600 if secret else 0o644)

    def replace(self, name: str, data: bytes, *, secret: bool = False) -> None:
        """Replace the file atomically."""
        replace(self._path(name), data, 0o600 if secret else 0o644)

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the folder's flock."""
        with locked(self.directory):
            yield

    def append(self, book: str, record: dict[str, Any]) -> None:
        """Append a record as a JSON line to ``<book>.jsonl``."""
        append_json_line(self.directory / f"{book}.jsonl", record)

    def records(self, book: str) -> list[dict[str, Any]]:
        """Return the records of ``<book>.jsonl``."""
        return read_json_lines(self.directory / f"{book}.jsonl")

    def where(self, name: str) -> str:
        """Return the file's path."""
        return str(self.directory / name)


def pki_store(where: Path | str | PkiStore) -> PkiStore:
    """Return the store itself, or a folder store for a path."""
    return FolderPkiStore(Path(where)) if isinstance(where, (str, Path)) else where
