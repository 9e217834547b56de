"""What the verification page states of a result the portal issued, read in one query of plain columns."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, bindparam, select
from sqlalchemy.orm import Session

from portal.domain.applications import applicant_name
from portal.domain.document_checks import CheckRow
from portal.domain.driver_reads import DriverRead
from portal.domain.models import Application, DocumentCheck, Person, Provider, ResultDocument


@dataclass(frozen=True)
class ProviderNames:
    """The provider's names, all the page needs of it."""

    name_kk: str
    name_ru: str
    name_en: str
    name = Provider.name  # the same choice of language as the provider's own


@dataclass(frozen=True)
class IssuedResult:
    """A result as anyone holding its number may read it."""

    number: str
    #: permitted or refused
    decision: str
    sha256: str
    signer_label: str
    signed_at: datetime
    #: the applicant's name as the document states it
    applicant_name: str
    applicant_iin: str
    request_number: str
    service_code: str
    provider: ProviderNames


# plain columns, not entities, on the driver's cursor: the ORM's objects, and then SQLAlchemy's execution and
# session, each cost more than the query's round trip
_BY_NUMBER = DriverRead(
    select(ResultDocument.number, ResultDocument.decision, ResultDocument.sha256, ResultDocument.signer_label,
           ResultDocument.signed_at, ResultDocument.applicant_name, ResultDocument.application_id,
           Person.iin.label("applicant_iin"), Application.number.label("request_number"), Application.service_code,
           Provider.name_kk, Provider.name_ru, Provider.name_en,
           DocumentCheck.verdict, DocumentCheck.checked_at)
    .join(Application, Application.id == ResultDocument.application_id)
    .join(Person, Person.id == Application.applicant_id)
    .join(Provider, Provider.id == Application.provider_id)
    # the file's recorded check comes with it: no query of its own
    .outerjoin(DocumentCheck, and_(DocumentCheck.sha256 == ResultDocument.sha256,
                                   DocumentCheck.roots_sha256 == bindparam("roots")))
    .where(ResultDocument.number == bindparam("number")))


def issued_result(session: Session, number: str, roots_key: str) -> tuple[IssuedResult | None, CheckRow | None]:
    """Return the result with this number, if the portal issued one, and its file's check recorded under these roots.

    Read on the driver's cursor (see DriverRead): the session's connection if it has begun one, else a pooled one.
    """
    row = _BY_NUMBER.first(session, {"number": number.strip().upper(), "roots": roots_key})
    if row is None:
        return None, None
    # a result issued before its name was kept names the applicant as the registry does
    name = row.applicant_name or applicant_name(session.get_one(Application, row.application_id))
    result = IssuedResult(number=row.number, decision=row.decision, sha256=row.sha256, signer_label=row.signer_label,
                          signed_at=row.signed_at, applicant_name=name, applicant_iin=row.applicant_iin,
                          request_number=row.request_number or "", service_code=row.service_code,
                          provider=ProviderNames(row.name_kk, row.name_ru, row.name_en or ""))
    # the row itself: its verdict and checked_at are all a recorded check is read for (no ORM object to build)
    return result, (None if row.verdict is None else row)
