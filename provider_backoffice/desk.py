"""The operator's desk of a State Corporation centre: file a request, take the centre's steps, hand over.

Operators only (portal.access ROLES_OF["desk"]). The identity comes from the registries; every step is a
transition of the service's graph on the centre's calendar.
"""
from __future__ import annotations

from flask import Blueprint, abort, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from portal import labels
from portal.apply.forms import build_form
from portal.domain import applications as requests_
from portal.domain.applications import applicant_name
from portal.domain import centre_desk, centre_flows
from portal.domain.catalog import get_service
from portal.domain.consent import CONSENT_TITLE, consent_text
from portal.domain.errors import Conflict, DomainError, NotFound
from portal.domain.models import Provider
from portal.domain.refusal_receipts import package_documents, receipt_pdf, receipts_of
from portal.domain.registries import registries
from portal.domain.workflow import available_transitions, open_step, process_of, service_of
from portal.downloads import attachment_response, file_response, signed_application_response, staff_opened
from portal.eds_web import certificate_from, cms_from, json_object, json_step
from portal.labels import error_text
from portal.web import commit, ctx, db, discard, locale, localized, now, tell
from portal.web_templates import changed_meanwhile_page
from provider_backoffice.desk_forms import FilingForm

bp = Blueprint("desk", __name__, url_prefix="/desk")


def _request(application_id: int, *, lock: bool = False):  # type: ignore[no-untyped-def]
    """Return a request of the operator's centre or answer 404."""
    try:
        return centre_desk.centre_request(db(), current_user, application_id, lock=lock)
    except NotFound:
        abort(404)


def _providers(service_code: str) -> list[Provider]:
    """Return the providers of a service (all channel services' providers when none is chosen yet)."""
    services = [s for s in centre_desk.channel_services() if s.code == service_code] or centre_desk.channel_services()
    kinds = {k for s in services for k in s.provider_kinds}
    return list(db().scalars(select(Provider).where(Provider.kind.in_(kinds)).order_by(Provider.kind, Provider.id)))


def _filing_form() -> FilingForm:
    """Return the filing form with the centre's services and their providers to choose from."""
    form = FilingForm()
    form.service_code.choices = [(s.code, s.name.get(locale(), s.name["kk"])) for s in centre_desk.channel_services()]
    form.provider_id.choices = [("", "—")] + [(str(p.id), f"{p.name(locale())} — {p.address}")
                                              for p in _providers(form.service_code.data or "")]
    return form


@bp.route("/", methods=["GET", "POST"])
def index():  # type: ignore[no-untyped-def]
    """List the centre's requests (newest first, a page at a time) and file a new one."""
    form = _filing_form()
    error = None
    if request.method == "POST" and form.validate_on_submit():
        raw = form.provider_id.data or ""
        filing = centre_desk.Filing(service_code=form.service_code.data or "",
                                    provider_id=int(raw) if raw.isdecimal() and len(raw) <= 10 else None,
                                    applicant_iin=(form.applicant_iin.data or "").strip(),
                                    representative_iin=(form.representative_iin.data or "").strip(),
                                    power_of_attorney=(form.power_of_attorney.data or "").strip())
        try:
            app = centre_desk.file_at_centre(db(), current_user, filing, registries(db()), now())
        except DomainError as err:
            discard()
            error = error_text(err.code, **err.params)
        else:
            tell(_("Request %(number)s is open: take the applicant's consent.", number=app.number), "success")
            commit()
            return redirect(url_for("desk.card", application_id=app.id))
    before = request.args.get("before", "")
    apps = centre_desk.centre_requests(db(), current_user, int(before) if before.isdecimal() and len(before) <= 10
                                       else None)
    status = 200 if request.method == "GET" else 422
    return render_template("desk/index.html", form=form, error=error, apps=apps, page=centre_desk.PAGE,
                           open_step=open_step, now=now()), status


