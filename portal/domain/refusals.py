"""A reasoned refusal: grounds chosen from the service's catalog list, each with its citation, and why."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from portal.domain import fields
from portal.domain.catalog.spec import MAX_LENGTH, RefusalGround, ServiceSpec
from portal.domain.errors import DomainError

#: the form field that carries the chosen grounds' codes (one value per ticked ground)
GROUND_FIELD = "refusal_ground"
#: the form field that carries the executor's explanation
EXPLANATION_FIELD = "refusal_explanation"
#: more codes than any service lists are not read one by one (a hostile post stays cheap)
MAX_CODES = 30


@dataclass(frozen=True)
class ChosenRefusal:
    """The grounds chosen for a refusal (catalog codes, in catalog order) and the explanation."""

    codes: tuple[str, ...]
    explanation: str


def _posted_values(payload: Mapping[str, Any], name: str) -> list[Any]:
    """Return every value posted under `name`: a MultiDict's list, a list value, or the one value."""
    getlist = getattr(payload, "getlist", None)
    if callable(getlist):
        return list(getlist(name))
    raw = payload.get(name)
    if raw is None:
        return []
    return list(raw) if isinstance(raw, (list, tuple)) else [raw]


def chosen_refusal(service: ServiceSpec, payload: Mapping[str, Any]) -> ChosenRefusal:
    """Read the chosen grounds and the explanation; require one known ground at least and an explanation."""
    raw = _posted_values(payload, GROUND_FIELD)
    if len(raw) > MAX_CODES:
        raise DomainError("refusal_ground_unknown")
    chosen: set[str] = set()
    for value in raw:
        code = str(value).strip()
        if not code:
            continue
        if service.refusal_ground(code) is None:
            raise DomainError("refusal_ground_unknown")
        chosen.add(code)
    if not chosen:
        raise DomainError("refusal_ground_required")
    explanation = fields.bounded_text(EXPLANATION_FIELD, payload.get(EXPLANATION_FIELD), MAX_LENGTH["longtext"])
    if not explanation:
        raise DomainError("refusal_explanation_required")
    return ChosenRefusal(tuple(g.code for g in service.refusal_grounds if g.code in chosen), explanation)


def refusal_grounds_of(service: ServiceSpec, codes: list[str] | tuple[str, ...] | None) -> tuple[RefusalGround, ...]:
    """Return the catalog grounds a request's codes name, in the order they were stored.

    Codes are never renamed in the catalog; one the catalog no longer lists is left out, and the
    request's explanation still states the refusal in the executor's words.
    """
    found = (service.refusal_ground(code) for code in codes or ())
    return tuple(g for g in found if g is not None)
