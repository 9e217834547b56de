"""Scans through the request form: bombs and active PDFs refused, names cleaned, a quota per draft,
and the files nobody needs removed by `flask cleanup-files`."""
from __future__ import annotations

import html
import io
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal import clock, demo
from portal.domain.applications import MAX_DRAFT_BYTES
from portal.domain.models import Application, SignatureRecord, SigningSession
from portal.app import create_app
from portal.config import Config
from tests.conftest import MONDAY_10, account, sign_in
from tests.eds_helpers import announce, signer
from tests.domain.test_scans import ACTIVE, pdf_of, png_claiming
from tests.factories import fill_form, pdf_bytes, submitted_request
from tests.web.test_backoffice import work_through


def _draft(client: FlaskClient) -> int:
    r = client.post("/apply/external_study/start")
    return int(r.headers["Location"].rstrip("/").split("/")[-1])


def _post(client: FlaskClient, app: Flask, app_id: int, files: dict, **extra: str):  # type: ignore[no-untyped-def]
    data = {**fill_form(app), **extra, "next": "save",
            **{f"doc_{kind}": (io.BytesIO(body), name) for kind, (body, name) in files.items()}}
    return client.post(f"/apply/{app_id}", data=data, content_type="multipart/form-data")


def _scan(tag: bytes, size: int = 0) -> bytes:
    """Return a real PDF made distinct by `tag`, padded with a stream to about `size` bytes."""
    padding = b"0" * max(size - 600, 0)
    return pdf_of([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                   b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>",
                   b"<< /Length %d >>\nstream\n%s\nendstream %% %s" % (len(padding), padding, tag)])


def test_png_bomb_is_refused_and_the_answers_kept(app: Flask, citizen: FlaskClient) -> None:
    app_id = _draft(citizen)
    citizen.get("/lang/ru")
    r = _post(citizen, app, app_id, {"medical_035": (png_claiming(20000, 20000), "scan.png")}, school="Гимназия № 8")
    page = r.get_data(as_text=True)
    assert r.status_code == 422
    assert "scan.png не прикреплён: " in page and "слишком много пикселей" in page and "Гимназия № 8" in page
    with app.extensions["portal"].sessions() as s:
        draft = s.get(Application, app_id)
        assert draft.attachments == [] and draft.form["school"] == "Гимназия № 8"


def test_pdf_with_javascript_is_refused(app: Flask, citizen: FlaskClient) -> None:
    app_id = _draft(citizen)
    citizen.get("/lang/kk")
    r = _post(citizen, app, app_id, {"medical_035": (pdf_of(ACTIVE["escaped_names"]), "анықтама.pdf")})
    assert r.status_code == 422 and "скрипттер" in r.get_data(as_text=True)
    assert "анықтама.pdf тіркелмеді: " in r.get_data(as_text=True)
    with app.extensions["portal"].sessions() as s:
        assert s.get(Application, app_id).attachments == []


def test_file_name_is_shown_clean(app: Flask, citizen: FlaskClient) -> None:
    app_id = _draft(citizen)
    r = _post(citizen, app, app_id, {"medical_035": (pdf_bytes(), "../scans/анықтама\u202Efdp.exe")})
    assert r.status_code == 302
    page = citizen.get(f"/apply/{app_id}").get_data(as_text=True)
    assert "анықтамаfdp.exe" in page and "\u202E" not in page and "scans" not in page


def test_quota_refuses_a_file_past_it_and_keeps_the_answers(app: Flask, citizen: FlaskClient) -> None:
    app_id = _draft(citizen)
    citizen.get("/lang/en")
    third = MAX_DRAFT_BYTES // 3 + 1024
    files = {kind: (_scan(kind.encode(), third), f"{kind}.pdf")
             for kind in ("medical_035", "parents_abroad", "study_abroad")}
    r = _post(citizen, app, app_id, files, school="Лицей № 1")
    page = r.get_data(as_text=True)
    assert r.status_code == 422
    assert f"files together may take at most {MAX_DRAFT_BYTES // 2**20} MB. Attach smaller scans." in page
    assert html.escape("Лицей № 1") in page
    with app.extensions["portal"].sessions() as s:
        draft = s.get(Application, app_id)
        assert len(draft.attachments) == 2 and draft.form["school"] == "Лицей № 1"
        assert sum(a.size for a in draft.attachments) <= MAX_DRAFT_BYTES


