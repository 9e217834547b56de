"""The catalog of services: each regulation held as data; adding a service adds an entry here."""
from __future__ import annotations

from portal.domain.catalog.external_study import SERVICE as EXTERNAL_STUDY
from portal.domain.catalog.spec import ServiceSpec
from portal.domain.catalog.teacher_attestation import SERVICE as TEACHER_ATTESTATION
from portal.domain.catalog.tvet_certificate import SERVICE as TVET_CERTIFICATE
from portal.domain.catalog.tvet_transfer import SERVICE as TVET_TRANSFER

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


def register_service(spec: ServiceSpec) -> None:
    """Add a service to the catalog (a fifth regulation is one more entry and its result template)."""
    if spec.code in SERVICES:
        raise ValueError(f"service {spec.code!r} is already in the catalog")
    SERVICES[spec.code] = spec
