"""Crash- and race-safe file operations for the PKI folder.

Several processes (gunicorn workers, the ``flask eds`` CLI) share one folder:
files are written to a private temporary file first and then either published
with ``os.link`` (fails if the name exists: the first writer wins) or swapped in
with ``os.replace``. Read-modify-write sequences (appending a revocation,
regenerating the CRL, renewing a certificate) run under an ``flock`` on
``<folder>/.lock``.
"""

from __future__ import annotations

import fcntl
import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

LOCK_NAME = ".lock"


def write_temp(path: Path, data: bytes, mode: int) -> str:
    """Write ``data`` durably to a private temporary file next to ``path``."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
    except BaseException:
        os.unlink(tmp)
        raise
    return tmp


def publish_once(path: Path, data: bytes, mode: int) -> bytes:
    """Create ``path`` with ``data`` unless it exists; return whatever the file holds then."""
    if not path.exists():
        tmp = write_temp(path, data, mode)
        try:
            os.link(tmp, path)  # atomic, and fails if another process won the race
        except FileExistsError:
            pass
        finally:
            os.unlink(tmp)
    return path.read_bytes()


def replace(path: Path, data: bytes, mode: int) -> None:
    """Atomically replace ``path`` with ``data``."""
    tmp = write_temp(path, data, mode)
    try:
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


@contextmanager
def locked(directory: Path) -> Iterator[None]:
    """Hold the folder's exclusive lock for the duration of the block."""
    fd = os.open(directory / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def append_json_line(path: Path, record: dict[str, Any]) -> None:
    """Append one JSON record as a line, durably (call under ``locked``)."""
    line = (json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line)
        os.fsync(fd)
    finally:
        os.close(fd)


def read_json_lines(path: Path) -> list[dict[str, Any]]:
    """Return the records of a JSON-lines file, skipping a torn last line."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    records = []
    for line in text.splitlines():
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return records
