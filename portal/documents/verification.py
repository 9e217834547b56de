"""Check an uploaded PDF: is it signed, unchanged since signing, and by whom.

Uses pyHanko's full validation, including the difference analysis of
incremental updates (never ``skip_diff=True``: that would hide tampering).
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import logging
from dataclasses import dataclass
from collections.abc import Sequence
from datetime import datetime

from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.status import PdfSignatureStatus, SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from portal import clock

logger = logging.getLogger(__name__)

PROBLEMS = ("not_pdf", "unsigned", "modified", "untrusted", "invalid")


class TooComplex(Exception):
    """The parsed PDF has more revisions or signatures than the caller allows."""


@dataclass(frozen=True)
class PdfVerdict:
    """What the verification page tells about a PDF."""

    signed: bool
    intact: bool
    trusted: bool
    signer_name: str | None
    signer_organisation: str | None
    signer_bin: str | None
    signed_at: datetime | None
    sha256: str
    problem: str | None
    #: the signer's IIN from serialNumber=IIN…, for personal certificates
    signer_iin: str | None = None
    #: the signer's certificate serial number
    signer_serial: int | None = None
    #: subjects from the signer up to the trust root, when the chain validated
    chain: tuple[str, ...] = ()
    #: time of a signature timestamp (RFC 3161) embedded in the signature, if any
    timestamp_at: datetime | None = None
    #: whether that timestamp validated against the trust roots
    timestamp_trusted: bool = False

    @property
    def signed_by(self) -> str:
        """Return who signed as a verifier reads it: a seal's organisation in full, or a person and their employer."""
        if self.signer_iin is None and self.signer_organisation:
            return self.signer_organisation  # a seal: its CN is only the organisation's name cut to 64 bytes
        return ", ".join(part for part in (self.signer_name, self.signer_organisation) if part)


_TIMES = ("signed_at", "timestamp_at")


def verdict_to_json(verdict: PdfVerdict) -> str:
    """Write a verdict as JSON, to be read back by verdict_from_json."""
    data = dataclasses.asdict(verdict)
    for name in _TIMES:
        data[name] = data[name].isoformat() if data[name] is not None else None
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def verdict_from_json(text: str) -> PdfVerdict:
    """Read a verdict written by verdict_to_json."""
    data = json.loads(text)
    for name in _TIMES:
        data[name] = datetime.fromisoformat(data[name]) if data[name] is not None else None
    data["chain"] = tuple(data["chain"])
    return PdfVerdict(**data)


def _verdict(pdf: bytes, problem: str, *, signed: bool = False) -> PdfVerdict:
    """Build a verdict that carries only a problem."""
    return PdfVerdict(
        signed=signed,
        intact=False,
        trusted=False,
        signer_name=None,
        signer_organisation=None,
        signer_bin=None,
        signed_at=None,
        sha256=hashlib.sha256(pdf).hexdigest(),
        problem=problem,
    )


def _looks_signed(pdf: bytes) -> bool:
    """Tell whether unparseable bytes still look like a signed PDF."""
    return pdf.startswith(b"%PDF-") and b"/ByteRange" in pdf


def _subject(cert: asn1_x509.Certificate) -> tuple[str | None, str | None, str | None]:
    """Return (CN, O, BIN) from a certificate subject."""
    subject = cert.subject.native

    def first(key: str) -> str | None:
        value = subject.get(key)
        if isinstance(value, list):
            value = value[0] if value else None
        return str(value) if value else None

    units = subject.get("organizational_unit_name") or []
    if isinstance(units, str):
        units = [units]
    bin_value = next((u[3:] for u in units if u.upper().startswith("BIN") and u[3:].isdigit()), None)
    return first("common_name"), first("organization_name"), bin_value


def _short_name(cert: asn1_x509.Certificate) -> str:
    """Return a certificate's CN, with its organisation when that says more (no English field names)."""
    subject = cert.subject.native
    name, organisation = subject.get("common_name", ""), subject.get("organization_name", "")
    return f"{name} — {organisation}" if organisation and organisation not in name else str(name)


