"""An organisation's administration: staff accounts, their EDS certificates, hours and result signing.

Administrators only (portal.access ROLES_OF["admin"]); each sees and changes only their own organisation:
another organisation's account or certificate answers 404, as the domain says (portal.domain.administration).
"""
from __future__ import annotations

from typing import Any, Callable

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from portal import labels
from portal.domain import administration as admin_
from portal.domain.errors import DomainError, NotFound
from portal.domain.staff_certificates import MAX_CERTIFICATE_BYTES
from portal.labels import error_text
from portal.web import commit, ctx, db, discard, now, tell
from provider_backoffice.admin_forms import CertificateForm, ConfirmForm, HoursForm, RoleForm, SigningForm, StaffForm

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _roles() -> list[tuple[str, str]]:
    """Return the roles this administrator gives, as select choices."""
    return [(r.value, str(labels.ROLE[r.value])) for r in admin_.assignable_roles(current_user)]


def _member(person_id: int):  # type: ignore[no-untyped-def]
    """Return an account of the administrator's organisation or answer 404."""
    try:
        return admin_.staff_member(db(), current_user, person_id)
    except NotFound:
        abort(404)


def _show_error(form: FlaskForm, err: DomainError) -> str | None:
    """Put a domain error under the field it names; return it as the page's error when it names none."""
    field = getattr(form, str(err.params.get("field") or ""), None)
    text = error_text(err.code, **{k: v for k, v in err.params.items() if k != "field"})
    if field is None:
        return text
    field.errors = [*field.errors, text]
    return None


def _change(form: FlaskForm, work: Callable[[], Any], done: str) -> str | None:
    """Run one domain change; commit, tell and return None, or roll back and return the error to show."""
    try:
        work()
    except NotFound:
        abort(404)
    except DomainError as err:
        discard()
        return _show_error(form, err) or ""
    tell(done, "success")
    commit()
    return None


@bp.route("/")
def staff():  # type: ignore[no-untyped-def]
    """List the organisation's accounts by name, a page at a time."""
    page = admin_.staff_page(db(), current_user, after=admin_.parse_key(request.args.get("after", "")))
    return render_template("backoffice/admin_staff.html", page=page, organisation=current_user.provider, now=now())


@bp.route("/staff/new", methods=["GET", "POST"])
def new_staff():  # type: ignore[no-untyped-def]
    """Create a staff account with an initial password or for EDS sign-in only."""
    form = StaffForm()
    form.role.choices = _roles()
    error = None
    if request.method == "POST" and form.validate_on_submit():
        made: list = []
        error = _change(form, lambda: made.append(admin_.create_staff(
            db(), current_user, iin=form.iin.data or "", full_name=form.full_name.data or "",
            email=form.email.data or "", role=form.role.data or "", password=form.password.data or "",
            eds_only=bool(form.eds_only.data), now=now())),
            _("The account has been created."))
        if error is None:
            return redirect(url_for("admin.member", person_id=made[0].id))
    status = 200 if request.method == "GET" else 422
    return render_template("backoffice/admin_new_staff.html", form=form, error=error or None), status


def _member_page(person, *, role_form: RoleForm | None = None, cert_form: CertificateForm | None = None,
                 error: str | None = None, status: int = 200) -> ResponseReturnValue:  # type: ignore[no-untyped-def]
    """Render a staff member's page: role, activity, certificates."""
    role_form = role_form or RoleForm(formdata=None, role=str(person.role))
    role_form.role.choices = _roles()
    return render_template("backoffice/admin_member.html", person=person, role_form=role_form,
                           cert_form=cert_form or CertificateForm(formdata=None), confirm=ConfirmForm(formdata=None),
                           open_assigned=admin_.open_assigned(db(), person), error=error, now=now()), status


@bp.route("/staff/<int:person_id>")
def member(person_id: int):  # type: ignore[no-untyped-def]
    """Show a staff member's account, role and registered certificates."""
    return _member_page(_member(person_id))


@bp.route("/staff/<int:person_id>/role", methods=["POST"])
def change_role(person_id: int):  # type: ignore[no-untyped-def]
    """Give a staff member another role."""
    person = _member(person_id)
    form = RoleForm()
    form.role.choices = _roles()
    error = ""
    if form.validate_on_submit():
        error = _change(form, lambda: admin_.change_role(db(), current_user, person_id, form.role.data or "", now()),
                        _("The role has been changed."))
        if error is None:
            return redirect(url_for("admin.member", person_id=person_id))
    return _member_page(_member(person.id), role_form=form, error=error or None, status=422)


