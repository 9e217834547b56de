"""Documents name the applicant as the individuals' registry does (as their certificate does), not as they typed it."""
from __future__ import annotations

import base64
import io
from datetime import date
from pathlib import Path

from cryptography.hazmat.primitives.serialization import Encoding
from flask import Flask
from flask.testing import FlaskClient

from portal.domain.models import Application
from portal.domain.validators import make_iin
from portal.pki.testsigner import P12Signer
from tests.conftest import staff_client
from tests.eds_helpers import KEYS_VALID_FROM, signing_time_for
from portal.demo_registry import CHILD_IIN
from tests.factories import fill_form, pdf_bytes, registry_person
from tests.tools import tool
from tests.web.test_backoffice import work_through

IIN = make_iin(date(1991, 5, 17), "F", 777)
TYPED = "Петрова Мария Ивановна"
CERTIFIED = "Нұрланова Әсел Бекқызы"  # certificate_name spells CN + GN like this
PASSWORD = "Tulpar-2026-secret!"


def key_for(app: Flask, surname: str, name: str, patronymic: str, iin: str = IIN) -> P12Signer:
    """Issue a signing key of the test CA to this IIN and name."""
    issued = app.extensions["portal"].ca.issue_person(iin=iin, surname=surname, name=name, patronymic=patronymic,
                                                     password="p12-pass", valid_from=KEYS_VALID_FROM, valid_days=3650)
    return P12Signer.from_p12(issued.signing_p12, "p12-pass")


def registered_draft(app: Flask) -> tuple[FlaskClient, int]:
    """Register with a typed name, fill a complete request; return the client and the draft's id."""
    registry_person(app, IIN, CERTIFIED, parent_of=CHILD_IIN)  # the registry names her as her certificate does
    client = app.test_client()
    r = client.post("/auth/register", data={"consent": "y", "iin": IIN, "full_name": TYPED, "phone": "+77015550101",
                                            "email": "maria@example.org", "password": PASSWORD,
                                            "password_again": PASSWORD})
    assert r.status_code == 302, r.get_data(as_text=True)[:2000]
    r = client.post("/apply/external_study/start")
    app_id = int(r.headers["Location"].rstrip("/").split("/")[-1])
    data = {**fill_form(app), "doc_medical_035": (io.BytesIO(pdf_bytes()), "scan.pdf"), "next": "review"}
    assert client.post(f"/apply/{app_id}", data=data, content_type="multipart/form-data").status_code == 302
    return client, app_id


def prepare(client: FlaskClient, app_id: int, key: P12Signer) -> dict:
    """Prepare the application announcing the key's certificate, as the page's signer does."""
    cert = base64.b64encode(key.certificate.public_bytes(Encoding.DER)).decode()
    r = client.post(f"/apply/{app_id}/sign/prepare", json={"certificate": cert, "consent": True})
    assert r.status_code == 200, r.get_data(as_text=True)
    return r.get_json()


def finish(client: FlaskClient, app_id: int, prepared: dict, key: P12Signer):  # type: ignore[no-untyped-def]
    """Sign the prepared bytes with the key and send the signature."""
    cms = key.create_cms(base64.b64decode(prepared["data"]), attached=False,
                         signing_time=signing_time_for(client.application))
    return client.post(f"/apply/{app_id}/sign/finish",
                       json={"token": prepared["token"], "cms": base64.b64encode(cms).decode()})


def text_of(pdf: bytes, tmp_path: Path) -> str:
    """Return the PDF's text as pdftotext reads it."""
    import subprocess
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    out = subprocess.run([tool("pdftotext"), str(path), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(out.split())


def test_application_and_result_name_the_certificate_and_the_card_flags_the_typed_name(app: Flask, tmp_path: Path):
    client, app_id = registered_draft(app)
    key = key_for(app, "Нұрланова", "Әсел", "Бекқызы")
    prepared = prepare(client, app_id, key)
    r = finish(client, app_id, prepared, key)
    assert r.status_code == 200, r.get_data(as_text=True)

    application = client.get(f"/cabinet/requests/{app_id}/application.pdf")
    text = text_of(application.data, tmp_path)
    assert CERTIFIED in text and TYPED not in text

    clerk = staff_client(app, "office_clerk")
    clerk.get("/lang/en")
    card = clerk.get(f"/backoffice/requests/{app_id}").get_data(as_text=True)
    assert 'id="name-differs"' in card and TYPED in card
    assert "differs from the name in the individuals' registry" in card
    assert f"{CERTIFIED}, IIN {IIN}" in card

    work_through(app, app_id, {"decision": "permitted"})
    with app.extensions["portal"].sessions() as s:
        result = app.extensions["portal"].store.get(s.get(Application, app_id).result.sha256)
    result_text = text_of(result, tmp_path)
    assert CERTIFIED in result_text and TYPED not in result_text


def test_the_signature_must_come_from_the_certificate_the_application_names(app: Flask):
    client, app_id = registered_draft(app)
    shown, other = key_for(app, "Нұрланова", "Әсел", "Бекқызы"), key_for(app, "Сидорова", "Анна", "Петровна")
    prepared = prepare(client, app_id, shown)
    r = finish(client, app_id, prepared, other)  # same IIN, another name: the application names someone else
    assert r.status_code == 422 and r.get_json()["code"] == "name_mismatch"
    with app.extensions["portal"].sessions() as s:
        assert s.get(Application, app_id).stage == "draft"


def test_a_certificate_of_another_iin_is_refused_before_anything_is_rendered(app: Flask):
    client, app_id = registered_draft(app)
    stranger = key_for(app, "Ким", "Олег", "Ли", iin=make_iin(date(1980, 1, 2), "M", 55))
    cert = base64.b64encode(stranger.certificate.public_bytes(Encoding.DER)).decode()
    r = client.post(f"/apply/{app_id}/sign/prepare", json={"certificate": cert})
    assert r.status_code == 422 and r.get_json()["code"] == "iin_mismatch"
    r = client.post(f"/apply/{app_id}/sign/prepare", json={"certificate": "bm90IGEgY2VydGlmaWNhdGU="})
    assert r.status_code == 422 and r.get_json()["code"] == "cms_malformed"


def test_a_matching_typed_name_raises_no_flag(app: Flask, citizen: FlaskClient):
    from tests.factories import submitted_request
    app_id = submitted_request(app, citizen)
    card = staff_client(app, "office_clerk").get(f"/backoffice/requests/{app_id}").get_data(as_text=True)
    assert 'id="name-differs"' not in card
