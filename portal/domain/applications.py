"""An applicant's request: draft, attachments, the check before submission, submission."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from portal.domain import audit_trail, calendar, fields, identity
from portal.domain.catalog import get_service, service_on
from portal.domain.catalog.centre import ENTRY_STAGES
from portal.domain.catalog.process import DRAFT
from portal.domain.catalog.spec import ServiceSpec
from portal.domain.db import is_row_id
from portal.domain.errors import DomainError, NotFound
from portal.domain.models import Application, Attachment, Channel, Person, Provider, StepRecord
from portal.domain.notifications import notify
from portal.domain.registries import DataCannotBeObtained, RegisteredPerson, registries
from portal.domain.storage import FileStore
from portal.domain.previews import preview
from portal.domain.scans import check_upload, clean_filename

#: what one draft may hold: the scans' total size and their number (each replaces its kind's earlier scan)
MAX_DRAFT_BYTES = 20 * 1024 * 1024
MAX_DRAFT_FILES = 8


@dataclass(frozen=True)
class Problem:
    """Something that keeps a draft from being submitted: a field and a message code."""

    field: str
    code: str


def create_draft(session: Session, applicant: Person, service_code: str, now: datetime) -> Application:
    """Start a new draft request for an orderable service, for an applicant the individuals' registry knows."""
    service = get_service(service_code)
    if not service.orderable:
        raise DomainError("service_not_online")
    registries(session).individuals.person(applicant.iin)  # DataCannotBeObtained before anything is filled in
    app = Application(service_code=service.code, applicant_id=applicant.id, stage=DRAFT, form={},
                      channel=Channel.portal, filed_by_id=applicant.id, created_at=now, updated_at=now)
    session.add(app)
    session.flush()
    return app


def applicants_request(session: Session, applicant: Person, application_id: int, *,
                       lock: bool = False) -> Application:
    """Return the applicant's own request, or NotFound for anyone else's."""
    query = select(Application).where(Application.id == application_id,
                                      Application.applicant_id == applicant.id)
    app = session.scalar(query.with_for_update(of=Application) if lock else query)
    if app is None or not shown_to(app, applicant):
        raise NotFound()
    return app


def shown_to(app: Application, applicant: Person) -> bool:
    """Tell whether the account may see the request: one filed for this IIN elsewhere needs the IIN proven by EDS.

    Anyone may register any IIN with a password; a request the applicant filed on the portal they signed
    with their EDS, but one a centre filed for that IIN would otherwise show its data to whoever registered it.
    """
    return app.channel == Channel.portal or applicant.eds_verified_at is not None


def _name_key(name: str) -> str:
    """Return a name compared without case, spacing or ё/е differences."""
    return " ".join(name.casefold().replace("ё", "е").split())


def _own_signature(app: Application):  # type: ignore[no-untyped-def]
    """Return the request's signature when the applicant made it (a centre's operator signs the ones it files)."""
    signature = app.signature("request")
    return signature if signature is not None and signature.signer_iin == app.applicant.iin else None


def applicant_name(app: Application) -> str:
    """Return the applicant's name as the individuals' registry states it.

    Anyone may type any name when registering with a password; the registry's is the one a document
    states. A request whose applicant the registry does not know (filed before it was consulted) names
    them as their EDS certificate did, else as typed.
    """
    session = object_session(app)
    if session is not None:
        try:
            return registries(session).individuals.person(app.applicant.iin).full_name
        except DataCannotBeObtained:
            pass
    signature = _own_signature(app)
    return signature.signer_name if signature is not None else app.applicant.full_name


def typed_name_differs(app: Application, stated: str | None = None) -> bool:
    """Tell whether the name typed at registration differs from the one documents state (the registry's)."""
    return _name_key(stated if stated is not None else applicant_name(app)) != _name_key(app.applicant.full_name)


def refresh_from_registry(session: Session, app: Application, now: datetime) -> RegisteredPerson:
    """Refill the form from the registry before signing; return the applicant or raise DataCannotBeObtained."""
    regs = registries(session)
    applicant = regs.individuals.person(app.applicant.iin)
    service = get_service(app.service_code)
    form = identity.fill_from_registry(regs, service, app.form or {}, app.applicant.iin, now.date())
    if form != app.form:  # an unchanged draft keeps its row version
        app.form = form
    return applicant


def attachment_of(app: Application, attachment_id: int) -> Attachment:
    """Return one of the request's scans, or NotFound."""
    found = next((a for a in app.attachments if a.id == attachment_id), None)
    if found is None:
        raise NotFound()
    return found


def _require_draft(app: Application, at_centre: bool = False) -> None:
    """Refuse changes to a request that is no longer a draft (or, at a centre, no longer before sending)."""
    if at_centre:
        if app.channel != Channel.state_corporation or app.stage not in ENTRY_STAGES:
            raise DomainError("not_a_draft")
    elif app.stage != DRAFT:
        raise DomainError("not_a_draft")


