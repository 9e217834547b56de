"""Issue the result: render the service's result document, sign it, store it."""
from __future__ import annotations

import secrets
import threading
from datetime import date, datetime
from pathlib import Path
from typing import Mapping

from sqlalchemy.orm import Session, object_session

from portal import dates
from portal.documents.results import CitedGround, Line, OrderRef, ResultContext, render_result
from portal.documents.signing import RESULT_REASON, PortalTimeStamper, ResultSigner
from portal.domain import identity
from portal.domain.applications import applicant_name
from portal.domain.catalog.spec import Field
from portal.domain.errors import DomainError
from portal.domain.models import Application, Decision, Person, ResultDocument, Role
from portal.domain.orders import order_for_result
from portal.domain.refusals import refusal_grounds_of
from portal.domain.registries import registries
from portal.domain.storage import FileStore
from portal.domain.workflow import service_of
from portal.pki.ca import LocalCA

_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def _shown(spec: Field, value: str) -> str:
    """Write a field's value as the document prints it (a date day first, as every date is)."""
    return dates.typed_day(value) if spec.kind == "date" else value


def new_result_number() -> str:
    """Return an unguessable result number such as 7K3M-9QX2-P4TA (about 59 bits)."""
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(12))
    return "-".join(raw[i:i + 4] for i in range(0, 12, 4))


ROLE_TITLES = {Role.head: ("Басшы", "Руководитель"), Role.executor: ("Жауапты орындаушы", "Ответственный исполнитель")}


def _choice_title(spec: Field, value: str) -> Mapping[str, str] | None:
    """Return the kk/ru/en title of a choice field's value, if it is one."""
    choice = spec.choice(value) if spec.kind == "choice" else None
    return choice.title if choice else None


def _both(text: Mapping[str, str]) -> str:
    """Return a kk/ru text as "kk / ru" for a value printed once in a bilingual document."""
    return text["kk"] if text["kk"] == text["ru"] else f"{text['kk']} / {text['ru']}"


def result_context(app: Application, signer: Person, number: str, issued_on: date,
                   order: OrderRef | None = None) -> ResultContext:
    """Collect what the result document states about this request, for its service's template."""
    service = service_of(app)
    form = dict(app.form)
    session = object_session(app)
    if session is not None:  # names and birth dates as the individuals' registry states them today
        form.update(identity.registry_values(registries(session), service, form))
    lines = []
    for spec in service.fields:
        value = str(form.get(spec.name) or "")
        title = _choice_title(spec, value)
        if title:  # templates print a choice in each language
            form[f"{spec.name}_kk"], form[f"{spec.name}_ru"] = title["kk"], title["ru"]
        if value:
            lines.append(Line(spec.title["kk"], spec.title["ru"], _both(title) if title else _shown(spec, value)))
    inputs = [f for move in service.process_for(app.form).transitions for f in move.inputs]
    result_values = app.result_fields or {}
    result_lines = tuple(Line(f.title["kk"], f.title["ru"], _shown(f, str(result_values.get(f.name) or "")))
                         for f in inputs if result_values.get(f.name))
    documents = tuple(Line(service.document(a.kind).title["kk"], service.document(a.kind).title["ru"],
                           a.original_name) for a in app.attachments if service.document(a.kind))
    sub = service.subflow(app.form)
    role_kk, role_ru = ROLE_TITLES.get(Role(signer.role), ("", ""))
    refused = app.decision == Decision.refused
    reasons = tuple(CitedGround(g.text["kk"], g.text["ru"], g.citation["kk"], g.citation["ru"])
                    for g in refusal_grounds_of(service, app.refusal_codes)) if refused else ()
    return ResultContext(
        template=service.result.template, result_number=number, registration_number=app.number or "",
        decision=str(app.decision or "permitted"), service_name_kk=service.name["kk"],
        service_name_ru=service.name["ru"], result_title_kk=service.result.title["kk"],
        result_title_ru=service.result.title["ru"], granted_kk=service.result.granted.get("kk", ""),
        granted_ru=service.result.granted.get("ru", ""), subflow_kk=sub.title["kk"] if sub else None,
        subflow_ru=sub.title["ru"] if sub else None, provider_name_kk=app.provider.name_kk,
        provider_name_ru=app.provider.name_ru, provider_address=app.provider.address,
        applicant_name=applicant_name(app), applicant_iin=app.applicant.iin, form=form, request_lines=tuple(lines),
        result_lines=result_lines, documents=documents,
        refusal_grounds=app.refusal_grounds if refused else None,
        signer_name=signer.full_name, signer_role_kk=role_kk, signer_role_ru=role_ru, issued_on=issued_on,
        order=order, refusal_reasons=reasons, appeal_kk=service.appeal.get("kk", "") if refused else "",
        appeal_ru=service.appeal.get("ru", "") if refused else "")


class ResultIssuer:
    """The issue_result effect: one signed PDF per request, kept by content hash."""

    def __init__(self, ca: LocalCA, store: FileStore, public_url: str, font_cache_dir: Path | None = None) -> None:
        self.ca, self.store, self.public_url = ca, store, public_url.rstrip("/")
        self.font_cache_dir = font_cache_dir
        self._signers: dict[tuple[str, str], ResultSigner] = {}
        self._lock = threading.Lock()

    def signer_for(self, app: Application) -> ResultSigner:
        """Return the provider's seal signer, loading its key once per process."""
        provider = app.provider
        return self.seal_for(code=provider.code, organisation=provider.name_kk, bin=provider.bin)

    def seal_for(self, *, code: str, organisation: str, bin: str, reason: str = RESULT_REASON) -> ResultSigner:
        """Return an organisation's seal signer (a provider's, or a centre's), loading its key once per process."""
        with self._lock:
            if (code, reason) not in self._signers:
                key = self.ca.provider_key(code=code, organisation=organisation, bin=bin)
                self._signers[(code, reason)] = ResultSigner(key, font_cache_dir=self.font_cache_dir,
                                                             timestamper=PortalTimeStamper(self.ca.tsa), reason=reason)
            return self._signers[(code, reason)]

    def verify_url(self, number: str) -> str:
        """Return the public verification address of a result."""
        return f"{self.public_url}/verify/{number}"

    def __call__(self, session: Session, app: Application, actor: Person, at: datetime) -> None:
        """Render, seal with the organisation key and record the result (idempotent)."""
        if app.result is not None:
            return
        if app.provider.head_signs_results and actor.role == Role.head:
            raise DomainError("head_must_sign")
        number = new_result_number()
        order = order_for_result(session, app, at.date())  # in this transaction: a rollback leaves no gap
        context = result_context(app, actor, number, at.date(), order)
        signed = self.signer_for(app).sign(render_result(context), verify_url=self.verify_url(number),
                                           signer_label=app.provider.name_kk)
        record_result(session, self.store, app, number=number, pdf=signed, signer_label=app.provider.name_kk, at=at,
                      applicant_name=context.applicant_name)


def record_result(session: Session, store: FileStore, app: Application, *, number: str, pdf: bytes,
                  signer_label: str, at: datetime, applicant_name: str | None) -> None:
    """Store a signed result PDF, with the applicant's name it states, and attach it to the request."""
    app.result = ResultDocument(number=number, decision=str(app.decision), sha256=store.put(pdf), size=len(pdf),
                                signer_label=signer_label, signed_at=at, applicant_name=applicant_name)
    session.flush()
