"""Key files encrypted as the National Certification Centre's are (3DES, 40-bit RC2) sign in and sign a request."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from sqlalchemy import select

from portal import clock, demo
from portal.domain import applications
from portal.domain.models import Person
from tests.browser.test_full_path import sign_with_dialog
from tests.eds_helpers import demo_keys
from tests.factories import fill_form, pdf_bytes, provider_id

pytestmark = pytest.mark.browser


def as_nca_issues_them(p12: bytes, password: str, out: Path) -> Path:
    """Write the same key and certificates again with `openssl pkcs12 -export -legacy`: 3DES key, RC2 certificates."""
    key, cert, chain = pkcs12.load_key_and_certificates(p12, password.encode())
    pem = out.with_suffix(".pem")
    pem.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption())
                    + b"".join(c.public_bytes(serialization.Encoding.PEM) for c in [cert, *chain]))
    subprocess.run(["openssl", "pkcs12", "-export", "-legacy", "-in", str(pem), "-passout", "env:P12_PASSWORD",
                    "-out", str(out)], env={**os.environ, "P12_PASSWORD": password}, check=True, capture_output=True)
    pem.unlink()
    assert b"\x2a\x86\x48\x86\xf7\x0d\x01\x0c\x01\x06" in out.read_bytes()  # pbeWithSHAAnd40BitRC2-CBC
    return out


def draft_ready_to_sign(app) -> int:  # type: ignore[no-untyped-def]
    """Create the demo citizen's external-study draft, filled and with its scan, as the form would leave it."""
    ctx = app.extensions["portal"]
    now = clock.utcnow()
    with ctx.sessions() as session:
        citizen = session.scalar(select(Person).where(Person.iin == demo.CITIZEN.iin))
        draft = applications.create_draft(session, citizen, "external_study", now)
        applications.save_draft(session, draft, fill_form(app), provider_id(app), now)
        applications.attach(session, ctx.store, draft, "medical_035", "035-1.pdf", pdf_bytes(), now)
        session.commit()
        return draft.id


def test_a_citizen_signs_in_and_signs_a_request_with_nca_style_key_files(app, page, live_url, tmp_path):
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    key = demo_keys(app)[demo.CITIZEN.iin]
    auth = as_nca_issues_them(Path(key.auth_file).read_bytes(), key.password, tmp_path / "AUTH_RSA256_legacy.p12")
    signing = as_nca_issues_them(Path(key.signing_file).read_bytes(), key.password, tmp_path / "RSA256_legacy.p12")
    draft = draft_ready_to_sign(app)

    page.goto(f"{live_url}/lang/en")
    page.goto(f"{live_url}/auth/eds")
    page.click("#eds-sign-in")
    sign_with_dialog(page, auth, key.password)
    page.wait_for_selector("#requests")
    assert demo.CITIZEN.full_name in page.inner_text("header")

    page.goto(f"{live_url}/apply/{draft}/review")
    page.check("#consent")
    page.click("#submit-request")
    sign_with_dialog(page, signing, key.password)
    page.wait_for_selector("#confirmation")
    assert page.inner_text("#registration-number").startswith("EXT-")
    page.click("#to-request")
    assert demo.CITIZEN.iin in page.inner_text(".signature")
