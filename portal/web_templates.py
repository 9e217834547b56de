"""What templates may call: filters, globals, and translated error pages."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, time, timedelta
from urllib.parse import urlencode

from flask import Flask, g, render_template, request, url_for
from flask_babel import gettext as _, ngettext
from markupsafe import Markup, escape
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException
from wtforms import Field

from portal import dates
from portal import clock, labels
from portal.domain import fields, notifications
from portal.domain.catalog import get_service
from portal.domain.catalog.spec import ServiceSpec
from portal.domain.calendar import DEFAULT_HOURS, WorkingHours, to_kz_naive, working_days_left, working_minutes_left
from portal.domain.db import MAX_ROW_ID, is_conflict
from portal.domain.models import Decision
from portal.domain.progress import Progress, progress, step_times, timeline
from portal.domain.workflow import service_of
from portal.domain.refusals import refusal_grounds_of
from portal.web import ctx, db, in_language, locale, localized, wrote


def kzdatetime(value: datetime | None) -> str:
    """Format a Kazakhstan local time the portal's one way (the same digits in every language)."""
    if not value:
        return ""
    return dates.minute(to_kz_naive(value) if value.tzinfo else value)


def deadline(at: datetime | None, now: datetime, hours: WorkingHours | None = None, lang: str | None = None) -> Markup:
    """Show a deadline with the working time left on the provider's hours, marked when due today or overdue."""
    if not at:
        return Markup("")
    hours = hours or DEFAULT_HOURS
    left = working_days_left(now, at, hours)
    minutes = working_minutes_left(now, at, hours) if left == 0 else 0
    shown = g.get("deadline_words_expire")
    if shown is not None:
        shown.append(words_expire(now, left))
    return Markup(f'<span class="deadline{_DEADLINE_MARK[max(min(left, 1), -1)]}">{kzdatetime(at)} '
                  f'({_time_left(left, minutes, lang or locale())})</span>')


def words_expire(now: datetime, left: int) -> datetime | None:
    """Return the first moment a deadline's words shown at `now` may read otherwise (None: never, it stays overdue)."""
    if left < 0:
        return None
    now = to_kz_naive(now)
    if left > 0:  # the working days left count from today's date, and the deadline is on a later day
        return datetime.combine(now.date() + timedelta(days=1), time())
    return now + timedelta(microseconds=1)  # due today: the working minutes left count from the second


@contextmanager
def deadline_words() -> Iterator[list[datetime | None]]:
    """Collect, while a part of a page renders, when the words of each deadline it shows may read otherwise."""
    g.deadline_words_expire = shown = []
    try:
        yield shown
    finally:
        g.pop("deadline_words_expire", None)


#: a deadline's class by the sign of the working days left
_DEADLINE_MARK = {-1: " overdue", 0: " today", 1: ""}


def _time_left(left: int, minutes: int, language: str) -> str:
    """Return the escaped words of the time left, translated once per request (a queue shows a hundred)."""
    memo = g.setdefault("time_left", {})
    key = (left, minutes, language)
    if key not in memo:
        if left < 0:
            text = _("overdue")
        elif left == 0:
            text = _("due today") + ", " + ngettext("%(num)s working minute left", "%(num)s working minutes left",
                                                   minutes)
        else:
            text = ngettext("%(num)s working day left", "%(num)s working days left", left)
        memo[key] = str(escape(text))
    return memo[key]


def status(p: Progress, lang: str | None = None) -> Markup:
    """Show a request's public status as a badge, its stage's title as the hover text."""
    lang = lang or locale()
    title = f' title="{escape(in_language(p.stage.title, lang))}"' if p.stage else ""
    return Markup(f'<span class="status s-{p.status}"{title}>{escape(in_language(p.status.title, lang))}</span>')


def described_by(f: Field, hint: bool = False) -> dict[str, str]:
    """Return an input's attributes tying it to its hint and errors, and marking it invalid when it has errors."""
    ids = ([f"{f.id}-hint"] if hint else []) + ([f"{f.id}-error"] if f.errors else [])
    attrs = {"aria-describedby": " ".join(ids)} if ids else {}
    return {**attrs, "aria-invalid": "true"} if f.errors else attrs


def mask_name(name: str) -> str:
    """Show only the first letter of each part of a name: Сейітов Нұрлан → С*** Н***."""
    return " ".join(part[:1] + "***" for part in (name or "").split())


