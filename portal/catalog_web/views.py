"""The catalog of services and the language switch. Public."""
from __future__ import annotations

from flask import Blueprint, Response, abort, redirect, render_template, request, session, url_for
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

from portal.catalog_web.handbook import diagrams
from portal.domain.bpmn import bpmn_xml
from portal.domain.catalog import SERVICES, UnknownService, get_service
from portal.domain.catalog.spec import ServiceSpec
from portal.domain.models import LOCALES, Provider
from portal.domain.notifications import choose_locale
from portal.web import commit, db, locale, safe_next

bp = Blueprint("catalog", __name__)


@bp.route("/favicon.ico")
def favicon():  # type: ignore[no-untyped-def]
    """Send a browser that asks for the site's icon at the conventional address to the portal's emblem."""
    return redirect(url_for("static", filename="favicon.svg"), 301)


@bp.route("/")
def index():  # type: ignore[no-untyped-def]
    """List every service with what it needs and how long it takes, narrowed by a search."""
    query = " ".join(request.args.get("q", "").split())[:100]
    services = [s for s in SERVICES.values() if s.matches(query, locale())]
    return render_template("portal/catalog.html", services=services, query=query, cards=_cards(services))


#: the services' cards by language and the services shown (at most 3 × 2⁴ entries): they are the catalog's
#: data in words, the same in every process of a release, so each worker renders them once
_CARDS: dict[tuple[str, ...], Markup] = {}


def _cards(services: list[ServiceSpec]) -> Markup:
    """Return the cards of these services in the current language, rendered once per process."""
    key = (locale(), *(f"{s.code}:{s.version}" for s in services))
    if key not in _CARDS:
        _CARDS[key] = Markup(render_template("portal/_service_cards.html", services=services))
    return _CARDS[key]


@bp.route("/services/<code>")
def service(code: str):  # type: ignore[no-untyped-def]
    """Show one service and its providers."""
    try:
        spec = get_service(code)
    except UnknownService:
        abort(404)
    providers = db().scalars(select(Provider).where(Provider.kind.in_(spec.provider_kinds))
                             .order_by(Provider.kind, Provider.id)).all()
    return render_template("portal/service.html", service=spec, providers=providers, diagrams=diagrams(spec))


@bp.route("/services/<code>/process.bpmn")
def process_bpmn(code: str):  # type: ignore[no-untyped-def]
    """Download a service's process as BPMN 2.0 XML (`flow` picks a sub-flow, `version` an older wording)."""
    raw = request.args.get("version")
    if raw is not None and not (raw.isdecimal() and len(raw) <= 4):
        abort(404)
    try:
        spec = get_service(code, int(raw) if raw is not None else None)
    except UnknownService:
        abort(404)
    processes = dict(spec.handbook_processes())
    flow = request.args.get("flow") or next(iter(processes))
    if flow not in processes:
        abort(404)
    name = f"{spec.code}-v{spec.version}" + (f"-{flow}" if flow else "") + ".bpmn"
    response = Response(bpmn_xml(processes[flow], spec, flow), content_type="application/xml; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.route("/lang/<code>")
def switch_language(code: str):  # type: ignore[no-untyped-def]
    """Remember the chosen interface language and go back."""
    if code in LOCALES:
        session["lang"] = code
        if current_user.is_authenticated:  # their e-mails follow the language they read the portal in
            choose_locale(current_user, code)
            commit()
    return redirect(safe_next(request.args.get("next")) or url_for("catalog.index"))
