"""The operator's desk at a State Corporation centre: identify, file, work the centre's steps, hand over."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from portal.domain import applications as requests_
from portal.domain import audit_trail, calendar
from portal.domain.catalog import get_service
from portal.domain.catalog.centre import ENTRY_STAGES
from portal.domain.catalog.spec import CENTRE_CHANNEL
from portal.domain.db import is_row_id
from portal.domain.errors import DomainError, NotAllowed, NotFound
from portal.domain.models import Application, Channel, Person, Provider, StepRecord
from portal.domain.notifications import notify
from portal.domain.registries import Registries
from portal.domain.storage import FileStore
from portal.domain.workflow import may_see, process_of

#: how many requests one page of the desk's list shows
PAGE = 50
#: the password hash of an account the centre opened from the registry: no password opens it, EDS sign-in does
NO_PASSWORD = "!registry"


@dataclass(frozen=True)
class Filing:
    """What the operator enters to open a request: the service, the provider and who applies (and for whom)."""

    service_code: str
    provider_id: int | None
    applicant_iin: str
    representative_iin: str = ""
    power_of_attorney: str = ""


def channel_services() -> list:  # type: ignore[type-arg]
    """Return the services a centre files (those whose regulation names the State Corporation)."""
    from portal.domain.catalog import SERVICES
    return [s for s in SERVICES.values() if s.centre is not None and CENTRE_CHANNEL in s.channels]


def _person(session: Session, iin: str, full_name: str, now: datetime) -> Person:
    """Return the portal's account for this IIN, opening one from the registry's name if there is none."""
    person = session.scalar(select(Person).where(Person.iin == iin))
    if person is None:
        person = Person(iin=iin, full_name=full_name, password_hash=NO_PASSWORD, created_at=now)
        session.add(person)
        session.flush()
    return person


def file_at_centre(session: Session, operator: Person, filing: Filing, registries: Registries,
                   now: datetime) -> Application:
    """Identify the applicant (and a representative's power of attorney) in the registries and open the request.

    A person or a power of attorney the registries do not know stops it with the regulation's "data
    cannot be obtained"; nothing is stored then. The service's term runs from filing, on the provider's calendar.
    """
    if not operator.is_operator:
        raise NotAllowed("step_not_allowed")
    service = get_service(filing.service_code)
    if service.centre is None or CENTRE_CHANNEL not in service.channels:
        raise DomainError("service_not_at_centre")
    provider = session.get(Provider, filing.provider_id) if filing.provider_id and is_row_id(filing.provider_id) else None
    if provider is None or provider.kind not in service.provider_kinds:
        raise DomainError("provider_required")
    applicant = registries.individuals.person(filing.applicant_iin)
    details: dict[str, str] = {"applicant": applicant.full_name}
    representative = None
    if filing.representative_iin or filing.power_of_attorney:
        agent = registries.individuals.person(filing.representative_iin)
        poa = registries.notary.power_of_attorney(filing.power_of_attorney, principal_iin=applicant.iin,
                                                  agent_iin=agent.iin, service_code=service.code, day=now.date())
        representative = _person(session, agent.iin, agent.full_name, now)
        details.update(representative=agent.full_name, power_of_attorney=poa.number,
                       power_of_attorney_until=poa.valid_until.isoformat())
    person = _person(session, applicant.iin, applicant.full_name, now)
    process = service.process_for({}, CENTRE_CHANNEL)
    start = calendar.clock_start(now, provider.hours)
    app = Application(service_code=service.code, applicant_id=person.id, provider_id=provider.id, form={},
                      stage=process.start, catalog_version=service.version, channel=Channel.state_corporation,
                      filed_by_id=operator.id, centre_id=operator.provider_id,
                      representative_id=representative.id if representative else None,
                      power_of_attorney=filing.power_of_attorney or None, submitted_at=now, clock_started_at=start,
                      deadline_at=process.deadline.after(start, provider.hours), created_at=now, updated_at=now)
    session.add(app)
    session.flush()
    app.number = f"{service.number_prefix}-{now:%Y}-{app.id:06d}"
    first = process.step_of(process.start)
    assert first is not None and operator.provider is not None
    hours = operator.provider.hours
    app.steps.append(StepRecord(step=first.action, role=first.role, normative=first.duration.code,
                                started_at=calendar.next_opening(now, hours), due_at=first.duration.after(now, hours),
                                provider_id=app.provider_id))
    audit_trail.record(session, kind=audit_trail.STATE_CHANGE, action="file_at_centre", actor=operator, at=now,
                       application=app, details=details, from_status="draft", to_status=process.start)
    notify(session, app, person, "filed_at_centre", {"number": app.number, "deadline": app.deadline_at.isoformat()},
           now)
    session.flush()
    return app


def centre_request(session: Session, operator: Person, application_id: int, *, lock: bool = False) -> Application:
    """Return a request of the operator's centre, or NotFound."""
    if not is_row_id(application_id):
        raise NotFound()
    query = select(Application).where(Application.id == application_id, Application.centre_id == operator.provider_id)
    app = session.scalar(query.with_for_update(of=Application) if lock else query)
    if app is None or not may_see(app, operator):
        raise NotFound()
    return app


def centre_requests(session: Session, operator: Person, before_id: int | None = None) -> list[Application]:
    """Return one page of the centre's requests, newest first, after the keyset `before_id`."""
    query = select(Application).where(Application.centre_id == operator.provider_id)
    if before_id is not None and is_row_id(before_id):
        query = query.where(Application.id < before_id)
    # the page shows each request's open step: loaded with the page, not one query per row
    return list(session.scalars(query.options(selectinload(Application.steps))
                                .order_by(Application.id.desc()).limit(PAGE)))


def open_for_entry(app: Application) -> bool:
    """Tell whether the operator may still enter data and scans: the package has not left the centre."""
    return app.stage in ENTRY_STAGES


def save_entry(session: Session, store: FileStore, app: Application, values: Mapping[str, Any],
               scans: list[tuple[str, str, bytes]], now: datetime) -> None:
    """Keep the data the operator entered and attach the scans (kind, file name, bytes); the provider stays."""
    requests_.save_draft(session, app, values, app.provider_id, now, at_centre=True)
    for kind, filename, data in scans:
        requests_.attach(session, store, app, kind, filename, data, now, at_centre=True)


def representative_name(registries_: Registries, app: Application) -> str | None:
    """Return the representative's name as the individuals' registry states it, if one acts."""
    if app.representative is None:
        return None
    return registries_.individuals.person(app.representative.iin).full_name


def recheck_representation(registries_: Registries, app: Application, day: date) -> None:
    """Ask the notary registry again: a power of attorney revoked or expired since filing stops the step."""
    if app.representative is None or not app.power_of_attorney:
        return
    registries_.notary.power_of_attorney(app.power_of_attorney, principal_iin=app.applicant.iin,
                                         agent_iin=app.representative.iin, service_code=app.service_code, day=day)


def ready_to_send(app: Application) -> None:
    """Refuse to send on a package whose data or scans are incomplete."""
    requests_.drop_unneeded_attachments(app)
    if requests_.problems(app):
        raise DomainError("draft_incomplete")


def waiting_step(app: Application) -> str | None:
    """Return the action of the regulated step the request waits for, if any."""
    step = process_of(app).step_of(app.stage)
    return step.action if step else None
