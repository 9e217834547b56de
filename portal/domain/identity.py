"""Who a request is about, as the individuals' registry says: names, birth dates, a parent's or guardian's link.

A request states people by IIN; their names and birth dates come from the registry, not from what anyone
typed. When the applicant acts for someone else (a child), the registry is asked first whether the
applicant is that person's parent or guardian, and its answer is kept on the form (REGISTRY_LINK).
"""
from __future__ import annotations

from datetime import date
from typing import Any, Mapping

from portal.domain.catalog.spec import REGISTRY_LINK, Field, ServiceSpec, Text
from portal.domain.registries import DataCannotBeObtained, RegisteredPerson, Registries
from portal.domain.validators import ValidationError, parse_iin

#: the registry shows the applicant as the person's parent or guardian
CONFIRMED = "confirmed"
#: the registry knows the person but shows no such link: documents must confirm the representation
UNCONFIRMED = "unconfirmed"
#: the applicant applies for themselves (the student is the applicant): nobody is represented
SELF = "self"
#: the registry has no person with this IIN: data cannot be obtained
UNKNOWN = "unknown"

#: the answers that let the request go on
CHECKED = (CONFIRMED, UNCONFIRMED, SELF)

#: what the registry's answer means, as the provider's staff and the application read it
LINK_TITLE: Text = {"kk": "Заңды өкілдік", "ru": "Законное представительство", "en": "Legal representation"}
LINK_STATEMENT: dict[str, Text] = {
    CONFIRMED: {
        "kk": "ЖТ МДҚ растады: өтініш беруші — баланың ата-анасы немесе қорғаншысы",
        "ru": "Подтверждено ГБД ФЛ: заявитель — родитель или опекун ребёнка",
        "en": "Confirmed by the individuals' registry (ГБД ФЛ): the applicant is the child's parent or guardian",
    },
    UNCONFIRMED: {
        "kk": "ЖТ МДҚ растамады: тізілім өтініш берушіні баланың ата-анасы немесе қорғаншысы деп көрсетпейді; "
              "өкілдік қоса берілген құжатпен расталады",
        "ru": "НЕ подтверждено ГБД ФЛ: реестр не указывает заявителя родителем или опекуном ребёнка; "
              "представительство подтверждается приложенным документом",
        "en": "NOT confirmed by the individuals' registry (ГБД ФЛ): it does not show the applicant as the child's "
              "parent or guardian; the representation rests on the attached document",
    },
    SELF: {
        "kk": "Өтініш беруші — білім алушының өзі",
        "ru": "Заявитель — сам обучающийся",
        "en": "The applicant is the student themself",
    },
}


def _sources(service: ServiceSpec) -> dict[str, list[Field]]:
    """Return each IIN field the registry is asked about, with the fields it fills from that person."""
    found: dict[str, list[Field]] = {}
    if service.representation is not None:
        found[service.representation.iin_field] = []
    for spec in service.fields:
        if spec.registry_of:
            found.setdefault(spec.registry_of, []).append(spec)
    return found


def _value(spec: Field, person: RegisteredPerson) -> str:
    """Return what the registry gives for this field: the person's name or their birth date."""
    return person.birth_date.isoformat() if spec.kind == "date" else person.full_name


def _valid_iin(raw: Any) -> str | None:
    """Return the IIN if it is one, else None (the field reports its own problem)."""
    try:
        return parse_iin(str(raw or "")).value
    except ValidationError:
        return None


def fill_from_registry(regs: Registries, service: ServiceSpec, form: Mapping[str, Any], applicant_iin: str,
                       day: date) -> dict[str, Any]:
    """Return the form with the registry's values for every IIN it names and the applicant's link to the represented."""
    filled = dict(form)
    rep = service.representation
    for iin_field, dependents in _sources(service).items():
        iin = _valid_iin(filled.get(iin_field))
        person = None
        if iin is not None:
            try:
                person = regs.individuals.person(iin)
            except DataCannotBeObtained:
                person = None
        for spec in dependents:
            filled[spec.name] = _value(spec, person) if person else ""
        if rep is None or iin_field != rep.iin_field:
            continue
        if iin is None:
            filled.pop(REGISTRY_LINK, None)
        elif person is None:
            filled[REGISTRY_LINK] = UNKNOWN
        elif iin == applicant_iin:
            filled[REGISTRY_LINK] = SELF
        else:
            linked = regs.individuals.is_parent_or_guardian(applicant_iin, iin, day)
            filled[REGISTRY_LINK] = CONFIRMED if linked else UNCONFIRMED
    return filled


def registry_values(regs: Registries, service: ServiceSpec, form: Mapping[str, Any]) -> dict[str, str]:
    """Return the registry's current values of the registry-filled fields, for the IINs it knows."""
    values = {}
    for iin_field, dependents in _sources(service).items():
        iin = _valid_iin(form.get(iin_field))
        try:
            person = regs.individuals.person(iin) if iin and dependents else None
        except DataCannotBeObtained:
            person = None  # an old request for someone the registry does not know keeps what was typed
        if person is not None:
            values.update({spec.name: _value(spec, person) for spec in dependents})
    return values


def awaits_registry_check(service: ServiceSpec, form: Mapping[str, Any]) -> bool:
    """Tell whether the represented person's IIN is still to be checked in the registry (the form asks it first)."""
    return service.representation is not None and form.get(REGISTRY_LINK) not in CHECKED


def registry_problems(service: ServiceSpec, form: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Return (IIN field, message code) for every IIN the registry has not answered for."""
    found = []
    rep = service.representation
    for iin_field, dependents in _sources(service).items():
        if _valid_iin(form.get(iin_field)) is None:
            continue  # the IIN field reports its own problem
        if rep is not None and iin_field == rep.iin_field:
            link = form.get(REGISTRY_LINK)
            if link == UNKNOWN:
                found.append((iin_field, "data_cannot_be_obtained"))
            elif link not in CHECKED:
                found.append((iin_field, "registry_unchecked"))
        elif any(not str(form.get(spec.name) or "").strip() for spec in dependents):
            found.append((iin_field, "data_cannot_be_obtained"))
    return found


def link_of(service: ServiceSpec, form: Mapping[str, Any]) -> str | None:
    """Return what the registry said of the applicant's link to the represented person, once it was asked."""
    link = form.get(REGISTRY_LINK)
    return link if service.representation is not None and link in CHECKED else None
