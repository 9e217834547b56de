"""Building blocks of the CMS SignedData of docs/eds.md, assembled with asn1crypto.

Shared by the Python test signer (CAdES-BES over the data) and the TSA
(the TimeStampToken over a TSTInfo), so both write the same layout: sha256
with absent parameters, sha256WithRSAEncryption with NULL parameters,
signed attributes sorted by their DER encoding, sid issuerAndSerialNumber.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from asn1crypto import algos, cms, core, tsp
from asn1crypto import x509 as asn1_x509

from portal.pki.certs import as_utc


def der_length(length: int) -> bytes:
    """Return the DER encoding of a length."""
    if length < 0x80:
        return bytes([length])
    body = length.to_bytes((length.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body


def der_set(encodings: list[bytes]) -> bytes:
    """Return a DER SET OF the given element encodings, sorted as DER requires."""
    contents = b"".join(sorted(encodings))
    return b"\x31" + der_length(len(contents)) + contents


def attribute(type_name: str, value: object) -> bytes:
    """Return the DER of one single-valued CMS attribute."""
    return cms.CMSAttribute({"type": type_name, "values": [value]}).dump()


def signing_time_value(when: dt.datetime) -> cms.Time:
    """Return a signingTime value: UTCTime for 1950-2049, GeneralizedTime outside (RFC 5652 11.3).

    A naive time is Kazakhstan local time.
    """
    moment = as_utc(when).replace(microsecond=0)
    if 1950 <= moment.year <= 2049:
        return cms.Time({"utc_time": core.UTCTime(moment)})
    return cms.Time({"generalized_time": core.GeneralizedTime(moment)})


def signing_certificate_v2(cert: asn1_x509.Certificate, *, issuer_serial: bool = False) -> tsp.SigningCertificateV2:
    """Return SigningCertificateV2 with one ESSCertIDv2 (SHA-256 hash, default algorithm omitted)."""
    ess: dict[str, object] = {"cert_hash": hashlib.sha256(cert.dump()).digest()}
    if issuer_serial:
        ess["issuer_serial"] = {
            "issuer": [asn1_x509.GeneralName({"directory_name": cert.issuer})],
            "serial_number": cert.serial_number,
        }
    return tsp.SigningCertificateV2({"certs": [tsp.ESSCertIDv2(ess)]})


def digest_algorithm(name: str) -> algos.DigestAlgorithm:
    """Return a digest AlgorithmIdentifier with absent parameters.

    asn1crypto forces NULL parameters onto sha2 identifiers it builds, so the
    DER is written by hand and loaded (loaded values keep their encoding).
    """
    oid = algos.DigestAlgorithmId(name).dump()
    return algos.DigestAlgorithm.load(b"\x30" + der_length(len(oid)) + oid)


def sha256_algorithm() -> algos.DigestAlgorithm:
    """Return the sha256 AlgorithmIdentifier with absent parameters."""
    return digest_algorithm("sha256")


def signature_algorithm() -> algos.SignedDigestAlgorithm:
    """Return sha256WithRSAEncryption with NULL parameters."""
    return algos.SignedDigestAlgorithm({"algorithm": "sha256_rsa", "parameters": core.Null()})


def signed_data_der(
    *,
    version: str,
    content_type: str,
    content: bytes | None,
    certificates: list[asn1_x509.Certificate],
    signer: asn1_x509.Certificate,
    signed_attrs_set: bytes,
    signature: bytes,
) -> bytes:
    """Assemble a ContentInfo(SignedData) with one SignerInfo around pre-encoded signed attributes."""
    encap: dict[str, object] = {"content_type": content_type}
    if content is not None:
        octets = core.OctetString if content_type == "data" else cms.ParsableOctetString
        encap["content"] = octets(content)
    signer_info = cms.SignerInfo(
        {
            "version": "v1",
            "sid": cms.SignerIdentifier(
                {
                    "issuer_and_serial_number": cms.IssuerAndSerialNumber(
                        {"issuer": signer.issuer, "serial_number": signer.serial_number}
                    )
                }
            ),
            "digest_algorithm": sha256_algorithm(),
            "signed_attrs": cms.CMSAttributes.load(signed_attrs_set),
            "signature_algorithm": signature_algorithm(),
            "signature": signature,
        }
    )
    signed_data = cms.SignedData(
        {
            "version": version,
            "digest_algorithms": [sha256_algorithm()],
            "encap_content_info": encap,
            "certificates": certificates,
            "signer_infos": [signer_info],
        }
    )
    return cms.ContentInfo({"content_type": "signed_data", "content": signed_data}).dump()


def signed_attrs_set_of(signer_info: cms.SignerInfo) -> bytes:
    """Return the signed attributes of a parsed SignerInfo re-tagged as the SET that was signed."""
    contents = signer_info["signed_attrs"].contents
    return b"\x31" + der_length(len(contents)) + contents
