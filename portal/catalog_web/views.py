"""The catalog of services and the language switch. Public."""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, session, url_for
from sqlalchemy import select

from portal.domain.catalog import SERVICES, UnknownService, get_service
from portal.domain.models import Provider
from portal.web import db, safe_next

bp = Blueprint("catalog", __name__)


@bp.route("/")
def index():  # type: ignore[no-untyped-def]
    """List every service with what it needs and how long it takes."""
    return render_template("portal/catalog.html", services=list(SERVICES.values()))


@bp.route("/services/<code>")
def service(code: str):  # type: ignore[no-untyped-def]
    """Show one service and its providers."""
    try:
        spec = get_service(code)
    except UnknownService:
        abort(404)
    providers = db().scalars(select(Provider).where(Provider.kind.in_(spec.provider_kinds))
                             .order_by(Provider.kind, Provider.id)).all()
    return render_template("portal/service.html", service=spec, providers=providers)


@bp.route("/lang/<code>")
def switch_language(code: str):  # type: ignore[no-untyped-def]
    """Remember the chosen interface language and go back."""
    if code in ("kk", "ru", "en"):
        session["lang"] = code
    return redirect(safe_next(request.args.get("next")) or url_for("catalog.index"))
