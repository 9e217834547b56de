"""Verify the CAdES-BES CMS of docs/eds.md and add or read its signature time-stamp.

``verify_cms`` trusts only the CA's own certificates: the signer must be issued
by the CA's issuing CA (which the root signed); each refusal raises ``EdsError``
with its own code, which the web layer translates.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from asn1crypto import cms, core, tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import ExtendedKeyUsageOID

from portal import clock
from portal.pki.certs import as_utc
from portal.pki.cmsbuild import signed_attrs_set_of
from portal.pki.errors import EdsError
from portal.pki.names import subject_fields

if TYPE_CHECKING:
    from portal.pki.ca import LocalCA

__all__ = [
    "CmsCheck",
    "EdsError",
    "PURPOSES",
    "Signer",
    "add_signature_timestamp",
    "read_signature_timestamp",
    "verify_cms",
]

PURPOSES = ("SIGNATURE", "AUTHENTICATION")
FUTURE_TOLERANCE = dt.timedelta(minutes=5)
_SIGNATURE_ALGORITHMS = ("sha256_rsa", "rsassa_pkcs1v15")


@dataclass(frozen=True)
class Signer:
    """Who signed, read from the signer certificate."""

    iin: str
    common_name: str
    given_name: str | None
    organisation: str | None
    bin: str | None
    serial: int
    issuer: str
    not_before: dt.datetime
    not_after: dt.datetime
    certificate_der: bytes


@dataclass(frozen=True)
class CmsCheck:
    """A verified CMS: the signer, the claimed signing time, the content if attached, the digest."""

    signer: Signer
    signed_at: dt.datetime
    content: bytes | None
    message_digest: bytes


@dataclass(frozen=True)
class _Parsed:
    """The pieces of a structurally sound CMS, all decoded (asn1crypto decodes lazily)."""

    certificate: x509.Certificate
    content: bytes | None
    message_digest: bytes
    signed_at: dt.datetime
    cert_hash: bytes | None
    signed_attrs_set: bytes
    signature: bytes


SIGNED_ATTRIBUTES = frozenset({"content_type", "signing_time", "message_digest", "signing_certificate_v2"})


def _single_attrs(signer_info: cms.SignerInfo) -> dict[str, object]:
    """Return the signed attributes by name, each with exactly one value and no repeats."""
    found: dict[str, object] = {}
    for attr in signer_info["signed_attrs"]:
        name = attr["type"].native
        values = attr["values"]
        if name in found or len(values) != 1:
            raise EdsError("cms_malformed", f"signed attribute {name} must occur once with one value")
        found[name] = values[0]
    return found


def _signer_certificate(signed_data: cms.SignedData, signer_info: cms.SignerInfo) -> x509.Certificate:
    """Return the embedded certificate the SignerInfo's sid names."""
    sid = signer_info["sid"]
    for choice in signed_data["certificates"]:
        if choice.name != "certificate":
            continue
        cert = choice.chosen
        if sid.name == "issuer_and_serial_number":
            wanted = sid.chosen
            if cert.serial_number == wanted["serial_number"].native and cert.issuer == wanted["issuer"]:
                return _decoded_certificate(cert.dump())
        elif cert.key_identifier == sid.chosen.native:
            return _decoded_certificate(cert.dump())
    raise EdsError("cms_malformed", "the signer's certificate is not in the CMS")


def _decoded_certificate(der: bytes) -> x509.Certificate:
    """Load a certificate and decode the parts cryptography reads lazily (key, names, extensions)."""
    cert = x509.load_der_x509_certificate(der)
    cert.public_key()
    cert.subject.rfc4514_string()
    cert.issuer.rfc4514_string()
    len(cert.extensions)
    return cert


def _bound_cert_hash(binding: object) -> bytes | None:
    """Return the SHA-256 certificate hash of signingCertificateV2 (b"" if it uses another hash)."""
    if binding is None:
        return None
    first = binding["certs"][0]  # type: ignore[index]
    if first["hash_algorithm"]["algorithm"].native != "sha256":
        return b""
    return first["cert_hash"].native