def mask_iin(iin: str) -> str:
    """Show only the last four digits of an IIN (its first six are the birth date)."""
    return f"{'•' * 8}{iin[-4:]}" if len(iin or "") == 12 else "•" * 12


def normative(code: str) -> str:
    """Render a normative duration code such as 15m or 14wd in words."""
    if code.endswith("wd"):
        n = int(code[:-2])
        return ngettext("%(num)s working day", "%(num)s working days", n)
    n = int(code[:-1])
    return ngettext("%(num)s minute", "%(num)s minutes", n)


def worktime(minutes: int, day_minutes: int) -> str:
    """Render working time in words: minutes, hours and minutes, or working days and hours."""
    if minutes < 60:
        return ngettext("%(num)s minute", "%(num)s minutes", minutes)
    days, rest = divmod(minutes, day_minutes) if minutes >= day_minutes else (0, minutes)
    hours, mins = divmod(rest, 60)
    parts = [ngettext("%(num)s working day", "%(num)s working days", days)] if days else []
    parts += [_("%(hours)s h %(minutes)s min", hours=hours, minutes=mins)] if hours else \
        ([ngettext("%(num)s minute", "%(num)s minutes", mins)] if mins else [])
    return " ".join(parts)


def decision_word(service: ServiceSpec, decision: str | None) -> str:
    """Return the service's own word for a grant (e.g. "Order issued"), or "Reasoned refusal"."""
    return str(labels.DECISION[Decision.refused]) if decision == Decision.refused else localized(service.result.granted)


def decisions(service: ServiceSpec) -> list[tuple[str, str]]:
    """Return the decisions a step may take, each with the service's own word for it."""
    return [(Decision.permitted.value, localized(service.result.granted)),
            (Decision.refused.value, str(labels.DECISION[Decision.refused]))]


def step_label(service: ServiceSpec, action: str) -> str:
    """Return a step's short label: the portal's word for a known action, else the catalog's title.

    Translated once per request and language (a queue page names the same few steps on every row).
    """
    memo, key = g.setdefault("step_labels", {}), (service.code, service.version, action, locale())
    if key not in memo:
        title = None if action in labels.ACTION else service.action_title(action)
        memo[key] = str(labels.ACTION[action]) if action in labels.ACTION else localized(title) if title else action
    return memo[key]


def cert_revoked(serial_hex: str) -> bool:
    """Tell whether a certificate (serial in hex) is on the portal's CRL now."""
    return ctx().ca.is_revoked(int(serial_hex, 16))


def unread_count() -> int:
    """Return the signed-in applicant's unread notifications, counted once per request (0 for anyone else)."""
    if "unread_count" not in g:
        person, (loaded_for, loaded) = current_user, g.pop("unread_as_loaded", (None, 0))
        if not person.is_authenticated or person.is_staff:
            g.unread_count = 0
        elif loaded_for == person.id and not wrote(db()):  # counted with the person, and nothing changed since
            g.unread_count = loaded
        else:
            g.unread_count = notifications.unread_count(db(), person)
    return g.unread_count


def remember_loaded_unread_count(person_id: int, count: int) -> None:
    """Note the unread notifications counted as the signed-in person was loaded: good until the request writes."""
    g.unread_as_loaded = (person_id, count)


#: addresses below the application's root that depend on no request, by endpoint and arguments
_PATHS: dict[tuple[str, tuple[tuple[str, str], ...]], str] = {}


def page_url(endpoint: str, **values: str) -> str:
    """Return the address of a page or static file with fixed arguments, its part below the root built once.

    Every page names a dozen (the navigation, the stylesheet): werkzeug's url_for for each cost more than
    the rest of the catalog's rendering. The arguments come from the templates' own text, so the memo is bounded.
    """
    root, key = request.script_root, (endpoint, tuple(sorted(values.items())))
    if key not in _PATHS:
        _PATHS[key] = url_for(endpoint, **values)[len(root):]
    return root + _PATHS[key]


#: the interface languages, each named in itself
LANGUAGE_NAMES = (("kk", "Қазақша"), ("ru", "Русский"), ("en", "English"))


def language_links() -> list[tuple[str, str, str]]:
    """Return each language's code, name and switch address, which brings the person back to this page."""
    back = urlencode({"next": request.full_path})
    return [(code, name, f"{page_url('catalog.switch_language', code=code)}?{back}") for code, name in LANGUAGE_NAMES]


def static_url(filename: str) -> str:
    """Return a static file's address (every page names a few)."""
    return page_url("static", filename=filename)


