"""The catalog of services: each regulation held as data, every wording kept; adding a service adds an entry."""
from __future__ import annotations

from datetime import date

from portal.domain.catalog.external_study import SERVICE as EXTERNAL_STUDY
from portal.domain.catalog.spec import ServiceSpec
from portal.domain.catalog.teacher_attestation import SERVICE as TEACHER_ATTESTATION
from portal.domain.catalog.tvet_certificate import SERVICE as TVET_CERTIFICATE, SERVICE_2016 as TVET_CERTIFICATE_2016
from portal.domain.catalog.tvet_transfer import SERVICE as TVET_TRANSFER

#: the current wording of each service, by code
SERVICES: dict[str, ServiceSpec] = {
    s.code: s for s in (EXTERNAL_STUDY, TVET_CERTIFICATE, TVET_TRANSFER, TEACHER_ATTESTATION)
}

#: every wording of each service, oldest first; a request keeps running under the one it was filed under
VERSIONS: dict[str, tuple[ServiceSpec, ...]] = {code: (spec,) for code, spec in SERVICES.items()}
VERSIONS[TVET_CERTIFICATE.code] = (TVET_CERTIFICATE_2016, TVET_CERTIFICATE)


class UnknownService(LookupError):
    """No service has this code (or no such version of it)."""


def get_service(code: str, version: int | None = None) -> ServiceSpec:
    """Return the service with this code, in the given catalog version or the current one."""
    try:
        if version is None:
            return SERVICES[code]
        return next(s for s in VERSIONS[code] if s.version == version)
    except (KeyError, StopIteration):
        raise UnknownService(code) from None


def service_on(code: str, day: date) -> ServiceSpec:
    """Return the wording of a service in force on a filing day (the oldest one before any was in force)."""
    versions = VERSIONS.get(code) or (get_service(code),)
    in_force = [s for s in versions if s.valid_from <= day]
    return in_force[-1] if in_force else versions[0]


def register_service(spec: ServiceSpec) -> None:
    """Add a service to the catalog (a fifth regulation is one more entry and its result template)."""
    if spec.code in SERVICES:
        raise ValueError(f"service {spec.code!r} is already in the catalog")
    SERVICES[spec.code] = spec
    VERSIONS[spec.code] = (spec,)
