"""Orders and excerpts as issued through the portal: the register's number and date, and whose order it is."""
from __future__ import annotations

import subprocess
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.domain.models import Application, OrderEntry, Person, Provider
from portal.domain.catalog import SERVICES
from tests.conftest import account, staff_client
from tests.eds_helpers import announce, signer
from tests.factories import submitted_request
from tests.service_samples import step_payload
from tests.tools import tool
from tests.web.test_backoffice import do, head_signs, work_through
from tests.web.test_services import apply_for, sealed_provider

DAY = "23.11.2026"  # the pinned Monday every test starts on


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    """Return a PDF's text (poppler's pdftotext) with whitespace collapsed."""
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    out = subprocess.run([tool("pdftotext"), str(path), "-"], capture_output=True, check=True).stdout
    return " ".join(out.decode().split())


def flat(text: str) -> str:
    """Collapse runs of whitespace (the regulation's names carry double spaces)."""
    return " ".join(text.split())


def entries(app: Flask) -> list[tuple[str, int, int, str, str]]:
    """Return every order entry as (provider code, year, number, date, kind)."""
    with app.extensions["portal"].sessions() as s:
        return [(e.provider.code, e.year, e.number, e.issued_on.strftime("%d.%m.%Y"), e.kind)
                for e in s.scalars(select(OrderEntry).order_by(OrderEntry.id))]


def provider(app: Flask, code: str) -> Provider:
    """Return a provider by code."""
    with app.extensions["portal"].sessions() as s:
        return s.scalar(select(Provider).where(Provider.code == code))


def sealed_excerpt(app: Flask, citizen: FlaskClient, decision: dict) -> int:
    """Take an external-study request at Aiyrtau (results sealed by the portal) through every step."""
    app_id = submitted_request(app, citizen, provider="aiyrtau")
    with app.extensions["portal"].sessions() as s:
        executor = s.scalar(select(Person.id).where(Person.iin == account("executor", "aiyrtau").iin))
    for role, action, data in (("office_clerk", "register", {}),
                               ("head", "assign", {"executor_id": str(executor), "resolution": "Қараңыз"}),
                               ("executor", "draft_result", decision), ("head", "approve", {}),
                               ("office_clerk", "send", {})):
        r = do(app, role, app_id, action, data, provider="aiyrtau")
        assert r.status_code == 302, (action, r.get_data(as_text=True)[:2000])
    return app_id


def test_sealed_excerpts_are_numbered_and_say_whose_order(app, citizen, tmp_path):
    first = sealed_excerpt(app, citizen, {"decision": "permitted"})
    second = sealed_excerpt(app, citizen, {"decision": "permitted"})
    department = provider(app, "aiyrtau")
    for app_id, number in ((first, 1), (second, 2)):
        text = pdf_text(citizen.get(f"/cabinet/requests/{app_id}/result.pdf").data, tmp_path)
        assert f"{flat(department.name_kk)} басшысының {DAY} жылғы № {number} бұйрығынан" in text, text
        assert f"ВЫПИСКА ИЗ ПРИКАЗА руководителя {flat(department.name_ru)} № {number} от {DAY}" in text, text
    assert entries(app) == [("aiyrtau", 2026, 1, DAY, "external_study"), ("aiyrtau", 2026, 2, DAY, "external_study")]


def test_a_refusal_is_no_order_and_takes_no_number(app, citizen, tmp_path):
    app_id = sealed_excerpt(app, citizen, {"decision": "refused", "refusal_ground": "documents_incomplete", "refusal_explanation": "Құжаттар толық емес."})
    text = pdf_text(citizen.get(f"/cabinet/requests/{app_id}/result.pdf").data, tmp_path)
    assert "МОТИВИРОВАННЫЙ ОТКАЗ" in text and "бұйрығынан" not in text and "ВЫПИСКА" not in text
    assert entries(app) == []


def test_the_heads_signed_excerpt_draws_its_number_once(app, citizen, tmp_path):
    """Preview draws nothing; preparing twice (a lost page) keeps one number; the next request gets the next."""
    app_id = submitted_request(app, citizen)
    work_through(app, app_id, {"decision": "permitted"}, until="draft_result")
    head = staff_client(app, "head")
    preview = pdf_text(head.get(f"/backoffice/requests/{app_id}/result-preview.pdf").data, tmp_path)
    assert f"{DAY} жылғы № ____ бұйрығынан" in preview and entries(app) == []
    key = signer(app, account("head", "petropavl").iin)
    abandoned = head.post(f"/backoffice/requests/{app_id}/sign/prepare", json=announce(key))
    assert abandoned.status_code == 200 and len(entries(app)) == 1
    preview = pdf_text(head.get(f"/backoffice/requests/{app_id}/result-preview.pdf").data, tmp_path)
    assert f"{DAY} жылғы № 1 бұйрығынан" in preview  # the preview now shows the number drawn
    assert head_signs(app, app_id).status_code == 200  # prepares again, then signs
    do(app, "office_clerk", app_id, "send")
    department = provider(app, "petropavl")
    text = pdf_text(citizen.get(f"/cabinet/requests/{app_id}/result.pdf").data, tmp_path)
    assert f"{flat(department.name_kk)} басшысының {DAY} жылғы № 1 бұйрығынан" in text, text
    assert f"руководителя {flat(department.name_ru)} № 1 от {DAY}" in text, text
    assert entries(app) == [("petropavl", 2026, 1, DAY, "external_study")]
    following = submitted_request(app, citizen)
    work_through(app, following, {"decision": "permitted"})
    text = pdf_text(citizen.get(f"/cabinet/requests/{following}/result.pdf").data, tmp_path)
    assert f"{DAY} жылғы № 2 бұйрығынан" in text and f"№ 2 от {DAY}" in text
    with app.extensions["portal"].sessions() as s:
        numbers = {e.application_id: e.number for e in s.scalars(select(OrderEntry))}
        assert numbers == {app_id: 1, following: 2}
        assert s.get(Application, following).result is not None


def test_a_colleges_transfer_and_readmission_orders_share_its_register(app, citizen, tmp_path):
    spec = SERVICES["tvet_transfer"]
    college = sealed_provider(app, spec)
    with app.extensions["portal"].sessions() as s:
        executor = s.scalar(select(Person.id).where(Person.iin == account("executor", college.code).iin))
    texts = []
    for subflow in ("transfer", "readmission"):
        app_id = apply_for(app, citizen, "tvet_transfer", subflow, college)
        steps, _ = spec.flow({spec.subflow_field: subflow})
        for step in steps:
            r = staff_client(app, step.role, college.code).post(
                f"/backoffice/requests/{app_id}", data={"action": step.action, **step_payload(step, executor)})
            assert r.status_code == 302, (step.action, r.get_data(as_text=True)[:2000])
        texts.append(pdf_text(citizen.get(f"/cabinet/requests/{app_id}/result.pdf").data, tmp_path))
    transfer, readmission = texts
    assert f"БҰЙРЫҚ {DAY} жылғы № 1 білім алушыны ауыстыру туралы" in transfer, transfer
    assert f"ПРИКАЗ № 1 от {DAY} о переводе обучающегося" in transfer, transfer
    assert f"БҰЙРЫҚ {DAY} жылғы № 2 білім алушыны қайта қабылдау туралы" in readmission, readmission
    assert f"ПРИКАЗ № 2 от {DAY} о восстановлении обучающегося" in readmission, readmission
    assert entries(app) == [(college.code, 2026, 1, DAY, "tvet_transfer/transfer"),
                            (college.code, 2026, 2, DAY, "tvet_transfer/readmission")]
