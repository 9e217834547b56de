"""Interrupted PDF signing: the server prepares, the person's browser signs, the server embeds.

The person's key never leaves their browser (docs/eds.md). ``prepare`` adds a
signature field and a signature dictionary whose /Contents is a zero-filled
placeholder (pyHanko's interrupted-signing path) and returns the PDF with the
location of that placeholder and the SHA-256 of the signed byte ranges. The
browser signs ``PreparedPdf.signed_bytes()`` as a detached CMS; ``finish``
writes the CMS into the placeholder. The prepared state is plain bytes and
ints, so it can wait in a database or a file between two requests served by
different gunicorn workers.

pyHanko needs no signer certificate at prepare time: with the digest
algorithm, the signature mechanism and ``bytes_reserved`` given, and no
validation context, it never looks at the certificate (the certificate only
arrives inside the CMS). The subfilter is ETSI.CAdES.detached (PAdES).
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from asn1crypto import algos, cms
from pyhanko.sign import fields, signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.signers.pdf_byterange import PreparedByteRangeDigest
from pyhanko.stamp import QRStampStyle

from portal import clock
from portal.documents.fonts import stamp_font_factory
from portal.documents.render import STAMP_BOX
from portal.documents.signing import (
    SIGNING_TZ,
    STAMP_FONT_SIZE,
    SigningWriter,
    add_stamp_link,
    format_signing_time,
    stamp_style,
    wrap_label,
)

DEFAULT_RESERVED = 32768
"""Hex digits reserved for the CMS: room for 16 KB of DER (a person's CMS with a timestamp is ~5 KB)."""

LOCATION = "Kazakhstan"
_BYTE_RANGE_RE = re.compile(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]")


@dataclass(frozen=True)
class PreparedPdf:
    """A PDF waiting for its CMS: store these four fields between prepare and finish."""

    pdf: bytes
    region_start: int
    region_end: int
    document_digest: bytes

    def signed_bytes(self) -> bytes:
        """Return the bytes covered by /ByteRange: what the signer signs."""
        return self.pdf[: self.region_start] + self.pdf[self.region_end :]

    @property
    def capacity(self) -> int:
        """Return the largest CMS (DER bytes) that fits the reserved region."""
        return (self.region_end - self.region_start - 2) // 2


@dataclass(frozen=True)
class VisibleStamp:
    """A QR stamp like the result seal's, drawn in ``STAMP_BOX`` on page 0."""

    verify_url: str
    signer_label: str


@lru_cache(maxsize=1)
def _style() -> QRStampStyle:
    """Return the result documents' QR stamp style (built once per process)."""
    return stamp_style(stamp_font_factory(STAMP_FONT_SIZE))


def _external_signer() -> signers.ExternalSigner:
    """Return a certificate-less signer: pyHanko only asks it for the mechanism and name."""
    return signers.ExternalSigner(
        signing_cert=None,
        cert_registry=None,
        signature_mechanism=algos.SignedDigestAlgorithm({"algorithm": "sha256_rsa"}),
    )


def prepare(
    pdf: bytes,
    *,
    field_name: str,
    stamp: VisibleStamp | None = None,
    reserved: int = DEFAULT_RESERVED,
    signer_name: str | None = None,
    reason: str | None = None,
    signing_time: datetime | None = None,
) -> PreparedPdf:
    """Add a signature placeholder to ``pdf`` and digest the byte ranges to be signed.

    ``reserved`` counts hex digits (twice the CMS DER size). ``signer_name``
    goes to the signature dictionary's /Name; ``signing_time`` (default: now,
    Asia/Almaty) is written as /M and printed on the stamp.
    """
    if reserved <= 0 or reserved % 2:
        raise ValueError("reserved must be a positive even number of hex digits")
    now = (signing_time or clock.utcnow().astimezone(SIGNING_TZ)).replace(microsecond=0)
    if now.tzinfo is None:
        raise ValueError("signing_time must be timezone-aware")
    writer = SigningWriter(pdf)
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm="sha256",
        subfilter=SigSeedSubFilter.PADES,
        name=signer_name,
        location=LOCATION,
        reason=reason,
    )
    if stamp is None:
        field_spec = fields.SigFieldSpec(field_name)  # no box: an invisible signature
        style = None
        text_params = None
    else:
        field_spec = fields.SigFieldSpec(field_name, on_page=0, box=STAMP_BOX)
        style = _style()
        text_params = {
            "url": stamp.verify_url,
            "label": wrap_label(stamp.signer_label),
            "when": format_signing_time(now),
        }
        add_stamp_link(writer, stamp.verify_url)
    pdf_signer = signers.PdfSigner(
        meta, signer=_external_signer(), stamp_style=style, new_field_spec=field_spec
    )
    # PdfSigner.async_digest_doc_for_signing, step by step, to set the signing time once;
    # its presign validation is a no-op here (no validation context, no embedded revocation info)
    session = pdf_signer.init_signing_session(writer)
    session.system_time = now
    tbs = session.prepare_tbs_document(
        validation_info=None, bytes_reserved=reserved, appearance_text_params=text_params
    )
    output = io.BytesIO()
    prepared, _ = tbs.digest_tbs_document(output=output)
    return PreparedPdf(
        pdf=output.getvalue(),
        region_start=prepared.reserved_region_start,
        region_end=prepared.reserved_region_end,
        document_digest=prepared.document_digest,
    )


