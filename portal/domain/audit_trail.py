"""The audit trail: one append-only hash chain of state changes, sign-ins, staff views and administration.

Each entry stores its place (seq), the hash of the entry before (prev_hash) and its own hash: SHA-256 of
a canonical serialisation of its fields and prev_hash. Appends take the chain's one head row first
(UPDATE ... RETURNING: a row lock on PostgreSQL, the single write lock on SQLite), so appends from several
workers queue up in commit order and the chain never forks; the unique seq would refuse a fork anyway.
The inserted entry's trigger then points the head at it (its hash and id), in the same statement.
An entry is written in the transaction of what it records: a change and its audit row commit together.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterator, Mapping

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal.domain.catalog import UnknownService, get_service
from portal.domain.catalog.spec import REGISTRY_LINK
from portal.domain.errors import DomainError
from portal.domain.models import Application, AuditChainHead, AuditEntry, Person, Provider

#: what an entry records
STATE_CHANGE, SIGN_IN, VIEW, ADMIN = "state_change", "sign_in", "view", "admin"
KINDS = frozenset({STATE_CHANGE, SIGN_IN, VIEW, ADMIN})
#: the prev_hash of the first entry
GENESIS = "0" * 64
#: the fields a hash covers, in the canonical order (prev_hash is added last)
HASHED = ("seq", "kind", "application_id", "actor_id", "subject_id", "represented_iin", "organisation_id",
          "action", "from_status", "to_status", "at", "details")
#: the head row's id
HEAD_ID = 1


class AuditedRefusal(DomainError):
    """A refusal whose audit entry must outlive it: the caller commits before answering (a failed sign-in)."""


def canonical_details(details: Mapping[str, Any] | None) -> dict[str, Any]:
    """Return the details as the database will give them back: JSON values only (others as text)."""
    return json.loads(json.dumps(dict(details or {}), default=str, sort_keys=True))


def entry_hash(fields: Mapping[str, Any], prev_hash: str) -> str:
    """Return the SHA-256 (hex) of an entry's canonical serialisation followed by the previous hash."""
    body = {name: fields.get(name) for name in HASHED}
    at = body["at"]
    body["at"] = at.isoformat(timespec="microseconds") if isinstance(at, datetime) else at
    body["details"] = canonical_details(body["details"])
    body["prev_hash"] = prev_hash
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def represented_iin_of(service_code: str, catalog_version: int | None, form: Mapping[str, Any] | None,
                       applicant_iin: str | None) -> str | None:
    """Return the IIN of the person an applicant acts for (a child) on such a request, if it names one."""
    try:
        rep = get_service(service_code, catalog_version).representation
    except UnknownService:
        return None
    form = form or {}
    iin = str(form.get(rep.iin_field) or "") if rep is not None else ""
    if len(iin) != 12 or not iin.isdigit() or form.get(REGISTRY_LINK) == "self" or iin == applicant_iin:
        return None
    return iin


def represented_iin(app: Application) -> str | None:
    """Return the IIN of the person the applicant acts for (a child), if the request names one."""
    return represented_iin_of(app.service_code, app.catalog_version, app.form,
                              app.applicant.iin if app.applicant is not None else None)


def _take_head(session: Session) -> tuple[int, str]:
    """Lock the chain's head and advance it by one; return the new seq and the previous hash."""
    table = AuditChainHead.__table__
    bump = (update(table).where(table.c.id == HEAD_ID).values(seq=table.c.seq + 1)
            .returning(table.c.seq, table.c.hash))
    row = session.execute(bump).first()
    if row is None:  # a fresh database (or a wiped one): the head starts from the last entry, if any
        last = session.execute(select(AuditEntry.seq, AuditEntry.id, AuditEntry.hash)
                               .order_by(AuditEntry.seq.desc()).limit(1)).first()
        try:
            with session.begin_nested():
                session.execute(insert(table).values(id=HEAD_ID, seq=last.seq if last else 0,
                                                     hash=last.hash if last else GENESIS,
                                                     last_entry_id=last.id if last else None))
        except IntegrityError:
            pass  # another transaction created it first: its row is locked below
        row = session.execute(bump).one()
    return row.seq, row.hash