def _validation_context(trust_roots_pem: list[bytes], intermediates_pem: Sequence[bytes] = ()) -> ValidationContext:
    """Build an offline validation context trusting only the given roots."""
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding

    def load(pem: bytes) -> asn1_x509.Certificate:
        return asn1_x509.Certificate.load(x509.load_pem_x509_certificate(pem).public_bytes(Encoding.DER))

    return ValidationContext(trust_roots=[load(p) for p in trust_roots_pem],
                             other_certs=[load(p) for p in intermediates_pem], allow_fetching=False,
                             moment=clock.utcnow())


def _validate(sig: EmbeddedPdfSignature, trust_roots_pem: list[bytes],
              intermediates_pem: Sequence[bytes] = ()) -> PdfSignatureStatus:
    """Run pyHanko's validation of one embedded signature (with diff analysis)."""
    return validate_pdf_signature(sig, signer_validation_context=_validation_context(trust_roots_pem,
                                                                                      intermediates_pem))


def _is_trusted(status: PdfSignatureStatus) -> bool:
    """Tell whether the signer's chain validated to a trust root."""
    return status.validation_path is not None and status.trust_problem_indic is None


def verify_pdf(pdf: bytes, trust_roots_pem: list[bytes], intermediates_pem: Sequence[bytes] = (), *,
               max_revisions: int | None = None, max_signatures: int | None = None) -> PdfVerdict:
    """Verify every signature of ``pdf`` against the given trust roots (raise TooComplex over the maxima)."""
    if b"%PDF-" not in pdf[:1024]:
        return _verdict(pdf, "not_pdf")
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = list(reader.embedded_signatures)
        revisions = reader.xrefs.total_revisions
    except MemoryError:
        raise  # over the caller's memory budget: not a verdict on the file
    except Exception:  # noqa: BLE001 - any parse failure means "not a readable PDF"
        logger.info("unreadable PDF", exc_info=True)
        looks_signed = _looks_signed(pdf)
        return _verdict(pdf, "modified" if looks_signed else "not_pdf", signed=looks_signed)
    # parsing is cheap next to the diff analysis, whose cost grows with revisions × signatures
    if (max_revisions is not None and revisions > max_revisions) or \
            (max_signatures is not None and len(signatures) > max_signatures):
        raise TooComplex()
    if not signatures:
        return _verdict(pdf, "unsigned")

    statuses: list[PdfSignatureStatus] = []
    try:
        for sig in signatures:
            statuses.append(_validate(sig, trust_roots_pem, intermediates_pem))
    except MemoryError:
        raise
    except Exception:  # noqa: BLE001 - malformed signature containers and the like
        logger.info("signature validation failed", exc_info=True)
        return _verdict(pdf, "invalid", signed=True)

    first_sig, first = signatures[0], statuses[0]
    name, organisation, bin_value = _subject(first.signing_cert)
    serial_number = first.signing_cert.subject.native.get("serial_number")
    iin = serial_number[3:] if isinstance(serial_number, str) and serial_number.startswith("IIN") else None
    chain = tuple(_short_name(c) for c in reversed(list(first.validation_path.iter_certs(True)))) \
        if first.validation_path else ()
    ts = first.timestamp_validity
    last = statuses[-1]
    intact = all(s.intact for s in statuses) and last.coverage == SignatureCoverageLevel.ENTIRE_FILE
    valid = all(s.valid for s in statuses)
    trusted = all(_is_trusted(s) for s in statuses)
    if not intact:
        problem: str | None = "modified"
    elif not valid:
        problem = "invalid"
    elif not trusted:
        problem = "untrusted"
    else:
        problem = None
    try:
        signed_at = first_sig.self_reported_timestamp
    except Exception:  # noqa: BLE001 - a malformed /M entry is not fatal
        signed_at = None
    return PdfVerdict(
        signed=True,
        intact=intact and valid,
        trusted=trusted,
        signer_name=name,
        signer_organisation=organisation,
        signer_bin=bin_value,
        signed_at=signed_at,
        sha256=hashlib.sha256(pdf).hexdigest(),
        problem=problem,
        signer_iin=iin,
        signer_serial=first.signing_cert.serial_number,
        chain=chain,
        timestamp_at=ts.timestamp if ts is not None else None,
        timestamp_trusted=bool(ts is not None and ts.valid and ts.intact and ts.trusted),
    )
