"""Register, sign in (password or EDS), sign out. Public (portal.access): everyone may reach these views."""
from __future__ import annotations

import base64

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, session as cookie, url_for
from flask_babel import format_datetime, gettext as _
from flask_login import current_user

from portal.auth.forms import RegisterForm, SignInForm
from portal.auth.sessions import end_session, remember_device, sign_in_after_commit, trusted_device
from portal.domain import eds
from portal.domain.accounts import authenticate, register_citizen
from portal.domain.audit_trail import AuditedRefusal
from portal.domain.errors import DomainError
from portal.domain.models import REGION_ROLES
from portal.domain.throttle import source_of
from portal.domain.validators import ValidationError
from portal.labels import error_text
from portal.eds_web import cms_from, json_object, json_step
from portal.web import after_commit, commit, ctx, db, locale, now, safe_next, tell

bp = Blueprint("auth", __name__, url_prefix="/auth")

FIELD_OF = {"iin_format": "iin", "iin_birth_date": "iin", "iin_checksum": "iin", "iin_taken": "iin",
            "phone_format": "phone", "email_format": "email", "password_short": "password",
            "password_long": "password", "password_is_iin": "password", "password_common": "password"}


def _home_for(person) -> str:  # type: ignore[no-untyped-def]
    """Return where a person lands after signing in."""
    if person.is_operator:
        return url_for("desk.index")
    if person.role in REGION_ROLES:
        return url_for("dashboard.index")
    if person.is_admin:
        return url_for("admin.staff")
    return url_for("backoffice.queue") if person.is_staff else url_for("cabinet.index")


@bp.route("/register", methods=["GET", "POST"])
def register():  # type: ignore[no-untyped-def]
    """Create a citizen's account."""
    form = RegisterForm()
    if form.validate_on_submit():
        if form.password.data != form.password_again.data:
            form.password_again.errors.append(error_text("password_mismatch"))
        else:
            session = db()
            try:
                person = register_citizen(session, iin=form.iin.data, full_name=form.full_name.data,
                                          phone=form.phone.data, email=form.email.data,
                                          password=form.password.data, now=now(), locale=locale(),
                                          consents=form.consent.data is True)
            except (DomainError, ValidationError) as err:
                params = getattr(err, "params", {})
                getattr(form, params.get("field") or FIELD_OF.get(err.code, "iin")).errors.append(
                    error_text(err.code, **params))
            else:
                sign_in_after_commit(person)
                tell(_("Your account has been created. Welcome!"), "success")
                commit()
                return remember_device(redirect(url_for("cabinet.index")), person.iin)
    return render_template("portal/register.html", form=form), 200 if request.method == "GET" else 422


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():  # type: ignore[no-untyped-def]
    """Sign in with IIN and password."""
    if current_user.is_authenticated:
        return redirect(_home_for(current_user))
    form = SignInForm()
    error = None
    if form.validate_on_submit():
        iin = "".join(form.iin.data.split())
        try:
            person = authenticate(db(), iin=iin, password=form.password.data, now=now(),
                                  source=source_of(request.remote_addr), throttle=current_app.extensions["sign_in_throttle"],
                                  trusted_device=trusted_device(iin))
        except DomainError as err:
            commit()  # a wrong password for an existing account stays in its audit trail
            until = err.params.get("until")
            error = error_text(err.code, **err.params, time=format_datetime(until, "HH:mm") if until else "")
        else:
            sign_in_after_commit(person)
            commit()
            return remember_device(redirect(safe_next(request.args.get("next")) or _home_for(person)), person.iin)
    status = 200 if request.method == "GET" else (401 if error else 422)
    # a page opened signed out sent the person here (portal.access): the sign-in page says why
    asked = bool(safe_next(request.args.get("next")))
    return render_template("portal/sign_in.html", form=form, error=error, asked=asked), status


@bp.route("/sign-out", methods=["POST"])
def sign_out():  # type: ignore[no-untyped-def]
    """Sign out: the session ends on the server too, so a copy of the cookie is worthless."""
    end_session()
    tell(_("You have signed out."), "info")
    commit()
    return redirect(url_for("catalog.index"))


@bp.route("/eds")
def eds_sign_in():  # type: ignore[no-untyped-def]
    """Show sign-in with an EDS authentication key."""
    return render_template("portal/eds_sign_in.html", next=safe_next(request.args.get("next")) or "")


@bp.route("/eds/challenge", methods=["POST"])
def eds_challenge():  # type: ignore[no-untyped-def]
    """Issue a one-time challenge bound to this browser session."""
    def work():  # type: ignore[no-untyped-def]
        challenge = eds.issue_challenge(db(), now())
        after_commit(lambda: cookie.update(eds_challenge=challenge.id))  # name only a challenge that was saved
        return jsonify(challenge=base64.b64encode(bytes.fromhex(challenge.nonce)).decode())
    return json_step(work)


@bp.route("/eds/sign-in", methods=["POST"])
def eds_finish():  # type: ignore[no-untyped-def]
    """Sign in with the signed challenge."""
    payload = json_object()

    def work():  # type: ignore[no-untyped-def]
        try:
            person = eds.sign_in(db(), ctx().ca, challenge_id=cookie.get("eds_challenge"), cms_der=cms_from(payload),
                                 now=now(), source=source_of(request.remote_addr))
        except AuditedRefusal:
            commit()  # the refused attempt stays in the account's audit trail (and its challenge stays used)
            raise
        sign_in_after_commit(person)  # the fresh session also drops the used challenge
        return jsonify(redirect=safe_next(payload.get("next")) or _home_for(person))
    return json_step(work)