def record(session: Session, *, kind: str, action: str, actor: Person | None, at: datetime,
           application: Application | None = None, subject: Person | None = None,
           organisation_id: int | None = None, details: dict | None = None,
           from_status: str | None = None, to_status: str | None = None) -> AuditEntry:
    """Append one entry to the chain in the caller's transaction and return it.

    `subject` (whose data) defaults to the request's applicant, and the represented person's IIN is taken
    from the request; `organisation_id` defaults to the actor's organisation.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown audit kind {kind!r}")
    if subject is None and application is not None:
        subject = application.applicant
    if organisation_id is None and actor is not None:
        organisation_id = actor.provider_id
    fields: dict[str, Any] = dict(
        kind=kind, action=action, at=at, details=canonical_details(details),
        application_id=application.id if application is not None else None,
        actor_id=actor.id if actor is not None else None,
        subject_id=subject.id if subject is not None else None,
        represented_iin=represented_iin(application) if application is not None else None,
        organisation_id=organisation_id, from_status=from_status, to_status=to_status)
    # the transaction's other writes (and their row locks) first: the head is the last lock taken, held
    # only until the commit, so two transactions never wait on each other in opposite orders
    session.flush()
    seq, prev_hash = _take_head(session)
    fields["seq"] = seq
    entry = AuditEntry(**fields, prev_hash=prev_hash, hash=entry_hash(fields, prev_hash))
    session.add(entry)
    session.flush()  # the insert's trigger gives the head this entry's hash and id (migration 0018)
    return entry


@dataclass(frozen=True)
class Verdict:
    """What walking the chain found."""

    #: True when every entry is intact and none is missing
    ok: bool
    #: how many entries were checked
    count: int
    #: the seq at which the chain breaks (None when intact)
    broken_seq: int | None = None
    #: edited (hash mismatch), deleted (seq gap or prev_hash mismatch) or head (the head disagrees)
    reason: str | None = None
    #: a sentence for the operator
    message: str = ""


def _rows(session: Session, batch: int, last: int) -> Iterator[Any]:
    """Yield the entries up to seq `last` in seq order, a keyset batch at a time (memory stays bounded)."""
    table = AuditEntry.__table__
    after = 0
    while True:
        rows = session.execute(select(table).where(table.c.seq > after, table.c.seq <= last)
                               .order_by(table.c.seq).limit(batch)).all()
        yield from rows
        if len(rows) < batch:
            return
        after = rows[-1].seq


def verify(session: Session, *, batch: int = 1000) -> Verdict:
    """Walk the chain in seq order up to its head and return the first break: an edited or a deleted entry.

    The head is read first, so entries appended during the walk are left for the next run.
    """
    head = session.get(AuditChainHead, HEAD_ID, populate_existing=True)
    top = session.scalar(select(AuditEntry.seq).order_by(AuditEntry.seq.desc()).limit(1)) or 0
    last = head.seq if head is not None else top
    count, seq, prev = 0, 0, GENESIS
    for row in _rows(session, batch, last):
        if row.seq != seq + 1:
            return Verdict(False, count, seq + 1, "deleted",
                           f"entry {seq + 1} is missing (deleted): after {seq} comes {row.seq}")
        if entry_hash(row._mapping, row.prev_hash) != row.hash:
            return Verdict(False, count, row.seq, "edited", f"entry {row.seq} was edited: its hash does not match")
        if row.prev_hash != prev:
            return Verdict(False, count, row.seq, "deleted",
                           f"entry {row.seq} does not follow entry {seq} (prev_hash mismatch): "
                           "entries before it were deleted or rewritten")
        count, seq, prev = count + 1, row.seq, row.hash
    if head is None and top:
        return Verdict(False, count, None, "deleted", "the chain's head row is missing (deleted)")
    if seq != last or (head is not None and head.hash != prev):
        return Verdict(False, count, seq + 1, "deleted",
                       f"the chain ends at entry {seq} but its head says {last}: the last entries were deleted")
    return Verdict(True, count, message=f"OK: {count} entries, chain intact")


#: what a staff member can open on a request, each audited as view_<what>
OPENED = ("card", "attachment", "application", "result", "result_preview", "receipt")
#: how many viewings the citizen's page lists at a time
VIEWINGS_PAGE = 20


def staff_opened(session: Session, staff: Person, app: Application, what: str, at: datetime,
                 **details: Any) -> AuditEntry:
    """Record that a staff member opened a request's personal data or scans (its applicant's, its child's)."""
    if what not in OPENED:
        raise ValueError(f"unknown thing opened {what!r}")
    return record(session, kind=VIEW, action=f"view_{what}", actor=staff, at=at, application=app,
                  details={"role": str(staff.role), **details})


@dataclass(frozen=True)
class Viewing:
    """One time a staff member opened the request's data, as the citizen sees it."""

    seq: int
    at: datetime
    #: card, attachment, application, result, result_preview or receipt
    what: str
    #: the file's name, for a scan
    name: str
    staff_name: str
    #: the staff member's role when they opened it
    role: str
    organisation: Provider | None


@dataclass(frozen=True)
class ViewingsPage:
    """A keyset page of viewings, newest first."""

    rows: list[Viewing]
    #: pass as `before` for the next (older) page; None on the last page
    next_before: int | None


def viewings(session: Session, app: Application, *, before: int | None = None,
             limit: int = VIEWINGS_PAGE) -> ViewingsPage:
    """Return who among the staff opened this request's data and when, newest first: one query a page."""
    query = (select(AuditEntry.seq, AuditEntry.at, AuditEntry.action, AuditEntry.details, Person.full_name, Provider)
             .join(Person, Person.id == AuditEntry.actor_id)
             .outerjoin(Provider, Provider.id == AuditEntry.organisation_id)
             .where(AuditEntry.application_id == app.id, AuditEntry.kind == VIEW,
                    AuditEntry.actor_id != app.applicant_id))
    if before is not None:
        query = query.where(AuditEntry.seq < before)
    rows = session.execute(query.order_by(AuditEntry.seq.desc()).limit(limit + 1)).all()
    shown = [Viewing(seq=r.seq, at=r.at, what=r.action.removeprefix("view_"), name=str((r.details or {}).get("name", "")),
                     staff_name=r.full_name, role=str((r.details or {}).get("role", "")), organisation=r.Provider)
             for r in rows[:limit]]
    return ViewingsPage(shown, shown[-1].seq if len(rows) > limit else None)
