"""The external-study request form; every field is kept even when invalid, so nothing is lost."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import RadioField, SelectField, StringField

from portal.domain.applications import GRADES
from portal.domain.catalog.spec import ServiceSpec
from portal.domain.models import Provider
from portal.web import localized


class RequestForm(FlaskForm):
    """The request's fields; document upload fields are added per service."""

    child_iin = StringField(_l("Child's IIN"), render_kw={"inputmode": "numeric", "maxlength": 12})
    child_name = StringField(_l("Child's surname, name and patronymic"))
    child_birth_date = StringField(_l("Child's birth date"), render_kw={"type": "date"})
    school = StringField(_l("School"), render_kw={"placeholder": _l("e.g. School-lyceum No. 1, Petropavl")})
    grade = SelectField(_l("Grade"), choices=[("", "—")] + [(g, g) for g in GRADES])
    ground = RadioField(_l("Ground"), choices=[], validate_choice=False)
    provider_id = SelectField(_l("Provider (education department)"), choices=[], validate_choice=False)


def build_form(service: ServiceSpec, providers: list[Provider], locale: str, **kwargs) -> RequestForm:  # type: ignore[no-untyped-def]
    """Return the request form with the service's grounds, providers and one file field per document."""
    class _Form(RequestForm):
        pass

    for doc in service.documents:
        if doc.uploadable:
            setattr(_Form, f"doc_{doc.code}", FileField(localized(doc.title),
                    render_kw={"accept": "application/pdf,image/jpeg,image/png"}))
    form = _Form(**kwargs)
    form.ground.choices = [(g.value, localized(g.title)) for g in service.grounds]
    form.provider_id.choices = [("", "—")] + [(str(p.id), f"{p.name(locale)} — {p.address}") for p in providers]
    return form
