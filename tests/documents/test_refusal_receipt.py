"""The receipt of refusal to accept documents (Standard annex 3): its text, its seal, and the verify page."""
from __future__ import annotations

import io
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal import clock, demo
from portal.domain.errors import DomainError
from portal.documents.refusal_receipt import MissingDocument, ReceiptOfRefusal, render_refusal_receipt
from portal.domain.models import Application, Person, RefusalReceipt
from portal.domain.refusal_receipts import (RECEIPT_REASON, issue_refusal_receipt, receipt_pdf, receipts_of,
                                            seal_code)
import subprocess

from tests.conftest import account
from tests.tools import tool
from portal.documents.verification import verify_pdf
from pyhanko.pdf_utils.reader import PdfFileReader
from tests.documents.test_results import _text, _words_in_stamp_box
from tests.factories import fill_form

CENTRE_KK = ("«Азаматтарға арналған үкімет» мемлекеттік корпорациясы» КЕАҚ Солтүстік Қазақстан облысы "
             "бойынша филиалының № 1 бөлімі")
CENTRE_RU = ("Отдел № 1 филиала НАО «Государственная корпорация «Правительство для граждан» "
             "по Северо-Казахстанской области")


@dataclass(frozen=True)
class Centre:
    """A State Corporation centre as the receipt needs it (the centres' own model is built elsewhere)."""

    code: str = "spc-petropavl-1"
    name_kk: str = CENTRE_KK
    name_ru: str = CENTRE_RU
    address: str = "Петропавл қ., Қазыбек би к-сі, 23"
    bin: str = "160440007161"


DATA = ReceiptOfRefusal(
    receipt_number="7K3M-9QX2-P4TA", centre_name_kk=CENTRE_KK, centre_name_ru=CENTRE_RU,
    centre_address="Петропавл қ., Қазыбек би к-сі, 23", operator_name="Омарова Айгүл Серікқызы",
    applicant_name="Сейітова Айгерім Маратқызы", applicant_iin="850315450123",
    service_name_kk="Негізгі орта, жалпы орта білім беру ұйымдарында экстернат нысанында оқуға рұқсат беру",
    service_name_ru="Выдача разрешения на обучение в форме экстерната в организациях основного среднего, "
                    "общего среднего образования",
    missing=(MissingDocument("Дәрігерлік-консультациялық комиссияның қорытындысы (035-1/у)",
                             "Заключение врачебно-консультационной комиссии (035-1/у)"),
             MissingDocument("Туу туралы куәлік", "Свидетельство о рождении")),
    issued_at=datetime(2026, 11, 23, 10, 5), standard_paragraph=9, operator_phone="+7 715 246 00 00")


def test_the_receipt_prints_the_annex_3_form_in_kazakh_then_russian(tmp_path: Path) -> None:
    text = _text(render_refusal_receipt(DATA), tmp_path)
    kazakh = [
        "3-қосымша", "ҚҰЖАТТАРДЫ ҚАБЫЛДАУДАН БАС ТАРТУ ТУРАЛЫ ҚОЛХАТ", "Сейітова Айгерім Маратқызы, ЖСН 850315450123",
        "«Мемлекеттік көрсетілетін қызметтер туралы» 2013 жылғы 15 сәуірдегі Қазақстан Республикасы Заңының "
        "20-бабының 2-тармағын басшылыққа ала отырып",
        "стандартының 9-тармағында көзделген тізбеге сәйкес құжаттардың толық топтамасын ұсынбауыңызға байланысты",
        "Жоқ құжаттардың атауы: 1) Дәрігерлік-консультациялық комиссияның қорытындысы (035-1/у); "
        "2) Туу туралы куәлік.",
        "Осы қолхат әр тарапқа бір-бірден 2 данада жасалды.", "Орындаушы: Омарова Айгүл Серікқызы, тел. +7 715 246 00 00",
    ]
    russian = [
        "Приложение 3 к стандарту государственной услуги", "РАСПИСКА ОБ ОТКАЗЕ В ПРИЕМЕ ДОКУМЕНТОВ",
        "Сейітова Айгерім Маратқызы, ИИН 850315450123",
        "Руководствуясь пунктом 2 статьи 20 Закона Республики Казахстан от 15 апреля 2013 года "
        "«О государственных услугах»",
        "отказывает в приеме документов на оказание государственной услуги «Выдача разрешения на обучение в "
        "форме экстерната",
        "ввиду представления Вами неполного пакета документов согласно перечню, предусмотренному пунктом 9 "
        "стандарта государственной услуги, а именно:",
        "Наименование отсутствующих документов: 1) Заключение врачебно-консультационной комиссии (035-1/у); "
        "2) Свидетельство о рождении.",
        "Настоящая расписка составлена в 2 экземплярах, по одному для каждой стороны.",
        "Работник Государственной корпорации: Омарова Айгүл Серікқызы", "(Ф.И.О., подпись услугополучателя)",
    ]
    for phrase in kazakh + russian:
        assert phrase in text, phrase
    assert text.index(kazakh[-1]) < text.index(russian[0])  # Kazakh first
    assert "23.11.2026 10:05" in text and "№ 7K3M-9QX2-P4TA" in text


