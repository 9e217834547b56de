"""A portal that began on one machine moves its files and its CA into the database, once, without mixing CAs."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from cryptography import x509
from sqlalchemy import Engine

from portal.domain.move_to_database import AnotherCaInDatabase, Moved, move_to_database
from portal.domain.pki_store import DatabasePkiStore
from portal.domain.storage import DatabaseFileStore, FolderFileStore
from portal.pki.ca import LocalCA
from tests.conftest import wipe

BIN = "123456789012"


def test_the_scans_and_the_ca_move_whole_and_a_second_move_copies_nothing(tmp_path: Path, engine: Engine) -> None:
    wipe(engine)
    folder_ca = LocalCA.load_or_create(tmp_path / "pki")
    seal = folder_ca.provider_key(code="college", organisation="Колледж", bin=BIN)
    other = folder_ca.provider_key(code="school", organisation="Мектеп", bin=BIN)
    folder_ca.revoke(x509.load_pem_x509_certificate(other.cert_pem).serial_number)
    files = FolderFileStore(tmp_path / "files")
    scans = [files.put(b"%PDF-1.7 scan " + bytes([n]) * 100) for n in range(3)]

    moved = move_to_database(files, DatabaseFileStore(engine), tmp_path / "pki", DatabasePkiStore(engine))
    assert moved.blobs == 3 and moved.pki_files >= 6 and moved.records >= 3, moved

    root_key = (tmp_path / "pki" / "root.key.pem").read_bytes()
    shutil.rmtree(tmp_path / "pki")  # from now on the machine's folder is no part of it
    shared = LocalCA.load_or_create(DatabasePkiStore(engine))
    assert shared.chain_pem == folder_ca.chain_pem  # the same root and issuing CA: earlier results still chain
    assert shared.is_revoked(x509.load_pem_x509_certificate(other.cert_pem).serial_number)
    assert not shared.is_revoked(x509.load_pem_x509_certificate(seal.cert_pem).serial_number)
    assert shared.provider_key(code="college", organisation="Колледж", bin=BIN).cert_pem == seal.cert_pem
    assert [DatabaseFileStore(engine).get(sha)[:14] for sha in scans] == [b"%PDF-1.7 scan "] * 3

    again = tmp_path / "pki-again"  # the machine's folder on a second run: the same CA
    again.mkdir()
    (again / "root.key.pem").write_bytes(root_key)
    assert move_to_database(files, DatabaseFileStore(engine), again, DatabasePkiStore(engine)) == Moved(0, 0, 0)


def test_a_database_holding_another_ca_is_left_untouched(tmp_path: Path, engine: Engine) -> None:
    wipe(engine)
    LocalCA.load_or_create(DatabasePkiStore(engine))  # a CA the database began with
    other = tmp_path / "pki"
    other.mkdir()
    (other / "root.key.pem").write_bytes(b"-----BEGIN PRIVATE KEY-----\nanother\n-----END PRIVATE KEY-----\n")
    (other / "providers").mkdir()
    (other / "providers" / "x.cert.pem").write_bytes(b"x")
    files = FolderFileStore(tmp_path / "files")
    sha = files.put(b"a scan")
    with pytest.raises(AnotherCaInDatabase):
        move_to_database(files, DatabaseFileStore(engine), other, DatabasePkiStore(engine))
    assert DatabasePkiStore(engine).read("providers/x.cert.pem") is None
    assert not DatabaseFileStore(engine).exists(sha)

