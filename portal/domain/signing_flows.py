"""The two documents people sign with EDS: the applicant's request and the head's result."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session, object_session

from portal.documents.interrupted import VisibleStamp
from portal.documents.results import Line, render_result
from portal.documents.request_form import AttachmentLine, ConsentLine, RequestFormData, render_request_form
from portal.domain import applications as requests_, identity
from portal.domain.consent import consent_of, give_consent, require_consent
from portal.domain.eds import Signed, ToSign, certificate_name, finish_session, open_session, prepare_pdf, signer_of
from portal.domain.errors import DomainError, NotAllowed
from portal.domain.catalog.process import Transition
from portal.domain.models import Application, Person, Role
from portal.domain.orders import order_for_preview, order_for_result
from portal.domain.results import ResultIssuer, new_result_number, record_result, result_context
from portal.domain.storage import FileStore
from portal.domain.workflow import available_transitions, is_draft, service_of, transition

from portal.pki.ca import LocalCA

#: the number printed on a preview: it is not a result and verifies as nothing
PREVIEW_NUMBER = "ЖОБА-ПРОЕКТ"


def request_form_data(app: Application, now: datetime, applicant_name: str | None = None) -> RequestFormData:
    """Collect what the application form states: each scan's SHA-256 (the name as given) and the consent."""
    service = service_of(app)
    consent = consent_of(app)
    # the applicant's own consent names them as the application does; a representative's, as recorded
    by = applicant_name if applicant_name and app.consent_by_id == app.applicant_id else (
        consent.given_by if consent else "")
    assert app.provider is not None
    lines = result_context(app, app.applicant, "", now.date()).request_lines
    link = identity.link_of(service, app.form)
    if link is not None:  # the provider reads whether the registry vouches for the representation
        statement = identity.LINK_STATEMENT[link]
        lines += (Line(identity.LINK_TITLE["kk"], identity.LINK_TITLE["ru"],
                       f"{statement['kk']} / {statement['ru']}"),)
    attachments = tuple(AttachmentLine(title_kk=service.document(a.kind).title["kk"],
                                       title_ru=service.document(a.kind).title["ru"], filename=a.original_name,
                                       sha256=a.sha256, size=a.size) for a in app.attachments)
    return RequestFormData(
        service_name_kk=service.name["kk"], service_name_ru=service.name["ru"],
        provider_name_kk=app.provider.name_kk, provider_name_ru=app.provider.name_ru,
        provider_address=app.provider.address, applicant_name=applicant_name or requests_.applicant_name(app),
        applicant_iin=app.applicant.iin, applicant_phone=app.applicant.phone, applicant_email=app.applicant.email,
        lines=lines, attachments=attachments, draft_reference=f"#{app.id}", prepared_at=now,
        consent=ConsentLine(text_kk=consent.text["kk"], text_ru=consent.text["ru"], given_at=consent.given_at,
                            given_by=by) if consent else None)


def prepare_request(session: Session, store: FileStore, app: Application, applicant: Person,
                    now: datetime, *, ca: LocalCA, certificate_der: bytes | None, consent: bool = False) -> ToSign:
    """Record the applicant's consent, render the complete draft as a PDF application, prepare it for their EDS.

    The application names the applicant, and the child they act for, as the individuals' registry does
    (asked again now), not as typed. The page announces the signing certificate first: it must be the
    applicant's, and only a signature by that same certificate completes the application.
    The consent ticked on the page travels with this request; without it nothing is prepared, and the
    application states the consent with its time, so the applicant's signature covers it.
    """
    if certificate_der is None:
        raise DomainError("certificate_required")
    certified = certificate_name(signer_of(ca, certificate_der, applicant, now))
    if not is_draft(app):
        raise DomainError("not_a_draft")
    registered = requests_.refresh_from_registry(session, app, now)
    requests_.drop_unneeded_attachments(app)
    if requests_.problems(app):
        raise DomainError("draft_incomplete")
    if not consent:
        raise DomainError("consent_required")
    give_consent(session, app, applicant, now)
    session.flush()
    data = request_form_data(app, now, registered.full_name)
    prepared = prepare_pdf(render_request_form(data), field_name="ApplicantSignature")
    return open_session(session, store, person=applicant, app=app, purpose="request", prepared=prepared, now=now,
                        certified_name=certified)


def sign_and_submit(session: Session, store: FileStore, ca: LocalCA, app: Application, applicant: Person, *,
                    token: str, cms_der: bytes, now: datetime) -> Signed:
    """Embed the applicant's verified signature in the application, then submit the request."""
    require_consent(app)  # the application signed states it; a newer wording since then asks again
    signed = finish_session(session, store, ca, token=token, person=applicant, app=app, purpose="request",
                            cms_der=cms_der, now=now)
    requests_.submit(session, app, now)
    return signed


def issuing_move(app: Application, person: Person) -> Transition | None:
    """Return the transition that issues the result which this person may take now, if any."""
    return next((t for t in available_transitions(app, person) if t.effect == "issue_result"), None)


def preview_result(app: Application, person: Person, now: datetime) -> bytes:
    """Render the result as it will be issued, unsigned, for the person whose step issues it."""
    step = issuing_move(app, person)
    if step is None:
        raise NotAllowed("step_not_allowed")
    if step.decides:
        raise NotAllowed("step_not_allowed")  # the decision is made in this very step: nothing to show yet
    session = object_session(app)
    assert session is not None, "a request being worked is loaded in a session"
    order = order_for_preview(session, app, now.date())  # shows a number drawn already, draws none
    return render_result(result_context(app, person, PREVIEW_NUMBER, now.date(), order))


def prepare_result(session: Session, store: FileStore, issuer: ResultIssuer, app: Application, head: Person,
                   now: datetime) -> ToSign:
    """Render the drafted result with a QR stamp naming the head and prepare it for the head's EDS."""
    step = issuing_move(app, head)
    if step is None or step.role != Role.head:
        raise NotAllowed("step_not_allowed")
    number = new_result_number()
    # the order number is drawn once per request: preparing again (a lost page, an expired session) reuses it
    order = order_for_result(session, app, now.date())
    context = result_context(app, head, number, now.date(), order)
    stamp = VisibleStamp(verify_url=issuer.verify_url(number), signer_label=head.full_name)
    prepared = prepare_pdf(render_result(context), field_name="HeadSignature", stamp=stamp)
    return open_session(session, store, person=head, app=app, purpose="result", prepared=prepared, now=now,
                        result_number=number, applicant_name=context.applicant_name)


def sign_and_approve(session: Session, store: FileStore, ca: LocalCA, app: Application, head: Person, *,
                     token: str, cms_der: bytes, now: datetime) -> Signed:
    """Embed the head's verified signature in the result and take the approve step with it."""
    signed = finish_session(session, store, ca, token=token, person=head, app=app, purpose="result",
                            cms_der=cms_der, now=now, expected_bin=app.provider.bin)

    def presigned(s: Session, a: Application, actor: Person, at: datetime) -> None:
        # a session prepared before names were recorded with it leaves the name to the registry, as before
        record_result(s, store, a, number=signed.signing.result_number or "", pdf=signed.pdf,
                      signer_label=signed.record.signer_name, at=at, applicant_name=signed.signing.applicant_name)

    step = issuing_move(app, head)
    transition(session, app, step.action if step else "", head, now, effects={"issue_result": presigned})
    return signed
