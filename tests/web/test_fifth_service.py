"""A fifth service loaded from a test file runs on the unchanged engine, forms and views."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from portal import demo
from portal.documents import results as templates
from portal.domain import catalog
from portal.domain.models import Application, Person, Provider
from tests.conftest import staff_client
from tests.eds_helpers import sign_prepared, signer
from tests.extra_services import duplicate_document
from tests.factories import pdf_bytes


@pytest.fixture
def fifth(monkeypatch):  # type: ignore[no-untyped-def]
    """Add the extra service and its template for one test only."""
    monkeypatch.setitem(templates.TEMPLATES, duplicate_document.TEMPLATE, duplicate_document.render)
    catalog.register_service(duplicate_document.SERVICE)
    yield duplicate_document.SERVICE
    catalog.SERVICES.pop(duplicate_document.SERVICE.code)
    catalog.VERSIONS.pop(duplicate_document.SERVICE.code)


def test_a_fifth_service_is_listed_ordered_worked_and_issued(app, citizen, fifth):
    client = app.test_client()
    client.get("/lang/en")
    assert "Duplicate of an education document" in client.get("/").get_data(as_text=True)
    r = citizen.post("/apply/duplicate_document/start")
    app_id = int(r.headers["Location"].rstrip("/").split("/")[-1])
    with app.extensions["portal"].sessions() as s:
        school = s.scalar(select(Provider).where(Provider.kind == "school").order_by(Provider.id))
        executor_code = school.code
    data = {"document_kind": "general", "graduation_year": "2019", "provider_id": str(school.id),
            "doc_loss_notice": (io.BytesIO(pdf_bytes()), "notice.pdf"), "next": "review"}
    assert citizen.post(f"/apply/{app_id}", data=data, content_type="multipart/form-data").status_code == 302
    r = sign_prepared(citizen, f"/apply/{app_id}/sign/prepare", f"/apply/{app_id}/sign/finish",
                      signer(app, demo.CITIZEN.iin), consent=True)
    assert r.status_code == 200, r.get_json()
    clerk = staff_client(app, "office_clerk", executor_code)
    assert clerk.post(f"/backoffice/requests/{app_id}", data={"action": "register"}).status_code == 302
    executor = staff_client(app, "executor", executor_code)
    assert executor.post(f"/backoffice/requests/{app_id}",
                         data={"action": "accept", "decision": "permitted"}).status_code == 302
    with app.extensions["portal"].sessions() as s:
        a = s.get(Application, app_id)
        assert a.number.startswith("DUP-") and a.stage == "completed" and a.result is not None
        executor_id = s.scalar(select(Person.id).where(Person.iin == next(
            x for x in demo.ACCOUNTS if x.provider_code == executor_code and x.role == "executor").iin))
        assert a.executor_id == executor_id
    pdf = citizen.get(f"/cabinet/requests/{app_id}/result.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
