"""Interrupted signing: prepare on the server, a detached CMS from "the browser", finish on the server."""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from asn1crypto import algos, cms, core
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import PdfSignatureStatus, SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from portal import clock
from portal.documents.interrupted import PreparedPdf, VisibleStamp, finish, prepare
from portal.documents.render import PAGE_HEIGHT, STAMP_BOX, ExcerptData, render_excerpt
from portal.documents.result_context import OrderRef
from portal.documents.verification import verify_pdf
from tests.tools import tool

PERSON_CN = "ӘБДІРАХМАНОВА ГҮЛНҰР"
PERSON_IIN = "850412400123"
VERIFY_URL = "https://portal.example.kz/verify/R-7K3M9QX2"
HEAD_LABEL = "Сейітқалиев Ғалым Өмірұлы, ЖСН/ИИН 700101300123"
ALMATY = timezone(timedelta(hours=5))


class Pki:
    """A throwaway root and one person's signing key and certificate."""

    def __init__(self) -> None:
        """Issue root → person (keyUsage digitalSignature + nonRepudiation)."""
        now = clock.utcnow().replace(microsecond=0)
        self.root_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        root_cn = "Interrupted Test Root (NOT FOR PRODUCTION)"
        root_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, root_cn)])
        self.root = (
            x509.CertificateBuilder()
            .subject_name(root_name)
            .issuer_name(root_name)
            .public_key(self.root_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(_key_usage(ca=True), critical=True)
            .sign(self.root_key, hashes.SHA256())
        )
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        subject = x509.Name(
            [
                x509.NameAttribute(NameOID.COMMON_NAME, PERSON_CN),
                x509.NameAttribute(NameOID.SERIAL_NUMBER, f"IIN{PERSON_IIN}"),
                x509.NameAttribute(NameOID.COUNTRY_NAME, "KZ"),
            ]
        )
        self.cert = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(root_name)
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(_key_usage(ca=False), critical=True)
            .sign(self.root_key, hashes.SHA256())
        )
        self.cert_der = self.cert.public_bytes(serialization.Encoding.DER)
        self.root_pem = self.root.public_bytes(serialization.Encoding.PEM)

    def context(self) -> ValidationContext:
        """Return an offline validation context trusting the throwaway root."""
        root = asn1_x509.Certificate.load(self.root.public_bytes(serialization.Encoding.DER))
        return ValidationContext(trust_roots=[root], allow_fetching=False, moment=clock.utcnow())

    def create_cms(self, data: bytes, *, at: datetime | None = None) -> bytes:
        """Return a detached CAdES-BES CMS over ``data``, laid out exactly as docs/eds.md fixes."""
        cert = asn1_x509.Certificate.load(self.cert_der)
        at = (at or clock.utcnow()).astimezone(timezone.utc).replace(microsecond=0)
        attrs = [
            cms.CMSAttribute({"type": "content_type", "values": ["data"]}),
            cms.CMSAttribute({"type": "signing_time", "values": [cms.Time({"utc_time": at})]}),
            cms.CMSAttribute({"type": "message_digest", "values": [hashlib.sha256(data).digest()]}),
            cms.CMSAttribute(
                {
                    "type": "signing_certificate_v2",
                    "values": [{"certs": [{"cert_hash": hashlib.sha256(self.cert_der).digest()}]}],
                }
            ),
        ]
        attrs.sort(key=lambda a: a.dump())  # SET OF in DER order
        signed_attrs = cms.CMSAttributes(attrs)
        to_sign = signed_attrs.dump()
        assert to_sign[0] == 0x31
        signature = self.key.sign(to_sign, padding.PKCS1v15(), hashes.SHA256())
        sha256 = algos.DigestAlgorithm({"algorithm": "sha256"})
        signer_info = cms.SignerInfo(
            {
                "version": "v1",
                "sid": cms.SignerIdentifier(
                    {
                        "issuer_and_serial_number": {
                            "issuer": cert.issuer,
                            "serial_number": cert.serial_number,
                        }
                    }
                ),
                "digest_algorithm": sha256,
                "signed_attrs": signed_attrs,
                "signature_algorithm": algos.SignedDigestAlgorithm(
                    {"algorithm": "sha256_rsa", "parameters": core.Null()}
                ),
                "signature": signature,
            }
        )
        signed_data = cms.SignedData(
            {
                "version": "v1",
                "digest_algorithms": [sha256],
                "encap_content_info": {"content_type": "data"},
                "certificates": [cert],
                "signer_infos": [signer_info],
            }
        )
        return cms.ContentInfo({"content_type": "signed_data", "content": signed_data}).dump()