def check_prepared(prepared: PreparedPdf) -> None:
    """Raise ValueError unless the stored state describes an empty placeholder in its PDF."""
    pdf, start, end = prepared.pdf, prepared.region_start, prepared.region_end
    if not 0 < start < end <= len(pdf) or pdf[start : start + 1] != b"<" or pdf[end - 1 : end] != b">":
        raise ValueError("the reserved region is not a /Contents hex string of this PDF")
    if pdf[start + 1 : end - 1].strip(b"0"):
        raise ValueError("the reserved region is not empty: the PDF is already signed")
    expected = (0, start, end, len(pdf) - end)
    if not any(tuple(map(int, m.groups())) == expected for m in _BYTE_RANGE_RE.finditer(pdf)):
        raise ValueError("no /ByteRange in the PDF matches the reserved region")
    if hashlib.sha256(prepared.signed_bytes()).digest() != prepared.document_digest:
        raise ValueError("the document digest does not match the prepared PDF")


def _check_cms(cms_der: bytes) -> None:
    """Raise ValueError unless ``cms_der`` is one DER ContentInfo of a detached SignedData."""
    try:
        info = cms.ContentInfo.load(cms_der, strict=True)
        if info["content_type"].native != "signed_data":
            raise ValueError("the CMS is not SignedData")
        if info["content"]["encap_content_info"]["content"].native is not None:
            raise ValueError("the CMS must be detached (no encapsulated content)")
    except ValueError:
        raise
    except Exception as exc:  # noqa: BLE001 - asn1crypto raises assorted parse errors
        raise ValueError(f"not a DER CMS ContentInfo: {exc}") from exc


def finish(prepared: PreparedPdf, cms_der: bytes) -> bytes:
    """Embed the detached CMS into the placeholder; raise ValueError if it does not fit.

    Checks the stored state and the CMS's shape, not its signature: verify the
    signed PDF (``verification.verify_pdf``) before accepting it.
    """
    check_prepared(prepared)
    _check_cms(cms_der)
    if len(cms_der) > prepared.capacity:
        raise ValueError(
            f"the CMS ({len(cms_der)} bytes) does not fit the reservation ({prepared.capacity} bytes)"
        )
    output = io.BytesIO(prepared.pdf)
    digest = PreparedByteRangeDigest(
        document_digest=prepared.document_digest,
        reserved_region_start=prepared.region_start,
        reserved_region_end=prepared.region_end,
    )
    # what PdfTBSDocument.finish_signing does when there are no post-signing steps (no DSS, no LTA)
    digest.fill_with_cms(output, cms_der)
    return output.getvalue()
