"""A result sealed with the organisation's key: the seal names the whole organisation and is timestamped."""
from __future__ import annotations

import io

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID
from flask import Flask
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from portal import clock, demo
from portal.domain.models import Application, Provider
from tests.conftest import sign_in
from tests.factories import submitted_request
from tests.web.test_backoffice import do
from tests.web.test_eds import _executor

def sealed_result(app: Flask) -> tuple[bytes, Provider]:
    """Take a request at Aiyrtau (its results are sealed) to its result; return the PDF and the provider."""
    citizen = sign_in(app.test_client(), demo.CITIZEN)
    app_id = submitted_request(app, citizen, provider="aiyrtau")
    for role, action, data in (("office_clerk", "register", {}),
                               ("head", "assign", {"executor_id": str(_executor(app, "aiyrtau")),
                                                   "resolution": "Қараңыз"}),
                               ("executor", "draft_result", {"decision": "permitted"}), ("head", "approve", {})):
        assert do(app, role, app_id, action, data, provider="aiyrtau").status_code == 302, action
    ctx = app.extensions["portal"]
    with ctx.sessions() as s:
        a = s.get(Application, app_id)
        assert a.result is not None and a.signature("result") is None  # sealed, not signed by the head
        s.expunge(a.provider)
        return ctx.store.get(a.result.sha256), a.provider


def test_sealed_result_carries_a_trusted_timestamp_and_the_full_name(app: Flask):
    pdf, provider = sealed_result(app)
    ca = app.extensions["portal"].ca
    root = asn1_x509.Certificate.load(x509.load_pem_x509_certificate(ca.root_cert_pem).public_bytes(Encoding.DER))
    sig = PdfFileReader(io.BytesIO(pdf)).embedded_signatures[0]
    status = validate_pdf_signature(sig, ValidationContext(trust_roots=[root], allow_fetching=False, moment=clock.utcnow()))
    assert status.bottom_line and status.trusted
    ts = status.timestamp_validity
    assert ts is not None and ts.intact and ts.valid and ts.trusted  # RFC 3161, from the portal's TSA
    assert abs((ts.timestamp - status.signer_reported_dt).total_seconds()) < 60
    assert "Portal Test TSA" in ts.signing_cert.subject.human_friendly
    # the seal certificate names the organisation in full (O), and its BIN
    seal = x509.load_der_x509_certificate(sig.signer_cert.dump())
    assert len(provider.name_kk.encode()) > 64  # longer than a CN may be
    full_name = " ".join(provider.name_kk.split())
    assert seal.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == full_name
    assert f"BIN{provider.bin}" in seal.subject.rfc4514_string()
    # made and sealed at the application's "now" (the tests' pinned Monday), not the machine's
    info = PdfFileReader(io.BytesIO(pdf)).trailer_view["/Info"]
    assert str(info["/CreationDate"]).startswith("D:20261123100000+05")
    assert str(info["/ModDate"]).startswith("D:20261123100000+05")
