"""The back office: every step by its role in its state; forbidden steps; other providers' requests."""
from __future__ import annotations

from datetime import datetime

import pytest
from lxml import html
from sqlalchemy import select

from portal import clock
from portal.domain.models import Application, AuditEntry, Notification, Person, StepRecord
from tests.conftest import account, staff_client
from tests.eds_helpers import sign_prepared, signer
from tests.factories import submitted_request

STEPS = [("office_clerk", "register", {}), ("head", "assign", None), ("executor", "draft_result",
         {"decision": "permitted"}), ("head", "approve", {}), ("office_clerk", "send", {})]


def executor_id(app, provider: str = "petropavl") -> int:  # type: ignore[no-untyped-def]
    with app.extensions["portal"].sessions() as s:
        return s.scalar(select(Person.id).where(Person.iin == account("executor", provider).iin))


def do(app, role: str, app_id: int, action: str, data: dict | None = None, provider: str = "petropavl"):  # type: ignore[no-untyped-def]
    client = staff_client(app, role, provider)
    client.get("/lang/en")
    return client.post(f"/backoffice/requests/{app_id}", data={"action": action, **(data or {})})


def assign_data(app) -> dict:  # type: ignore[no-untyped-def]
    return {"executor_id": str(executor_id(app)), "resolution": "Қарап, заң бойынша шешім дайындаңыз."}


def head_signs(app, app_id: int, provider: str = "petropavl"):  # type: ignore[no-untyped-def]
    """Sign the result as the head with their EDS; return the finish response."""
    head = account("head", provider)
    return sign_prepared(staff_client(app, "head", provider), f"/backoffice/requests/{app_id}/sign/prepare",
                         f"/backoffice/requests/{app_id}/sign/finish", signer(app, head.iin))


def work_through(app, app_id: int, decision: dict, until: str = "send") -> None:  # type: ignore[no-untyped-def]
    for role, action, data in STEPS:
        data = assign_data(app) if action == "assign" else (decision if action == "draft_result" else data)
        if action == "approve":
            r = head_signs(app, app_id)
            assert r.status_code == 200, r.get_data(as_text=True)[:3000]
        else:
            r = do(app, role, app_id, action, data)
            assert r.status_code == 302, (action, r.get_data(as_text=True)[:3000])
        if action == until:
            return


def test_whole_path_permitted(app, citizen):
    app_id = submitted_request(app, citizen)
    work_through(app, app_id, {"decision": "permitted"})
    with app.extensions["portal"].sessions() as s:
        a = s.get(Application, app_id)
        assert a.stage == "completed" and a.result is not None and a.result.decision == "permitted"
        records = s.scalars(select(StepRecord).where(StepRecord.application_id == app_id)
                            .order_by(StepRecord.id)).all()
        assert [(r.step, r.role, r.normative) for r in records] == [
            ("register", "office_clerk", "15m"), ("assign", "head", "20m"), ("draft_result", "executor", "14wd"),
            ("approve", "head", "20m"), ("send", "office_clerk", "15m")]
        assert all(r.completed_at and r.actor_id and not r.late for r in records)
        assert {r.provider_id for r in records} == {a.provider_id}  # the dashboard finds them by provider
        assert [e.action for e in s.scalars(select(AuditEntry).where(AuditEntry.kind == "state_change")
                                            .order_by(AuditEntry.seq))] == [
            "consent", "submit", "register", "assign", "draft_result", "approve", "send"]
        codes = [n.code for n in s.scalars(select(Notification).order_by(Notification.id))]
        assert codes == ["submitted", "registered", "in_execution", "result_ready"]
    citizen.get("/lang/en")
    page = citizen.get(f"/cabinet/requests/{app_id}").get_data(as_text=True)
    assert "permission granted" in page.lower()
    pdf = citizen.get(f"/cabinet/requests/{app_id}/result.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF") and pdf.headers["Content-Type"] == "application/pdf"


