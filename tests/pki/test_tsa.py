"""The RFC 3161 TSA, and the signature time-stamp the server adds to a CMS."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import secrets
import shutil
import subprocess
from pathlib import Path

import pytest
from asn1crypto import algos, cms, core, tsp
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives.serialization import Encoding
from pyhanko.sign.validation.generic_cms import async_validate_detached_cms, validate_tst_signed_data
from pyhanko.sign.validation.status import TimestampSignatureStatus
from pyhanko_certvalidator import ValidationContext

from portal import clock
from tests.tools import tool
from portal.pki.ca import LocalCA
from portal.pki.cms import EdsError, add_signature_timestamp, read_signature_timestamp, verify_cms
from portal.pki.testsigner import P12Signer
from portal.pki.tsa import TSA_POLICY
from tests.pki import issue, open_signing

DATA = b"the signed byte ranges of a PDF"


class _AnySequence(core.SequenceOf):
    """A SEQUENCE of anything, to read a TimeStampResp without assuming its shape."""

    _child_spec = core.Any


@pytest.fixture(scope="module")
def ca(tmp_path_factory: pytest.TempPathFactory) -> LocalCA:
    """Return one CA for the module."""
    return LocalCA.load_or_create(tmp_path_factory.mktemp("ca"))


@pytest.fixture(scope="module")
def signer(ca: LocalCA) -> P12Signer:
    """Return a citizen's signing key."""
    return open_signing(issue(ca))


def _context(ca: LocalCA) -> ValidationContext:
    """Trust only our root; know the issuing CA; never fetch."""
    root = asn1_x509.Certificate.load(ca.cert_der("root"))
    issuing = asn1_x509.Certificate.load(ca.cert_der("issuing"))
    return ValidationContext(trust_roots=[root], other_certs=[issuing], allow_fetching=False, moment=clock.utcnow())


def _request(digest: bytes, algorithm: str = "sha256", **fields: object) -> bytes:
    """Build a TimeStampReq with asn1crypto."""
    imprint = {"hash_algorithm": algos.DigestAlgorithm({"algorithm": algorithm}), "hashed_message": digest}
    return tsp.TimeStampReq({"version": "v1", "message_imprint": imprint, **fields}).dump()


def _status(response: bytes) -> tuple[tsp.PKIStatusInfo, int]:
    """Return the status of a TimeStampResp and how many fields it has."""
    outer = _AnySequence.load(response)
    return tsp.PKIStatusInfo.load(outer[0].dump()), len(outer)


def _tst_info(token: cms.ContentInfo) -> tsp.TSTInfo:
    """Return the TSTInfo inside a token."""
    return token["content"]["encap_content_info"]["content"].parsed


def _validate_token(ca: LocalCA, token: cms.ContentInfo, digest: bytes) -> TimestampSignatureStatus:
    """Validate a token with pyHanko, expecting ``digest`` as its imprint."""
    kwargs = asyncio.run(validate_tst_signed_data(token["content"], _context(ca), lambda _algo: digest))
    return TimestampSignatureStatus(**kwargs)


def test_granted_response_to_a_real_request(ca: LocalCA) -> None:
    """Status granted; policy, imprint and nonce echoed; signed as RFC 3161 and RFC 5816 ask."""
    digest, nonce = hashlib.sha256(DATA).digest(), secrets.randbits(63)
    response = tsp.TimeStampResp.load(
        ca.tsa().respond(_request(digest, nonce=nonce, cert_req=True, req_policy=TSA_POLICY))
    )
    assert response["status"]["status"].native == "granted"
    token = response["time_stamp_token"]
    signed_data = token["content"]
    assert token["content_type"].native == "signed_data" and signed_data["version"].native == "v3"
    assert signed_data["encap_content_info"]["content_type"].dotted == "1.2.840.113549.1.9.16.1.4"
    info = _tst_info(token)
    assert info["policy"].dotted == TSA_POLICY == "1.3.6.1.4.1.99999.1.1"
    assert info["message_imprint"]["hashed_message"].native == digest
    assert info["nonce"].native == nonce
    gen_time = info["gen_time"].native
    assert gen_time.utcoffset() == dt.timedelta(0)
    assert abs(gen_time - clock.utcnow()) < dt.timedelta(minutes=1)
    assert info["accuracy"]["seconds"].native == 1

    certs = [c.chosen.dump() for c in signed_data["certificates"]]
    assert ca.tsa().certificate.public_bytes(Encoding.DER) in certs
    signer_info = signed_data["signer_infos"][0]
    attrs = {a["type"].native: a["values"][0] for a in signer_info["signed_attrs"]}
    assert set(attrs) == {"content_type", "message_digest", "signing_certificate_v2"}
    assert attrs["content_type"].native == "tst_info"
    tst_der = signed_data["encap_content_info"]["content"].contents
    assert attrs["message_digest"].native == hashlib.sha256(tst_der).digest()
    tsa_der = ca.tsa().certificate.public_bytes(Encoding.DER)
    assert attrs["signing_certificate_v2"]["certs"][0]["cert_hash"].native == hashlib.sha256(tsa_der).digest()

    status = _validate_token(ca, token, digest)
    assert status.intact and status.valid and status.trusted and status.timestamp == gen_time


