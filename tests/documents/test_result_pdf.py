"""The result PDF: rendering, signing with a QR stamp, and verification (pyHanko and poppler)."""

from __future__ import annotations

import asyncio
import hashlib
import io
import random
import shutil
import subprocess
import threading
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from asn1crypto import cms
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.general import simple_cms_attribute
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from portal import clock
from portal.documents.fonts import stamp_font_bytes, stamp_font_path
from portal.documents.render import PAGE_HEIGHT, STAMP_BOX, ExcerptData, render_excerpt
from portal.documents.result_context import OrderRef
from portal.documents.seal_signer import LoadedKeySigner
from portal.documents.signing import ResultSigner, _dark_runs, qr_modules, wrap_label
from portal.documents.verification import verify_pdf
from portal.pki.ca import IssuedKey, LocalCA
from tests.tools import tool as _tool

KAZAKH_LETTERS = "ӘәҒғҚқҢңӨөҰұҮүҺһІі"
VERIFY_URL = "https://portal.example.kz/verify/R-7K3M9QX2"
LABEL = "«Петропавл қаласының білім бөлімі» КММ"
BIN = "040340001234"


def _pdftotext(pdf: bytes, tmp_path: Path, *args: str) -> str:
    """Extract the text of a PDF with poppler's pdftotext."""
    src = tmp_path / f"in-{hashlib.sha1(pdf).hexdigest()[:8]}.pdf"
    src.write_bytes(pdf)
    done = subprocess.run([_tool("pdftotext"), *args, str(src), "-"], capture_output=True, check=True)
    return done.stdout.decode("utf-8")


def _flat(text: str) -> str:
    """Collapse line breaks and runs of spaces, so wrapped phrases can be searched."""
    return " ".join(text.split())


