"""Remove stored files no row needs any more: replaced or removed scans, prepared PDFs never signed."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.domain.models import Attachment, ResultDocument, SignatureRecord, SigningSession
from portal.domain.storage import FileStore

#: how old an unreferenced file must be before it goes: a request that has stored a file but not
#: yet committed the row naming it must not lose it (prepare and upload take seconds, not an hour)
DEFAULT_GRACE_SECONDS = 60 * 60


@dataclass(frozen=True)
class Cleanup:
    """What a clean-up did."""

    removed: int
    freed_bytes: int
    kept: int
    temporaries: int


def needed_blobs(session: Session, now: datetime) -> set[str]:
    """Return the hashes of every file a row still needs.

    Scans of drafts and of submitted requests, results, signed applications; and the prepared PDF of
    a signing session that can still be finished. A finished session's prepared PDF is not needed
    (the signed PDF is stored on its own), nor is an expired one's: it is refused anyway.
    """
    needed: set[str] = set(session.scalars(select(Attachment.sha256)))
    needed.update(session.scalars(select(Attachment.preview_sha256).where(Attachment.preview_sha256.is_not(None))))
    needed.update(session.scalars(select(ResultDocument.sha256)))
    needed.update(session.scalars(select(SignatureRecord.pdf_sha256)))
    needed.update(session.scalars(select(SigningSession.pdf_sha256).where(
        SigningSession.finished_at.is_(None), SigningSession.expires_at >= now)))
    return needed


def remove_unneeded_files(session: Session, store: FileStore, now: datetime, cutoff: float,
                          dry_run: bool = False) -> Cleanup:
    """Delete stored files no row needs that were last written before `cutoff` (a Unix time).

    Safe to run at any time and next to running requests: the files are listed before the rows are
    read, so a file stored after the listing is not considered; one stored before it but not yet
    committed is younger than the cutoff; and each file's age is checked again right before it goes.
    """
    candidates = [sha for sha, written in store.blobs() if written < cutoff]
    needed = needed_blobs(session, now)
    removed = freed = kept = 0
    for sha in candidates:
        if sha in needed:
            kept += 1
            continue
        size = 0 if dry_run else store.remove_if_older(sha, cutoff)
        if size or dry_run:
            removed += 1
            freed += size
    temporaries = 0 if dry_run else store.remove_stale_temporaries(cutoff)
    return Cleanup(removed=removed, freed_bytes=freed, kept=kept, temporaries=temporaries)
