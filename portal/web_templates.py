"""What templates may call: filters, globals, and translated error pages."""
from __future__ import annotations

from datetime import datetime

from flask import Flask, render_template
from flask_babel import format_datetime, gettext as _, ngettext
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from portal import labels
from portal.domain.calendar import working_days_left
from portal.web import locale, localized


def kzdatetime(value: datetime | None) -> str:
    """Format a Kazakhstan local time as dd.MM.yyyy HH:mm."""
    return format_datetime(value, "dd.MM.yyyy HH:mm") if value else ""


def normative(code: str) -> str:
    """Render a normative duration code such as 15m or 14wd in words."""
    if code.endswith("wd"):
        n = int(code[:-2])
        return ngettext("%(num)s working day", "%(num)s working days", n)
    n = int(code[:-1])
    return ngettext("%(num)s minute", "%(num)s minutes", n)


def install_template_helpers(app: Flask) -> None:
    """Register the filters and globals the templates use."""
    app.jinja_env.filters.update(kzdatetime=kzdatetime, normative=normative, localized=localized)
    app.jinja_env.globals.update(
        labels=labels, localized=localized, current_locale=locale, error_text=labels.error_text,
        notification_text=labels.notification_text, working_days_left=working_days_left,
        field_labels=labels.FIELD)


def install_error_pages(app: Flask) -> None:
    """Answer errors with translated pages instead of Werkzeug's English ones."""
    titles = {
        403: lambda: (_("Access denied"), _("This page is not for your account.")),
        404: lambda: (_("Not found"), _("There is no such page, or it is not yours to see.")),
        413: lambda: (_("The upload is too large"), _("Each file may be at most 10 MB.")),
    }

    @app.errorhandler(CSRFError)
    def csrf_error(_err: CSRFError):  # type: ignore[no-untyped-def]
        return render_template("error.html", title=_("The form has expired"),
                               message=_("Please go back, reload the page and try again.")), 400

    @app.errorhandler(HTTPException)
    def http_error(err: HTTPException):  # type: ignore[no-untyped-def]
        if err.code not in titles:
            return err
        title, message = titles[err.code]()
        return render_template("error.html", title=title, message=message), err.code