def _parse(cms_der: bytes) -> _Parsed:
    """Check the structure: SignedData, id-data, sha256, one SignerInfo, the needed attributes."""
    try:
        info = cms.ContentInfo.load(cms_der, strict=True)
        if info["content_type"].native != "signed_data":
            raise EdsError("cms_malformed", "not a SignedData")
        signed_data = info["content"]
        if len(signed_data["signer_infos"]) != 1:
            raise EdsError("cms_malformed", "exactly one SignerInfo is expected")
        signer_info = signed_data["signer_infos"][0]
        encap = signed_data["encap_content_info"]
        if encap["content_type"].native != "data":
            raise EdsError("cms_malformed", "the encapsulated content type must be id-data")
        content = encap["content"].native  # None when detached
        if signer_info["digest_algorithm"]["algorithm"].native != "sha256":
            raise EdsError("cms_malformed", "the digest algorithm must be SHA-256")
        if signer_info["signature_algorithm"]["algorithm"].native not in _SIGNATURE_ALGORITHMS:
            raise EdsError("cms_malformed", "the signature algorithm must be RSA PKCS#1 v1.5 with SHA-256")
        if isinstance(signer_info["signed_attrs"], core.Void):
            raise EdsError("cms_malformed", "signed attributes are required")
        attrs = _single_attrs(signer_info)
        if set(attrs) != SIGNED_ATTRIBUTES:  # exactly the CAdES-BES set of docs/eds.md, nothing more
            raise EdsError("cms_malformed", f"the signed attributes must be {sorted(SIGNED_ATTRIBUTES)}")
        if attrs["content_type"].native != "data":  # type: ignore[attr-defined]
            raise EdsError("cms_malformed", "the contentType attribute must be id-data")
        return _Parsed(
            certificate=_signer_certificate(signed_data, signer_info),
            content=content,
            message_digest=attrs["message_digest"].native,  # type: ignore[attr-defined]
            signed_at=attrs["signing_time"].native.astimezone(dt.timezone.utc),  # type: ignore[attr-defined]
            cert_hash=_bound_cert_hash(attrs.get("signing_certificate_v2")),
            signed_attrs_set=signed_attrs_set_of(signer_info),
            signature=signer_info["signature"].native,
        )
    except EdsError:
        raise
    except Exception as exc:  # noqa: BLE001 - asn1crypto parses lazily and raises many kinds
        raise EdsError("cms_malformed", f"cannot parse the CMS: {exc}") from exc


def _check_digest(parsed: _Parsed, data: bytes | None, digest: bytes | None) -> bytes:
    """Compare messageDigest with the data, the given digest, or the encapsulated content."""
    signed_digest = parsed.message_digest
    expected: list[bytes] = []
    if data is not None:
        expected.append(hashlib.sha256(data).digest())
    if digest is not None:
        expected.append(digest)
    if parsed.content is not None:
        expected.append(hashlib.sha256(parsed.content).digest())
    if not expected:
        raise ValueError("a detached CMS needs data or digest to be verified against")
    if any(value != signed_digest for value in expected):
        raise EdsError("content_mismatch", "the signed digest does not match the data")
    return signed_digest


