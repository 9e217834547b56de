"""GET /pki/issuing.crl, /pki/issuing.cer, /pki/root.cer and POST /pki/tsa (public, no session).

Endpoints: ``pki.crl``, ``pki.issuing_cer``, ``pki.root_cer``, ``pki.tsa``.

The TSA takes a raw DER body, so it cannot carry a CSRF token: the view must be
exempt. When CSRFProtect is initialised before this blueprint is registered,
registration exempts the view itself; otherwise call ``csrf.exempt(bp.tsa_view)``.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, request
from flask.blueprints import BlueprintSetupState

from portal.pki.ca import LocalCA

bp = Blueprint("pki", __name__, url_prefix="/pki")

MAX_QUERY_BYTES = 64 * 1024
QUERY_TYPE = "application/timestamp-query"
REPLY_TYPE = "application/timestamp-reply"


def _ca() -> LocalCA:
    """Return the running app's CA."""
    return current_app.extensions["portal"].ca


def _der(body: bytes, mimetype: str, max_age: int) -> Response:
    """Return a DER body with a public cache lifetime."""
    response = Response(body, mimetype=mimetype)
    response.headers["Cache-Control"] = f"public, max-age={max_age}"
    return response


@bp.get("/issuing.crl")
def crl() -> Response:
    """Serve the issuing CA's current CRL (DER)."""
    return _der(_ca().crl_der(), "application/pkix-crl", 600)


@bp.get("/issuing.cer")
def issuing_cer() -> Response:
    """Serve the issuing CA certificate (DER), the AIA caIssuers target."""
    return _der(_ca().cert_der("issuing"), "application/pkix-cert", 3600)


@bp.get("/root.cer")
def root_cer() -> Response:
    """Serve the root certificate (DER)."""
    return _der(_ca().cert_der("root"), "application/pkix-cert", 3600)


@bp.post("/tsa")
def tsa() -> Response:
    """Answer an RFC 3161 time-stamp query; 415 for any other content type."""
    if request.mimetype != QUERY_TYPE:
        return Response(f"send {QUERY_TYPE}\n", status=415, mimetype="text/plain")
    if (request.content_length or 0) > MAX_QUERY_BYTES:
        return Response("query too large\n", status=413, mimetype="text/plain")
    query = request.stream.read(MAX_QUERY_BYTES + 1)
    if len(query) > MAX_QUERY_BYTES:
        return Response("query too large\n", status=413, mimetype="text/plain")
    response = Response(_ca().tsa().respond(query), mimetype=REPLY_TYPE)
    response.headers["Cache-Control"] = "no-store"
    return response


bp.tsa_view = tsa  # type: ignore[attr-defined]


@bp.record_once
def _exempt_from_csrf(state: BlueprintSetupState) -> None:
    """Exempt the TSA from CSRF checks when CSRFProtect is already set up on the app."""
    csrf = state.app.extensions.get("csrf")
    if csrf is not None:
        csrf.exempt(tsa)
