"""A portal that began on one machine moves its files and its CA into the database, once, without mixing CAs."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from cryptography import x509
from sqlalchemy import Engine

from portal.domain.move_to_database import Moved, MoveRefused, move_to_database
from portal.domain.pki_store import DatabasePkiStore
from portal.domain.storage import DatabaseFileStore, FolderFileStore
from portal.pki.ca import LocalCA
from tests.conftest import wipe

BIN = "123456789012"


def serial(cert_pem: bytes) -> int:
    """Return a PEM certificate's serial number."""
    return x509.load_pem_x509_certificate(cert_pem).serial_number


def test_the_scans_and_the_ca_move_whole_and_a_second_move_adds_only_what_is_new(tmp_path: Path,
                                                                                 engine: Engine) -> None:
    wipe(engine)
    folder_ca = LocalCA.load_or_create(tmp_path / "pki")
    seal = folder_ca.provider_key(code="college", organisation="Колледж", bin=BIN)
    other = folder_ca.provider_key(code="school", organisation="Мектеп", bin=BIN)
    folder_ca.revoke(serial(other.cert_pem))
    files = FolderFileStore(tmp_path / "files")
    scans = [files.put(b"%PDF-1.7 scan " + bytes([n]) * 100) for n in range(3)]
    (tmp_path / "pki" / ".root.key.pem.x1y2.tmp").write_bytes(b"half-written")  # a crash's leftover

    moved = move_to_database(files, DatabaseFileStore(engine), tmp_path / "pki", DatabasePkiStore(engine))
    assert moved.blobs == 3 and moved.pki_files >= 6 and moved.records >= 3 and not moved.damaged, moved
    assert DatabasePkiStore(engine).read(".root.key.pem.x1y2.tmp") is None
    again = move_to_database(files, DatabaseFileStore(engine), tmp_path / "pki", DatabasePkiStore(engine))
    assert again == Moved(blobs=0, pki_files=0, records=0)

    late = folder_ca.provider_key(code="lyceum", organisation="Лицей", bin=BIN)
    folder_ca.revoke(serial(late.cert_pem))  # the folder's portal ran on after the first move
    later = move_to_database(files, DatabaseFileStore(engine), tmp_path / "pki", DatabasePkiStore(engine))
    assert later.pki_files == 2 and later.records == 2, later  # the new seal's key and certificate; two entries

    shutil.rmtree(tmp_path / "pki")  # from now on the machine's folder is no part of it
    shared = LocalCA.load_or_create(DatabasePkiStore(engine))
    assert shared.chain_pem == folder_ca.chain_pem  # the same root and issuing CA: earlier results still chain
    assert shared.is_revoked(serial(other.cert_pem)) and shared.is_revoked(serial(late.cert_pem))
    assert not shared.is_revoked(serial(seal.cert_pem))
    assert shared.provider_key(code="college", organisation="Колледж", bin=BIN).cert_pem == seal.cert_pem
    assert [DatabaseFileStore(engine).get(sha)[:14] for sha in scans] == [b"%PDF-1.7 scan "] * 3


def test_a_database_holding_another_ca_or_a_folder_without_one_is_refused(tmp_path: Path, engine: Engine) -> None:
    wipe(engine)
    LocalCA.load_or_create(DatabasePkiStore(engine))  # a CA the database began with
    other = tmp_path / "pki"
    (other / "providers").mkdir(parents=True)
    (other / "providers" / "x.cert.pem").write_bytes(b"x")
    files = FolderFileStore(tmp_path / "files")
    sha = files.put(b"a scan")
    with pytest.raises(MoveRefused, match="holds no CA"):  # a wrong instance folder: no root key at all
        move_to_database(files, DatabaseFileStore(engine), other, DatabasePkiStore(engine))
    (other / "root.key.pem").write_bytes(b"-----BEGIN PRIVATE KEY-----\nanother\n-----END PRIVATE KEY-----\n")
    with pytest.raises(MoveRefused, match="another CA"):
        move_to_database(files, DatabaseFileStore(engine), other, DatabasePkiStore(engine))
    assert DatabasePkiStore(engine).read("providers/x.cert.pem") is None
    assert not DatabaseFileStore(engine).exists(sha)


def test_books_that_went_different_ways_are_refused_and_a_damaged_scan_is_reported(tmp_path: Path,
                                                                                   engine: Engine) -> None:
    wipe(engine)
    folder_ca = LocalCA.load_or_create(tmp_path / "pki")
    files = FolderFileStore(tmp_path / "files")
    good, bad = files.put(b"a good scan"), files.put(b"a scan the disk damaged")
    (tmp_path / "files" / bad[:2] / bad).write_bytes(b"a scan the disk damag3d")
    moved = move_to_database(files, DatabaseFileStore(engine), tmp_path / "pki", DatabasePkiStore(engine))
    assert moved.blobs == 1 and moved.damaged == (bad,) and DatabaseFileStore(engine).exists(good)

    seal = folder_ca.provider_key(code="college", organisation="Колледж", bin=BIN)  # issued in the folder ...
    shared = LocalCA.load_or_create(DatabasePkiStore(engine))
    shared.provider_key(code="school", organisation="Мектеп", bin=BIN)  # ... and, meanwhile, in the database
    with pytest.raises(MoveRefused, match="book issued differs"):
        move_to_database(files, DatabaseFileStore(engine), tmp_path / "pki", DatabasePkiStore(engine))
    assert DatabasePkiStore(engine).read("providers/college.cert.pem") is None and seal.cert_pem
