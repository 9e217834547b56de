"""The centre's steps as the operator takes them: consent, register or refuse, sign and send, hand over."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any, Mapping

from sqlalchemy.orm import Session, object_session

from portal.documents.request_form import RequestFormData, render_request_form
from portal.documents.result_context import Line
from portal.domain import consent as consent_
from portal.domain.applications import applicant_name, refresh_from_registry
from portal.domain.catalog.process import Transition
from portal.domain.centre_desk import ready_to_send, recheck_representation, representative_name
from portal.domain.registries import registries
from portal.domain.eds import Signed, ToSign, certificate_name, finish_session, open_session, prepare_pdf, signer_of
from portal.domain.errors import DomainError, NotAllowed
from portal.domain.models import Application, Person
from portal.domain.refusal_receipts import issue_refusal_receipt
from portal.domain.results import ResultIssuer
from portal.domain.storage import FileStore
from portal.domain.workflow import Effect, available_transitions, transition
from portal.pki.ca import LocalCA

#: the moves whose effect the desk supplies, and what each needs
SENDING = "send_to_provider"


def _move(app: Application, operator: Person, effect: str | None = None, action: str | None = None) -> Transition:
    """Return the operator's available move with this effect or action, or refuse."""
    move = next((t for t in available_transitions(app, operator)
                 if (effect is None or t.effect == effect) and (action is None or t.action == action)), None)
    if move is None:
        raise NotAllowed("step_not_allowed")
    return move


def _consent(s: Session, a: Application, actor: Person, at: datetime) -> None:
    """Record the consent the applicant (or their representative) gave at the centre."""
    consent_.give_consent(s, a, a.representative or a.applicant, at)


def take(session: Session, issuer: ResultIssuer, app: Application, operator: Person, action: str,
         now: datetime, *, payload: Mapping[str, Any] | None = None, seen_version: int | None = None) -> Transition:
    """Take one of the centre's steps that needs no signature: consent, register, refuse with a receipt, hand over."""
    move = _move(app, operator, action=action)
    recheck_representation(registries(session), app, now.date())  # a hand-over to a revoked agent is no hand-over
    if move.effect == SENDING:
        raise NotAllowed("step_not_allowed")  # sending needs the operator's EDS: prepare_package / sign_and_send
    missing = [str(code) for code in (payload or {}).get("missing", ())][:20]

    def receipt(s: Session, a: Application, actor: Person, at: datetime) -> None:
        assert a.centre is not None, "a package is refused at the centre it was filed at"
        issue_refusal_receipt(s, issuer, a, actor, a.centre, missing, at)

    effects: dict[str, Effect] = {"record_consent": _consent, "issue_receipt": receipt}
    return transition(session, app, action, operator, now, payload=payload or {}, effects=effects,
                      seen_version=seen_version)


def package_form_data(app: Application, operator: Person, now: datetime) -> RequestFormData:
    """Return the application as the centre files it: the registry's names, where, by whom, for whom."""
    from portal.domain.signing_flows import request_form_data
    data = request_form_data(app, now, applicant_name(app))
    session = object_session(app)
    assert app.centre is not None and session is not None
    lines = [Line("Мемлекеттік корпорацияның бөлімі", "Отдел Государственной корпорации", app.centre.name_kk),
             Line("Операторы", "Оператор", operator.full_name)]
    if app.representative is not None:
        lines.append(Line("Өкіл (нотариаттық сенімхат бойынша)", "Представитель (по нотариальной доверенности)",
                          f"{representative_name(registries(session), app)}, ЖСН/ИИН {app.representative.iin}, "
                          f"№ {app.power_of_attorney}"))
    return replace(data, lines=(*data.lines, *lines), signed_by_operator=True)


def prepare_package(session: Session, store: FileStore, app: Application, operator: Person, now: datetime, *,
                    ca: LocalCA, certificate_der: bytes | None) -> ToSign:
    """Render the filled application with its scans' list and prepare it for the operator's EDS."""
    if certificate_der is None:
        raise DomainError("certificate_required")
    certified = certificate_name(signer_of(ca, certificate_der, operator, now))
    _move(app, operator, effect=SENDING)
    consent_.require_consent(app)  # the application states it, so the operator's signature covers it
    recheck_representation(registries(session), app, now.date())
    refresh_from_registry(session, app, now)  # names, birth dates and the parent's link as the registry says now
    ready_to_send(app)
    session.flush()
    prepared = prepare_pdf(render_request_form(package_form_data(app, operator, now)), field_name="OperatorSignature")
    return open_session(session, store, person=operator, app=app, purpose="request", prepared=prepared, now=now,
                        certified_name=certified)


def sign_and_send(session: Session, store: FileStore, ca: LocalCA, app: Application, operator: Person, *,
                  token: str, cms_der: bytes, now: datetime) -> Signed:
    """Embed the operator's verified signature in the package and send it to the provider."""
    move = _move(app, operator, effect=SENDING)
    assert app.centre is not None
    signed = finish_session(session, store, ca, token=token, person=operator, app=app, purpose="request",
                            cms_der=cms_der, now=now, expected_bin=app.centre.bin)

    def send(s: Session, a: Application, actor: Person, at: datetime) -> None:
        ready_to_send(a)

    transition(session, app, move.action, operator, now, effects={SENDING: send})
    return signed