#: a request's pages' addresses below the root, by endpoint: the part before its id and the part after
_ID_PATHS: dict[str, tuple[str, str]] = {}


def request_url(endpoint: str, application_id: int) -> str:
    """Return the address of a request's page, its pattern built once per process (a list links every row)."""
    root = request.script_root
    if endpoint not in _ID_PATHS:
        head, _, tail = url_for(endpoint, application_id=MAX_ROW_ID)[len(root):].partition(str(MAX_ROW_ID))
        _ID_PATHS[endpoint] = (head, tail)
    head, tail = _ID_PATHS[endpoint]
    return f"{root}{head}{int(application_id)}{tail}"


def install_template_helpers(app: Flask) -> None:
    """Register the filters and globals the templates use."""
    app.jinja_env.filters.update(kzdatetime=kzdatetime, normative=normative, worktime=worktime, localized=localized,
                                 mask_name=mask_name, mask_iin=mask_iin)
    app.jinja_env.globals.update(
        labels=labels, localized=localized, in_language=in_language, current_locale=locale, error_text=labels.error_text,
        notification_text=labels.notification_text, working_days_left=working_days_left,
        cert_revoked=cert_revoked, display=lambda spec, value: fields.display(spec, value, locale()),
        decision_word=decision_word, decisions=decisions, step_label=step_label, get_service=get_service, progress=progress,
        service_of=service_of, timeline=timeline, step_times=step_times, refusal_grounds_of=refusal_grounds_of,
        working_minutes_left=working_minutes_left, default_hours=DEFAULT_HOURS, unread_count=unread_count,
        deadline=deadline, status=status, described_by=described_by, static_url=static_url, request_url=request_url, page_url=page_url,
        language_links=language_links,
        portal_time=lambda: clock.utcnow().isoformat(timespec="seconds"))


def changed_meanwhile_page(back: str | None = None) -> tuple[str, int]:
    """Return the page the loser of a race sees: nothing of theirs was saved; reload and try again."""
    g_db = g.get("db")
    if g_db is not None:
        g_db.rollback()  # the failed transaction must not be used to render the page
    return render_template("error.html", title=_("Changed meanwhile"), back=back,
                           message=_("Someone changed this request at the same moment. Reload the page and try again.")), 409


def install_error_pages(app: Flask) -> None:
    """Answer errors with translated pages instead of Werkzeug's English ones."""
    titles = {
        403: lambda: (_("Access denied"), _("This page is not for your account.")),
        404: lambda: (_("Not found"), _("There is no such page, or it is not yours to see.")),
        413: lambda: (_("The upload is too large"), _("Each file may be at most 10 MB.")),
        405: lambda: (_("Not found"), _("There is no such page, or it is not yours to see.")),
        400: lambda: (_("Bad request"), _("The request could not be understood. Please go back and try again.")),
        409: lambda: (_("Changed meanwhile"), _("Someone changed this request at the same moment. Reload the page and try again.")),
        429: lambda: (_("Too many requests"), _("Too many requests from your connection. Wait a minute and try again.")),
        500: lambda: (_("Something went wrong"), _("The portal could not complete this. Nothing you entered before was lost; please try again.")),
    }

    @app.errorhandler(StaleDataError)
    def stale(_err: StaleDataError):  # type: ignore[no-untyped-def]
        return changed_meanwhile_page()

    @app.errorhandler(DBAPIError)
    def database_error(err: DBAPIError):  # type: ignore[no-untyped-def]
        if is_conflict(err):
            return changed_meanwhile_page()
        app.logger.exception("database error", exc_info=err)
        return server_error(err)

    @app.errorhandler(500)
    def server_error(_err: Exception):  # type: ignore[no-untyped-def]
        title, message = titles[500]()
        return render_template("error.html", title=title, message=message), 500

    @app.errorhandler(CSRFError)
    def csrf_error(_err: CSRFError):  # type: ignore[no-untyped-def]
        return render_template("error.html", title=_("The form has expired"),
                               message=_("Please go back, reload the page and try again.")), 400

    @app.errorhandler(HTTPException)
    def http_error(err: HTTPException):  # type: ignore[no-untyped-def]
        if err.code not in titles:
            return err
        title, message = titles[err.code]()
        # a draft's upload over the request's limit (a browser without the page's own check): back to the draft,
        # which keeps what was saved before
        back = request.path if err.code == 413 and request.endpoint == "apply.edit" else None
        return render_template("error.html", title=title, message=message, back=back), err.code