def _set_active(person_id: int, active: bool) -> ResponseReturnValue:
    """Deactivate or reactivate an account."""
    _member(person_id)
    form = ConfirmForm()
    done = _("The account has been reactivated.") if active else _(
        "The account has been deactivated: it can no longer sign in, and its sessions have ended.")
    error = _change(form, lambda: admin_.set_active(db(), current_user, person_id, active, now()), done) \
        if form.validate_on_submit() else ""
    if error is None:
        return redirect(url_for("admin.member", person_id=person_id))
    return _member_page(_member(person_id), error=error or None, status=422)


@bp.route("/staff/<int:person_id>/deactivate", methods=["POST"])
def deactivate(person_id: int):  # type: ignore[no-untyped-def]
    """Deactivate an account: it cannot sign in or act, and its sessions end; its history stays."""
    return _set_active(person_id, False)


@bp.route("/staff/<int:person_id>/reactivate", methods=["POST"])
def reactivate(person_id: int):  # type: ignore[no-untyped-def]
    """Reactivate a deactivated account."""
    return _set_active(person_id, True)


@bp.route("/staff/<int:person_id>/certificates", methods=["POST"])
def register_certificate(person_id: int):  # type: ignore[no-untyped-def]
    """Register an uploaded signing certificate for a staff member."""
    _member(person_id)
    form = CertificateForm()
    error = ""
    if form.validate_on_submit():
        upload = request.files.get("certificate")
        data = upload.read(MAX_CERTIFICATE_BYTES + 1) if upload is not None else b""
        error = _change(form, lambda: admin_.register_certificate(db(), ctx().ca, current_user, person_id, data,
                                                                  now()),
                        _("The certificate has been registered: its owner signs with it from now on."))
        if error is None:
            return redirect(url_for("admin.member", person_id=person_id))
    return _member_page(_member(person_id), cert_form=form, error=error or None, status=422)


@bp.route("/staff/<int:person_id>/certificates/<int:certificate_id>/revoke", methods=["POST"])
def revoke_certificate(person_id: int, certificate_id: int):  # type: ignore[no-untyped-def]
    """Revoke a certificate's registration: signatures with it are refused from now on."""
    _member(person_id)
    form = ConfirmForm()
    error = _change(form, lambda: admin_.revoke_certificate(db(), current_user, person_id, certificate_id, now()),
                    _("The certificate's registration has been revoked.")) if form.validate_on_submit() else ""
    if error is None:
        return redirect(url_for("admin.member", person_id=person_id))
    return _member_page(_member(person_id), error=error or None, status=422)


def _settings_page(*, hours: HoursForm | None = None, signing: SigningForm | None = None,
                   error: str | None = None, status: int = 200) -> ResponseReturnValue:
    """Render the organisation's hours and result signing."""
    org = current_user.provider
    hours = hours or HoursForm(formdata=None, opens=org.opens, closes=org.closes, lunch_from=org.lunch_from or "",
                               lunch_to=org.lunch_to or "")
    signing = signing or SigningForm(formdata=None, head_signs="head" if org.head_signs_results else "seal")
    return render_template("backoffice/admin_settings.html", organisation=org, hours=hours, signing=signing,
                           error=error), status


@bp.route("/settings")
def settings():  # type: ignore[no-untyped-def]
    """Show the organisation's hours and who signs its results."""
    return _settings_page()


@bp.route("/settings/hours", methods=["POST"])
def hours():  # type: ignore[no-untyped-def]
    """Set the organisation's hours and lunch break."""
    form = HoursForm()
    error = ""
    if form.validate_on_submit():
        error = _change(form, lambda: admin_.set_hours(
            db(), current_user, opens=form.opens.data or "", closes=form.closes.data or "",
            lunch_from=form.lunch_from.data or "", lunch_to=form.lunch_to.data or "", now=now()),
            _("The hours have been saved: deadlines of new steps follow them."))
        if error is None:
            return redirect(url_for("admin.settings"))
    return _settings_page(hours=form, error=error or None, status=422)


@bp.route("/settings/signing", methods=["POST"])
def signing():  # type: ignore[no-untyped-def]
    """Choose whether the head signs results personally or the organisation's seal is used."""
    form = SigningForm()
    error = ""
    if form.validate_on_submit():
        choice = form.head_signs.data
        if choice not in ("head", "seal"):
            error = error_text("signing_choice_required")
        else:
            error = _change(form, lambda: admin_.set_head_signs(db(), current_user, choice == "head", now()),
                            _("Saved: who signs the results."))
            if error is None:
                return redirect(url_for("admin.settings"))
    return _settings_page(signing=form, error=error or None, status=422)