def _key_usage(*, ca: bool) -> x509.KeyUsage:
    """Return keyUsage for a CA or for a person's signing key."""
    return x509.KeyUsage(
        digital_signature=not ca,
        content_commitment=not ca,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def run_tool(name: str, pdf: bytes, tmp_path: Path, *args: str) -> str:
    """Run a poppler tool on a PDF and return its standard output."""
    src = tmp_path / f"{name}-{hashlib.sha1(pdf).hexdigest()[:8]}.pdf"
    src.write_bytes(pdf)
    to_stdout = ["-"] if name == "pdftotext" else []
    done = subprocess.run([tool(name), *args, str(src), *to_stdout], capture_output=True)
    return done.stdout.decode("utf-8")


def validate(pdf: bytes, pki: Pki) -> PdfSignatureStatus:
    """Validate the last signature of ``pdf`` with pyHanko, diff analysis included."""
    sig = PdfFileReader(io.BytesIO(pdf)).embedded_signatures[-1]
    return validate_pdf_signature(sig, signer_validation_context=pki.context())


def assert_valid_whole(status: PdfSignatureStatus) -> None:
    """Assert a signature is intact, valid, trusted and covers the entire file."""
    assert status.intact and status.valid, status.pretty_print_details()
    assert status.trusted, status.pretty_print_details()
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert status.bottom_line


def _excerpt() -> ExcerptData:
    """Return a result excerpt the head signs."""
    return ExcerptData(
        result_number="R-7K3M9QX2",
        registration_number="EXT-2026-000012",
        decision="permitted",
        provider_name_kk="«Петропавл қаласының білім бөлімі» КММ",
        provider_name_ru="КГУ «Отдел образования города Петропавловска»",
        provider_address="Петропавл қаласы, Қазақстан Конституциясы көшесі 58",
        applicant_name="Әбдірахманова Гүлнұр Серікқызы",
        applicant_iin=PERSON_IIN,
        child_name="Әбдірахманов Нұрсұлтан Қайратұлы",
        child_iin="120305500456",
        child_birth_date=date(2012, 3, 5),
        school="№ 3 мектеп",
        grade="8 «Ә»",
        ground_kk="денсаулық жағдайы бойынша",
        ground_ru="по состоянию здоровья",
        refusal_grounds=None,
        head_name="Сейітқалиев Ғалым Өмірұлы",
        issued_on=date(2026, 3, 12),
        order=OrderRef(number="31", issued_on=date(2026, 3, 12), excerpt=True,
                       issuer_kk="«Петропавл қаласының білім бөлімі» КММ басшысының",
                       issuer_ru="руководителя КГУ «Отдел образования города Петропавловска»"),
    )


@pytest.fixture(scope="module")
def pki() -> Pki:
    """Return the throwaway PKI."""
    return Pki()


@pytest.fixture(scope="module")
def source() -> bytes:
    """Return an unsigned result excerpt."""
    return render_excerpt(_excerpt())


@pytest.fixture(scope="module")
def prepared(source: bytes) -> PreparedPdf:
    """Return the excerpt prepared for an invisible signature."""
    return prepare(source, field_name="ApplicantSignature", signer_name=PERSON_CN)


@pytest.fixture(scope="module")
def signed(prepared: PreparedPdf, pki: Pki) -> bytes:
    """Return the prepared excerpt with the person's CMS embedded."""
    return finish(prepared, pki.create_cms(prepared.signed_bytes()))


def test_prepared_state_describes_the_placeholder(prepared: PreparedPdf, source: bytes) -> None:
    """The region is the zero-filled /Contents string; the digest is over everything else."""
    pdf, start, end = prepared.pdf, prepared.region_start, prepared.region_end
    assert pdf.startswith(source)  # an incremental update
    assert pdf[start : start + 1] == b"<" and pdf[end - 1 : end] == b">"
    assert set(pdf[start + 1 : end - 1]) == {ord("0")}
    assert end - start - 2 == 32768 and prepared.capacity == 16384
    assert hashlib.sha256(prepared.signed_bytes()).digest() == prepared.document_digest
    assert f"/ByteRange [0 {start} {end} {len(pdf) - end}]".encode() in pdf
    assert b"/ETSI.CAdES.detached" in pdf


def test_finished_signature_is_valid_and_covers_the_whole_file(
    signed: bytes, prepared: PreparedPdf, pki: Pki
) -> None:
    """pyHanko (with diff analysis) finds the person's signature intact, valid and trusted."""
    assert len(signed) == len(prepared.pdf)
    status = validate(signed, pki)
    assert_valid_whole(status)
    assert status.signing_cert.subject.native["common_name"] == PERSON_CN
    sig = PdfFileReader(io.BytesIO(signed)).embedded_signatures[0]
    start, end = prepared.region_start, prepared.region_end
    assert list(sig.byte_range) == [0, start, end, len(signed) - end]
    assert sig.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert sig.sig_object["/Name"] == PERSON_CN


def test_portal_verification_agrees(signed: bytes, pki: Pki) -> None:
    """The portal's verify page says intact and trusted."""
    verdict = verify_pdf(signed, [pki.root_pem])
    assert verdict.problem is None and verdict.intact and verdict.trusted
    assert verdict.signer_name == PERSON_CN


def test_pdfsig_reports_valid_and_totally_signed(signed: bytes, tmp_path: Path) -> None:
    """Poppler agrees: the signature is valid and covers the total document."""
    out = run_tool("pdfsig", signed, tmp_path)
    assert "Signature is Valid" in out
    assert "Total document signed" in out


def test_cms_over_other_bytes_is_invalid(prepared: PreparedPdf, pki: Pki, tmp_path: Path) -> None:
    """A CMS over different bytes embeds, but every validator rejects it."""
    pdf = finish(prepared, pki.create_cms(prepared.signed_bytes() + b" "))
    status = validate(pdf, pki)
    assert not status.intact and not status.bottom_line  # valid: the signed attributes themselves check out
    assert verify_pdf(pdf, [pki.root_pem]).problem == "modified"
    assert "Signature is Valid" not in run_tool("pdfsig", pdf, tmp_path)


def test_state_round_trips_through_storage(source: bytes, pki: Pki, tmp_path: Path) -> None:
    """What a worker stores (file + row of ints and hex) is enough for another worker to finish."""
    first = prepare(source, field_name="ApplicantSignature")
    (tmp_path / "prepared.pdf").write_bytes(first.pdf)
    row = json.dumps(
        {"start": first.region_start, "end": first.region_end, "digest": first.document_digest.hex()}
    )
    del first
    stored = json.loads(row)
    rebuilt = PreparedPdf(
        pdf=(tmp_path / "prepared.pdf").read_bytes(),
        region_start=stored["start"],
        region_end=stored["end"],
        document_digest=bytes.fromhex(stored["digest"]),
    )
    assert_valid_whole(validate(finish(rebuilt, pki.create_cms(rebuilt.signed_bytes())), pki))


def test_cms_larger_than_the_reservation_is_refused(source: bytes, pki: Pki) -> None:
    """finish raises ValueError when the CMS does not fit."""
    small = prepare(source, field_name="ApplicantSignature", reserved=1024)
    with pytest.raises(ValueError, match="does not fit"):
        finish(small, pki.create_cms(small.signed_bytes()))


@pytest.mark.parametrize("reserved", [0, -2, 1001])
def test_odd_or_empty_reservation_is_refused(source: bytes, reserved: int) -> None:
    """The reservation is a positive even number of hex digits."""
    with pytest.raises(ValueError):
        prepare(source, field_name="ApplicantSignature", reserved=reserved)


def test_inconsistent_state_or_bad_cms_is_refused(prepared: PreparedPdf, signed: bytes, pki: Pki) -> None:
    """finish checks the stored state and the CMS's shape before writing anything."""
    good = pki.create_cms(prepared.signed_bytes())
    bad_states = [
        replace(prepared, document_digest=hashlib.sha256(b"x").digest()),
        replace(prepared, region_start=prepared.region_start + 2),
        replace(prepared, region_end=prepared.region_end - 2),
        replace(prepared, pdf=prepared.pdf + b"\n"),
        replace(prepared, pdf=signed),  # already finished
    ]
    for state in bad_states:
        with pytest.raises(ValueError):
            finish(state, good)
    attached = cms.ContentInfo.load(good)
    attached["content"]["encap_content_info"]["content"] = b"data"
    for bad_cms in [b"", b"not a cms", good + b"\x00", attached.dump()]:
        with pytest.raises(ValueError):
            finish(prepared, bad_cms)


def test_visible_stamp_looks_like_the_result_seal(source: bytes, pki: Pki, tmp_path: Path) -> None:
    """The head's stamp: QR, label and prepared time in STAMP_BOX, a link, and a valid signature."""
    at = datetime(2026, 3, 12, 15, 4, 5, tzinfo=ALMATY)
    ready = prepare(
        source,
        field_name="HeadSignature",
        stamp=VisibleStamp(verify_url=VERIFY_URL, signer_label=HEAD_LABEL),
        signing_time=at,
    )
    pdf = finish(ready, pki.create_cms(ready.signed_bytes()))
    assert_valid_whole(validate(pdf, pki))
    assert "Signature is Valid" in run_tool("pdfsig", pdf, tmp_path)

    reader = PdfFileReader(io.BytesIO(pdf))
    sig = reader.embedded_signatures[0]
    assert sig.sig_object["/M"] == "D:20260312150405+05'00'"  # the stamp's time is /M
    page = reader.root["/Pages"]["/Kids"][0]
    annots = [a.get_object() for a in page["/Annots"]]
    widget = next(a for a in annots if a.get("/Subtype") == "/Widget")
    assert [round(float(v)) for v in widget["/Rect"]] == list(STAMP_BOX)
    assert widget["/AP"]["/N"].get_object().data  # a non-empty appearance stream
    assert [str(a["/A"]["/URI"]) for a in annots if a.get("/Subtype") == "/Link"] == [VERIFY_URL]

    text = " ".join(run_tool("pdftotext", pdf, tmp_path).split())
    assert "Қол қойды / Подписал" in text
    assert "Сейітқалиев Ғалым Өмірұлы" in text
    assert "12.03.2026 15:04:05 (UTC+5)" in text
    assert _dark_share(pdf, tmp_path) > 0.05 > _dark_share(source, tmp_path)


def _dark_share(pdf: bytes, tmp_path: Path) -> float:
    """Render page 1 at 72 dpi and return the share of dark pixels inside STAMP_BOX."""
    src = tmp_path / f"page-{hashlib.sha1(pdf).hexdigest()[:8]}.pdf"
    src.write_bytes(pdf)
    out = tmp_path / src.stem
    render = [tool("pdftoppm"), "-r", "72", "-gray", "-f", "1", "-l", "1"]
    subprocess.run([*render, str(src), str(out)], check=True)
    raw = next(tmp_path.glob(f"{src.stem}*.pgm")).read_bytes()
    magic, width, height, maxval, pixels = raw.split(maxsplit=4)
    assert magic == b"P5" and int(maxval) == 255
    w, h = int(width), int(height)
    x1, y1, x2, y2 = STAMP_BOX
    top, bottom = round(PAGE_HEIGHT - y2), round(PAGE_HEIGHT - y1)
    box = [pixels[row * w + col] for row in range(top, min(bottom, h)) for col in range(x1, x2)]
    return sum(1 for p in box if p < 128) / len(box)



def test_the_document_is_dated_by_the_portals_clock_and_signing_keeps_its_information() -> None:
    # reportlab reads the machine's clock for /CreationDate and /ModDate by default; pyHanko would rewrite /Info
    with clock.pinned(datetime(2026, 11, 23, 10, 7, 5)):
        pdf = prepare(render_excerpt(_excerpt()), field_name="ApplicantSignature", signer_name=PERSON_CN).pdf
    reader = PdfFileReader(io.BytesIO(pdf))
    info = reader.trailer_view["/Info"]
    assert str(info["/CreationDate"]).startswith("D:20261123100705+05")
    assert str(info["/ModDate"]).startswith("D:20261123100705+05")
    assert str(info["/Title"]).endswith(f"№ {_excerpt().result_number}")  # Cyrillic, as rendered
    assert reader.xrefs.total_revisions == 2  # the rendered document and the signature's update
