"""Each service and sub-flow through the web, as people use it; per-provider hours on real dates."""
from __future__ import annotations

import io
from datetime import datetime

import pytest
from sqlalchemy import select

from portal import clock
from portal import demo
from portal.documents.verification import verify_pdf
from portal.domain.catalog import SERVICES
from portal.domain.models import Application, Person, Provider
from tests.conftest import account, sign_in, staff_client
from tests.eds_helpers import sign_prepared, signer
from tests.factories import pdf_bytes
from tests.service_samples import form_values, step_payload

FLOWS = [(code, value) for code, spec in SERVICES.items() for value, _ in spec.all_flows()]


def sealed_provider(app, spec) -> Provider:  # type: ignore[no-untyped-def]
    """Return a staffed provider of the service whose results the portal seals."""
    staffed = {a.provider_code for a in demo.STAFF}
    with app.extensions["portal"].sessions() as s:
        return next(p for p in s.scalars(select(Provider).where(Provider.kind.in_(spec.provider_kinds))
                                         .order_by(Provider.id))
                    if p.code in staffed and not p.head_signs_results)


def apply_for(app, client, code: str, subflow: str | None, provider: Provider) -> int:  # type: ignore[no-untyped-def]
    """Fill, attach, sign and submit a request through the web; return its id."""
    spec = SERVICES[code]
    r = client.post(f"/apply/{code}/start")
    app_id = int(r.headers["Location"].rstrip("/").split("/")[-1])
    values = form_values(spec, subflow)
    files = {f"doc_{d.code}": (io.BytesIO(pdf_bytes()), f"{d.code}.pdf") for d in spec.required_documents(values)}
    r = client.post(f"/apply/{app_id}", data={**values, **files, "provider_id": str(provider.id), "next": "review"},
                    content_type="multipart/form-data")
    assert r.status_code == 302, r.get_data(as_text=True)[:2000]
    r = sign_prepared(client, f"/apply/{app_id}/sign/prepare", f"/apply/{app_id}/sign/finish",
                      signer(app, demo.CITIZEN.iin), consent=True)
    assert r.status_code == 200, r.get_json()
    return app_id


@pytest.mark.parametrize("code,subflow", FLOWS, ids=[f"{c}-{s or 'main'}" for c, s in FLOWS])
def test_apply_work_and_receive(app, citizen, code, subflow):
    spec = SERVICES[code]
    provider = sealed_provider(app, spec)
    app_id = apply_for(app, citizen, code, subflow, provider)
    with app.extensions["portal"].sessions() as s:
        executor_id = s.scalar(select(Person.id).where(Person.iin == account("executor", provider.code).iin))
    steps, deadline = spec.flow(form_values(spec, subflow))
    for step in steps:
        client = staff_client(app, step.role, provider.code)
        client.get("/lang/en")
        card = client.get(f"/backoffice/requests/{app_id}").get_data(as_text=True)
        assert 'id="do-step"' in card and "due by" in card
        r = client.post(f"/backoffice/requests/{app_id}", data={"action": step.action,
                                                                **step_payload(step, executor_id)})
        assert r.status_code == 302, (step.action, r.get_data(as_text=True)[:2000])
    ctx = app.extensions["portal"]
    with ctx.sessions() as s:
        a = s.get(Application, app_id)
        assert a.stage == "completed" and a.number.startswith(spec.number_prefix)
        assert a.deadline_at == deadline.after(a.clock_started_at, a.provider.hours)
        number = a.result.number
    pdf = citizen.get(f"/cabinet/requests/{app_id}/result.pdf").data
    verdict = verify_pdf(pdf, ctx.ca.trust_roots_pem(), [ctx.ca.issuing_cert_pem])
    assert verdict.intact and verdict.trusted
    anyone = app.test_client()
    anyone.get("/lang/en")
    page = anyone.get(f"/verify/{number}").get_data(as_text=True)
    assert "Authentic and unchanged" in page and spec.name["en"] in page and spec.result.granted["en"] in page
    assert demo.CITIZEN.full_name not in page and demo.CITIZEN.iin not in page  # masked for the public
    citizen.get("/lang/en")
    mine = citizen.get(f"/cabinet/requests/{app_id}").get_data(as_text=True)
    assert f"Result: {spec.result.granted['en']}" in mine


@pytest.mark.parametrize("filed,started", [
    (datetime(2026, 11, 23, 12, 45), datetime(2026, 11, 23, 13, 30)),  # a college's lunch is 12:30-13:30
    (datetime(2026, 11, 20, 17, 45), datetime(2026, 11, 23, 8, 30)),   # Friday after 17:30: Monday 08:30
    (datetime(2026, 12, 15, 18, 0), datetime(2026, 12, 17, 8, 30)),    # Independence Day, Wed 16 Dec 2026
    (datetime(2026, 3, 20, 17, 40), datetime(2026, 3, 26, 8, 30)),     # Nauryz 21-25 March 2026
])
def test_the_clock_follows_the_chosen_providers_hours(app, citizen, filed, started):
    spec = SERVICES["tvet_certificate"]
    provider = sealed_provider(app, spec)
    assert (provider.opens, provider.closes, provider.lunch_from, provider.lunch_to) == ("08:30", "17:30", "12:30",
                                                                                          "13:30")
    clock.pin(filed)
    citizen = sign_in(app.test_client(), demo.CITIZEN)  # a session of that day: an older one has ended idle
    app_id = apply_for(app, citizen, "tvet_certificate", None, provider)
    with app.extensions["portal"].sessions() as s:
        assert s.get(Application, app_id).clock_started_at == started
