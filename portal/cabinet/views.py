"""The personal cabinet: the applicant's requests, their timelines and results. Applicants only (portal.access)."""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from portal.cabinet.listings import cabinet_listing, install_listings
from portal.domain.queues import parse_key
from portal.domain.applications import applicants_request, attachment_of, shown_to
from portal.domain.audit_trail import viewings
from portal.domain.errors import NotFound
from portal.domain.models import Application
from portal.domain.notifications import mark_read
from portal.domain.progress import progress
from portal.domain.refusal_receipts import receipt_pdf, receipts_of
from portal.domain.workflow import is_draft, process_of, service_of
from portal.downloads import attachment_response, file_response, signed_application_response
from portal.web import commit, ctx, db, now

bp = Blueprint("cabinet", __name__, url_prefix="/cabinet")
bp.record_once(install_listings)


def _own(application_id: int) -> Application:
    """Return the signed-in applicant's request or answer 404."""
    try:
        return applicants_request(db(), current_user, application_id)
    except NotFound:
        abort(404)


@bp.route("/")
def index():  # type: ignore[no-untyped-def]
    """List the applicant's requests, newest first."""
    return render_template("portal/cabinet.html",
                           listing=cabinet_listing(current_user, parse_key(request.args.get("after", ""))))


@bp.route("/requests/<int:application_id>")
def detail(application_id: int):  # type: ignore[no-untyped-def]
    """Show a request: status, deadline, timeline of notifications, result."""
    app = _own(application_id)
    if is_draft(app):
        return redirect(url_for("apply.edit", application_id=app.id))
    fresh = mark_read(db(), app, current_user, now())
    if fresh:
        commit()  # the navigation's count, rendered below, already leaves them out
    before = request.args.get("viewed_before", "")
    viewed = viewings(db(), app, before=int(before) if before.isdecimal() and len(before) <= 18 else None)
    return render_template("portal/request_detail.html", app=app, service=service_of(app), now=now(),
                           receipts=receipts_of(db(), app), fresh=fresh, viewed=viewed)


@bp.route("/requests/<int:application_id>/submitted")
def submitted(application_id: int):  # type: ignore[no-untyped-def]
    """Confirm a submission: the registration number, the deadline, and the steps the regulation sets next."""
    app = _own(application_id)
    if is_draft(app):
        return redirect(url_for("apply.edit", application_id=app.id))
    return render_template("portal/submitted.html", app=app, service=service_of(app), steps=process_of(app).main_path(),
                           now=now())


@bp.route("/requests/<int:application_id>/receipts/<int:receipt_id>.pdf")
def receipt(application_id: int, receipt_id: int):  # type: ignore[no-untyped-def]
    """Download a receipt of refusal a State Corporation centre gave on the request."""
    found = next((r for r in receipts_of(db(), _own(application_id)) if r.id == receipt_id), None)
    if found is None:
        abort(404)
    return file_response(receipt_pdf(ctx().store, found), "application/pdf", f"{found.number}.pdf", inline=False)


@bp.route("/requests/<int:application_id>/attachments/<int:attachment_id>")
def attachment(application_id: int, attachment_id: int):  # type: ignore[no-untyped-def]
    """Show one of the applicant's own scans."""
    app = _own(application_id)
    return attachment_response(app, attachment_id)


@bp.route("/requests/<int:application_id>/attachments/<int:attachment_id>/preview.png")
def attachment_preview(application_id: int, attachment_id: int):  # type: ignore[no-untyped-def]
    """Show the picture of one of the applicant's own scans (its first page)."""
    app = _own(application_id)
    try:
        attachment = attachment_of(app, attachment_id)
    except NotFound:
        abort(404)
    if attachment.preview_sha256 is None:
        abort(404)
    return file_response(ctx().store.get(attachment.preview_sha256), "image/png",
                         f"{attachment.kind}-{attachment.id}-preview.png", inline=True)


@bp.route("/requests/<int:application_id>/result.pdf")
def result(application_id: int):  # type: ignore[no-untyped-def]
    """Download the signed result once it has been sent."""
    app = _own(application_id)
    if not progress(app).result_available:
        abort(404)
    return file_response(ctx().store.get(app.result.sha256), "application/pdf",
                         f"{app.number}-{app.result.number}.pdf", inline=False)


@bp.route("/requests/<int:application_id>/application.pdf")
def signed_request(application_id: int):  # type: ignore[no-untyped-def]
    """Download the application as the applicant signed it."""
    return signed_application_response(_own(application_id), inline=False)
