"""Check and normalise the values of a service's fields, whatever the service."""
from __future__ import annotations

from datetime import date
from typing import Any, Mapping

from portal import dates
from portal.domain.catalog.spec import Field
from portal.domain.errors import DomainError
from portal.domain.validators import ValidationError, parse_iin

GRADES = tuple(str(g) for g in range(1, 12))


def normalise(field: Field, raw: Any) -> str:
    """Return the value as it is kept: trimmed; an IIN without spaces."""
    value = "" if raw is None else str(raw).strip()
    return "".join(value.split()) if field.kind == "iin" else value


def bounded(field: Field, raw: Any) -> str:
    """Return the value as it is kept, or raise DomainError too_long when it exceeds the field's limit."""
    value = normalise(field, raw)
    if len(value) > field.max_length:
        raise DomainError("too_long", field=field.name, max=field.max_length)
    return value


def bounded_text(name: str, raw: Any, max_length: int) -> str:
    """Return free text (a resolution, refusal grounds) trimmed, or raise too_long past `max_length`."""
    value = "" if raw is None else str(raw).strip()
    if len(value) > max_length:
        raise DomainError("too_long", field=name, max=max_length)
    return value


def problem(field: Field, form: Mapping[str, Any]) -> str | None:
    """Return the message code of what is wrong with this field's value, or None."""
    value = str(form.get(field.name) or "").strip()
    if not value:
        return "required" if field.required else None
    if len(value) > field.max_length:
        return "too_long"
    kind = field.kind
    if kind == "iin":
        try:
            parse_iin(value)
        except ValidationError as err:
            return err.code
    elif kind == "person_name" and len(value.split()) < 2:
        return "name_required"
    elif kind == "date":
        try:
            date.fromisoformat(value)
        except ValueError:
            return "date_required"
    elif kind == "choice" and field.choice(value) is None:
        return "required"
    elif kind == "grade" and value not in GRADES:
        return "required"
    elif kind == "year" and not (value.isdigit() and len(value) == 4 and 1950 <= int(value) <= 2100):
        return "year_format"
    return None


def problems(fields: tuple[Field, ...], form: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Return (field name, message code) for every field with a problem."""
    found = []
    for field in fields:
        code = problem(field, form)
        if code:
            found.append((field.name, code))
    return found


def display(field: Field, value: Any, locale: str) -> str:
    """Return the value as people read it (a choice's title rather than its code)."""
    text = "" if value is None else str(value)
    if field.kind == "date":
        return dates.typed_day(text)
    choice = field.choice(text) if field.kind == "choice" else None
    return (choice.title.get(locale) or choice.title["kk"]) if choice else text