def save_draft(session: Session, app: Application, values: Mapping[str, Any], provider_id: int | None,
               now: datetime, *, at_centre: bool = False) -> None:
    """Keep what the applicant typed, valid or not, so that nothing entered is lost; refuse text over its limit.

    An IIN posted is looked up in the individuals' registry at once: the person's name and birth date fill
    the form, and the applicant's link to a represented child is kept (see portal.domain.identity).
    """
    _require_draft(app, at_centre)
    service = get_service(app.service_code)
    form = dict(app.form)
    for spec in service.typed_fields:  # the registry fills the others
        if spec.name in values:
            form[spec.name] = fields.bounded(spec, values[spec.name])  # a crafted post is refused whole
    if any(spec.kind == "iin" and spec.name in values for spec in service.typed_fields):
        form = identity.fill_from_registry(registries(session), service, form, app.applicant.iin, now.date())
    app.form = form
    provider = session.get(Provider, provider_id) if provider_id is not None and is_row_id(provider_id) else None
    app.provider_id = provider.id if provider and provider.kind in service.provider_kinds else None
    app.updated_at = now


def attach(session: Session, store: FileStore, app: Application, kind: str, filename: str, data: bytes,
           now: datetime, *, at_centre: bool = False) -> Attachment:
    """Check a scan by its content and attach it, replacing an earlier scan of the same kind, within the quota."""
    _require_draft(app, at_centre)
    spec = get_service(app.service_code).document(kind)
    if spec is None or not spec.uploadable:
        raise DomainError("unknown_document")
    content_type = check_upload(data)
    others = [a for a in app.attachments if a.kind != kind]
    if len(others) + 1 > MAX_DRAFT_FILES:
        raise DomainError("draft_quota_files", max=MAX_DRAFT_FILES)
    if sum(a.size for a in others) + len(data) > MAX_DRAFT_BYTES:
        raise DomainError("draft_quota_bytes", mb=MAX_DRAFT_BYTES // (1024 * 1024))
    sha = store.put(data)
    picture = preview(data, content_type)
    for old in [a for a in app.attachments if a.kind == kind]:
        app.attachments.remove(old)  # its blob stays until `flask cleanup-files` finds it unreferenced
    attachment = Attachment(kind=kind, original_name=clean_filename(filename, kind), content_type=content_type,
                            size=len(data), sha256=sha, uploaded_at=now,
                            preview_sha256=store.put(picture) if picture else None)
    app.attachments.append(attachment)
    app.updated_at = now
    session.flush()
    return attachment


def remove_attachment(app: Application, attachment_id: int, now: datetime) -> None:
    """Remove a scan from a draft."""
    _require_draft(app)
    app.attachments.remove(attachment_of(app, attachment_id))
    app.updated_at = now


def drop_unneeded_attachments(app: Application) -> None:
    """Remove scans the chosen ground no longer requires: they are not sent to the provider."""
    needed = {d.code for d in get_service(app.service_code).required_documents(app.form)}
    for extra in [a for a in app.attachments if a.kind not in needed]:
        app.attachments.remove(extra)


def problems(app: Application, service: ServiceSpec | None = None) -> list[Problem]:
    """Return what keeps the draft from being submitted; empty when it is ready."""
    service = service or get_service(app.service_code)
    form = app.form or {}
    found = [Problem(name, code) for name, code in fields.problems(service.typed_fields, form)]
    found += [Problem(name, code) for name, code in identity.registry_problems(service, form)]
    if app.provider_id is None:
        found.append(Problem("provider_id", "required"))
    have = {a.kind for a in app.attachments}
    for doc in service.required_documents(form):
        if doc.code not in have:
            found.append(Problem(f"doc_{doc.code}", "document_required"))
    return found


def submit(session: Session, app: Application, now: datetime) -> None:
    """Submit a complete draft under the regulation in force today: number it, start the clock, open its first step."""
    _require_draft(app)
    service = service_on(app.service_code, now.date())
    if problems(app, service):
        raise DomainError("draft_incomplete")
    drop_unneeded_attachments(app)
    hours = app.provider.hours
    process = service.process_for(app.form)
    start = calendar.clock_start(now, hours)
    app.catalog_version = service.version
    app.stage = process.start
    app.submitted_at = now
    app.clock_started_at = start
    app.deadline_at = process.deadline.after(start, hours)
    app.updated_at = now
    session.flush()
    app.number = f"{service.number_prefix}-{now:%Y}-{app.id:06d}"
    first = process.step_of(process.start)
    assert first is not None, "a process starts with a step"
    app.steps.append(StepRecord(step=first.action, role=first.role, normative=first.duration.code,
                                started_at=start, due_at=first.duration.after(start, hours),
                                provider_id=app.provider_id))
    audit_trail.record(session, kind=audit_trail.STATE_CHANGE, action="submit", actor=app.applicant, at=now,
                       application=app, details={"number": app.number}, from_status=DRAFT,
                       to_status=process.start)
    notify(session, app, app.applicant, "submitted",
           {"number": app.number, "deadline": app.deadline_at.isoformat()}, now)
    session.flush()
