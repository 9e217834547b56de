"""The registry of result templates: a service names its template, the registry renders it.

A template is a function ``ResultContext -> bytes`` (an A4 PDF, Kazakh then Russian,
``STAMP_BOX`` empty for the signature stamp). Built in:

- ``excerpt_external_study``: the excerpt from the order permitting external study
  (``render.render_excerpt``), adapted from the generic context, see ``excerpt_data``;
- ``tvet_certificate``, ``tvet_order``, ``attestation_receipt``: see ``result_forms.py``.

A further service adds its own with ``register_template("name", render)`` and names it
in its catalog entry; ``render_result`` then picks it by ``ctx.template``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from portal.documents.render import ExcerptData, render_excerpt
from portal.documents.result_context import DECISIONS, CitedGround, Line, OrderRef, ResultContext
from portal.documents.result_forms import (
    render_attestation_receipt,
    render_tvet_certificate,
    render_tvet_order,
)

__all__ = [
    "CitedGround",
    "DECISIONS",
    "Line",
    "OrderRef",
    "ResultContext",
    "TEMPLATES",
    "Template",
    "excerpt_data",
    "register_template",
    "render_result",
]

Template = Callable[[ResultContext], bytes]
TEMPLATES: dict[str, Template] = {}

#: the labels of the external-study request's ground field (the catalog's Field "ground")
GROUND_LABELS = ("Негіз", "Основание")


def register_template(name: str, render: Template, *, replace: bool = False) -> None:
    """Register a result template under ``name``; another template already there needs ``replace=True``."""
    if not name or not name.strip():
        raise ValueError("a result template needs a name")
    if not callable(render):
        raise TypeError(f"result template {name!r} must be callable")
    current = TEMPLATES.get(name)
    if current is not None and current is not render and not replace:
        raise ValueError(f"result template {name!r} is already registered")
    TEMPLATES[name] = render


def render_result(ctx: ResultContext) -> bytes:
    """Render the result document with the template the context names."""
    render = TEMPLATES.get(ctx.template)
    if render is None:
        known = ", ".join(sorted(TEMPLATES))
        raise ValueError(f"unknown result template {ctx.template!r} (known: {known})")
    return render(ctx)


def _form_value(ctx: ResultContext, key: str) -> str:
    """Return a required raw request value for the excerpt."""
    value = str(ctx.form.get(key) or "").strip()
    if not value:
        raise ValueError(f"result template {ctx.template!r} needs the request field {key!r}")
    return value


def _ground(ctx: ResultContext) -> tuple[str, str]:
    """Return the ground in Kazakh and Russian: form keys ground_kk/ground_ru, else its request line."""
    # the line labelled "Негіз"/"Основание" prints a choice as "kk / ru"; a value without " / "
    # serves both languages
    kk, ru = str(ctx.form.get("ground_kk") or "").strip(), str(ctx.form.get("ground_ru") or "").strip()
    if kk and ru:
        return kk, ru
    line = next((ln for ln in ctx.request_lines if (ln.label_kk, ln.label_ru) == GROUND_LABELS), None)
    if line is None or not line.value.strip():
        raise ValueError("the external-study excerpt needs the ground (form ground_kk/ground_ru or its line)")
    parts = line.value.split(" / ")
    return (parts[0].strip(), parts[1].strip()) if len(parts) == 2 else (line.value.strip(),) * 2


def excerpt_data(ctx: ResultContext) -> ExcerptData:
    """Build the external-study excerpt's data from the generic context (raw values from ``ctx.form``)."""
    raw_birth_date = _form_value(ctx, "child_birth_date")
    try:
        birth_date = date.fromisoformat(raw_birth_date)
    except ValueError as err:
        raise ValueError(f"child_birth_date must be an ISO date, got {raw_birth_date!r}") from err
    ground_kk, ground_ru = _ground(ctx)
    return ExcerptData(
        result_number=ctx.result_number,
        registration_number=ctx.registration_number,
        decision=ctx.decision,
        provider_name_kk=ctx.provider_name_kk,
        provider_name_ru=ctx.provider_name_ru,
        provider_address=ctx.provider_address,
        applicant_name=ctx.applicant_name,
        applicant_iin=ctx.applicant_iin,
        child_name=_form_value(ctx, "child_name"),
        child_iin=_form_value(ctx, "child_iin"),
        child_birth_date=birth_date,
        school=_form_value(ctx, "school"),
        grade=_form_value(ctx, "grade"),
        ground_kk=ground_kk,
        ground_ru=ground_ru,
        refusal_grounds=ctx.refusal_grounds if ctx.refused else None,
        head_name=ctx.signer_name,
        issued_on=ctx.issued_on,
        order=ctx.order,
        refusal_reasons=ctx.refusal_reasons if ctx.refused else (),
        appeal_kk=ctx.appeal_kk if ctx.refused else "",
        appeal_ru=ctx.appeal_ru if ctx.refused else "",
    )


def render_excerpt_external_study(ctx: ResultContext) -> bytes:
    """Render the external-study excerpt (or its reasoned refusal) from the generic context."""
    return render_excerpt(excerpt_data(ctx))


register_template("excerpt_external_study", render_excerpt_external_study)
register_template("tvet_certificate", render_tvet_certificate)
register_template("tvet_order", render_tvet_order)
register_template("attestation_receipt", render_attestation_receipt)
