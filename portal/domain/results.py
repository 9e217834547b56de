"""Issue the result: render the excerpt, sign it with the provider's key, store it."""
from __future__ import annotations

import secrets
import threading
from datetime import date, datetime

from sqlalchemy.orm import Session

from portal.documents.render import ExcerptData, render_excerpt
from portal.documents.signing import ResultSigner
from portal.domain.catalog import get_service
from portal.domain.errors import DomainError
from portal.domain.models import Application, Decision, Person, ResultDocument
from portal.domain.storage import FileStore
from portal.pki.ca import LocalCA

_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_result_number() -> str:
    """Return an unguessable result number such as 7K3M-9QX2-P4TA (about 59 bits)."""
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(12))
    return "-".join(raw[i:i + 4] for i in range(0, 12, 4))


def excerpt_data(app: Application, head: Person, number: str, issued_on: date) -> ExcerptData:
    """Collect what the excerpt from the order states about this request."""
    service = get_service(app.service_code)
    form = app.form
    ground = service.ground(form["ground"])
    assert ground is not None and app.provider is not None
    return ExcerptData(
        result_number=number, registration_number=app.number or "", decision=str(app.decision),
        provider_name_kk=app.provider.name_kk, provider_name_ru=app.provider.name_ru,
        provider_address=app.provider.address, applicant_name=app.applicant.full_name,
        applicant_iin=app.applicant.iin, child_name=form["child_name"], child_iin=form["child_iin"],
        child_birth_date=date.fromisoformat(form["child_birth_date"]), school=form["school"],
        grade=form["grade"], ground_kk=ground.title["kk"], ground_ru=ground.title["ru"],
        refusal_grounds=app.refusal_grounds if app.decision == Decision.refused else None,
        head_name=head.full_name, issued_on=issued_on)


class ResultIssuer:
    """The issue_result effect: one signed PDF per request, kept by content hash."""

    def __init__(self, ca: LocalCA, store: FileStore, public_url: str) -> None:
        self.ca, self.store, self.public_url = ca, store, public_url.rstrip("/")
        self._signers: dict[str, ResultSigner] = {}
        self._lock = threading.Lock()

    def signer_for(self, app: Application) -> ResultSigner:
        """Return the provider's seal signer, loading its key once per process."""
        provider = app.provider
        with self._lock:
            if provider.code not in self._signers:
                key = self.ca.provider_key(code=provider.code, organisation=provider.name_kk, bin=provider.bin)
                self._signers[provider.code] = ResultSigner(key, font_cache_dir=self.ca.directory)
            return self._signers[provider.code]

    def verify_url(self, number: str) -> str:
        """Return the public verification address of a result."""
        return f"{self.public_url}/verify/{number}"

    def __call__(self, session: Session, app: Application, actor: Person, at: datetime) -> None:
        """Render, seal with the organisation key and record the result (idempotent)."""
        if app.result is not None:
            return
        if app.provider.head_signs_results:
            raise DomainError("head_must_sign")
        number = new_result_number()
        pdf = render_excerpt(excerpt_data(app, actor, number, at.date()))
        signed = self.signer_for(app).sign(pdf, verify_url=self.verify_url(number),
                                           signer_label=app.provider.name_kk)
        record_result(session, self.store, app, number=number, pdf=signed, signer_label=app.provider.name_kk, at=at)


def record_result(session: Session, store: FileStore, app: Application, *, number: str, pdf: bytes,
                  signer_label: str, at: datetime) -> None:
    """Store a signed result PDF and attach it to the request."""
    app.result = ResultDocument(number=number, decision=str(app.decision), sha256=store.put(pdf), size=len(pdf),
                                signer_label=signer_label, signed_at=at)
    session.flush()
