"""The request form, built from the service's fields; every value is kept even when invalid."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import Field as FormField, RadioField, SelectField, StringField, TextAreaField

from portal.domain.catalog.spec import Field, ServiceSpec
from portal.domain.fields import GRADES
from portal.domain.models import Provider
from portal.web import localized, too_long

ACCEPT = {"accept": "application/pdf,image/jpeg,image/png"}


def form_field(spec: Field) -> FormField:
    """Return the WTForms field that edits one of the service's fields (validation is the domain's).

    Only the length is checked here too, so that an over-long text comes back with its message and
    nothing typed is lost; the browser stops at the same limit (maxlength).
    """
    label, hint = localized(spec.title), localized(spec.hint) if spec.hint else None
    extra = {"placeholder": hint} if hint else {}
    limit = [too_long(spec.max_length)]
    if spec.kind == "choice":
        return RadioField(label, choices=[(c.value, localized(c.title)) for c in spec.choices], validate_choice=False,
                          validators=limit)
    if spec.kind == "grade":
        return SelectField(label, choices=[("", "—")] + [(g, g) for g in GRADES], validate_choice=False,
                           validators=limit)
    if spec.kind == "longtext":
        return TextAreaField(label, validators=limit, render_kw=extra)
    if spec.kind == "date":
        return StringField(label, validators=limit, render_kw={"type": "date", **extra})
    if spec.kind in ("iin", "year"):
        return StringField(label, validators=limit, render_kw={"inputmode": "numeric", **extra})
    return StringField(label, validators=limit, render_kw=extra)


def build_form(service: ServiceSpec, providers: list[Provider], locale: str, **kwargs) -> FlaskForm:  # type: ignore[no-untyped-def]
    """Return the request form: the service's fields, the provider, one file field per document."""
    class RequestForm(FlaskForm):
        provider_id = RadioField(_l("Provider"), choices=[], validate_choice=False, validators=[too_long(12)])

    for spec in service.typed_fields:  # the registry fills the others; the page shows them read-only
        setattr(RequestForm, spec.name, form_field(spec))
    for doc in service.documents:
        if doc.uploadable:
            setattr(RequestForm, f"doc_{doc.code}", FileField(localized(doc.title), render_kw=ACCEPT))
    form = RequestForm(**kwargs)
    form.provider_id.choices = [(str(p.id), p.name(locale)) for p in providers]
    return form


def provider_groups(providers: list[Provider], locale: str) -> list[tuple[str, list[Provider]]]:
    """Group the providers by the district or city they serve, keeping the regulation's order."""
    groups: dict[str, list[Provider]] = {}
    for provider in providers:
        groups.setdefault(provider.area(locale), []).append(provider)
    return list(groups.items())
