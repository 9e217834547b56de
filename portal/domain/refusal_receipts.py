"""Issue a receipt of refusal to accept documents (Standard annex 3): rendered, sealed by the centre, stored.

A State Corporation operator who finds a package incomplete refuses it with this receipt (seed 004,
para. 9, subpara. 1, 5 minutes) and hands it over printed. It is sealed like a result: the centre's
organisation key from the portal's CA, a QR stamp linking to the verification page, a timestamp; anyone
can check it there by its number. It is no result of the service, so it is kept in its own table
(``RefusalReceipt``), not as the request's ``ResultDocument``; the stage move and its audit row are the
caller's transition (this writes neither).
"""
from __future__ import annotations

from datetime import datetime
from typing import Protocol, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.documents.refusal_receipt import MissingDocument, ReceiptOfRefusal, render_refusal_receipt
from portal.domain.applications import applicant_name
from portal.domain.catalog.spec import DocumentSpec, ServiceSpec
from portal.domain.errors import DomainError
from portal.domain.models import Application, Person, RefusalReceipt
from portal.domain.results import ResultIssuer, new_result_number
from portal.domain.storage import FileStore
from portal.domain.workflow import service_of

#: the reason the receipt's signature states
RECEIPT_REASON = "Құжаттарды қабылдаудан бас тарту туралы қолхат / Расписка об отказе в приеме документов"

#: the Standard's paragraph listing the package, by service: each of the four Standards lists it in para. 9
#: (seeds 001-004 refer to it so; it is the list a package is checked against for completeness)
DOCUMENTS_PARAGRAPH: dict[str, int] = {
    "external_study": 9,
    "tvet_certificate": 9,
    "tvet_transfer": 9,
    "teacher_attestation": 9,
}


class Centre(Protocol):
    """The State Corporation centre (department) that refuses: what the receipt and its seal name."""

    #: a stable code; its seal key is kept under "centre-<code>", apart from the providers' seals
    code: str
    name_kk: str
    name_ru: str
    address: str
    #: the centre's BIN, carried by its seal certificate
    bin: str


def seal_code(centre: Centre) -> str:
    """Return the name of the centre's seal key in the portal's CA (never a provider's)."""
    return f"centre-{centre.code}"


#: the application itself, in the Standard's form: part of every package a centre accepts (seed 004 para. 9)
APPLICATION_DOCUMENT = DocumentSpec("application", {
    "kk": "Стандартқа сәйкес нысандағы өтініш", "ru": "Заявление по форме согласно Стандарту",
    "en": "The application in the Standard's form"})


def package_documents(service: ServiceSpec) -> tuple[DocumentSpec, ...]:
    """Return what a package at a centre consists of: the application, then the service's documents."""
    return (APPLICATION_DOCUMENT, *service.documents)


def _missing(app: Application, codes: Sequence[str]) -> list[str]:
    """Return the missing documents' codes in order, once each; refuse codes the service does not list."""
    service = service_of(app)
    chosen = list(dict.fromkeys(str(code) for code in codes))
    if not chosen:
        raise DomainError("missing_documents_required")
    known = {d.code for d in package_documents(service)}
    if any(code not in known for code in chosen):
        raise DomainError("unknown_document")
    return chosen


def issue_refusal_receipt(session: Session, issuer: ResultIssuer, app: Application, operator: Person,
                          centre: Centre, missing: Sequence[str], at: datetime, *,
                          standard_paragraph: int | None = None, operator_phone: str = "") -> RefusalReceipt:
    """Render the receipt of refusal naming the missing documents, seal it with the centre's key and store it."""
    codes = _missing(app, missing)
    service = service_of(app)
    titles = {d.code: d.title for d in package_documents(service)}
    # a service not listed here (a fifth one) is taken to follow the 2015 Standards' layout: para. 9
    paragraph = standard_paragraph or DOCUMENTS_PARAGRAPH.get(app.service_code, 9)
    number = new_result_number()
    data = ReceiptOfRefusal(
        receipt_number=number, centre_name_kk=centre.name_kk, centre_name_ru=centre.name_ru,
        centre_address=centre.address, operator_name=operator.full_name, operator_phone=operator_phone,
        applicant_name=applicant_name(app), applicant_iin=app.applicant.iin,
        service_name_kk=service.name["kk"], service_name_ru=service.name["ru"],
        missing=tuple(MissingDocument(titles[c]["kk"], titles[c]["ru"]) for c in codes),
        issued_at=at, standard_paragraph=paragraph)
    seal = issuer.seal_for(code=seal_code(centre), organisation=centre.name_kk, bin=centre.bin, reason=RECEIPT_REASON)
    signed = seal.sign(render_refusal_receipt(data), verify_url=issuer.verify_url(number), signer_label=centre.name_kk)
    receipt = RefusalReceipt(number=number, application_id=app.id, operator_id=operator.id, centre_code=centre.code,
                             missing_documents=codes, standard_paragraph=paragraph, sha256=issuer.store.put(signed),
                             size=len(signed), signer_label=centre.name_kk, issued_at=at)
    session.add(receipt)
    session.flush()
    return receipt


def receipts_of(session: Session, app: Application) -> list[RefusalReceipt]:
    """Return the receipts of refusal issued on a request, oldest first."""
    return list(session.scalars(select(RefusalReceipt).where(RefusalReceipt.application_id == app.id)
                                .order_by(RefusalReceipt.id)))


def receipt_by_number(session: Session, number: str) -> RefusalReceipt | None:
    """Return the receipt with this public number, if the portal issued one."""
    return session.scalar(select(RefusalReceipt).where(RefusalReceipt.number == number.strip().upper()))


def receipt_pdf(store: FileStore, receipt: RefusalReceipt) -> bytes:
    """Return the signed PDF of a receipt, to print or download."""
    return store.get(receipt.sha256)
