"""The CA's two stores keep the same promises: first writer wins, one lock, books in order, one CA for all."""
from __future__ import annotations

import multiprocessing
import threading
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from sqlalchemy import Engine

from portal.domain.db import make_engine
from portal.domain.pki_store import DatabasePkiStore
from portal.pki.ca import LocalCA
from portal.pki.store import FolderPkiStore, PkiStore
from tests.conftest import wipe

BIN = "123456789012"


@pytest.fixture(params=["folder", "database"])
def store(request, tmp_path: Path, engine: Engine) -> PkiStore:  # type: ignore[no-untyped-def]
    """Return an empty CA store of each kind (the database one on the run's database)."""
    if request.param == "folder":
        return FolderPkiStore(tmp_path / "pki")
    wipe(engine)
    return DatabasePkiStore(engine)


def test_the_first_writer_wins_and_replace_swaps(store: PkiStore) -> None:
    assert store.read("providers/x.key.pem") is None
    assert store.publish_once("providers/x.key.pem", b"first", secret=True) == b"first"
    assert store.publish_once("providers/x.key.pem", b"second", secret=True) == b"first"
    store.replace("issuing.crl", b"one")
    store.replace("issuing.crl", b"two")
    assert store.read("issuing.crl") == b"two" and store.read("providers/x.key.pem") == b"first"


def test_books_keep_their_order_and_stay_apart(store: PkiStore) -> None:
    with store.locked():
        for n in range(3):
            store.append("issued", {"serial": f"{n:x}", "kind": "тест"})
        store.append("revoked", {"serial": "1"})
    assert [r["serial"] for r in store.records("issued")] == ["0", "1", "2"]
    assert store.records("issued")[0]["kind"] == "тест" and store.records("revoked") == [{"serial": "1"}]
    assert store.records("nothing") == []


def test_the_lock_lets_one_step_run_at_a_time(store: PkiStore) -> None:
    store.replace("counter", b"0")

    def bump() -> None:
        for _ in range(10):
            with store.locked():
                value = int(store.read("counter") or b"0")
                store.replace("counter", str(value + 1).encode())

    threads = [threading.Thread(target=bump) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert store.read("counter") == b"40"  # no read-modify-write was lost


def test_every_process_on_the_store_uses_one_ca(store: PkiStore) -> None:
    """A second CA on the same store (another machine) has the same root and sees the first one's revocation."""
    one = LocalCA.load_or_create(store, "http://portal.test")
    seal = one.provider_key(code="college", organisation="College", bin=BIN)
    two = LocalCA.load_or_create(store, "http://portal.test")
    assert two.root_cert_pem == one.root_cert_pem and two.issuing_cert_pem == one.issuing_cert_pem
    assert two.provider_key(code="college", organisation="College", bin=BIN) == seal
    serial = x509.load_pem_x509_certificate(seal.cert_pem).serial_number
    assert [r["kind"] for r in two.registry.issued()] == ["seal:college"]
    assert one.revoke(serial) and two.is_revoked(serial) and not two.revoke(serial)
    assert x509.load_der_x509_crl(two.crl_der()).get_revoked_certificate_by_serial_number(serial) is not None
    assert one.crl_der() == two.crl_der()  # the cached CRL is shared, not rebuilt per process


def _worker(database_url: str, barrier: Any, out: Any) -> None:
    """Start at the same moment as the other workers on the database store and report what was loaded."""
    engine = make_engine(database_url)
    barrier.wait()
    ca = LocalCA.load_or_create(DatabasePkiStore(engine))
    issued = ca.provider_key(code="shared", organisation="Shared org", bin=BIN)
    out.put((ca.root_cert_pem, ca.issuing_cert_pem, issued.key_pem, issued.cert_pem))
    engine.dispose()


def test_machines_starting_at_once_on_an_empty_database_agree_on_one_ca(database_url: str, engine: Engine) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("the CA is kept in the database on PostgreSQL only (DATABASE_URL)")
    wipe(engine)
    engine.dispose()  # the forked workers must not share the parent's connections
    ctx = multiprocessing.get_context("fork")
    workers = 4
    barrier = ctx.Barrier(workers)
    out: Any = ctx.Queue()
    procs = [ctx.Process(target=_worker, args=(database_url, barrier, out)) for _ in range(workers)]
    for proc in procs:
        proc.start()
    results = [out.get(timeout=120) for _ in procs]
    for proc in procs:
        proc.join(timeout=60)
        assert proc.exitcode == 0
    assert len(set(results)) == 1
    ca = LocalCA.load_or_create(DatabasePkiStore(engine))
    assert ca.root_cert_pem == results[0][0]
    assert [r["kind"] for r in ca.registry.issued()] == ["seal:shared"]  # recorded once, not once per machine