@bp.route("/requests/<int:application_id>", methods=["GET", "POST"])
def card(application_id: int):  # type: ignore[no-untyped-def]
    """Show a centre request; save the entered data and scans, or take the centre's step."""
    session = db()
    app = _request(application_id, lock=request.method == "POST")
    service = get_service(app.service_code)
    entry = centre_desk.open_for_entry(app)
    form = build_form(service, _providers(service.code), locale(),
                      data=dict(app.form, provider_id=str(app.provider_id or "")) if request.method == "GET" else None)
    error, status = None, 200
    if request.method == "POST" and form.validate_on_submit():
        action = request.form.get("action", "")
        try:
            if action == "save" and entry:
                _save(app, service, form)
            else:
                seen = request.form.get("version", "")
                payload = {"comment": request.form.get("comment", ""), "missing": request.form.getlist("missing")}
                move = centre_flows.take(session, ctx().issuer, app, current_user, action, now(),
                                         payload=payload, seen_version=int(seen) if seen.isdigit() else None)
                tell(_("Done: %(step)s.", step=labels.ACTION.get(move.action, move.action)), "success")
        except (Conflict, StaleDataError):
            return changed_meanwhile_page(url_for("desk.card", application_id=application_id))
        except DomainError as err:
            discard()
            error, status = error_text(err.code, **err.params), 409
            app = _request(application_id)
        else:
            commit()
            return redirect(url_for("desk.card", application_id=app.id))
    elif request.method == "POST":
        status = 422
    else:
        staff_opened(app, "card")
    moves = available_transitions(app, current_user)
    return render_template("desk/card.html", app=app, service=service_of(app), form=form, error=error, moves=moves,
                           entry=entry, regulated=process_of(app).step_of(app.stage), open_step=open_step(app),
                           now=now(),
                           required=service.required_documents(app.form),
                           attachments={a.kind: a for a in app.attachments}, receipts=receipts_of(db(), app),
                           package_documents=package_documents, applicant_name=applicant_name(app),
                           representative_name=centre_desk.representative_name(registries(db()), app),
                           problem_titles=_problem_titles(service, requests_.problems(app) if entry else []),
                           consent_title=localized(CONSENT_TITLE), consent_text=localized(consent_text())), status


def _problem_titles(service, problems) -> list[str]:  # type: ignore[no-untyped-def]
    """Return what is still missing, as the service's field and document titles."""
    titles = []
    for p in problems:
        spec = service.field(p.field) or service.document(p.field.removeprefix("doc_"))
        titles.append(localized(spec.title) if spec else _("Provider"))
    return titles


def _save(app, service, form) -> None:  # type: ignore[no-untyped-def]
    """Keep the entered data and attach the scanned documents (a bad scan is refused with its reason)."""
    scans = [(doc.code, upload.filename, upload.read()) for doc in service.documents
             if (upload := request.files.get(f"doc_{doc.code}")) and upload.filename]
    centre_desk.save_entry(db(), ctx().store, app, {f.name: form[f.name].data for f in service.typed_fields}, scans,
                           now())
    tell(_("The data and the scans are saved."), "success")


@bp.route("/requests/<int:application_id>/attachments/<int:attachment_id>")
def attachment(application_id: int, attachment_id: int):  # type: ignore[no-untyped-def]
    """Open a scan of the package."""
    return attachment_response(_request(application_id), attachment_id, audit=True)


@bp.route("/requests/<int:application_id>/application.pdf")
def signed_package(application_id: int):  # type: ignore[no-untyped-def]
    """Open the application as the operator signed and sent it."""
    return signed_application_response(_request(application_id), inline=True, audit=True)


@bp.route("/requests/<int:application_id>/result.pdf")
def result(application_id: int):  # type: ignore[no-untyped-def]
    """Open the result (or the receipt of refusal) to print and hand over."""
    app = _request(application_id)
    if app.result is None:
        abort(404)
    staff_opened(app, "result")
    return file_response(ctx().store.get(app.result.sha256), "application/pdf", f"{app.result.number}.pdf",
                         inline=True)


@bp.route("/requests/<int:application_id>/receipts/<int:receipt_id>.pdf")
def receipt(application_id: int, receipt_id: int):  # type: ignore[no-untyped-def]
    """Open a receipt of refusal to print and hand over."""
    app = _request(application_id)
    found = next((r for r in receipts_of(db(), app) if r.id == receipt_id), None)
    if found is None:
        abort(404)
    staff_opened(app, "receipt", name=found.number)
    return file_response(receipt_pdf(ctx().store, found), "application/pdf", f"{found.number}.pdf", inline=True)


@bp.route("/requests/<int:application_id>/send/prepare", methods=["POST"])
def send_prepare(application_id: int):  # type: ignore[no-untyped-def]
    """Render the filled application and return the bytes the operator's EDS must sign."""
    certificate = certificate_from(json_object())

    def work():  # type: ignore[no-untyped-def]
        app = centre_desk.centre_request(db(), current_user, application_id, lock=True)
        to_sign = centre_flows.prepare_package(db(), ctx().store, app, current_user, now(), ca=ctx().ca,
                                               certificate_der=certificate)
        return jsonify(token=to_sign.token, data=to_sign.data_b64)
    return json_step(work)


@bp.route("/requests/<int:application_id>/send/finish", methods=["POST"])
def send_finish(application_id: int):  # type: ignore[no-untyped-def]
    """Check the operator's signature, embed it and send the package to the provider."""
    payload = json_object()

    def work():  # type: ignore[no-untyped-def]
        app = centre_desk.centre_request(db(), current_user, application_id, lock=True)
        centre_flows.sign_and_send(db(), ctx().store, ctx().ca, app, current_user,
                                   token=str(payload.get("token") or ""), cms_der=cms_from(payload), now=now())
        tell(_("Request %(number)s has been signed and sent to the provider.", number=app.number), "success")
        return jsonify(redirect=url_for("desk.card", application_id=app.id))
    return json_step(work)
