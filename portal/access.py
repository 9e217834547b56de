"""Who may reach what: every endpoint needs a signed-in person unless it is listed as public here.

One check before every request, instead of a rule remembered blueprint by blueprint: a new view is
private until someone adds it to PUBLIC_ENDPOINTS, and a blueprint's roles are read from ROLES_OF.
"""
from __future__ import annotations

from typing import Collection

from flask import Flask, abort, jsonify, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.domain.models import ADMIN_ROLES, CENTRE_ROLES, DASHBOARD_ROLES, PROVIDER_ROLES, Role

#: endpoints anyone may reach without signing in
PUBLIC_ENDPOINTS = frozenset({
    "static", "catalog.favicon",
    # the catalog of services and the language switch: what the portal offers is public information
    "catalog.index", "catalog.service", "catalog.switch_language",
    # each service's published handbook of business processes, as BPMN
    "catalog.process_bpmn",
    # registering and signing in (password or EDS); signing out is harmless and must work for an ended session
    "auth.register", "auth.sign_in", "auth.sign_out", "auth.eds_sign_in", "auth.eds_challenge", "auth.eds_finish",
    # anyone holding a result checks it, by its number (the QR code) or by uploading the PDF
    "verify.upload", "verify.by_number",
    # the CA's publication and its time-stamping service: relying parties fetch them with no session
    "pki.crl", "pki.issuing_cer", "pki.root_cer", "pki.tsa",
})

#: the roles each blueprint admits; a blueprint not named here admits anyone signed in
ROLES_OF: dict[str, Collection[str]] = {
    "apply": (Role.applicant,),
    "cabinet": (Role.applicant,),
    "backoffice": PROVIDER_ROLES,
    "desk": CENTRE_ROLES,
    "dashboard": DASHBOARD_ROLES,
    # an organisation's administrator manages its staff and settings, and works no request
    "admin": ADMIN_ROLES,
}

SIGN_IN_FIRST = _l("Please sign in to continue.")
NOT_YOURS = _l("This page is not for your account.")


def check_access() -> ResponseReturnValue | None:
    """Let the request through, send an anonymous person to sign in, or refuse a signed-in one with a 403."""
    endpoint = request.endpoint
    if endpoint is None or endpoint in PUBLIC_ENDPOINTS:
        return None  # no route matched: the 404/405 page answers
    if not current_user.is_authenticated:
        if request.is_json:  # the EDS pages' fetch() shows `error`; a redirect to an HTML page would mean nothing
            return jsonify(error=str(SIGN_IN_FIRST), code="sign_in_required"), 401
        return redirect(url_for("auth.sign_in", next=request.full_path))
    roles = ROLES_OF.get(request.blueprint or "")
    if roles is not None and current_user.role not in roles:
        if request.is_json:
            return jsonify(error=str(NOT_YOURS), code="forbidden"), 403
        abort(403)
    return None


def install_access_rules(app: Flask) -> None:
    """Check every request against the rules; install after the session limits, so an ended session counts."""
    app.before_request(check_access)