def _cleanup(app: Flask, *args: str) -> str:
    result = app.test_cli_runner().invoke(args=["cleanup-files", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_cleanup_removes_replaced_removed_and_abandoned_files_only(app: Flask, citizen: FlaskClient) -> None:
    store = app.extensions["portal"].store
    done_id = submitted_request(app, citizen)
    work_through(app, done_id, {"decision": "permitted"})  # a result, issued and sent
    app_id = _draft(citizen)
    old, new, removed = _scan(b"old"), _scan(b"new"), _scan(b"removed")
    assert _post(citizen, app, app_id, {"medical_035": (old, "old.pdf"),
                                        "parents_abroad": (removed, "x.pdf")}).status_code == 302
    assert _post(citizen, app, app_id, {"medical_035": (new, "new.pdf")}).status_code == 302
    with app.extensions["portal"].sessions() as s:
        draft = s.get(Application, app_id)
        gone = next(a for a in draft.attachments if a.kind == "parents_abroad").id
    citizen.post(f"/apply/{app_id}/attachments/{gone}/remove")
    prepared = citizen.post(f"/apply/{app_id}/sign/prepare", json=announce(signer(app, demo.CITIZEN.iin), consent=True))  # never signed
    assert prepared.status_code == 200
    with app.extensions["portal"].sessions() as s:
        draft = s.get(Application, app_id)
        abandoned = s.scalar(select(SigningSession.pdf_sha256).where(SigningSession.application_id == app_id))
        done = s.get(Application, done_id)
        keep = {a.sha256 for a in done.attachments} | {done.result.sha256} | set(
            s.scalars(select(SignatureRecord.pdf_sha256).where(SignatureRecord.application_id == done_id)))
        current = {a.sha256 for a in draft.attachments}
    import hashlib
    old_sha, new_sha, removed_sha = (hashlib.sha256(x).hexdigest() for x in (old, new, removed))
    assert current == {new_sha} and all(store.exists(x) for x in (old_sha, removed_sha, abandoned))

    assert "removed 0 files" in _cleanup(app)  # all of it is younger than the default hour
    assert store.exists(old_sha) and store.exists(removed_sha)

    _cleanup(app, "--grace-minutes", "0")  # the prepared PDF can still be signed: it stays
    assert not store.exists(old_sha) and not store.exists(removed_sha)
    assert store.exists(abandoned) and store.exists(new_sha) and all(store.exists(x) for x in keep)

    clock.pin(MONDAY_10 + timedelta(hours=1))  # the signing session has expired
    _cleanup(app, "--grace-minutes", "0")
    assert not store.exists(abandoned)
    assert store.exists(new_sha) and all(store.exists(x) for x in keep)
    assert citizen.get(f"/cabinet/requests/{done_id}/result.pdf").status_code == 200
    assert citizen.get(f"/apply/{app_id}").status_code == 200


def test_a_scan_uploaded_again_after_its_blob_was_orphaned_survives(app: Flask, citizen: FlaskClient) -> None:
    store = app.extensions["portal"].store
    app_id = _draft(citizen)
    scan = _scan(b"again")
    assert _post(citizen, app, app_id, {"medical_035": (scan, "a.pdf")}).status_code == 302
    assert _post(citizen, app, app_id, {"medical_035": (_scan(b"other"), "b.pdf")}).status_code == 302
    import hashlib
    import os
    sha = hashlib.sha256(scan).hexdigest()
    os.utime(store._path(sha), (0, 0))  # orphaned long ago
    assert _post(citizen, app, app_id, {"medical_035": (scan, "a.pdf")}).status_code == 302  # needed again
    _cleanup(app)
    assert store.exists(sha)


def test_a_persons_daily_upload_budget_bounds_the_disk(app: Flask, database_url: str, instance_dir,
                                                       monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Replacing a scan again and again stops at the person's daily megabytes, before the disk fills."""
    monkeypatch.setenv("PORTAL_UPLOAD_MB_PER_DAY", "12")
    small = create_app(Config(instance_dir=instance_dir, database_url=database_url, testing=True,
                              csrf_enabled=False, public_url="http://portal.test"))
    client = sign_in(small.test_client(), demo.CITIZEN)
    client.get("/lang/en")
    app_id = _draft(client)  # 1 (a post without upload)
    codes = [_post(client, small, app_id, {"medical_035": (_scan(b"%d" % i, 3_500_000), "scan.pdf")}).status_code
             for i in range(3)]  # 4 each: 3.5 MB and the post itself; 13 > 12 at the third
    assert codes == [302, 302, 429]
    page = _post(client, small, app_id, {"medical_035": (_scan(b"x", 3_000_000), "scan.pdf")})
    assert page.status_code == 429 and "Too many requests" in page.get_data(as_text=True)
    other = sign_in(small.test_client(), account("office_clerk"))  # someone else's budget is their own
    assert other.get("/backoffice/").status_code == 200


def test_a_body_over_the_limit_on_a_draft_leads_back_to_the_draft(app, citizen):
    """Without the page's own check a browser sends it all: the answer says why and leads back to the draft."""
    import io
    from lxml import html as lxml_html
    citizen.get("/lang/en")
    app_id = int(citizen.post("/apply/external_study/start").headers["Location"].rstrip("/").split("/")[-1])
    huge = (io.BytesIO(b"%PDF-1.4\n" + bytes(app.config["MAX_CONTENT_LENGTH"])), "big-scan.pdf")
    r = citizen.post(f"/apply/{app_id}", data={"school": "typed", "doc_medical_035": huge, "next": "save"},
                     content_type="multipart/form-data")
    assert r.status_code == 413
    page = lxml_html.fromstring(r.get_data(as_text=True))
    assert page.xpath("string(//h1)") == "The upload is too large"
    assert page.xpath("//a[@class='button']/@href") == [f"/apply/{app_id}"]
