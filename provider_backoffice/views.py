"""The back office: the provider's queue, the request card and its steps. Staff only (portal.access)."""
from __future__ import annotations

from flask import Blueprint, abort, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from portal import labels
from portal.domain import identity, signing_flows
from portal.domain.applications import applicant_name, typed_name_differs
from portal.domain.errors import Conflict, DomainError, NotAllowed, NotFound
from portal.domain.catalog.spec import MAX_LENGTH
from portal.domain.models import Membership, Person, Role
from portal.domain.signing_flows import issuing_move
from portal.domain.catalog import SERVICES
from portal.domain.queues import parse_key, queue_page, read_filter, rows_of, stage_choices
from portal.domain.workflow import available_transitions, open_step, process_of, service_of, staff_request, transition
from portal.downloads import attachment_response, file_response, signed_application_response, staff_opened
from portal.eds_web import cms_from, json_object, json_step
from portal.labels import error_text
from portal.web import commit, ctx, db, discard, now, tell
from portal.web_templates import changed_meanwhile_page
from provider_backoffice.forms import StepForm

bp = Blueprint("backoffice", __name__, url_prefix="/backoffice")


def _request(application_id: int, *, lock: bool = False, card: bool = False):  # type: ignore[no-untyped-def]
    """Return a request of the staff member's provider or answer 404."""
    try:
        return staff_request(db(), current_user, application_id, lock=lock, card=card)
    except NotFound:
        abort(404)


def _executors(provider_id: int) -> list[Person]:
    """Return the provider's executors who may still act (not deactivated), by name."""
    return list(db().scalars(select(Person).join(Person.membership)
                             .where(Membership.organisation_id == provider_id, Membership.role == Role.executor,
                                    Person.deactivated_at.is_(None))
                             .order_by(Person.full_name)))


def _form(app) -> StepForm:  # type: ignore[no-untyped-def]
    """Return the step form, with this provider's executors to choose from when this person may assign one."""
    form = StepForm()
    assigns = any(t.assigns_executor for t in available_transitions(app, current_user))
    form.executor_id.choices = [("", "—")] + ([(str(p.id), p.full_name) for p in _executors(app.provider_id)]
                                              if assigns or request.method == "POST" else [])
    return form


#: the query parameters a queue's filter form sends, kept in its tab and page links
FILTER_ARGS = ("service", "stage", "overdue", "from", "to", "executor", "channel", "q")


@bp.route("/")
def queue():  # type: ignore[no-untyped-def]
    """List the provider's requests, those awaiting this person first, narrowed by the filter form."""
    waiting = request.args.get("tab") != "all"
    wanted = read_filter(request.args)
    staff = current_user._get_current_object()  # the person itself: a row reads it a dozen times
    page = queue_page(db(), staff, waiting=waiting, now=now(), wanted=wanted,
                      after=parse_key(request.args.get("after", "")))
    kept = {k: request.args[k] for k in FILTER_ARGS if request.args.get(k)}
    executors = [] if current_user.role == Role.executor else _executors(current_user.provider_id)
    return render_template("backoffice/queue.html", rows=rows_of(page.apps, staff), page=page,
                           waiting=waiting, wanted=wanted, kept=kept, executors=executors, stages=stage_choices(),
                           services=list(SERVICES.values()), channels=labels.CHANNEL,
                           filter_titles=labels.QUEUE_FILTER, now=now())