def test_the_stamp_box_is_left_for_the_seal(tmp_path: Path) -> None:
    long = replace(DATA, missing=DATA.missing * 6)
    for data in (DATA, long):
        assert _words_in_stamp_box(render_refusal_receipt(data), tmp_path) == []


def test_a_receipt_names_what_is_missing_and_where_the_standard_lists_it() -> None:
    with pytest.raises(ValueError, match="missing documents"):
        replace(DATA, missing=())
    with pytest.raises(ValueError, match="paragraph"):
        replace(DATA, standard_paragraph=0)


def draft(app: Flask, client: FlaskClient) -> int:
    """Return a filled draft of the demo citizen without its scan (a package short of a document)."""
    r = client.post("/apply/external_study/start")
    app_id = int(r.headers["Location"].rstrip("/").split("/")[-1])
    r = client.post(f"/apply/{app_id}", data={**fill_form(app), "next": "save"}, content_type="multipart/form-data")
    assert r.status_code == 302
    return app_id


def issue(app: Flask, app_id: int, missing: list[str]) -> str:
    """Issue a receipt on the request as a staff member standing in for a centre operator; return its number."""
    portal = app.extensions["portal"]
    with portal.sessions() as s:
        operator = s.scalar(select(Person).where(Person.iin == account("office_clerk").iin))
        receipt = issue_refusal_receipt(s, portal.issuer, s.get(Application, app_id), operator, Centre(), missing,
                                        clock.now_kz(), operator_phone="+7 715 246 00 00")
        s.commit()
        return receipt.number


def test_an_issued_receipt_is_sealed_by_the_centre_and_verifies(app: Flask, citizen: FlaskClient,
                                                                 tmp_path: Path) -> None:
    app_id = draft(app, citizen)
    number = issue(app, app_id, ["medical_035", "medical_035"])
    portal = app.extensions["portal"]
    with portal.sessions() as s:
        [receipt] = receipts_of(s, s.get(Application, app_id))
        pdf = receipt_pdf(portal.store, receipt)
        assert (receipt.number, receipt.missing_documents, receipt.standard_paragraph) == (number, ["medical_035"], 9)
        assert receipt.centre_code == "spc-petropavl-1" and receipt.signer_label == CENTRE_KK
        assert receipt.issued_at == clock.now_kz()
    (tmp_path / "receipt.pdf").write_bytes(pdf)
    # pdfsig prints the Cyrillic names cut at byte boundaries: only its verdict lines are read
    out = subprocess.run([tool("pdfsig"), str(tmp_path / "receipt.pdf")], capture_output=True).stdout.decode(
        "utf-8", "replace")
    assert "Signature is Valid" in out and "Total document signed" in out
    verdict = verify_pdf(pdf, portal.ca.trust_roots_pem(), [portal.ca.issuing_cert_pem])
    assert verdict.intact and verdict.trusted
    assert verdict.signer_bin == Centre().bin  # the centre's seal, not a provider's
    text = _text(pdf, tmp_path)
    assert f"{demo.CITIZEN.full_name}, ЖСН {demo.CITIZEN.iin}" in text
    assert "Расписка об отказе в приеме документов".upper() in text and number in text
    assert "035-1" in text
    signature = PdfFileReader(io.BytesIO(pdf)).embedded_signatures[-1].sig_object
    assert str(signature["/Reason"]) == RECEIPT_REASON  # a receipt, not a result of the service
    # the QR's page and an upload of the very file both know it
    anyone = app.test_client()
    anyone.get("/lang/en")
    page = anyone.get(f"/verify/{number}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'class="verdict ok"' in html
    assert f"Receipt of refusal to accept documents {number}" in html and CENTRE_KK in html
    missing = html.split("Missing documents</dt><dd><ol>")[1].split("</ol>")[0]
    assert missing == "<li>Medical advisory commission&#39;s conclusion (form 035-1/у)</li>"
    uploaded = anyone.post("/verify/", data={"pdf": (io.BytesIO(pdf), "receipt.pdf")},
                           content_type="multipart/form-data").get_data(as_text=True)
    assert "Receipt number" in uploaded
    assert f'href="/verify/{number}"' in uploaded


def test_the_seal_is_the_centres_own(app: Flask) -> None:
    key = app.extensions["portal"].ca.provider_key(code=seal_code(Centre()), organisation=CENTRE_KK, bin=Centre().bin)
    assert b"BEGIN CERTIFICATE" in key.cert_pem and seal_code(Centre()) == "centre-spc-petropavl-1"


def test_a_receipt_needs_missing_documents_of_the_service(app: Flask, citizen: FlaskClient) -> None:
    app_id = draft(app, citizen)
    for missing, code in (([], "missing_documents_required"), (["passport_of_the_moon"], "unknown_document")):
        with pytest.raises(DomainError) as refused:
            issue(app, app_id, missing)
        assert refused.value.code == code
    with app.extensions["portal"].sessions() as s:
        assert s.scalars(select(RefusalReceipt)).all() == []
