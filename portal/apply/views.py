"""Fill, save, check and submit a request. Applicants only (portal.access)."""
from __future__ import annotations

from flask import Blueprint, abort, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal.apply.forms import build_form, provider_groups
from portal.domain import applications as requests_, identity, signing_flows
from portal.domain.catalog import UnknownService, get_service
from portal.domain.consent import CONSENT_TITLE, consent_text
from portal.domain.errors import DomainError, NotFound
from portal.domain.models import Provider
from portal.domain.scans import clean_filename
from portal.domain.validators import MAX_UPLOAD_BYTES, ValidationError
from portal.domain.workflow import is_draft
from portal.eds_web import certificate_from, cms_from, json_object, json_step
from portal.labels import error_text
from portal.web import commit, ctx, db, discard, locale, now, tell

bp = Blueprint("apply", __name__, url_prefix="/apply")


def _own(application_id: int):  # type: ignore[no-untyped-def]
    """Return the signed-in applicant's request (locked for a change) or answer 404."""
    try:
        return requests_.applicants_request(db(), current_user, application_id, lock=request.method == "POST")
    except NotFound:
        abort(404)


def _providers(service) -> list[Provider]:  # type: ignore[no-untyped-def]
    """Return the providers that give this service."""
    return list(db().scalars(select(Provider).where(Provider.kind.in_(service.provider_kinds))
                             .order_by(Provider.kind, Provider.id)))


@bp.route("/<code>/start", methods=["POST"])
def start(code: str):  # type: ignore[no-untyped-def]
    """Open a new draft and go to its form."""
    session = db()
    try:
        app = requests_.create_draft(session, current_user, code, now())
    except UnknownService:
        abort(404)
    except DomainError as err:
        discard()
        tell(error_text(err.code), "error")
        commit()
        return redirect(url_for("catalog.index"))
    commit()
    return redirect(url_for("apply.edit", application_id=app.id))


@bp.route("/<int:application_id>", methods=["GET", "POST"])
def edit(application_id: int):  # type: ignore[no-untyped-def]
    """Show and save the draft; files are checked by content, and what was typed is always kept."""
    session = db()
    app = _own(application_id)
    if not is_draft(app):
        return redirect(url_for("cabinet.detail", application_id=app.id))
    service = get_service(app.service_code)
    providers = _providers(service)
    if request.method == "GET":
        values = dict(app.form, provider_id=str(app.provider_id or ""))
        form = build_form(service, providers, locale(), data=values)
    else:
        form = build_form(service, providers, locale())
    upload_failed = False
    if request.method == "POST" and form.validate_on_submit():
        # only what was posted: the first page asks the child's IIN alone, and must not blank the rest
        posted = {f.name: form[f.name].data for f in service.typed_fields if f.name in request.form}
        provider = form.provider_id.data if "provider_id" in request.form else str(app.provider_id or "")
        try:
            requests_.save_draft(session, app, posted, int(provider) if provider and provider.isdecimal() else None,
                                 now())
        except DomainError as err:  # the form's own checks should have caught it; say so on the field
            discard()
            app = _own(application_id)
            form[err.params.get("field", "provider_id")].errors = [error_text(err.code, **err.params)]
            return _edit_page(form, app, service, providers, posted_whole=request.form.get("next") != "check"), 422
        for doc in service.documents:
            upload = request.files.get(f"doc_{doc.code}")
            if upload and upload.filename:
                try:
                    requests_.attach(session, ctx().store, app, doc.code, upload.filename, upload.read(), now())
                except (ValidationError, DomainError) as err:  # the field is empty again: say which file it was
                    reason = error_text(err.code, **getattr(err, "params", {}))
                    form[f"doc_{doc.code}"].errors = [_("%(name)s was not attached: %(reason)s",
                                                        name=clean_filename(upload.filename, doc.code), reason=reason)]
                    upload_failed = True
        # an IIN the registry does not know stops here, with what was typed kept
        unanswered = bool(identity.registry_problems(service, app.form))
        if not upload_failed and not unanswered and request.form.get("next") not in ("review", "check"):
            tell(_("Draft saved. You can come back to it from your cabinet."), "success")
        commit()
        if not upload_failed and not unanswered:
            if request.form.get("next") == "review":
                return redirect(url_for("apply.review", application_id=app.id))
            return redirect(url_for("apply.edit", application_id=app.id))
    if request.args.get("check"):
        problems = requests_.problems(app, service)
    else:  # an IIN the registry does not answer for is said at once
        problems = [requests_.Problem(name, code) for name, code in identity.registry_problems(service, app.form)]
    for p in problems:
        if p.field in form:
            form[p.field].errors = list(form[p.field].errors) + [error_text(p.code)]
    status = 422 if upload_failed or form.errors and request.method == "POST" else 200
    posted_whole = request.method == "POST" and request.form.get("next") != "check"
    return _edit_page(form, app, service, providers, posted_whole=posted_whole), status


