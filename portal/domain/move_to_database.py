"""Moving a one-machine portal's files into the database, so that it can run on several machines.

A portal that began with local files keeps its scans and PDFs under ``instance/files`` and its CA under
``instance/pki``. Switching ``PORTAL_FILE_STORE=database`` on without moving them would lose the scans and
start a new CA, whose root no earlier result chains to. The move copies both, refuses to mix two CAs, and
may be run again: what is already there is left as it is.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from portal.domain.storage import FileStore
from portal.pki.files import read_json_lines
from portal.pki.store import PkiStore

#: the folder store's books are JSON-lines files; its lock file is no state
BOOK_SUFFIX, LOCK_FILE = ".jsonl", ".lock"
#: the CA's identity: its root key is made once and never replaced (certificates and the CRL are renewed)
IDENTITY = "root.key.pem"


class AnotherCaInDatabase(RuntimeError):
    """The database already holds a CA with another root key: moving this one in would mix the two."""


@dataclass(frozen=True)
class Moved:
    """What one move copied (what was already in the database is not counted)."""

    blobs: int
    pki_files: int
    records: int


def move_to_database(files: FileStore, into_files: FileStore, pki_folder: Path, into_pki: PkiStore) -> Moved:
    """Copy the CA's folder and every stored blob into the database stores; refuse if another CA is there."""
    pki_files, books = _pki_contents(pki_folder)
    there = into_pki.read(IDENTITY)
    if there is not None and there != pki_files.get(IDENTITY):
        raise AnotherCaInDatabase(f"the database holds another CA (its {IDENTITY} differs); nothing was copied")
    copied = 0
    for name, data in pki_files.items():
        if into_pki.read(name) is None:
            into_pki.publish_once(name, data, secret=name.endswith(".key.pem"))
            copied += 1
    records = 0
    with into_pki.locked():
        for book, lines in books.items():
            if not into_pki.records(book):  # copied whole, or by an earlier move (and since kept by the database)
                for record in lines:
                    into_pki.append(book, record)
                records += len(lines)
    blobs = 0
    for sha, _written in files.blobs():
        if not into_files.exists(sha):
            into_files.put(files.get(sha))
            blobs += 1
    return Moved(blobs=blobs, pki_files=copied, records=records)


def _pki_contents(folder: Path) -> tuple[dict[str, bytes], dict[str, list[dict]]]:
    """Return the CA folder's files by name and its books by name."""
    files: dict[str, bytes] = {}
    books: dict[str, list[dict]] = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.name != LOCK_FILE):
        name = path.relative_to(folder).as_posix()
        if name.endswith(BOOK_SUFFIX):
            books[name[: -len(BOOK_SUFFIX)]] = read_json_lines(path)
        else:
            files[name] = path.read_bytes()
    return files, books

