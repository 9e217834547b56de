"""The catalog of services: each regulation held as data."""
from __future__ import annotations

from portal.domain.catalog.external_study import SERVICE as EXTERNAL_STUDY
from portal.domain.catalog.others import TEACHER_ATTESTATION, TVET_CERTIFICATE, TVET_TRANSFER
from portal.domain.catalog.spec import ServiceSpec

SERVICES: dict[str, ServiceSpec] = {
    s.code: s for s in (TVET_CERTIFICATE, TVET_TRANSFER, TEACHER_ATTESTATION, EXTERNAL_STUDY)
}


class UnknownService(LookupError):
    """No service has this code."""


def get_service(code: str) -> ServiceSpec:
    """Return the service with this code or raise UnknownService."""
    try:
        return SERVICES[code]
    except KeyError:
        raise UnknownService(code) from None
