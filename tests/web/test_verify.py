"""Verification by number and by upload; a modified file is reported as modified."""
from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from sqlalchemy import select

from portal.domain.models import ResultDocument
from tests.factories import pdf_bytes, submitted_request
from tests.web.test_backoffice import work_through


@pytest.fixture
def issued(app, citizen):  # type: ignore[no-untyped-def]
    """Return (result number, signed PDF bytes) of a completed request."""
    app_id = submitted_request(app, citizen)
    work_through(app, app_id, {"decision": "permitted"})
    with app.extensions["portal"].sessions() as s:
        number = s.scalar(select(ResultDocument.number))
    return number, citizen.get(f"/cabinet/requests/{app_id}/result.pdf").data


def test_verify_by_number_is_public(app, issued):
    number, _ = issued
    client = app.test_client()
    client.get("/lang/en")
    page = client.get(f"/verify/{number}").get_data(as_text=True)
    assert "Authentic and unchanged" in page and "Петропавл" in page


def test_unknown_number(app):
    client = app.test_client()
    client.get("/lang/en")
    r = client.get("/verify/AAAA-BBBB-CCCC")
    assert r.status_code == 404 and "no result with this number" in r.get_data(as_text=True)


def test_upload_of_the_issued_file(app, issued):
    number, pdf = issued
    client = app.test_client()
    client.get("/lang/en")
    page = client.post("/verify/", data={"pdf": (io.BytesIO(pdf), "r.pdf")},
                       content_type="multipart/form-data").get_data(as_text=True)
    assert "Authentic and unchanged" in page and number in page


def test_upload_of_a_modified_file(app, issued):
    _, pdf = issued
    tampered = bytearray(pdf)
    i = tampered.find(b"stream", len(tampered) // 8) + 20  # a byte inside signed content
    tampered[i] ^= 0x01
    client = app.test_client()
    client.get("/lang/en")
    page = client.post("/verify/", data={"pdf": (io.BytesIO(bytes(tampered)), "r.pdf")},
                       content_type="multipart/form-data").get_data(as_text=True)
    assert "The document was modified after it was signed" in page
    assert "Authentic and unchanged" not in page


def test_upload_of_an_unsigned_pdf_and_of_garbage(app):
    client = app.test_client()
    client.get("/lang/en")
    page = client.post("/verify/", data={"pdf": (io.BytesIO(pdf_bytes()), "x.pdf")},
                       content_type="multipart/form-data").get_data(as_text=True)
    assert "carries no signature" in page
    page = client.post("/verify/", data={"pdf": (io.BytesIO(b"hello"), "x.pdf")},
                       content_type="multipart/form-data").get_data(as_text=True)
    assert "not a PDF" in page


def test_pdfsig_accepts_the_downloaded_result(issued, tmp_path, require_tools):
    _, pdf = issued
    if not shutil.which("pdfsig"):
        pytest.fail("pdfsig missing") if require_tools else pytest.skip("pdfsig not installed")
    path = tmp_path / "r.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True)
    assert "Signature is Valid" in out.stdout and "Total document signed" in out.stdout, out.stdout