def test_minimal_request_and_other_hashes(ca: LocalCA) -> None:
    """No nonce, no policy, SHA-512: granted, and no nonce in the answer."""
    digest = hashlib.sha512(DATA).digest()
    response = tsp.TimeStampResp.load(ca.tsa().respond(_request(digest, "sha512")))
    assert response["status"]["status"].native == "granted"
    info = _tst_info(response["time_stamp_token"])
    assert info["nonce"].native is None and info["message_imprint"]["hash_algorithm"]["algorithm"].native == "sha512"
    assert _validate_token(ca, response["time_stamp_token"], digest).intact


def test_serial_numbers_are_unique(ca: LocalCA) -> None:
    """Every token has its own serial number."""
    digest = hashlib.sha256(DATA).digest()
    serials = {_tst_info(cms.ContentInfo.load(ca.tsa().token_for(digest)))["serial_number"].native for _ in range(20)}
    assert len(serials) == 20


@pytest.mark.parametrize(
    ("request_der", "failure"),
    [
        (b"garbage", "bad_request"),
        (b"", "bad_request"),
        (_request(hashlib.sha1(DATA).digest(), "sha1"), "bad_alg"),
        (_request(hashlib.md5(DATA).digest(), "md5"), "bad_alg"),
        (_request(b"short", "sha256"), "bad_data_format"),
        (_request(hashlib.sha256(DATA).digest(), req_policy="1.2.398.3.3.2.6.1"), "unaccepted_policy"),
        (
            _request(
                hashlib.sha256(DATA).digest(),
                extensions=[{"extn_id": "1.2.3.4", "critical": False, "extn_value": b"\x05\x00"}],
            ),
            "unaccepted_extensions",
        ),
        (_request(hashlib.sha256(DATA).digest()).replace(b"\x02\x01\x01", b"\x02\x01\x02", 1), "bad_request"),
    ],
)
def test_bad_requests_are_rejected_never_raised(ca: LocalCA, request_der: bytes, failure: str) -> None:
    """A refused request gets status rejection, a failure bit, a reason, and no token."""
    status, fields = _status(ca.tsa().respond(request_der))
    assert status["status"].native == "rejection"
    assert status["fail_info"].native == {failure}
    assert status["status_string"].native and fields == 1


def test_token_for_in_process_use(ca: LocalCA) -> None:
    """token_for signs a digest; a digest of the wrong length is a programming error."""
    digest = hashlib.sha384(DATA).digest()
    token = cms.ContentInfo.load(ca.tsa().token_for(digest, "sha384"))
    assert _validate_token(ca, token, digest).trusted
    with pytest.raises(ValueError):
        ca.tsa().token_for(b"\x00" * 31)


