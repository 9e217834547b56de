"""Valid sample values for any service's fields and step inputs, made from the catalog's data."""
from __future__ import annotations

from typing import Any

from portal.demo_registry import CHILD_IIN
from portal.domain.catalog.spec import Field, ServiceSpec, Transition as Step


def value_for(field: Field, *, subflow: str | None = None) -> str:
    """Return a valid value of one field."""
    kind = field.kind
    if kind == "iin":
        return CHILD_IIN  # the demo citizen's son, whom the stand-in registry knows
    if kind == "date":
        return "2024-06-30"
    if kind == "choice":
        values = [c.value for c in field.choices]
        return subflow if subflow in values else values[0]
    if kind == "grade":
        return "8"
    if kind == "year":
        return "2023"
    if kind == "person_name":
        return "Сейітов Нұрлан Болатұлы"
    if kind == "longtext":
        return "Бірінші және екінші курстар толық аяқталды."
    return "Тест мәні / Тестовое значение"


def form_values(service: ServiceSpec, subflow: str | None = None) -> dict[str, str]:
    """Return what the applicant types in a complete, valid form (choosing the sub-flow when it has them).

    The registry fills the rest (the child's name and birth date) from the IIN given here.
    """
    return {f.name: value_for(f, subflow=subflow if f.name == service.subflow_field else None)
            for f in service.typed_fields}


def step_payload(step: Step, executor_id: int | None) -> dict[str, Any]:
    """Return what the step's actor supplies to take it (a grant when the step decides)."""
    payload: dict[str, Any] = {f.name: value_for(f) for f in step.inputs}
    if step.assigns_executor:
        payload.update(executor_id=str(executor_id), resolution="Қарап, шешім дайындаңыз.")
    if step.decides:
        payload["decision"] = "permitted"
    return payload
