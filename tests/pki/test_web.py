"""The public /pki endpoints: CRL, CA certificates and the TSA, on a tiny app (with and without CSRF)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from types import SimpleNamespace

import pytest
from asn1crypto import algos, tsp
from cryptography import x509
from flask import Flask, url_for
from flask_wtf.csrf import CSRFProtect

from portal.pki.ca import LocalCA
from portal.pki_web.views import MAX_QUERY_BYTES, bp

QUERY = "application/timestamp-query"


@pytest.fixture(scope="module")
def ca(tmp_path_factory: pytest.TempPathFactory) -> LocalCA:
    """Return one CA for the module."""
    return LocalCA.load_or_create(tmp_path_factory.mktemp("ca"))


def _app(ca: LocalCA, *, csrf: str = "none") -> Flask:
    """Build a tiny app: CSRF off, CSRFProtect before registration ("before"), or after ("after")."""
    app = Flask("pki-web-test")
    app.config.update(SECRET_KEY="test", TESTING=True)
    app.extensions["portal"] = SimpleNamespace(ca=ca)
    if csrf == "before":
        CSRFProtect(app)
    app.register_blueprint(bp)
    if csrf == "after":
        CSRFProtect(app).exempt(bp.tsa_view)  # type: ignore[attr-defined]
    return app


def _query(data: bytes = b"document") -> bytes:
    """Return a DER TimeStampReq over ``data``."""
    imprint = {"hash_algorithm": algos.DigestAlgorithm({"algorithm": "sha256"}),
               "hashed_message": hashlib.sha256(data).digest()}
    return tsp.TimeStampReq({"version": "v1", "message_imprint": imprint, "nonce": 42, "cert_req": True}).dump()


def test_crl_and_certificates_are_served_as_der(ca: LocalCA) -> None:
    """GET /pki/issuing.crl, /pki/issuing.cer and /pki/root.cer with their media types."""
    client = _app(ca).test_client()
    crl = client.get("/pki/issuing.crl")
    assert crl.status_code == 200 and crl.mimetype == "application/pkix-crl"
    assert x509.load_der_x509_crl(crl.data).issuer == ca.issuing_cert.subject
    for path, cert in (("/pki/issuing.cer", ca.issuing_cert), ("/pki/root.cer", ca.root_cert)):
        answer = client.get(path)
        assert answer.status_code == 200 and answer.mimetype == "application/pkix-cert"
        assert x509.load_der_x509_certificate(answer.data) == cert


def test_crl_endpoint_follows_revocations(ca: LocalCA) -> None:
    """The served CRL lists a serial right after it is revoked."""
    seal = x509.load_pem_x509_certificate(ca.provider_key(code="web", organisation="O", bin="123456789012").cert_pem)
    ca.revoke(seal.serial_number)
    served = x509.load_der_x509_crl(_app(ca).test_client().get("/pki/issuing.crl").data)
    assert served.get_revoked_certificate_by_serial_number(seal.serial_number) is not None


@pytest.mark.parametrize("csrf", ["none", "before", "after"])
def test_tsa_answers_a_query(ca: LocalCA, csrf: str) -> None:
    """POST /pki/tsa answers application/timestamp-reply, granted, also under CSRFProtect."""
    answer = _app(ca, csrf=csrf).test_client().post("/pki/tsa", data=_query(), content_type=QUERY)
    assert answer.status_code == 200 and answer.mimetype == "application/timestamp-reply"
    response = tsp.TimeStampResp.load(answer.data)
    assert response["status"]["status"].native == "granted"
    info = response["time_stamp_token"]["content"]["encap_content_info"]["content"].parsed
    assert info["nonce"].native == 42


def test_tsa_refuses_other_content_types_and_oversized_queries(ca: LocalCA) -> None:
    """415 without the query media type; 413 when too large; 405 for GET; garbage gets a rejection."""
    client = _app(ca).test_client()
    assert client.post("/pki/tsa", data=_query(), content_type="application/octet-stream").status_code == 415
    assert client.post("/pki/tsa", data=_query()).status_code == 415
    assert client.post("/pki/tsa", data=b"\x00" * (MAX_QUERY_BYTES + 1), content_type=QUERY).status_code == 413
    assert client.get("/pki/tsa").status_code == 405
    garbage = client.post("/pki/tsa", data=b"garbage", content_type=QUERY)
    assert garbage.status_code == 200 and garbage.mimetype == "application/timestamp-reply"
    assert b"\x02\x01\x02" in garbage.data[:8]  # PKIStatus rejection (2)


def test_endpoint_names(ca: LocalCA) -> None:
    """Templates link with url_for('pki.crl') and friends."""
    app = _app(ca)
    with app.test_request_context():
        assert url_for("pki.crl") == "/pki/issuing.crl"
        assert url_for("pki.issuing_cer") == "/pki/issuing.cer"
        assert url_for("pki.root_cer") == "/pki/root.cer"
        assert url_for("pki.tsa") == "/pki/tsa"


def test_endpoints_need_no_session(ca: LocalCA, tmp_path: Path) -> None:
    """No cookie is set by the public endpoints."""
    client = _app(ca, csrf="before").test_client()
    for answer in (client.get("/pki/root.cer"), client.post("/pki/tsa", data=_query(), content_type=QUERY)):
        assert "Set-Cookie" not in answer.headers
