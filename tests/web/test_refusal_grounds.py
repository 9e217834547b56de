"""The executor refuses with grounds ticked from the catalog; the card, the citizen's page and the PDF cite them."""
from __future__ import annotations

import re
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape
from sqlalchemy import select

from portal.domain.catalog import SERVICES
from portal.domain.models import Application, AuditEntry
from tests.conftest import staff_client
from tests.documents.test_refusal_documents import body_text
from tests.factories import submitted_request
from tests.web.test_backoffice import do, head_signs, work_through

SERVICE = SERVICES["external_study"]
INCOMPLETE, VIOLATIONS = (SERVICE.refusal_ground(c) for c in ("documents_incomplete", "data_violations"))
EXPLANATION = "ДКК қорытындысының (035-1/у) мерзімі 2026 жылғы 1 қазанда өткен."


def _ticked(page: str, code: str) -> bool:
    """Tell whether the card's checkbox for this ground is ticked."""
    return re.search(rf'name="refusal_ground" value="{code}" checked', page) is not None


def test_the_card_offers_the_services_grounds_with_their_citations(app: Flask, citizen: FlaskClient) -> None:
    app_id = submitted_request(app, citizen)
    work_through(app, app_id, {}, until="assign")
    executor = staff_client(app, "executor")
    executor.get("/lang/en")
    page = executor.get(f"/backoffice/requests/{app_id}").get_data(as_text=True)
    for ground in SERVICE.refusal_grounds:
        assert f'name="refusal_ground" value="{ground.code}"' in page
        assert escape(ground.text["en"]) in page and escape(ground.citation["en"]) in page
    assert not _ticked(page, INCOMPLETE.code) and 'name="refusal_explanation"' in page


def test_refusing_with_grounds_keeps_the_choice_on_error_then_stores_and_prints_it(
        app: Flask, citizen: FlaskClient, tmp_path: Path) -> None:
    app_id = submitted_request(app, citizen)
    work_through(app, app_id, {}, until="assign")
    chosen = {"decision": "refused", "refusal_ground": [VIOLATIONS.code, INCOMPLETE.code]}

    # no explanation: refused, and the page keeps both ticks
    r = do(app, "executor", app_id, "draft_result", chosen)
    page = r.get_data(as_text=True)
    assert r.status_code == 409 and "Explain the refusal" in page
    assert _ticked(page, INCOMPLETE.code) and _ticked(page, VIOLATIONS.code)
    # an explanation but no ground: refused, and the explanation is kept
    r = do(app, "executor", app_id, "draft_result", {"decision": "refused", "refusal_explanation": EXPLANATION})
    page = r.get_data(as_text=True)
    assert r.status_code == 409 and "tick at least one ground" in page and escape(EXPLANATION) in page
    # a code from outside the list: refused
    r = do(app, "executor", app_id, "draft_result", {**chosen, "refusal_ground": "not_a_ground",
                                                     "refusal_explanation": EXPLANATION})
    assert r.status_code == 409 and "from the list of this service" in r.get_data(as_text=True)
    with app.extensions["portal"].sessions() as s:
        a = s.get(Application, app_id)
        assert a.stage == "in_execution" and a.decision is None and a.refusal_codes is None

    r = do(app, "executor", app_id, "draft_result", {**chosen, "refusal_explanation": EXPLANATION})
    assert r.status_code == 302
    with app.extensions["portal"].sessions() as s:
        a = s.get(Application, app_id)
        assert a.decision == "refused" and a.refusal_codes == [INCOMPLETE.code, VIOLATIONS.code]
        assert a.refusal_grounds == EXPLANATION
        audit = s.scalars(select(AuditEntry).where(AuditEntry.action == "draft_result")).one()
        assert audit.details["refusal_codes"] == [INCOMPLETE.code, VIOLATIONS.code]

    # the head sees what was chosen, with the citations, before signing
    head = staff_client(app, "head")
    head.get("/lang/ru")
    page = head.get(f"/backoffice/requests/{app_id}").get_data(as_text=True)
    assert escape(INCOMPLETE.text["ru"]) in page and escape(INCOMPLETE.citation["ru"]) in page
    assert escape(EXPLANATION) in page

    assert head_signs(app, app_id).status_code == 200
    assert do(app, "office_clerk", app_id, "send").status_code == 302

    citizen.get("/lang/ru")
    page = citizen.get(f"/cabinet/requests/{app_id}").get_data(as_text=True)
    for ground in (INCOMPLETE, VIOLATIONS):
        assert escape(ground.text["ru"]) in page and escape(ground.citation["ru"]) in page
    assert escape(EXPLANATION) in page and escape(SERVICE.appeal["ru"]) in page

    pdf = citizen.get(f"/cabinet/requests/{app_id}/result.pdf")
    assert pdf.status_code == 200
    text = body_text(pdf.data, tmp_path)
    for ground in (INCOMPLETE, VIOLATIONS):
        for lang in ("kk", "ru"):
            assert f"{ground.text[lang]} ({ground.citation[lang]})" in text, (ground.code, lang)
    assert f"Түсініктеме: {EXPLANATION}" in text and f"Пояснение: {EXPLANATION}" in text
    assert f"Шағымдану тәртібі: {SERVICE.appeal['kk']}" in text
    assert f"Порядок обжалования: {SERVICE.appeal['ru']}" in text
    # Kazakh first, then Russian; the grant's wording nowhere
    assert text.index(INCOMPLETE.text["kk"]) < text.index(INCOMPLETE.text["ru"])
    assert "ВЫПИСКА ИЗ ПРИКАЗА" not in text


def test_a_grant_keeps_no_refusal_grounds(app: Flask, citizen: FlaskClient) -> None:
    """Ticked grounds posted with a grant are not kept: only a refusal carries grounds."""
    app_id = submitted_request(app, citizen)
    work_through(app, app_id, {}, until="assign")
    r = do(app, "executor", app_id, "draft_result", {"decision": "permitted", "refusal_ground": INCOMPLETE.code,
                                                     "refusal_explanation": EXPLANATION})
    assert r.status_code == 302
    with app.extensions["portal"].sessions() as s:
        a = s.get(Application, app_id)
        assert a.decision == "permitted" and a.refusal_codes is None and a.refusal_grounds is None
