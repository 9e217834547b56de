"""The back office's side moves through the card: the executor hands a request back, the head reassigns it,
the head returns a draft; each keeps the overall deadline and gives the reopened step its full time."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from portal import clock, demo
from portal.domain.models import Application, Person
from tests.conftest import account, staff_client
from tests.factories import submitted_request
from tests.web.test_backoffice import assign_data, do, work_through


def second_executor_id(app) -> int:  # type: ignore[no-untyped-def]
    with app.extensions["portal"].sessions() as s:
        return s.scalar(select(Person.id).where(Person.iin == demo.SECOND_EXECUTOR.iin))


def test_executor_hands_back_head_assigns_another(app, citizen):
    app_id = submitted_request(app, citizen)
    work_through(app, app_id, {}, until="assign")
    card = staff_client(app, "executor", "petropavl").get(f"/backoffice/requests/{app_id}").get_data(as_text=True)
    assert 'id="move-hand_back"' in card and 'id="move-draft_result"' in card
    r = do(app, "executor", app_id, "hand_back", {"comment": ""})
    assert r.status_code == 409 and "Write why" in r.get_data(as_text=True)
    clock.pin(datetime(2026, 11, 24, 11, 0))
    r = do(app, "executor", app_id, "hand_back", {"comment": "Мен бұл мектептің туысымын, басқа маманға беріңіз."})
    assert r.status_code == 302
    # the request left the executor: they no longer see it; the head assigns it again with 20 minutes anew
    assert staff_client(app, "executor", "petropavl").get(f"/backoffice/requests/{app_id}").status_code == 404
    with app.extensions["portal"].sessions() as s:
        a = s.get(Application, app_id)
        deadline = a.deadline_at
        assert a.stage == "registered" and a.executor_id is None
        assert (a.steps[-1].step, a.steps[-1].due_at) == ("assign", datetime(2026, 11, 24, 11, 20))
    r = do(app, "head", app_id, "assign", {**assign_data(app), "executor_id": str(second_executor_id(app))})
    assert r.status_code == 302
    head_card = staff_client(app, "head", "petropavl").get(f"/backoffice/requests/{app_id}").get_data(as_text=True)
    assert "басқа маманға беріңіз" in head_card and demo.SECOND_EXECUTOR.full_name in head_card
    with app.extensions["portal"].sessions() as s:
        a = s.get(Application, app_id)
        assert a.executor_id == second_executor_id(app) and a.deadline_at == deadline


def test_head_reassigns_and_the_old_executor_loses_the_request(app, citizen):
    app_id = submitted_request(app, citizen)
    work_through(app, app_id, {}, until="assign")
    same = do(app, "head", app_id, "reassign", assign_data(app))
    assert same.status_code == 409 and "already assigned" in same.get_data(as_text=True)
    r = do(app, "head", app_id, "reassign", {**assign_data(app), "executor_id": str(second_executor_id(app)),
                                             "resolution": "Асхат Серікұлы жалғастырсын."})
    assert r.status_code == 302
    assert staff_client(app, "executor", "petropavl").get(f"/backoffice/requests/{app_id}").status_code == 404
    with app.extensions["portal"].sessions() as s:
        a = s.get(Application, app_id)
        assert a.stage == "in_execution" and a.executor_id == second_executor_id(app)
        assert [r.outcome for r in a.steps] == ["register", "assign", "reassign", None]
        assert a.steps[-1].step == "draft_result" and a.steps[-1].normative == "14wd"
    citizen.get("/lang/en")
    cabinet = citizen.get(f"/cabinet/requests/{app_id}").get_data(as_text=True)
    assert "Another executor has been assigned" in cabinet


def test_head_returns_the_draft_and_may_change_the_decision(app, citizen):
    app_id = submitted_request(app, citizen)
    work_through(app, app_id, {"decision": "refused", "refusal_ground": "documents_incomplete", "refusal_explanation": "Анықтама жоқ."}, until="draft_result")
    r = do(app, "head", app_id, "return_draft", {"comment": "Анықтама бар, рұқсат беріңіз.", "decision": "permitted"})
    assert r.status_code == 302
    with app.extensions["portal"].sessions() as s:
        a = s.get(Application, app_id)
        assert a.stage == "in_execution" and a.decision == "permitted" and a.refusal_grounds is None
        assert a.refusal_codes is None
        assert a.executor_id is not None and a.steps[-1].step == "draft_result"
    card = staff_client(app, "executor", "petropavl").get(f"/backoffice/requests/{app_id}").get_data(as_text=True)
    assert "Анықтама бар, рұқсат беріңіз." in card
    assert 'name="decision" value="permitted" checked' in card
    # the executor may not return anything to the head's stage: that move is the head's alone
    assert do(app, "executor", app_id, "return_draft", {"comment": "x"}).status_code == 409
    assert account("head", "petropavl")