def test_refusal_states_its_grounds(app, citizen):
    app_id = submitted_request(app, citizen)
    work_through(app, app_id, {"decision": "refused"}, until="assign")
    r = do(app, "executor", app_id, "draft_result", {"decision": "refused", "refusal_explanation": "Мерзімі өткен."})
    assert r.status_code == 409 and "tick at least one ground" in r.get_data(as_text=True)
    r = do(app, "executor", app_id, "draft_result", {"decision": "refused", "refusal_ground": "documents_incomplete",
                                                     "refusal_explanation": "Қорытынды мерзімі өткен."})
    assert r.status_code == 302
    assert head_signs(app, app_id).status_code == 200
    do(app, "office_clerk", app_id, "send")
    citizen.get("/lang/en")
    page = citizen.get(f"/cabinet/requests/{app_id}").get_data(as_text=True)
    assert "Қорытынды мерзімі өткен." in page and "refused with reasons" in page
    assert "The package of documents required for the service is incomplete" in page


def test_result_not_visible_to_citizen_before_it_is_sent(app, citizen):
    app_id = submitted_request(app, citizen)
    work_through(app, app_id, {"decision": "permitted"}, until="approve")
    assert citizen.get(f"/cabinet/requests/{app_id}/result.pdf").status_code == 404


@pytest.mark.parametrize("position", range(len(STEPS)))
def test_each_step_refused_to_every_other_role(app, citizen, position):
    app_id = submitted_request(app, citizen)
    if position:
        work_through(app, app_id, {"decision": "permitted"}, until=STEPS[position - 1][1])
    role, action, _ = STEPS[position]

    def refused(who: str) -> int:
        # before the head assigns it, the request is not the executor's to see at all
        return 404 if who == "executor" and position < 2 else 409
    for other in ("office_clerk", "head", "executor"):
        if other != role:
            r = do(app, other, app_id, action, assign_data(app) if action == "assign" else {"decision": "permitted"})
            assert r.status_code == refused(other), (other, action)
    # and every other step's action is refused in this state, even to its own role
    for other_role, other_action, _ in STEPS:
        if other_action != action:
            assert do(app, other_role, app_id, other_action, {}).status_code == refused(other_role), other_action


def test_citizen_cannot_reach_the_back_office(app, citizen):
    app_id = submitted_request(app, citizen)
    assert citizen.get("/backoffice/").status_code == 403
    assert citizen.post(f"/backoffice/requests/{app_id}", data={"action": "register"}).status_code == 403


def test_other_provider_sees_nothing(app, citizen):
    app_id = submitted_request(app, citizen)
    for role in ("office_clerk", "head", "executor"):
        client = staff_client(app, role, "aiyrtau")
        assert f"/backoffice/requests/{app_id}" not in client.get("/backoffice/").get_data(as_text=True)
        assert client.get(f"/backoffice/requests/{app_id}").status_code == 404
        assert client.post(f"/backoffice/requests/{app_id}", data={"action": "register"}).status_code == 404
        assert client.get(f"/backoffice/requests/{app_id}/attachments/1").status_code == 404


def test_head_cannot_assign_another_providers_executor(app, citizen):
    app_id = submitted_request(app, citizen)
    do(app, "office_clerk", app_id, "register")
    r = do(app, "head", app_id, "assign", {"executor_id": str(executor_id(app, "aiyrtau")), "resolution": "x"})
    assert r.status_code == 409 and "executor of your organisation" in r.get_data(as_text=True)


def test_late_step_is_flagged(app, citizen):
    app_id = submitted_request(app, citizen)
    clock.pin(datetime(2026, 11, 23, 10, 16))  # 16 minutes for a 15-minute step
    do(app, "office_clerk", app_id, "register")
    with app.extensions["portal"].sessions() as s:
        record = s.scalar(select(StepRecord).where(StepRecord.step == "register"))
        assert record.late and record.due_at == datetime(2026, 11, 23, 10, 15)
        nxt = s.scalar(select(StepRecord).where(StepRecord.step == "assign"))
        assert nxt.due_at == datetime(2026, 11, 23, 10, 36) and not nxt.completed_at
    head = staff_client(app, "head")
    head.get("/lang/en")
    page = head.get(f"/backoffice/requests/{app_id}").get_data(as_text=True)
    assert '<tr class="late" data-step="register">' in page and '<span class="overdue">(late)</span>' in page