def _pdfsig(pdf: bytes, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """Run poppler's pdfsig on a PDF."""
    src = tmp_path / f"sig-{hashlib.sha1(pdf).hexdigest()[:8]}.pdf"
    src.write_bytes(pdf)
    return subprocess.run([_tool("pdfsig"), str(src)], capture_output=True, text=True)


#: the department's order the excerpt is from
ORDER = OrderRef(number="31", issued_on=date(2026, 3, 12), excerpt=True,
                 issuer_kk="«Петропавл қаласының білім бөлімі» коммуналдық мемлекеттік мекемесі басшысының",
                 issuer_ru="руководителя КГУ «Отдел образования города Петропавловска»")


def _excerpt(decision: str = "permitted", **changes: object) -> ExcerptData:
    """Return a realistic excerpt for a child in North Kazakhstan."""
    data = ExcerptData(
        result_number="R-7K3M9QX2",
        registration_number="EXT-2026-000012",
        decision=decision,
        provider_name_kk="«Петропавл қаласының білім бөлімі» коммуналдық мемлекеттік мекемесі",
        provider_name_ru="КГУ «Отдел образования города Петропавловска»",
        provider_address="Солтүстік Қазақстан облысы, Петропавл қаласы, Қазақстан Конституциясы көшесі 58",
        applicant_name="Әбдірахманова Гүлнұр Серікқызы",
        applicant_iin="850412400123",
        child_name="Әбдірахманов Нұрсұлтан Қайратұлы",
        child_iin="120305500456",
        child_birth_date=date(2012, 3, 5),
        school="№ 3 жалпы орта білім беретін мектеп",
        grade="8 «Ә»",
        ground_kk="денсаулық жағдайы бойынша (ДКК қорытындысы, 035-1/у нысаны)",
        ground_ru="по состоянию здоровья (заключение ВКК, форма 035-1/у)",
        refusal_grounds="Ұсынылған ДКК қорытындысының мерзімі өткен / Срок действия заключения ВКК истёк"
        if decision == "refused"
        else None,
        head_name="Сейітқалиев Ғалым Өмірұлы",
        issued_on=date(2026, 3, 12),
        order=ORDER if decision == "permitted" else None,
    )
    return replace(data, **changes)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def ca(tmp_path_factory: pytest.TempPathFactory) -> LocalCA:
    """Return a CA in a temporary directory."""
    return LocalCA.load_or_create(tmp_path_factory.mktemp("ca"))


@pytest.fixture(scope="module")
def seal(ca: LocalCA) -> IssuedKey:
    """Return the education department's seal."""
    return ca.provider_key(
        code="petropavl-edu",
        organisation="«Петропавл қаласының білім бөлімі» коммуналдық мемлекеттік мекемесі",
        bin=BIN,
    )


@pytest.fixture(scope="module")
def signer(seal: IssuedKey) -> ResultSigner:
    """Return a signer with the seal loaded."""
    return ResultSigner(seal)


@pytest.fixture(scope="module")
def signed(signer: ResultSigner) -> bytes:
    """Return a signed permission excerpt."""
    return signer.sign(render_excerpt(_excerpt()), verify_url=VERIFY_URL, signer_label=LABEL)


def _tampered_by_increment(pdf: bytes) -> bytes:
    """Append an incremental update that paints over page 0."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    stream = generic.StreamObject(stream_data=b"q 1 0 0 rg 60 600 300 80 re f Q")
    writer.add_stream_to_page(0, writer.add_object(stream))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _signed_range_offset(pdf: bytes) -> int:
    """Return an offset in the middle of the first signed byte range."""
    sig = PdfFileReader(io.BytesIO(pdf)).embedded_signatures[0]
    start, length = int(sig.byte_range[0]), int(sig.byte_range[1])
    return start + length // 2


# --- rendering ---------------------------------------------------------------


def test_permission_excerpt_text_in_both_languages(tmp_path: Path) -> None:
    """The excerpt is extractable text: Kazakh first, then Russian, with the child's data."""
    text = _flat(_pdftotext(render_excerpt(_excerpt()), tmp_path))
    assert "Әбдірахманов Нұрсұлтан Қайратұлы" in text
    assert "120305500456" in text and "05.03.2012" in text
    assert "R-7K3M9QX2" in text and "EXT-2026-000012" in text
    assert "БҰЙРЫҚТАН ҮЗІНДІ" in text and "ВЫПИСКА ИЗ ПРИКАЗА" in text
    assert text.index("БҰЙРЫҚТАН ҮЗІНДІ") < text.index("ВЫПИСКА ИЗ ПРИКАЗА")
    assert "рұқсат берілсін" in text and "Разрешить обучение в форме экстерната" in text
    assert "Сейітқалиев Ғалым Өмірұлы" in text
    assert "ОТКАЗ" not in text
    # whose order it is an excerpt from, with its number and date
    assert ("«Петропавл қаласының білім бөлімі» коммуналдық мемлекеттік мекемесі басшысының "
            "12.03.2026 жылғы № 31 бұйрығынан") in text
    assert "ВЫПИСКА ИЗ ПРИКАЗА руководителя КГУ «Отдел образования города Петропавловска» № 31 от 12.03.2026" in text


def test_an_excerpt_needs_its_order_and_a_refusal_has_none(tmp_path: Path) -> None:
    """An excerpt from no registered order is refused; a refusal prints no order number."""
    with pytest.raises(ValueError, match="order"):
        _excerpt(order=None)
    text = _flat(_pdftotext(render_excerpt(_excerpt("refused")), tmp_path))
    assert "№ 31" not in text and "бұйрығынан" not in text


def test_every_kazakh_letter_survives_extraction(tmp_path: Path) -> None:
    """All the letters specific to Kazakh are embedded and extractable."""
    data = _excerpt(ground_kk=f"тексеру: {' '.join(KAZAKH_LETTERS)}")
    text = _pdftotext(render_excerpt(data), tmp_path)
    for letter in KAZAKH_LETTERS:
        assert letter in text, letter


def test_refusal_is_a_reasoned_refusal(tmp_path: Path) -> None:
    """A refusal states its grounds in both languages and grants nothing."""
    data = _excerpt("refused", refusal_grounds="Ұсынылған құжаттар толық емес / Пакет документов неполный")
    text = _flat(_pdftotext(render_excerpt(data), tmp_path))
    assert "ДӘЛЕЛДІ БАС ТАРТУ" in text and "МОТИВИРОВАННЫЙ ОТКАЗ" in text
    assert text.count("Пакет документов неполный") == 2
    assert "Бас тарту негіздері" in text and "Основания отказа" in text
    assert "Әбдірахманов Нұрсұлтан Қайратұлы" in text
    assert "ВЫПИСКА ИЗ ПРИКАЗА" not in text and "Разрешить обучение" not in text


def test_refusal_without_grounds_or_unknown_decision_is_rejected() -> None:
    """The form cannot print a refusal without grounds, or an unknown decision."""
    with pytest.raises(ValueError):
        _excerpt("refused", refusal_grounds="  ")
    with pytest.raises(ValueError):
        _excerpt("maybe")


def _stamp_box_text(pdf: bytes, tmp_path: Path) -> str:
    """Return the page-0 text inside STAMP_BOX (pdftotext crops in top-left 72-dpi pixels)."""
    x1, y1, x2, y2 = STAMP_BOX
    crop = ["-f", "1", "-l", "1", "-x", str(int(x1)), "-y", str(int(PAGE_HEIGHT - y2))]
    crop += ["-W", str(int(x2 - x1)), "-H", str(int(y2 - y1))]
    return _pdftotext(pdf, tmp_path, *crop)


def test_stamp_box_is_left_empty_even_for_long_text(tmp_path: Path) -> None:
    """Nothing is printed where the stamp goes, even when the text needs a second page."""
    long_grounds = " ".join(["Өтініш берушінің деректері талаптарға сәйкес келмейді."] * 60)
    for data in (_excerpt(), _excerpt("refused", refusal_grounds=long_grounds)):
        pdf = render_excerpt(data)
        assert _stamp_box_text(pdf, tmp_path).strip() == ""
    long_pdf = render_excerpt(_excerpt("refused", refusal_grounds=long_grounds))
    assert len(PdfFileReader(io.BytesIO(long_pdf)).root["/Pages"]["/Kids"]) >= 2
    assert _flat(_pdftotext(long_pdf, tmp_path)).count("талаптарға сәйкес келмейді") == 120


def test_stamp_font_is_a_1000_upem_subset_with_kazakh_letters(tmp_path: Path) -> None:
    """The stamp font is small, rescaled to 1000 units per em, and cached on disk when asked."""
    from fontTools.ttLib import TTFont

    path = stamp_font_path(tmp_path)
    assert path.parent == tmp_path and path.read_bytes() == stamp_font_bytes()
    font = TTFont(str(path))
    assert font["head"].unitsPerEm == 1000
    cmap = font.getBestCmap()
    assert all(ord(c) in cmap for c in KAZAKH_LETTERS + "№«»–АЯаяAZaz09")
    assert len(path.read_bytes()) < 100_000


# --- signing -----------------------------------------------------------------


def test_signed_excerpt_is_intact_and_trusted(signed: bytes, ca: LocalCA) -> None:
    """Our verifier says the fresh signature is intact, trusted and by the department."""
    verdict = verify_pdf(signed, ca.trust_roots_pem())
    assert verdict.problem is None
    assert verdict.signed and verdict.intact and verdict.trusted
    assert verdict.signer_organisation == "«Петропавл қаласының білім бөлімі» коммуналдық мемлекеттік мекемесі"
    assert verdict.signer_name and verdict.signer_name.startswith("«Петропавл")
    assert verdict.signer_bin == BIN
    assert verdict.sha256 == hashlib.sha256(signed).hexdigest()
    assert verdict.signed_at is not None and verdict.signed_at.utcoffset() is not None
    assert abs(clock.utcnow() - verdict.signed_at) < timedelta(minutes=5)


def test_pyhanko_validator_agrees(signed: bytes, ca: LocalCA) -> None:
    """pyHanko's own validator, with only our root trusted, reports a clean signature."""
    from asn1crypto import x509 as asn1_x509
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding

    root = asn1_x509.Certificate.load(x509.load_pem_x509_certificate(ca.root_cert_pem).public_bytes(Encoding.DER))
    sig = PdfFileReader(io.BytesIO(signed)).embedded_signatures[0]
    status = validate_pdf_signature(sig, ValidationContext(trust_roots=[root], allow_fetching=False, moment=clock.utcnow()))
    assert status.intact and status.valid and status.trusted and status.bottom_line
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert sig.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert status.md_algorithm == "sha256"


def test_pdfsig_reports_valid_and_totally_signed(signed: bytes, tmp_path: Path) -> None:
    """poppler's pdfsig: exit code 0, valid signature, whole document signed."""
    done = _pdfsig(signed, tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Signature is Valid." in done.stdout
    assert "Total document signed" in done.stdout
    assert "Not total document signed" not in done.stdout


def test_stamp_shows_signer_time_and_links_the_verify_url(signed: bytes, tmp_path: Path) -> None:
    """The visible stamp carries the bilingual words, the signer, the time and the QR link."""
    text = _flat(_pdftotext(signed, tmp_path))
    assert "Қол қойды / Подписал" in text
    assert LABEL in text
    assert "Уақыты / Время:" in text and "(UTC+" in text
    page = PdfFileReader(io.BytesIO(signed)).root["/Pages"]["/Kids"][0]
    uris = [
        str(annot["/A"]["/URI"])
        for annot in (a.get_object() for a in page["/Annots"])
        if annot.get("/Subtype") == "/Link"
    ]
    assert uris == [VERIFY_URL]
    widget = next(a.get_object() for a in page["/Annots"] if a.get_object().get("/Subtype") == "/Widget")
    assert [round(float(v)) for v in widget["/Rect"]] == [round(v) for v in STAMP_BOX]


def test_qr_code_decodes_to_the_verify_url(signed: bytes, tmp_path: Path) -> None:
    """The fixed-mask QR code scans (checked with zbarimg when it is installed)."""
    zbarimg = _tool("zbarimg")
    src = tmp_path / "qr.pdf"
    src.write_bytes(signed)
    pdftoppm = [_tool("pdftoppm"), "-r", "200", "-png", "-f", "1", "-l", "1"]
    subprocess.run([*pdftoppm, str(src), str(tmp_path / "qr")], check=True)
    png = next(tmp_path.glob("qr*.png"))
    done = subprocess.run([zbarimg, "-q", "--raw", str(png)], capture_output=True, text=True)
    assert VERIFY_URL in done.stdout.splitlines()


def test_the_qr_runs_paint_exactly_the_dark_modules() -> None:
    """One rectangle per run of dark modules covers the same cells as one per module, in fewer operators."""
    modules = qr_modules(VERIFY_URL)
    assert len(modules) in range(21, 178, 4) and all(len(row) == len(modules) for row in modules)  # a QR's sizes
    painted = set()
    runs = _dark_runs(modules)
    for op in runs:
        col, row, width, height = (int(v) for v in op.split()[:4])
        assert height == 1 and op.endswith(b" re")
        painted |= {(row, c) for c in range(col, col + width)}
    dark = {(r, c) for r, cells in enumerate(modules) for c, on in enumerate(cells) if on}
    assert painted == dark
    assert len(runs) < 0.6 * len(dark)
    assert _dark_runs([bytes([1, 0, 1, 1]), bytes(4)]) == [b"0 0 1 1 re", b"2 0 2 1 re"]


def test_fast_signed_attributes_equal_pyhankos(seal: IssuedKey) -> None:
    """The pre-encoded signed attributes are byte-for-byte what pyHanko would build."""
    fast = LoadedKeySigner(seal)
    stock = signers.SimpleSigner(
        signing_cert=fast.signing_cert, signing_key=fast.signing_key, cert_registry=fast.cert_registry
    )
    settings = PdfCMSSignedAttributes(signing_time=clock.utcnow())

    async def both(algorithm: str) -> tuple[bytes, bytes]:
        digest = hashlib.new(algorithm, b"document").digest()
        ours = await fast.signed_attrs(digest, algorithm, attr_settings=settings, use_pades=True)
        theirs = await stock.signed_attrs(digest, algorithm, attr_settings=settings, use_pades=True)
        return ours.dump(), theirs.dump()

    for algorithm in ("sha256", "sha512"):  # pre-encoded for SHA-256; any other digest is pyHanko's own
        ours, theirs = asyncio.run(both(algorithm))
        assert ours == theirs


def test_pre_encoded_signed_data_equals_pyhankos(seal: IssuedKey) -> None:
    """The SignedData assembled around pre-encoded parts is pyHanko's, with and without unsigned attributes."""
    fast = LoadedKeySigner(seal)
    attrs = cms.CMSAttributes([simple_cms_attribute("content_type", "data")])
    token = cms.CMSAttributes([simple_cms_attribute("signing_time", cms.Time({"utc_time": clock.utcnow()}))])

    def package(signer_class: type, signature: bytes, unsigned: cms.CMSAttributes | None) -> cms.ContentInfo:
        return signer_class._package_signature(
            fast, digest_algorithm="sha256", cms_version="v1", signed_attrs=attrs, signature=signature,
            unsigned_attrs=unsigned, encap_content_info={"content_type": "data"})

    def parts(info: cms.ContentInfo) -> tuple[object, ...]:
        data = cms.ContentInfo.load(info.dump())["content"]  # re-read from the DER, as a verifier would
        certificates = sorted(c.dump() for c in data["certificates"])  # pyHanko's come from a set
        return (info["content_type"].dump(), certificates,
                *(data[k].dump() for k in ("version", "digest_algorithms", "encap_content_info", "signer_infos")))

    package(LoadedKeySigner, b"\x01" * 256, None)  # the first signature keeps the parts
    for signature, unsigned in ((b"\x02" * 256, None), (b"\x03" * 256, token)):
        ours = package(LoadedKeySigner, signature, unsigned)
        theirs = package(signers.SimpleSigner, signature, unsigned)
        assert parts(ours) == parts(theirs)
        assert len(ours.dump()) == len(theirs.dump())
        assert ours["content"]["signer_infos"][0]["signature"].native == signature
    assert len(fast._heads) == 1
    stock = signers.SimpleSigner(
        signing_cert=fast.signing_cert, signing_key=fast.signing_key, cert_registry=fast.cert_registry)
    for digest in ("sha256", "sha512", None):  # kept once, and what pyHanko builds
        assert fast.get_signature_mechanism_for_digest(digest) is fast.get_signature_mechanism_for_digest(digest)
        assert fast.get_signature_mechanism_for_digest(digest).dump() == stock.get_signature_mechanism_for_digest(digest).dump()


def test_names_are_written_as_pyhanko_writes_them() -> None:
    """Plain names go out in one call, escaped ones by pyHanko's own loop: the bytes are the same."""
    from portal.documents import signing

    names = ["/", "/Type", "/Sig", "/Adobe.PPKLite", "/ETSI.CAdES.detached", "/F1+0", "/A;B", "/~x!",
             "/A#B", "/A B", "/Ä", "/a(b", "/x/y", "/tab\there", "/Ж", "/a%b", "/\x7f", "/{c}"]
    for name in names:
        fast, slow = io.BytesIO(), io.BytesIO()
        signing._write_name(generic.NameObject(name), fast)
        signing._write_name_by_bytes(generic.NameObject(name), slow)
        assert fast.getvalue() == slow.getvalue(), name
    assert generic.NameObject.write_to_stream is signing._write_name
    with pytest.raises(Exception):
        signing._write_name(generic.NameObject("Type"), io.BytesIO())


def test_signer_label_is_wrapped_for_the_stamp() -> None:
    """Long labels wrap into at most three lines; short ones stay as they are."""
    assert wrap_label("ТОО «Ромашка»") == "ТОО «Ромашка»"
    wrapped = wrap_label(" ".join(["Солтүстік Қазақстан облысы әкімдігінің"] * 6))
    assert len(wrapped.splitlines()) == 3 and wrapped.endswith("…")
    assert wrap_label("100% «сапа»") == "100% «сапа»"


def test_one_signer_serves_several_threads(signer: ResultSigner, ca: LocalCA) -> None:
    """Signing from several threads at once yields valid, distinct documents."""
    pdfs = [render_excerpt(_excerpt(result_number=f"R-THREAD{i}")) for i in range(6)]
    results: dict[int, bytes] = {}
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            results[i] = signer.sign(pdfs[i], verify_url=f"{VERIFY_URL}?n={i}", signer_label=LABEL)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(pdfs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    for i, pdf in results.items():
        verdict = verify_pdf(pdf, ca.trust_roots_pem())
        assert verdict.problem is None, (i, verdict)


# --- tampering and bad input -------------------------------------------------


def test_flipped_byte_in_signed_range_is_modified(signed: bytes, ca: LocalCA, tmp_path: Path) -> None:
    """Changing one byte that the signature covers is detected by us and by pdfsig."""
    data = bytearray(signed)
    data[_signed_range_offset(signed)] ^= 0x01
    tampered = bytes(data)
    verdict = verify_pdf(tampered, ca.trust_roots_pem())
    assert verdict.signed and not verdict.intact
    assert verdict.problem == "modified"
    done = _pdfsig(tampered, tmp_path)
    assert "Signature is Valid." not in done.stdout
    assert "Digest Mismatch" in done.stdout or "Signature is Invalid" in done.stdout


def test_incremental_update_is_modified(signed: bytes, ca: LocalCA, tmp_path: Path) -> None:
    """Content added by an incremental update after signing is detected by us and by pdfsig."""
    tampered = _tampered_by_increment(signed)
    verdict = verify_pdf(tampered, ca.trust_roots_pem())
    assert verdict.signed and not verdict.intact
    assert verdict.problem == "modified"
    done = _pdfsig(tampered, tmp_path)
    assert "Not total document signed" in done.stdout
    assert "Total document signed" not in done.stdout.replace("Not total document signed", "")


def test_other_root_is_untrusted(signed: bytes, tmp_path: Path) -> None:
    """A signature from a CA the verifier does not trust is intact but untrusted."""
    stranger = LocalCA.load_or_create(tmp_path / "stranger")
    verdict = verify_pdf(signed, stranger.trust_roots_pem())
    assert verdict.intact and not verdict.trusted
    assert verdict.problem == "untrusted"


def test_unsigned_pdf_is_unsigned(ca: LocalCA) -> None:
    """A PDF with no signature says so."""
    verdict = verify_pdf(render_excerpt(_excerpt()), ca.trust_roots_pem())
    assert verdict.problem == "unsigned"
    assert not verdict.signed and not verdict.intact and not verdict.trusted
    assert verdict.signer_name is None


@pytest.mark.parametrize("garbage", [b"", b"hello", bytes(random.Random(7).randbytes(5000)), b"%PDF-1.7\n garbage"])
def test_garbage_is_not_pdf(garbage: bytes, ca: LocalCA) -> None:
    """Random bytes and broken files are reported as not_pdf, never raised."""
    verdict = verify_pdf(garbage, ca.trust_roots_pem())
    assert verdict.problem == "not_pdf"
    assert verdict.sha256 == hashlib.sha256(garbage).hexdigest()


def test_truncated_signed_pdf_is_never_accepted(signed: bytes, ca: LocalCA) -> None:
    """A signed file cut short is rejected with some problem, without raising."""
    for cut in (len(signed) // 3, len(signed) - 40):
        verdict = verify_pdf(signed[:cut], ca.trust_roots_pem())
        assert verdict.problem is not None and not verdict.intact