def test_openssl_reads_and_verifies_the_reply(ca: LocalCA, tmp_path: Path) -> None:
    """openssl ts: a query made by OpenSSL gets a reply OpenSSL prints and verifies against our root."""
    tool("openssl")
    (tmp_path / "data.bin").write_bytes(DATA)
    (tmp_path / "root.pem").write_bytes(ca.root_cert_pem)
    (tmp_path / "issuing.pem").write_bytes(ca.issuing_cert_pem)

    def run(*args: str) -> str:
        """Run ``openssl ts`` and return its output."""
        done = subprocess.run(["openssl", "ts", *args], cwd=tmp_path, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        return done.stdout

    run("-query", "-data", "data.bin", "-sha256", "-cert", "-out", "query.tsq")
    (tmp_path / "reply.tsr").write_bytes(ca.tsa().respond((tmp_path / "query.tsq").read_bytes()))
    text = run("-reply", "-in", "reply.tsr", "-text")
    assert "Status: Granted." in text and "Policy OID: 1.3.6.1.4.1.99999.1.1" in text and "Nonce: 0x" in text
    run("-verify", "-in", "reply.tsr", "-queryfile", "query.tsq", "-CAfile", "root.pem", "-untrusted", "issuing.pem",
        "-attime", str(int(clock.utcnow().timestamp())))
    (tmp_path / "bad.tsr").write_bytes(ca.tsa().respond(b"garbage"))
    assert "Status: Rejected." in run("-reply", "-in", "bad.tsr", "-text")


def test_signature_timestamp_is_added_and_read_back(ca: LocalCA, signer: P12Signer) -> None:
    """The token covers the signature value; the signed part of the CMS keeps its bytes."""
    original = signer.create_cms(DATA, attached=False)
    assert read_signature_timestamp(original) is None
    stamped = add_signature_timestamp(original, ca)

    before = cms.ContentInfo.load(original)["content"]["signer_infos"][0]
    after = cms.ContentInfo.load(stamped)["content"]["signer_infos"][0]
    for field in ("sid", "digest_algorithm", "signed_attrs", "signature_algorithm", "signature"):
        assert after[field].dump() == before[field].dump()
    assert cms.ContentInfo.load(stamped)["content"]["certificates"].dump() == (
        cms.ContentInfo.load(original)["content"]["certificates"].dump()
    )
    tokens = [a for a in after["unsigned_attrs"] if a["type"].dotted == "1.2.840.113549.1.9.16.2.14"]
    assert len(tokens) == 1
    token = tokens[0]["values"][0]
    signature_digest = hashlib.sha256(before["signature"].native).digest()
    assert _tst_info(token)["message_imprint"]["hashed_message"].native == signature_digest

    when = read_signature_timestamp(stamped)
    assert when is not None and abs(when - clock.utcnow()) < dt.timedelta(minutes=1)
    assert verify_cms(stamped, ca=ca, purpose="SIGNATURE", data=DATA).signer.serial == signer.certificate_serial

    again = add_signature_timestamp(stamped, ca)  # a second stamp replaces the first
    signer_info = cms.ContentInfo.load(again)["content"]["signer_infos"][0]
    assert len(signer_info["unsigned_attrs"]) == 1


def test_pyhanko_validates_the_signature_timestamp(ca: LocalCA, signer: P12Signer) -> None:
    """pyHanko finds the signature and its time-stamp intact and trusted."""
    stamped = add_signature_timestamp(signer.create_cms(DATA, attached=False), ca)
    signed_data = cms.ContentInfo.load(stamped)["content"]
    status = asyncio.run(async_validate_detached_cms(DATA, signed_data, signer_validation_context=_context(ca)))
    assert status.intact and status.valid and status.trusted
    assert status.timestamp_validity is not None and status.timestamp_validity.trusted
    assert status.timestamp_validity.timestamp == read_signature_timestamp(stamped)


def test_timestamp_over_another_signature_is_refused(ca: LocalCA, signer: P12Signer) -> None:
    """A token moved from another signature does not count; garbage is cms_malformed."""
    stamped = cms.ContentInfo.load(add_signature_timestamp(signer.create_cms(b"one", attached=False), ca))
    other = cms.ContentInfo.load(signer.create_cms(b"two", attached=False))
    token_attr = stamped["content"]["signer_infos"][0]["unsigned_attrs"]
    other["content"]["signer_infos"][0]["unsigned_attrs"] = cms.CMSAttributes.load(token_attr.untag().dump())
    with pytest.raises(EdsError) as moved:
        read_signature_timestamp(other.dump())
    assert moved.value.code == "cms_malformed"
    with pytest.raises(EdsError) as garbage:
        read_signature_timestamp(b"garbage")
    assert garbage.value.code == "cms_malformed"
