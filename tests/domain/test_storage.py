"""The two file stores keep the same promises: by hash, idempotent, fresh again when stored again, cleaned by age."""
from __future__ import annotations

import hashlib

import pytest

from portal.domain.storage import DatabaseFileStore, FileStore, FolderFileStore
from tests.conftest import wipe


@pytest.fixture(params=["folder", "database"])
def store(request, tmp_path, engine) -> FileStore:  # type: ignore[no-untyped-def]
    """Return an empty store of each kind (the database one on the run's database)."""
    if request.param == "folder":
        return FolderFileStore(tmp_path / "files")
    wipe(engine)
    return DatabaseFileStore(engine)


def test_a_blob_is_kept_by_its_hash_once(store: FileStore) -> None:
    sha = store.put(b"scan one")
    assert sha == hashlib.sha256(b"scan one").hexdigest() and store.put(b"scan one") == sha
    assert store.get(sha) == b"scan one" and store.exists(sha)
    assert [s for s, _ in store.blobs()] == [sha]
    missing = hashlib.sha256(b"never stored").hexdigest()
    assert not store.exists(missing)
    with pytest.raises(FileNotFoundError):
        store.get(missing)


def test_the_clean_up_removes_only_what_was_written_before_the_cutoff(store: FileStore) -> None:
    old = store.put(b"old scan")
    cutoff = store.file_time_now() + 1
    assert store.remove_if_older(old, cutoff) == len(b"old scan") and not store.exists(old)
    kept = store.put(b"kept scan")
    assert store.remove_if_older(kept, store.file_time_now() - 60) == 0 and store.exists(kept)
    assert store.remove_stale_temporaries(store.file_time_now() + 1) == 0