@bp.route("/requests/<int:application_id>", methods=["GET", "POST"])
def card(application_id: int):  # type: ignore[no-untyped-def]
    """Show the request card; take the step it awaits from this person."""
    session = db()
    app = _request(application_id, lock=request.method == "POST", card=request.method == "GET")
    form = _form(app)
    error = None
    if request.method == "POST" and form.validate_on_submit():
        seen = request.form.get("version", "")
        try:
            move = transition(session, app, request.form.get("action", ""), current_user, now(), payload=request.form,
                              effects=ctx().effects, seen_version=int(seen) if seen.isdigit() else None)
            tell(_("Done: %(step)s.", step=labels.ACTION.get(move.action, move.action)), "success")
            commit()
        except (Conflict, StaleDataError):  # another staff member took this step first
            return changed_meanwhile_page(url_for("backoffice.card", application_id=application_id))
        except DomainError as err:
            discard()
            error = error_text(err.code, **err.params)
            app = _request(application_id, card=True)
        else:
            return redirect(url_for("backoffice.card", application_id=app.id))
    status = 200 if request.method == "GET" else (409 if error else 422)
    name = applicant_name(app)  # read before the view's audit entry commits: nothing is loaded after it
    if request.method == "GET":
        staff_opened(app, "card")
    service, process = service_of(app), process_of(app)
    issuing = issuing_move(app, current_user)
    eds_sign = bool(issuing and issuing.role == Role.head and app.provider.head_signs_results)
    return render_template("backoffice/card.html", app=app, service=service, moves=available_transitions(app, current_user),
                           regulated=process.step_of(app.stage), form=form, error=error, open_step=open_step(app),
                           now=now(), eds_sign=eds_sign, max_text=MAX_LENGTH["longtext"],
                           posted=request.form if request.method == "POST" else {}, applicant_name=name,
                           typed_name_differs=typed_name_differs(app, name), link=identity.link_of(service, app.form),
                           link_title=identity.LINK_TITLE, link_statements=identity.LINK_STATEMENT,
                           result_inputs=[f for t in process.transitions for f in t.inputs]), status


@bp.route("/requests/<int:application_id>/attachments/<int:attachment_id>")
def attachment(application_id: int, attachment_id: int):  # type: ignore[no-untyped-def]
    """Open a scan of the request in the browser."""
    app = _request(application_id)
    return attachment_response(app, attachment_id, audit=True)


@bp.route("/requests/<int:application_id>/result.pdf")
def result(application_id: int):  # type: ignore[no-untyped-def]
    """Open the signed result."""
    app = _request(application_id)
    if app.result is None:
        abort(404)
    staff_opened(app, "result")
    return file_response(ctx().store.get(app.result.sha256), "application/pdf", f"{app.result.number}.pdf",
                         inline=True)


@bp.route("/requests/<int:application_id>/application.pdf")
def signed_request(application_id: int):  # type: ignore[no-untyped-def]
    """Open the application as the applicant signed it."""
    return signed_application_response(_request(application_id), inline=True, audit=True)


@bp.route("/requests/<int:application_id>/result-preview.pdf")
def result_preview(application_id: int):  # type: ignore[no-untyped-def]
    """Show the result as it will be issued, before it is signed."""
    app = _request(application_id)
    try:
        pdf = signing_flows.preview_result(app, current_user, now())
    except NotAllowed:
        abort(404)
    staff_opened(app, "result_preview")
    return file_response(pdf, "application/pdf", f"{app.number}-preview.pdf", inline=True)


@bp.route("/requests/<int:application_id>/sign/prepare", methods=["POST"])
def sign_prepare(application_id: int):  # type: ignore[no-untyped-def]
    """Render the result with a stamp naming the head and return the bytes the head's EDS must sign."""
    def work():  # type: ignore[no-untyped-def]
        app = staff_request(db(), current_user, application_id, lock=True)
        to_sign = signing_flows.prepare_result(db(), ctx().store, ctx().issuer, app, current_user, now())
        return jsonify(token=to_sign.token, data=to_sign.data_b64)
    return json_step(work)


@bp.route("/requests/<int:application_id>/sign/finish", methods=["POST"])
def sign_finish(application_id: int):  # type: ignore[no-untyped-def]
    """Check the head's signature, embed it in the result and approve."""
    payload = json_object()

    def work():  # type: ignore[no-untyped-def]
        app = staff_request(db(), current_user, application_id, lock=True)
        signing_flows.sign_and_approve(db(), ctx().store, ctx().ca, app, current_user,
                                       token=str(payload.get("token") or ""), cms_der=cms_from(payload), now=now())
        tell(_("Done: %(step)s.", step=labels.ACTION["approve"]), "success")
        return jsonify(redirect=url_for("backoffice.card", application_id=app.id))
    return json_step(work)