def _edit_page(form, app, service, providers, *, posted_whole: bool = False) -> str:  # type: ignore[no-untyped-def]
    """Render the draft's form: first the represented child's IIN alone, then everything else.

    A whole form posted back with errors is shown whole, so that nothing typed disappears.
    """
    return render_template("portal/apply_edit.html", form=form, app=app, service=service,
                           provider_groups=provider_groups(providers, locale()),
                           attachments={a.kind: a for a in app.attachments},
                           awaits_check=identity.awaits_registry_check(service, app.form) and not posted_whole,
                           link=identity.link_of(service, app.form), max_file_bytes=MAX_UPLOAD_BYTES)


@bp.route("/<int:application_id>/attachments/<int:attachment_id>/remove", methods=["POST"])
def remove_attachment(application_id: int, attachment_id: int):  # type: ignore[no-untyped-def]
    """Remove a scan from the draft."""
    app = _own(application_id)
    try:
        requests_.remove_attachment(app, attachment_id, now())
    except NotFound:
        abort(404)
    except DomainError as err:
        tell(error_text(err.code), "error")
    commit()
    return redirect(url_for("apply.edit", application_id=app.id))


@bp.route("/<int:application_id>/review")
def review(application_id: int):  # type: ignore[no-untyped-def]
    """Show the answers to check, and the signing button when they are complete."""
    app = _own(application_id)
    if not is_draft(app):
        return redirect(url_for("cabinet.detail", application_id=app.id))
    service = get_service(app.service_code)
    problems = requests_.problems(app, service)
    return render_template("portal/apply_review.html", app=app, service=service, problems=problems,
                           required=service.required_documents(app.form), applicant_name=requests_.applicant_name(app),
                           link=identity.link_of(service, app.form), link_title=identity.LINK_TITLE,
                           link_statements=identity.LINK_STATEMENT, consent_title=CONSENT_TITLE,
                           consent_text=consent_text())


@bp.route("/<int:application_id>/sign/prepare", methods=["POST"])
def sign_prepare(application_id: int):  # type: ignore[no-untyped-def]
    """Record the consent ticked on the page, render the application as a PDF and return the bytes to sign."""
    payload = json_object()
    certificate = certificate_from(payload)

    def work():  # type: ignore[no-untyped-def]
        app = requests_.applicants_request(db(), current_user, application_id, lock=True)
        to_sign = signing_flows.prepare_request(db(), ctx().store, app, current_user, now(), ca=ctx().ca,
                                                certificate_der=certificate, consent=payload.get("consent") is True)
        return jsonify(token=to_sign.token, data=to_sign.data_b64)
    return json_step(work)


@bp.route("/<int:application_id>/sign/finish", methods=["POST"])
def sign_finish(application_id: int):  # type: ignore[no-untyped-def]
    """Check the applicant's signature, embed it, and submit the request."""
    payload = json_object()

    def work():  # type: ignore[no-untyped-def]
        app = requests_.applicants_request(db(), current_user, application_id, lock=True)
        signing_flows.sign_and_submit(db(), ctx().store, ctx().ca, app, current_user,
                                      token=str(payload.get("token") or ""), cms_der=cms_from(payload), now=now())
        tell(_("Request %(number)s has been signed and submitted.", number=app.number), "success")
        return jsonify(redirect=url_for("cabinet.submitted", application_id=app.id))
    return json_step(work)
