"""The verdict on a file the portal issued, checked once a day rather than on every view of its number."""
from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from portal.documents.verification import PdfVerdict, verdict_from_json, verdict_to_json, verify_pdf
from portal.domain.models import DocumentCheck
from portal.domain.storage import FileStore

#: how long a verdict stands: the file cannot change (it is stored by its hash), but whether its
#: certificates are valid depends on the day (revocation is looked up on every view, apart from this)
RECHECK_AFTER = timedelta(days=1)


class CheckRow(Protocol):
    """A recorded check as a verdict needs it: a DocumentCheck, or the same columns brought by another query."""

    @property
    def verdict(self) -> Any:
        """The verdict, as verdict_to_json wrote it."""

    @property
    def checked_at(self) -> datetime:
        """When the file was checked."""


def roots_key(trust_roots_pem: list[bytes]) -> str:
    """Return the key a verdict is kept under for these trust roots (a new root makes every verdict stale)."""
    return hashlib.sha256(b"".join(trust_roots_pem)).hexdigest()


def recorded_check(session: Session, sha256: str, trust_roots_pem: list[bytes]) -> DocumentCheck | None:
    """Return the last recorded check of a stored file against these trust roots, if any."""
    return session.get(DocumentCheck, (sha256, roots_key(trust_roots_pem)))


def issued_file_verdict(session: Session, store: FileStore, sha256: str, trust_roots_pem: list[bytes],
                        intermediates_pem: Sequence[bytes], now: datetime,
                        recorded: CheckRow | None) -> tuple[PdfVerdict, bool]:
    """Return the verdict on a stored file (the recorded one if at most a day old, else a fresh one), and if recorded.

    `recorded` is recorded_check's answer, or the same row brought by the caller's own query.
    """
    if recorded is not None and now - RECHECK_AFTER < recorded.checked_at <= now:
        return verdict_from_json(recorded.verdict), False
    verdict = verify_pdf(store.get(sha256), trust_roots_pem, intermediates_pem)
    values = {"sha256": sha256, "roots_sha256": roots_key(trust_roots_pem), "verdict": verdict_to_json(verdict),
              "checked_at": now}
    insert = (pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert)(DocumentCheck)
    # two workers may check the same file at once: the later one's verdict stands, neither fails
    session.execute(insert.values(**values).on_conflict_do_update(
        index_elements=["sha256", "roots_sha256"], set_={"verdict": values["verdict"], "checked_at": now}))
    return verdict, True
