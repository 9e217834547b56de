"""The portal's RFC 3161 time-stamping authority (test policy 1.3.6.1.4.1.99999.1.1).

A token is a CMS SignedData (version 3) over a DER TSTInfo, eContentType
id-ct-TSTInfo, signed attributes contentType, messageDigest and
signingCertificateV2 (with issuerSerial), certificates = TSA + issuing CA.
Every bad request gets a TimeStampResp with status rejection, never an exception.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging

from asn1crypto import core, tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from portal import clock
from portal.pki.certs import cert_der, random_serial
from portal.pki.cmsbuild import attribute, der_set, digest_algorithm, signed_data_der, signing_certificate_v2

logger = logging.getLogger(__name__)

TSA_POLICY = "1.3.6.1.4.1.99999.1.1"
DIGEST_SIZES = {"sha256": 32, "sha384": 48, "sha512": 64}


class _TimeStampResp(tsp.TimeStampResp):
    """TimeStampResp whose token is optional, as RFC 3161 has it (absent on rejection)."""

    _fields = [
        ("status", tsp.PKIStatusInfo),
        ("time_stamp_token", tsp.ContentInfo, {"optional": True}),
    ]


class TsaRejection(Exception):
    """A request the TSA refuses; ``failure`` is a PKIFailureInfo bit name."""

    def __init__(self, failure: str, text: str) -> None:
        """Remember the failure bit and a human-readable reason."""
        super().__init__(text)
        self.failure = failure
        self.text = text


def rejection(failure: str, text: str) -> bytes:
    """Return a DER TimeStampResp with status rejection."""
    status = tsp.PKIStatusInfo({"status": "rejection", "status_string": [text], "fail_info": {failure}})
    return _TimeStampResp({"status": status}).dump()


def parse_request(request_der: bytes) -> tuple[tsp.MessageImprint, int | None]:
    """Check a TimeStampReq; return its message imprint and nonce or raise TsaRejection."""
    try:
        request = tsp.TimeStampReq.load(request_der, strict=True)
        version = request["version"].native
        imprint = request["message_imprint"]
        algorithm = imprint["hash_algorithm"]["algorithm"].native
        parameters = imprint["hash_algorithm"]["parameters"]
        hashed = imprint["hashed_message"].native
        policy = request["req_policy"]
        nonce = request["nonce"].native
        extensions = request["extensions"]
        request["cert_req"].native  # noqa: B018 - parse it now, so bad encodings surface here
    except Exception as exc:  # noqa: BLE001 - any decoding problem is the client's
        raise TsaRejection("bad_request", "the request is not a DER TimeStampReq") from exc
    if version != "v1":
        raise TsaRejection("bad_request", "only version 1 requests are supported")
    if algorithm not in DIGEST_SIZES or not isinstance(parameters, (core.Void, core.Null)):
        raise TsaRejection("bad_alg", f"hash algorithm {algorithm} is not accepted; use SHA-256/384/512")
    if not isinstance(hashed, bytes) or len(hashed) != DIGEST_SIZES[algorithm]:
        raise TsaRejection("bad_data_format", "the message imprint has the wrong length")
    if policy.native is not None and policy.dotted != TSA_POLICY:
        raise TsaRejection("unaccepted_policy", f"only policy {TSA_POLICY} is offered")
    if not isinstance(extensions, core.Void):
        raise TsaRejection("unaccepted_extensions", "request extensions are not supported")
    if nonce is not None and nonce < 0:
        raise TsaRejection("bad_request", "the nonce must be positive")
    return tsp.MessageImprint.load(imprint.dump()), nonce


class TimeStampAuthority:
    """Signs time-stamp tokens with the TSA key; safe to share between threads."""

    def __init__(self, key: rsa.RSAPrivateKey, cert: x509.Certificate, issuing_cert: x509.Certificate) -> None:
        """Hold the TSA key, its certificate and the issuing CA certificate."""
        self._key = key
        self.certificate = cert
        self._cert = asn1_x509.Certificate.load(cert_der(cert))
        self._certs = [self._cert, asn1_x509.Certificate.load(cert_der(issuing_cert))]
        self._fixed_attrs = [
            attribute("content_type", "tst_info"),
            attribute("signing_certificate_v2", signing_certificate_v2(self._cert, issuer_serial=True)),
        ]

    def respond(self, request_der: bytes) -> bytes:
        """Answer a DER TimeStampReq with a DER TimeStampResp (granted, or rejection)."""
        try:
            imprint, nonce = parse_request(request_der)
        except TsaRejection as refused:
            return rejection(refused.failure, refused.text)
        try:
            token = self._token(imprint, nonce)
        except Exception:  # noqa: BLE001 - the client gets a well-formed answer whatever happens
            logger.exception("time-stamp token signing failed")
            return rejection("system_failure", "the TSA could not sign")
        status = tsp.PKIStatusInfo({"status": "granted"})
        return _TimeStampResp({"status": status, "time_stamp_token": tsp.ContentInfo.load(token)}).dump()

    def token_for(self, digest: bytes, hash_algo: str = "sha256", *, nonce: int | None = None) -> bytes:
        """Return a TimeStampToken (ContentInfo DER) over a digest, for in-process use."""
        if DIGEST_SIZES.get(hash_algo) != len(digest):
            raise ValueError(f"a {hash_algo} digest of {len(digest)} bytes is not acceptable")
        imprint = tsp.MessageImprint({"hash_algorithm": digest_algorithm(hash_algo), "hashed_message": digest})
        return self._token(imprint, nonce)

    def _token(self, imprint: tsp.MessageImprint, nonce: int | None) -> bytes:
        """Sign a TSTInfo for ``imprint`` at the current UTC second."""
        info: dict[str, object] = {
            "version": "v1",
            "policy": TSA_POLICY,
            "message_imprint": imprint,
            "serial_number": random_serial(),
            "gen_time": clock.utcnow().replace(microsecond=0),
            "accuracy": {"seconds": 1},
            "tsa": asn1_x509.GeneralName({"directory_name": self._cert.subject}),
        }
        if nonce is not None:
            info["nonce"] = nonce
        tst_der = tsp.TSTInfo(info).dump()
        signed_attrs = der_set([*self._fixed_attrs, attribute("message_digest", hashlib.sha256(tst_der).digest())])
        signature = self._key.sign(signed_attrs, padding.PKCS1v15(), hashes.SHA256())
        return signed_data_der(
            version="v3",
            content_type="tst_info",
            content=tst_der,
            certificates=self._certs,
            signer=self._cert,
            signed_attrs_set=signed_attrs,
            signature=signature,
        )
