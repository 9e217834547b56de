"""The dashboard: a provider's (or the region's) requests and step times by month, as charts, tables and CSV.

A head reads their own provider's figures; a regional analyst reads the region's and may narrow them to
one provider (portal.access.ROLES_OF). The page, its JSON for the charts and the CSV files all take the
same filters and read the same figures from portal.domain.dashboard.
"""
from __future__ import annotations

import csv
import io
from typing import Any

from flask import Blueprint, Response, abort, jsonify, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import labels
from portal.domain import dashboard, dashboard_rollup
from portal.domain.catalog import SERVICES, get_service
from portal.domain.errors import NotAllowed
from portal.web import commit, db, localized, locale, now
from portal.web_templates import normative, step_label

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")

#: how far from the exact median one taken from the bands may be, as the page and the CSV say it
BAND_ERROR = f"{dashboard_rollup.BAND_ERROR * 100:.1f}%"

#: the query parameters every view of the dashboard understands
FILTERS = ("from", "to", "service", "provider")


def _filters() -> dict[str, str]:
    """Return the filters of this request, as given (bounded), for links between the views."""
    return {k: request.args.get(k, "")[:40] for k in FILTERS if request.args.get(k)}


def _figures() -> dashboard.Dashboard:
    """Return the figures the signed-in person may read, for this request's filters, and keep what was counted.

    A month the rollup lacked was counted for this view: the commit keeps it for the next ones.
    """
    args = _filters()
    try:
        figures = dashboard.dashboard_for(db(), current_user, now=now(), first=args.get("from"), last=args.get("to"),
                                          service=args.get("service"), provider=args.get("provider"))
    except NotAllowed:
        abort(403)
    commit()
    return figures


def _median(step: dashboard.StepFigures) -> str:
    """Return a step's median as the CSV gives it: hours with two decimals, empty when none."""
    return "" if step.median_hours is None else f"{step.median_hours:.2f}"


def _service_name(code: str) -> str:
    """Return a service's name in the current language."""
    return localized(get_service(code).name) if code in SERVICES else code


def _step_name(code: str, step: str) -> str:
    """Return a step's label in the current language."""
    return step_label(get_service(code), step) if code in SERVICES else step


def _shortened(text: str, most: int = 48) -> str:
    """Return text cut to `most` characters with an ellipsis, for a chart's axis."""
    return text if len(text) <= most else text[:most - 1].rstrip() + "…"


def _where(figures: dashboard.Dashboard) -> str:
    """Return whose figures these are: the provider's name, or the region's."""
    if figures.provider is not None:
        return figures.provider.name(locale())
    return _("North Kazakhstan region, all providers")


def _file_name(figures: dashboard.Dashboard, part: str) -> str:
    """Return the CSV file's name: whose figures, the months, the service if one, and which table."""
    who = figures.provider.code if figures.provider is not None else "region"
    service = f"-{figures.service_code}" if figures.service_code else ""
    return f"dashboard-{who}-{figures.period.label}{service}-{part}.csv"


def _csv(figures: dashboard.Dashboard, part: str, header: list[str], rows: list[list[Any]]) -> Response:
    """Return rows as a UTF-8 CSV with a byte order mark, so that Excel reads the Cyrillic right."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    response = Response("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{_file_name(figures, part)}"'
    return response


@bp.route("/")
def index():  # type: ignore[no-untyped-def]
    """Show the figures as charts and tables, with the filters and the CSV downloads."""
    figures = _figures()
    args = _filters()
    return render_template("backoffice/dashboard.html", d=figures, where=_where(figures), args=args,
                           data_url=url_for("dashboard.data", **args), services=SERVICES,
                           service_name=_service_name, step_name=_step_name, normative=normative,
                           role_label=labels.ROLE, csv_requests=url_for("dashboard.requests_csv", **args),
                           csv_steps=url_for("dashboard.steps_csv", **args), band_error=BAND_ERROR)


@bp.route("/data.json")
def data():  # type: ignore[no-untyped-def]
    """Return the figures the page's charts draw, with their labels in the current language."""
    figures = _figures()
    totals = figures.month_totals()
    series = [("received", _("Received")), ("on_time", _("Completed on time")), ("late", _("Completed late"))]
    steps = [s for s in figures.step_totals if s.median_hours is not None]
    norm = _("norm")
    return jsonify(
        where=_where(figures), months=figures.period.months(),
        requests={"title": _("Requests by month"),
                  "series": [{"key": key, "label": label, "data": [getattr(t, key) for t in totals]}
                             for key, label in series]},
        steps={"title": _("Median time of each step, hours (wall-clock)"),
               # two lines per bar (Chart.js draws a list as lines): the step and its norm, then the service
               "labels": [[f"{_step_name(s.service_code, s.step)} ({norm}: {normative(s.normative)})",
                           _shortened(_service_name(s.service_code))] for s in steps],
               "median_hours": [s.median_hours for s in steps],
               "exact": [s.exact for s in steps],
               "series_label": _("Median, hours")})


@bp.route("/requests.csv")
def requests_csv():  # type: ignore[no-untyped-def]
    """Download the request counts per month and service as CSV: received, completed on time, completed late."""
    figures = _figures()
    header = [_("Provider"), _("Month"), _("Service code"), _("Service"), _("Received"),
              _("Completed on time"), _("Completed late")]
    rows = [[_where(figures), f.month, f.service_code, _service_name(f.service_code), f.received, f.on_time,
             f.late] for f in figures.months]
    return _csv(figures, "requests", header, rows)


@bp.route("/steps.csv")
def steps_csv():  # type: ignore[no-untyped-def]
    """Download each step's median time against its norm, per month and over the whole range, as CSV."""
    figures = _figures()
    header = [_("Provider"), _("Month completed"), _("Service code"), _("Service"), _("Step code"), _("Step"),
              _("Role"), _("Norm"), _("Norm code"), _("Steps completed"), _("Completed late"),
              _("Median, hours (wall-clock)"), _("Median")]
    whole = f"{figures.period.first:%Y-%m}..{figures.period.last:%Y-%m}"
    rows = [[_where(figures), s.month or whole, s.service_code, _service_name(s.service_code), s.step,
             _step_name(s.service_code, s.step), str(labels.ROLE.get(s.role, s.role)), normative(s.normative),
             s.normative, s.completed, s.late, _median(s),
             "" if s.median_hours is None else _("exact") if s.exact else _("approximate, within %(percent)s", percent=BAND_ERROR)]
            for s in [*figures.steps, *figures.step_totals]]
    return _csv(figures, "steps", header, rows)
