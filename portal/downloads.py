"""Serve stored files safely: the sniffed type, no MIME guessing, a clean file name."""
from __future__ import annotations

import re

from typing import Any

from flask import Response, abort
from flask_login import current_user

from portal.domain import audit_trail
from portal.domain.applications import attachment_of
from portal.domain.errors import NotFound
from portal.domain.models import Application
from portal.web import commit, ctx, db, now


def staff_opened(app: Application, what: str, **details: Any) -> None:
    """Audit that the signed-in staff member opened this request's data (the citizen sees it), and commit."""
    audit_trail.staff_opened(db(), current_user, app, what, now(), **details)
    commit()


def file_response(data: bytes, content_type: str, filename: str, *, inline: bool) -> Response:
    """Return the bytes with headers that keep the browser from treating them as a page."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", filename)[-120:] or "file"
    response = Response(data, content_type=content_type)
    response.headers["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{safe}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def attachment_response(app: Application, attachment_id: int, *, audit: bool = False) -> Response:
    """Return one of the request's scans for viewing in the browser (audited for staff), or answer 404."""
    try:
        attachment = attachment_of(app, attachment_id)
    except NotFound:
        abort(404)
    if audit:
        staff_opened(app, "attachment", name=attachment.original_name, kind=attachment.kind)
    return file_response(ctx().store.get(attachment.sha256), attachment.content_type,
                         f"{attachment.kind}-{attachment.id}{_EXT.get(attachment.content_type, '')}", inline=True)


def signed_application_response(app: Application, *, inline: bool, audit: bool = False) -> Response:
    """Return the application PDF as the applicant signed it (audited for staff), or answer 404."""
    signature = app.signature("request")
    if signature is None:
        abort(404)
    if audit:
        staff_opened(app, "application")
    return file_response(ctx().store.get(signature.pdf_sha256), "application/pdf", f"{app.number}-application.pdf",
                         inline=inline)


_EXT = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}
