"""The public verification page: bounded work per upload, and nothing personal it need not show."""
from __future__ import annotations

import fcntl
import io
import os
import subprocess

import pytest
from flask import Flask
from sqlalchemy import select

from portal import demo
from portal.domain.models import Application, Person
from portal.pki.ca import IssuedKey, LocalCA
from tests.conftest import account
from tests.factories import pdf_bytes, submitted_request
from tests.hostile_pdfs import bloated_at_cap, many_signatures
from tests.web.test_backoffice import do, head_signs, work_through
from tests.tools import tool
from tests.web.test_verify import issued  # noqa: F401 - fixture

TOO_COMPLEX = {
    "en": "more revisions or signatures than a result of this portal ever carries",
    "ru": "больше редакций или подписей",
    "kk": "нұсқалары немесе қолтаңбалары",
}
OVER_BUDGET = {"en": "took more time or memory than the portal allows", "ru": "больше времени или памяти",
               "kk": "уақыт немесе жад"}
BUSY = {"en": "Please try again in a minute.", "ru": "попробуйте ещё раз через минуту",
        "kk": "Бір минуттан кейін қайталап көріңіз"}


@pytest.fixture(scope="module")
def stranger_seal(tmp_path_factory: pytest.TempPathFactory) -> IssuedKey:
    """Return a seal of another CA: real signatures the portal does not trust."""
    ca = LocalCA.load_or_create(tmp_path_factory.mktemp("stranger-ca"))
    return ca.provider_key(code="stranger", organisation="Бөгде ұйым", bin="040340009999")


def _upload(app: Flask, pdf: bytes, lang: str = "en"):  # type: ignore[no-untyped-def]
    client = app.test_client()
    client.get(f"/lang/{lang}")
    return client.post("/verify/", data={"pdf": (io.BytesIO(pdf), "r.pdf")}, content_type="multipart/form-data")


def _still_usable(page: str) -> bool:
    """Tell whether the page still offers the upload form and shows no verdict."""
    return 'name="pdf"' in page and 'id="verdict"' not in page


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_many_incremental_signatures_are_refused(app, stranger_seal, lang):  # type: ignore[no-untyped-def]
    r = _upload(app, many_signatures(stranger_seal, 12), lang)
    page = r.get_data(as_text=True)
    assert r.status_code == 422 and TOO_COMPLEX[lang] in page and _still_usable(page)


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_a_file_over_the_cpu_budget_is_stopped(app, stranger_seal, lang):  # type: ignore[no-untyped-def]
    app.extensions["portal"].config.verify_cpu_seconds = 0.1  # a tiny budget; the file needs ~1 s
    r = _upload(app, bloated_at_cap(stranger_seal, pages=300), lang)
    page = r.get_data(as_text=True)
    assert r.status_code == 422 and OVER_BUDGET[lang] in page and _still_usable(page)


