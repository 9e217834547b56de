"""Verification by number checks the issued file once a day, for every worker, and revocation on every view."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from portal import clock
from portal.documents.verification import verdict_from_json
from portal.domain import document_checks
from portal.domain.models import DocumentCheck, RegistryPerson, ResultDocument
from tests.conftest import MONDAY_10
from tests.driver_trace import driver_statements
from tests.web.test_verify import issued  # noqa: F401 - the fixture


def test_the_issued_file_is_checked_once_a_day_and_revocation_on_every_view(app, issued, monkeypatch):  # noqa: F811
    number, _ = issued
    checks: list[str] = []
    real = document_checks.verify_pdf
    monkeypatch.setattr(document_checks, "verify_pdf", lambda *a, **k: checks.append("checked") or real(*a, **k))
    anyone = app.test_client()
    anyone.get("/lang/en")
    for _ in range(3):
        page = anyone.get(f"/verify/{number}").get_data(as_text=True)
        assert "Authentic and unchanged" in page and "Not revoked according to the portal's current CRL" in page
    assert checks == ["checked"]  # the first view checked it; the others read its verdict
    with app.extensions["portal"].sessions() as s:
        assert s.scalar(select(func.count()).select_from(DocumentCheck)) == 1  # kept in the database, for all

    with app.extensions["portal"].sessions() as s:
        signer = verdict_from_json(s.scalar(select(DocumentCheck.verdict))).signer_serial
    # the run's CA is shared by every test: its signer is revoked here for this view only
    monkeypatch.setattr(app.extensions["portal"].ca, "is_revoked", lambda serial: serial == signer)
    page = anyone.get(f"/verify/{number}").get_data(as_text=True)
    assert "The certificate has been revoked." in page and checks == ["checked"]  # at once, not a day later

    with clock.pinned(MONDAY_10 + timedelta(days=1, minutes=1)):
        anyone.get(f"/verify/{number}")
    assert checks == ["checked", "checked"]  # a day on, checked again: validity depends on the day


def driver_statements_of(app, client, url: str) -> list[str]:
    """Return the SQL statements a page has the driver run (its result is read on the driver's own cursor)."""
    with driver_statements(app.extensions["portal"].sessions.kw["bind"]) as statements:
        assert client.get(url).status_code == 200
    return statements


def test_a_view_by_number_reads_the_result_with_its_request_facts_not_the_form(app, issued):  # noqa: F811
    number, _ = issued
    anyone = app.test_client()
    anyone.get(f"/verify/{number}")  # the first view records the day's check
    statements = driver_statements_of(app, anyone, f"/verify/{number}")
    result = next(s for s in statements if "FROM result_documents" in s)
    # the page shows the request's number, service, applicant and provider: its form (the applicant's whole
    # request) and the applicant's staff membership are no part of the one query that finds them
    assert "applications_1.form" not in result and "memberships" not in result
    assert "JOIN people" in result and "JOIN providers" in result
    assert not any(s.lstrip().startswith("SELECT applications.") for s in statements)  # nothing loaded after it
    # the day's verdict on the file comes in the same query, not in one of its own
    assert "JOIN document_checks" in result
    assert not any(s.lstrip().startswith("SELECT document_checks.") for s in statements), statements
    # and no other, not even a BEGIN: the applicant's name is the one the result keeps
    assert statements == [result], statements


def test_the_page_names_the_applicant_as_the_result_states_it_not_as_the_registry_does_today(app, issued):  # noqa: F811
    number, _ = issued
    with app.extensions["portal"].sessions() as s:
        result = s.scalar(select(ResultDocument).where(ResultDocument.number == number))
        stated = result.applicant_name  # recorded when the head's signature issued it
        person = s.scalar(select(RegistryPerson).where(RegistryPerson.iin == result.application.applicant.iin))
        assert stated == " ".join(filter(None, (person.surname, person.given_name, person.patronymic)))
        assert not stated.startswith("Ж")
        person.surname = "Жаңатегі"  # a new surname in the registry after the result was issued
        s.commit()
    anyone = app.test_client()
    masked = " ".join(part[:1] + "***" for part in stated.split())
    assert masked in anyone.get(f"/verify/{number}").get_data(as_text=True)
    statements = driver_statements_of(app, anyone, f"/verify/{number}")
    assert any("FROM result_documents" in s for s in statements)
    assert not any("registry_persons" in s for s in statements)  # the page asks the registry nothing


def test_a_result_issued_before_names_were_kept_names_the_applicant_as_the_registry_does(app, issued):  # noqa: F811
    number, _ = issued
    with app.extensions["portal"].sessions() as s:
        result = s.scalar(select(ResultDocument).where(ResultDocument.number == number))
        stated, result.applicant_name = result.applicant_name, None  # as migration 0028 leaves older results
        s.commit()
    masked = " ".join(part[:1] + "***" for part in stated.split())
    page = app.test_client().get(f"/verify/{number}")
    assert page.status_code == 200 and masked in page.get_data(as_text=True)
