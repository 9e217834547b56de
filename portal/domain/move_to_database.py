"""Moving a one-machine portal's files into the database, so that it can run on several machines.

A portal that began with local files keeps its scans and PDFs under ``instance/files`` and its CA under
``instance/pki``. Switching ``PORTAL_FILE_STORE=database`` on without moving them would lose the scans and
start a new CA, whose root no earlier result chains to. The move copies both, refuses to mix two CAs, and
may be run again (after an interrupted run, or after the folder's CA revoked more): what the database
already holds is kept, and only what is missing is added.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from portal.domain.storage import FileStore
from portal.pki.files import read_json_lines
from portal.pki.store import PkiStore

#: the folder store's books are JSON-lines files; its lock file and half-written files are no state
BOOK_SUFFIX, LOCK_FILE, TEMPORARY_SUFFIX = ".jsonl", ".lock", ".tmp"
#: the CA's identity: its root key is made once and never replaced (certificates and the CRL are renewed)
IDENTITY = "root.key.pem"


class MoveRefused(RuntimeError):
    """The move would lose or mix a CA; nothing of the CA was copied."""


@dataclass(frozen=True)
class Moved:
    """What one move copied (what was already in the database is not counted), and blobs that failed their hash."""

    blobs: int
    pki_files: int
    records: int
    damaged: tuple[str, ...] = ()


def move_to_database(files: FileStore, into_files: FileStore, pki_folder: Path, into_pki: PkiStore) -> Moved:
    """Copy the CA's folder and every stored blob into the database stores; refuse to mix or lose a CA."""
    pki_files, books = _pki_contents(pki_folder)
    root_key = pki_files.pop(IDENTITY, None)
    if root_key is None:  # a wrong instance folder: the first machine on the database would make a new CA
        raise MoveRefused(f"{pki_folder} holds no CA ({IDENTITY} is missing): check PORTAL_INSTANCE_DIR")
    there = into_pki.read(IDENTITY)
    if there is not None and there != root_key:
        raise MoveRefused(f"the database holds another CA (its {IDENTITY} differs); nothing was copied")
    with into_pki.locked():  # no machine renews or revokes in the middle of the move
        missing = {book: _missing_records(book, lines, into_pki.records(book)) for book, lines in books.items()}
        # the identity first, and only if it is still the same once written: then the rest can only be this CA's
        if there is None and into_pki.publish_once(IDENTITY, root_key, secret=True) != root_key:
            raise MoveRefused(f"another CA was written to the database meanwhile (its {IDENTITY}); run again")
        copied = int(there is None)
        for name, data in pki_files.items():
            if into_pki.read(name) is None:
                into_pki.publish_once(name, data, secret=name.endswith(".key.pem"))
                copied += 1
        for book, records in missing.items():
            for record in records:
                into_pki.append(book, record)
    blobs, damaged = 0, []
    for sha, _written in files.blobs():
        if into_files.exists(sha):
            continue
        if into_files.put(files.get(sha)) != sha:  # the bytes on disk no longer match their name
            damaged.append(sha)
        else:
            blobs += 1
    return Moved(blobs=blobs, pki_files=copied, records=sum(map(len, missing.values())), damaged=tuple(damaged))


def _missing_records(book: str, folder: list[dict[str, Any]], database: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return the folder's records the database's book lacks; refuse if the two books went different ways."""
    shorter = min(len(folder), len(database))
    if folder[:shorter] != database[:shorter]:
        raise MoveRefused(f"the book {book} differs between the folder and the database; nothing was copied")
    return folder[shorter:]


def _pki_contents(folder: Path) -> tuple[dict[str, bytes], dict[str, list[dict[str, Any]]]]:
    """Return the CA folder's files by name and its books by name."""
    files: dict[str, bytes] = {}
    books: dict[str, list[dict[str, Any]]] = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if path.name == LOCK_FILE or path.name.endswith(TEMPORARY_SUFFIX):
            continue
        name = path.relative_to(folder).as_posix()
        if name.endswith(BOOK_SUFFIX):
            books[name[: -len(BOOK_SUFFIX)]] = read_json_lines(path)
        else:
            files[name] = path.read_bytes()
    return files, books