def _check_signature(parsed: _Parsed) -> None:
    """Verify the RSA signature over the signed attributes and the signing-certificate binding."""
    public_key = parsed.certificate.public_key()
    if not isinstance(public_key, rsa.RSAPublicKey):
        raise EdsError("signature_invalid", "only RSA signer keys are supported")
    try:
        public_key.verify(parsed.signature, parsed.signed_attrs_set, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature as exc:
        raise EdsError("signature_invalid", "the RSA signature does not verify") from exc
    if parsed.cert_hash is not None:
        if parsed.cert_hash != hashlib.sha256(parsed.certificate.public_bytes(Encoding.DER)).digest():
            raise EdsError("signature_invalid", "signingCertificateV2 names another certificate")


def _check_chain(cert: x509.Certificate, ca: LocalCA) -> None:
    """Require the signer to be an end entity issued by the CA's own issuing CA."""
    if cert.issuer != ca.issuing_cert.subject:
        raise EdsError("untrusted", "the certificate was not issued by the portal's issuing CA")
    try:
        cert.verify_directly_issued_by(ca.issuing_cert)
    except (InvalidSignature, ValueError, TypeError) as exc:
        raise EdsError("untrusted", "the issuing CA did not sign this certificate") from exc
    try:
        if cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca:
            raise EdsError("untrusted", "a CA certificate cannot sign documents")
    except x509.ExtensionNotFound:
        pass


def _check_times(cert: x509.Certificate, signed_at: dt.datetime, now: dt.datetime) -> None:
    """Require signingTime and now within the validity, and signingTime not in the future."""
    if signed_at > now + FUTURE_TOLERANCE:
        raise EdsError("not_yet_valid", "the signing time lies in the future")
    for moment in (signed_at, now):
        if moment < cert.not_valid_before_utc:
            raise EdsError("not_yet_valid", "the certificate is not yet valid")
        if moment > cert.not_valid_after_utc:
            raise EdsError("expired", "the certificate has expired")


def _check_usage(cert: x509.Certificate, purpose: str) -> None:
    """SIGNATURE needs nonRepudiation; AUTHENTICATION needs digitalSignature and EKU clientAuth."""
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound as exc:
        raise EdsError("key_usage", "the certificate has no keyUsage") from exc
    if purpose == "SIGNATURE":
        if not usage.content_commitment:
            raise EdsError("key_usage", "the certificate is not for signing (no nonRepudiation)")
        return
    try:
        eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    except x509.ExtensionNotFound:
        eku = x509.ExtendedKeyUsage([])
    if not usage.digital_signature or ExtendedKeyUsageOID.CLIENT_AUTH not in eku:
        raise EdsError("key_usage", "the certificate is not for authentication (no clientAuth)")


def _signer(cert: x509.Certificate) -> Signer:
    """Describe the signer certificate."""
    fields = subject_fields(cert.subject)
    return Signer(
        iin=fields.iin,
        common_name=fields.common_name,
        given_name=fields.given_name,
        organisation=fields.organisation,
        bin=fields.bin,
        serial=cert.serial_number,
        issuer=cert.issuer.rfc4514_string(),
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        certificate_der=cert.public_bytes(Encoding.DER),
    )


def verify_cms(
    cms_der: bytes,
    *,
    ca: LocalCA,
    purpose: str,
    data: bytes | None = None,
    digest: bytes | None = None,
    expected_iin: str | None = None,
    now: dt.datetime | None = None,
) -> CmsCheck:
    """Verify a CMS signature made with a key of the CA for ``purpose``; raise EdsError if refused.

    The certificate must be valid both at the claimed signingTime and at ``now``
    (pass the trusted time-stamp's time as ``now`` to re-check an old signature);
    a naive ``now`` is Kazakhstan local time (UTC+5), as in portal.domain.calendar.
    """
    if purpose not in PURPOSES:
        raise ValueError(f"purpose must be one of {PURPOSES}")
    current = as_utc(now) if now is not None else clock.utcnow()
    parsed = _parse(cms_der)
    message_digest = _check_digest(parsed, data, digest)
    _check_signature(parsed)
    cert = parsed.certificate
    _check_chain(cert, ca)
    signed_at = parsed.signed_at
    _check_times(cert, signed_at, current)
    if ca.is_revoked(cert.serial_number):
        raise EdsError("revoked", "the certificate is revoked")
    _check_usage(cert, purpose)
    signer = _signer(cert)
    if expected_iin is not None and signer.iin != expected_iin:
        raise EdsError("iin_mismatch", "the certificate belongs to another IIN")
    return CmsCheck(signer=signer, signed_at=signed_at, content=parsed.content, message_digest=message_digest)


def _content_info(cms_der: bytes) -> tuple[cms.ContentInfo, cms.SignerInfo, bytes, list[cms.CMSAttribute]]:
    """Parse a SignedData with one SignerInfo: (info, signer info, signature, unsigned attributes)."""
    try:
        info = cms.ContentInfo.load(cms_der, strict=True)
        signer_infos = info["content"]["signer_infos"]
        if info["content_type"].native != "signed_data" or len(signer_infos) != 1:
            raise EdsError("cms_malformed", "expected a SignedData with one SignerInfo")
        signer_info = signer_infos[0]
        unsigned = signer_info["unsigned_attrs"]
        attrs = [] if isinstance(unsigned, core.Void) else list(unsigned)
        for attr in attrs:
            attr["type"].native  # noqa: B018 - decode now, inside the try
        return info, signer_info, signer_info["signature"].native, attrs
    except EdsError:
        raise
    except Exception as exc:  # noqa: BLE001 - asn1crypto parses lazily and raises many kinds
        raise EdsError("cms_malformed", f"cannot parse the CMS: {exc}") from exc


def add_signature_timestamp(cms_der: bytes, ca: LocalCA) -> bytes:
    """Add an unsigned signatureTimeStampToken over the SignerInfo's signature value from the CA's TSA.

    A time-stamp already present is replaced; every byte of the signed part is kept.
    """
    info, signer_info, signature, _unsigned = _content_info(cms_der)
    token = ca.tsa().token_for(hashlib.sha256(signature).digest(), "sha256")
    attr = cms.CMSAttribute({"type": "signature_time_stamp_token", "values": [cms.ContentInfo.load(token)]})
    # What goes into an official document is the signer's certificate, the signature and our
    # timestamp: other certificates and unsigned attributes a page might add are dropped.
    signed_data = info["content"]
    signer_cert = _signer_certificate(signed_data, signer_info)
    signed_data["certificates"] = cms.CertificateSet([cms.CertificateChoices(
        name="certificate", value=asn1_x509.Certificate.load(signer_cert.public_bytes(Encoding.DER)))])
    signer_info["unsigned_attrs"] = cms.CMSAttributes([attr])
    return info.dump()  # asn1crypto re-encodes only the mutated path; signed parts keep their bytes


def read_signature_timestamp(cms_der: bytes) -> dt.datetime | None:
    """Return the genTime of the signature time-stamp, if present (its imprint must match the signature).

    The token's own signature is not checked here; it comes from the portal's TSA
    when the server added it.
    """
    _, _, signature, unsigned = _content_info(cms_der)
    for attr in unsigned:
        if attr["type"].native != "signature_time_stamp_token":
            continue
        try:
            tst_info = attr["values"][0]["content"]["encap_content_info"]["content"].parsed
            if not isinstance(tst_info, tsp.TSTInfo):
                raise EdsError("cms_malformed", "the time-stamp token does not hold a TSTInfo")
            imprint = tst_info["message_imprint"]
            expected = hashlib.new(imprint["hash_algorithm"]["algorithm"].native, signature).digest()
            hashed = imprint["hashed_message"].native
            gen_time = tst_info["gen_time"].native.astimezone(dt.timezone.utc)
        except EdsError:
            raise
        except Exception as exc:  # noqa: BLE001 - malformed tokens
            raise EdsError("cms_malformed", f"unreadable signature time-stamp: {exc}") from exc
        if hashed != expected:
            raise EdsError("cms_malformed", "the time-stamp covers another signature")
        return gen_time
    return None
