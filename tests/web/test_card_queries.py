"""The request card's cost: a fixed number of statements, whatever the request's history holds."""
from __future__ import annotations

from tests.conftest import staff_client
from tests.factories import submitted_request
from tests.web.test_backoffice import assign_data, do
from tests.web.test_queue_pages import statements_of as statements


def test_the_card_costs_the_same_for_a_short_and_a_long_history(app, citizen):
    short, long = submitted_request(app, citizen), submitted_request(app, citizen)
    for app_id in (short, long):
        do(app, "office_clerk", app_id, "register")
        do(app, "head", app_id, "assign", assign_data(app))
        do(app, "executor", app_id, "draft_result", {"decision": "permitted"})
    do(app, "head", long, "return_draft", {"comment": "Мерзімін тексеріңіз.", "decision": "permitted"})
    do(app, "executor", long, "draft_result", {"decision": "permitted"})
    head = staff_client(app, "head")
    few = statements(app, head, f"/backoffice/requests/{short}")
    many = statements(app, head, f"/backoffice/requests/{long}")
    assert len(many) == len(few) <= 10, "\n---\n".join(many)
    # what the card shows is read before the view's audit entry commits; two statements append the entry
    # (the head is locked and advanced, the entry inserted; its trigger points the head at it)
    assert [s.split()[0] for s in many[-2:]] == ["UPDATE", "INSERT"]