@pytest.mark.parametrize("lang", ["kk", "en"])
def test_busy_slots_answer_at_once(app, lang):  # type: ignore[no-untyped-def]
    config = app.extensions["portal"].config
    config.verify_slots_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(config.verify_slots_dir / "slot-0.lock", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # another worker is checking a file
        r = _upload(app, pdf_bytes(), lang)
        page = r.get_data(as_text=True)
        # Flask-Limiter rewrites Retry-After as whole seconds left, which rounds 60 down to 59 at times
        assert r.status_code == 503 and r.headers["Retry-After"] in ("59", "60")
        assert BUSY[lang] in page and _still_usable(page)
    finally:
        os.close(fd)
    r = _upload(app, pdf_bytes(), "en")
    assert r.status_code == 200 and "carries no signature" in r.get_data(as_text=True)


def test_verification_answers_are_not_cached(app, issued):  # type: ignore[no-untyped-def]
    number, pdf = issued
    client = app.test_client()
    for r in (client.get("/verify/"), client.get(f"/verify/{number}"), _upload(app, pdf)):
        assert "no-store" in r.headers["Cache-Control"]


def test_the_applicants_iin_does_not_reveal_the_birth_date(app, issued):  # type: ignore[no-untyped-def]
    number, _ = issued
    client = app.test_client()
    client.get("/lang/en")
    page = client.get(f"/verify/{number}").get_data(as_text=True)
    iin = demo.CITIZEN.iin
    assert "Authentic and unchanged" in page
    assert f"••••••••{iin[-4:]}" in page and iin[:6] not in page and iin not in page


def test_a_head_signed_result_names_the_head_without_their_iin(app, citizen):  # type: ignore[no-untyped-def]
    app_id = submitted_request(app, citizen)
    work_through(app, app_id, {"decision": "permitted"}, until="draft_result")
    assert head_signs(app, app_id).status_code == 200
    do(app, "office_clerk", app_id, "send")
    head = account("head", "petropavl")
    with app.extensions["portal"].sessions() as s:
        a = s.get(Application, app_id)
        number = a.result.number
    pdf = citizen.get(f"/cabinet/requests/{app_id}/result.pdf").data
    surname = head.full_name.split()[0]
    for page in (_page(app, f"/verify/{number}"), _upload(app, pdf).get_data(as_text=True)):
        assert "Authentic and unchanged" in page
        assert head.iin not in page and head.iin[:6] not in page
        assert surname.upper() in page.upper()
        verdict = page[page.find('id="verdict"'):page.find("</section>")]
        assert surname.upper() in verdict.upper() and "Петропавл қаласының білім бөлімі" in verdict


def test_a_signing_time_without_a_timestamp_says_who_claims_it(app, issued):  # type: ignore[no-untyped-def]
    number, pdf = issued
    for lang, claimed, recorded in (
            ("en", "time claimed by the signer, not from a timestamp",
             "as recorded by the portal, not from a timestamp"),
            ("ru", "время указано подписавшим, а не меткой времени", "по записи портала, не по метке времени"),
            ("kk", "уақытты қол қоюшы көрсеткен, уақыт белгісінен емес", "портал жазбасы бойынша, уақыт белгісінен емес")):
        page = _upload(app, pdf, lang).get_data(as_text=True)
        assert claimed in page
        page = _page(app, f"/verify/{number}", lang)
        assert claimed in page and recorded in page


def _page(app: Flask, url: str, lang: str = "en") -> str:
    client = app.test_client()
    client.get(f"/lang/{lang}")
    return client.get(url).get_data(as_text=True)


def test_a_sealed_result_names_the_organisation_in_full(app, citizen):  # type: ignore[no-untyped-def]
    app_id = submitted_request(app, citizen, provider="aiyrtau")  # a department that seals its results
    executor = account("executor", "aiyrtau")
    with app.extensions["portal"].sessions() as s:
        executor_id = s.scalar(select(Person.id).where(Person.iin == executor.iin))
    for role, action, data in (("office_clerk", "register", {}),
                               ("head", "assign", {"executor_id": str(executor_id), "resolution": "Қараңыз"}),
                               ("executor", "draft_result", {"decision": "permitted"}), ("head", "approve", {})):
        assert do(app, role, app_id, action, data, provider="aiyrtau").status_code == 302, action
    with app.extensions["portal"].sessions() as s:
        application = s.get(Application, app_id)
        number, provider = application.result.number, application.provider
        full_name, bin_ = " ".join(provider.name_kk.split()), provider.bin
    page = _page(app, f"/verify/{number}")
    signed_by = page[page.find("<dt>Signed by</dt>"):]
    signed_by = signed_by[:signed_by.find("</dd>")]
    assert len(full_name.encode()) > 64  # longer than a CN may be
    assert f"<dd>{full_name} (BIN {bin_})" in signed_by.replace("&#34;", '"') and "…" not in signed_by


def test_the_head_signed_pdf_does_not_print_the_heads_iin(app, citizen, tmp_path):  # type: ignore[no-untyped-def]
    app_id = submitted_request(app, citizen)
    work_through(app, app_id, {"decision": "permitted"}, until="draft_result")
    assert head_signs(app, app_id).status_code == 200
    do(app, "office_clerk", app_id, "send")
    head = account("head", "petropavl")
    path = tmp_path / "result.pdf"
    path.write_bytes(citizen.get(f"/cabinet/requests/{app_id}/result.pdf").data)
    text = subprocess.run([tool("pdftotext"), str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert head.full_name.split()[0] in text and head.iin not in text


def test_one_source_cannot_hold_verification_for_everyone(app):  # type: ignore[no-untyped-def]
    """Uploads from one source are limited per minute (each may hold the slot for seconds); others go on."""
    client = app.test_client()
    client.get("/lang/en")
    codes = [client.post("/verify/", data={"pdf": (io.BytesIO(b"not a pdf"), "x.pdf")},
                         content_type="multipart/form-data", environ_base={"REMOTE_ADDR": "203.0.113.5"}).status_code
             for _ in range(11)]
    assert codes[:10] == [200] * 10 and codes[10] == 429
    other = client.post("/verify/", data={"pdf": (io.BytesIO(b"not a pdf"), "x.pdf")},
                        content_type="multipart/form-data", environ_base={"REMOTE_ADDR": "198.51.100.8"})
    assert other.status_code == 200 and "This file is not a PDF" in other.get_data(as_text=True)