def test_the_card_shows_each_steps_norm_against_its_actual_working_time(app, citizen):
    app_id = submitted_request(app, citizen)
    clock.pin(datetime(2026, 11, 23, 10, 16))
    do(app, "office_clerk", app_id, "register")
    clock.pin(datetime(2026, 11, 24, 11, 0))  # the head's assignment has waited a working day and 44 minutes
    head = staff_client(app, "head")
    head.get("/lang/en")
    page = html.fromstring(head.get(f"/backoffice/requests/{app_id}").get_data(as_text=True))
    rows = {tr.get("data-step"): tr for tr in page.xpath("//table[@id='steps']/tbody/tr")}
    register, assign = rows["register"], rows["assign"]
    assert register.xpath("string(td[@class='normative'])") == "15 minutes"
    assert " ".join(register.xpath("string(td[@class='actual'])").split()) == "16 minutes (over the norm)"
    assert assign.xpath("string(td[@class='normative'])") == "20 minutes"
    assert " ".join(assign.xpath("string(td[@class='actual'])").split()) == \
        "1 working day 44 minutes (so far) (over the norm)"
    assert assign.get("class") == "late"


def test_the_card_previews_each_scan_in_a_frame_only_the_portal_may_use(app, citizen):
    app_id = submitted_request(app, citizen)
    clerk = staff_client(app, "office_clerk")
    page = html.fromstring(clerk.get(f"/backoffice/requests/{app_id}").get_data(as_text=True))
    frames = page.xpath("//ul[@id='attachments']//details[@class='preview']/iframe/@src")
    assert len(frames) == 1 and frames[0].startswith(f"/backoffice/requests/{app_id}/attachments/")
    scan = clerk.get(frames[0])
    assert scan.headers["X-Frame-Options"] == "SAMEORIGIN" and "frame-ancestors 'self'" in \
        scan.headers["Content-Security-Policy"]
    assert clerk.get(f"/backoffice/requests/{app_id}").headers["X-Frame-Options"] == "DENY"


def test_executor_opens_the_scan(app, citizen):
    app_id = submitted_request(app, citizen)
    work_through(app, app_id, {}, until="assign")
    with app.extensions["portal"].sessions() as s:
        att_id = s.get(Application, app_id).attachments[0].id
    r = staff_client(app, "executor").get(f"/backoffice/requests/{app_id}/attachments/{att_id}")
    assert r.status_code == 200 and r.headers["Content-Type"] == "application/pdf"
    assert r.headers["Content-Disposition"].startswith("inline") and r.headers["X-Content-Type-Options"] == "nosniff"


def test_queue_puts_the_awaiting_request_first(app, citizen):
    app_id = submitted_request(app, citizen)
    page = staff_client(app, "office_clerk").get("/backoffice/").get_data(as_text=True)
    assert f"/backoffice/requests/{app_id}" in page and 'class="mine"' in page


def test_the_step_table_tells_the_real_times_of_an_evening_submission_and_step(app, citizen):
    """Filed on a Sunday evening: the step was received then, its working time runs from Monday's opening."""
    sunday_evening = datetime(2026, 11, 22, 21, 0)
    with clock.pinned(sunday_evening):
        app_id = submitted_request(app, citizen)
        head = staff_client(app, "head")
        head.get("/lang/en")

        def register_row() -> html.HtmlElement:
            page = html.fromstring(head.get(f"/backoffice/requests/{app_id}").get_data(as_text=True))
            return page.xpath("//table[@id='steps']//tr[@data-step='register']")[0]

        row = register_row()
        assert " ".join(row.xpath("string(td[@class='actual'])").split()) == "not started yet"
        received = " ".join(row.xpath("string(td[@class='received'])").split())
        assert received.startswith("22.11.2026 21:00") and "working time from 23.11.2026 09:00" in received, received
    with clock.pinned(datetime(2026, 11, 22, 21, 6)):  # the clerk registers it that same evening
        assert do(app, "office_clerk", app_id, "register").status_code == 302
        row = register_row()
        cells = [" ".join(td.text_content().split()) for td in row.xpath("td")]
        assert cells[4].startswith("22.11.2026 21:00") and cells[6].startswith("22.11.2026 21:06"), cells
        assert "not started yet" not in cells[3] and "so far" not in cells[3]
