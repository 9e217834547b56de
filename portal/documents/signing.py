"""Fast server-side signing of result PDFs with a visible QR stamp (pyHanko 0.38).

Compared with pyHanko's stock path (``SimpleSigner.load`` + ``sign_pdf``), this
module removes the per-signature costs that do not depend on the document:

* the seal's key and certificates are loaded once (``seal_signer.LoadedKeySigner``);
* ``bytes_reserved`` is computed once from the certificate sizes, so pyHanko
  does not build a dummy CMS to estimate the size;
* the stamp font is the pre-built DejaVu subset from ``fonts.py`` (1000 units
  per em), parsed once per process and embedded without re-subsetting;
* the CMS is assembled from pre-encoded parts (``seal_signer``);
* PDF names without escapes are written in one call, not a byte at a time, and
  the page tree is walked once per signature, not once per question about page 0;
* the QR code is encoded by zxing-cpp (C++) instead of qrcode (pure Python), and drawn as runs of modules;
* the event loop is a bare one (``asyncio.run`` swaps the SIGINT handler at a cost).

A ``ResultSigner`` holds no per-call state, so one instance may serve many
threads; the work is CPU-bound Python, so threads do not sign in parallel
(gunicorn worker processes do).
"""

from __future__ import annotations

import asyncio
import io
import re
import zoneinfo
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable, Coroutine

import zxingcpp
from asn1crypto import tsp
from pyhanko.pdf_utils import generic, layout
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import is_regular_character
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes
from pyhanko.stamp import QRStampStyle
from pyhanko.sign.timestamps import TimeStamper
from pyhanko.stamp.qr import QRStamp

from portal import dates
from portal import clock
from portal.documents.fonts import stamp_font_factory
from portal.documents.render import STAMP_BOX
from portal.documents.seal_signer import LoadedKeySigner
from portal.pki.ca import IssuedKey
from portal.pki.tsa import TimeStampAuthority

FIELD_NAME = "ResultSignature"
#: pyHanko's QR geometry (qrcode's defaults): a quiet zone of 4 modules, 10 units to a module
QR_BORDER, QR_BOX = 4, 10
_DARK = bytes([1] + [0] * 255)
_RUN = re.compile(rb"\x01+")
#: a PDF name that pyHanko writes as it is: a slash, then only regular printable characters other than #
_PLAIN_NAME = re.compile(rb"/[" + re.escape(bytes(
    b for b in range(0x21, 0x7F) if b != 0x23 and is_regular_character(b))) + rb"]*")
STAMP_FONT_SIZE = 8
LABEL_LINE_CHARS = 42
LABEL_MAX_LINES = 3
#: the reason a result's signature states
RESULT_REASON = "Мемлекеттік қызмет нәтижесі / Результат государственной услуги"

try:
    SIGNING_TZ: Any = zoneinfo.ZoneInfo("Asia/Almaty")
except zoneinfo.ZoneInfoNotFoundError:  # pragma: no cover - tzdata missing
    SIGNING_TZ = timezone(timedelta(hours=5))

STAMP_TEXT = (
    "ЭЦҚ-мен қол қойылған / Подписано ЭЦП\n"
    "Қол қойды / Подписал:\n"
    "%(label)s\n"
    "Уақыты / Время: %(when)s"
)


class _FastQRStamp(QRStamp):
    """A QR stamp whose code zxing-cpp encodes (pyHanko's qrcode does it in pure Python, 1.4 ms a code)."""

    def _qr_xobject(self):  # type: ignore[no-untyped-def]
        """Build the QR form XObject; mirrors pyHanko 0.38's QRStamp._qr_xobject, with its geometry."""
        from pyhanko.pdf_utils.qr import PdfStreamQRImage
        from pyhanko.pdf_utils.writer import init_xobject_dictionary

        modules = qr_modules(self.url)
        size = len(modules)
        img = PdfStreamQRImage(QR_BORDER, size, QR_BOX, qrcode_modules=modules)  # its coordinates; nothing drawn
        # one rectangle per run of dark modules in a row: the same picture in half the operators, without pyHanko's
        # image, which records and formats each module one call at a time
        command_stream = b"\n".join([img.setup_drawing_area(), *_dark_runs(modules), b"f"])
        bbox_size = (size + 2 * QR_BORDER) * QR_BOX
        qr_xobj = init_xobject_dictionary(command_stream, bbox_size, bbox_size)
        qr_xobj.compress()
        assert self.writer is not None
        return self.writer.add_object(qr_xobj), bbox_size


def qr_modules(text: str) -> list[bytes]:
    """Return the QR code (error correction level M) of ``text`` as rows of modules, 1 for dark, 0 for light."""
    image = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    pixels = memoryview(image.to_image(scale=1, add_quiet_zones=False))  # one byte a module, 0 for dark
    rows, cols = pixels.shape
    dark = bytes(pixels).translate(_DARK)
    return [dark[r * cols:(r + 1) * cols] for r in range(rows)]


def _dark_runs(modules: list[bytes]) -> list[bytes]:
    """Return a ``re`` operator (column, row, width, 1) for each horizontal run of dark modules."""
    return [b"%d %d %d 1 re" % (run.start(), row, run.end() - run.start())
            for row, cells in enumerate(modules) for run in _RUN.finditer(cells)]


class _FastQRStampStyle(QRStampStyle):
    """QRStampStyle that creates ``_FastQRStamp`` stamps."""

    def create_stamp(self, writer, box, text_params):  # type: ignore[no-untyped-def]
        """Create the stamp (same contract as QRStampStyle.create_stamp)."""
        try:
            url = text_params.pop("url")
        except KeyError:
            raise layout.LayoutError("Using a QR stamp style requires a 'url' text parameter.") from None
        return _FastQRStamp(writer, style=self, url=url, text_params=text_params, box=box)


def stamp_style(font: Any, *, fast_qr: bool = True) -> QRStampStyle:
    """Return the QR stamp style used on result documents."""
    cls = _FastQRStampStyle if fast_qr else QRStampStyle
    return cls(
        stamp_text=STAMP_TEXT,
        text_box_style=TextBoxStyle(font=font, font_size=STAMP_FONT_SIZE, leading=STAMP_FONT_SIZE + 3),
        border_width=1,
        innsep=4,
    )


def wrap_label(label: str, width: int = LABEL_LINE_CHARS, max_lines: int = LABEL_MAX_LINES) -> str:
    """Wrap the signer label into at most ``max_lines`` lines for the stamp."""
    lines: list[str] = []
    current = ""
    for word in " ".join(label.split()).split(" "):
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    lines.append(current)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: width - 1].rstrip() + "…"
    return "\n".join(lines)


def format_signing_time(moment: datetime) -> str:
    """Format a signing time for the stamp, with its UTC offset."""
    offset = moment.utcoffset() or timedelta(0)
    hours, rem = divmod(int(offset.total_seconds()), 3600)
    suffix = f"UTC{hours:+d}" + (f":{rem // 60:02d}" if rem else "")
    return f"{dates.second(moment)} ({suffix})"


class PortalTimeStamper(TimeStamper):
    """pyHanko's RFC 3161 client, answered in-process by the portal's own TSA (no HTTP round trip)."""

    def __init__(self, tsa: Callable[[], TimeStampAuthority]) -> None:
        """Ask ``tsa()`` for the authority each time: the CA renews the TSA certificate when due."""
        super().__init__(include_nonce=True)
        self._tsa = tsa

    async def async_request_tsa_response(self, req: tsp.TimeStampReq) -> tsp.TimeStampResp:
        """Answer the request exactly as POST /pki/tsa would."""
        return tsp.TimeStampResp.load(self._tsa().respond(req.dump()))


class ResultSigner:
    """Sign result PDFs with one organisation seal; safe to share between threads."""

    def __init__(self, key: IssuedKey, *, font_cache_dir: Path | None = None,
                 timestamper: TimeStamper | None = None, reason: str = RESULT_REASON) -> None:
        """Load the private key, certificates and stamp font once (font cached in ``font_cache_dir``).

        With a ``timestamper`` every signature carries its RFC 3161 signature timestamp; ``reason`` is the
        signature's stated reason (a receipt of refusal is no result).
        """
        self._signer = LoadedKeySigner(key)
        self._timestamper = timestamper
        # hex-encoded CMS: twice the DER size; DER = certificates + ~1.2 KB + slack (+ the timestamp token,
        # added on the first signature, when its size is known)
        self.bytes_reserved = 2 * (self._signer.cms_size + 2048)
        self._token_room: int | None = None if timestamper else 0
        self._style = stamp_style(stamp_font_factory(STAMP_FONT_SIZE, font_cache_dir))
        self._meta = signers.PdfSignatureMetadata(
            field_name=FIELD_NAME,
            md_algorithm="sha256",
            subfilter=SigSeedSubFilter.PADES,
            location="Kazakhstan",
            reason=reason,
        )
        self._field = fields.SigFieldSpec(FIELD_NAME, on_page=0, box=STAMP_BOX)

    def sign(self, pdf: bytes, *, verify_url: str, signer_label: str) -> bytes:
        """Sign ``pdf`` and stamp it with a QR code pointing at ``verify_url``."""
        return _run(self.async_sign(pdf, verify_url=verify_url, signer_label=signer_label))

    async def async_sign(self, pdf: bytes, *, verify_url: str, signer_label: str) -> bytes:
        """Sign ``pdf`` (coroutine form, for callers already inside an event loop)."""
        if self._token_room is None and self._timestamper is not None:
            # one dummy token measures it (pyHanko caches the dummy for its own estimates too)
            self._token_room = 2 * len((await self._timestamper.async_dummy_response("sha256")).dump())
        # one clock reading for the stamp text, the /M entry and the CMS
        now = clock.utcnow().astimezone(SIGNING_TZ).replace(microsecond=0)
        writer = SigningWriter(pdf)
        pdf_signer = signers.PdfSigner(
            self._meta, signer=self._signer, stamp_style=self._style, new_field_spec=self._field,
            timestamper=self._timestamper,
        )
        add_stamp_link(writer, verify_url)
        session = pdf_signer.init_signing_session(writer)
        session.system_time = now
        validation_info = await session.perform_presign_validation(writer)  # None: no context
        tbs = session.prepare_tbs_document(
            validation_info=validation_info,
            bytes_reserved=self.bytes_reserved + (self._token_room or 0),
            appearance_text_params={
                "url": verify_url,
                "label": wrap_label(signer_label),
                "when": format_signing_time(now),
            },
        )
        output = io.BytesIO()
        prepared, _ = tbs.digest_tbs_document(output=output)
        post = await tbs.perform_signature(
            document_digest=prepared.document_digest,
            pdf_cms_signed_attrs=PdfCMSSignedAttributes(signing_time=now),
        )
        await post.post_signature_processing(output)
        return output.getvalue()


class SigningWriter(IncrementalPdfFileWriter):
    """pyHanko's incremental writer, leaving the document's information dictionary as the portal rendered it.

    pyHanko rewrites /Info on every update (its /ModDate by the machine's clock, its /Producer), reading and
    writing each of the document's Cyrillic strings a byte at a time: a sixth of a signature. The portal signs
    only documents it rendered a moment before, dated by the same application clock, so their dates stand.
    """

    def __init__(self, pdf: bytes) -> None:
        """Open ``pdf`` for an incremental update."""
        super().__init__(io.BytesIO(pdf))

    def _update_meta(self) -> None:
        """Leave /Info as it is (pyHanko's writer calls this just before writing)."""

    def find_page_for_modification(self, page_ix: int) -> tuple[Any, Any]:
        """Walk the page tree once per page: the stamp's link, the field and its widget each ask for page 0."""
        pages: dict[int, tuple[Any, Any]] = self.__dict__.setdefault("_found_pages", {})
        if page_ix not in pages:
            pages[page_ix] = super().find_page_for_modification(page_ix)
        return pages[page_ix]


def add_stamp_link(
    writer: IncrementalPdfFileWriter, url: str, box: tuple[int, int, int, int] = STAMP_BOX
) -> None:
    """Make the stamp area clickable (pyHanko adds QR links only to page stamps)."""
    page_ref, _resources = writer.find_page_for_modification(0)
    annot = generic.DictionaryObject(
        {
            generic.NameObject("/Type"): generic.NameObject("/Annot"),
            generic.NameObject("/Subtype"): generic.NameObject("/Link"),
            generic.NameObject("/Rect"): generic.ArrayObject([generic.FloatObject(v) for v in box]),
            generic.NameObject("/Border"): generic.ArrayObject([generic.NumberObject(0)] * 3),
            generic.NameObject("/A"): generic.DictionaryObject(
                {
                    generic.NameObject("/S"): generic.NameObject("/URI"),
                    generic.NameObject("/URI"): generic.pdf_string(url),
                }
            ),
        }
    )
    writer.register_annotation(page_ref, writer.add_object(annot))


def _run(coroutine: Coroutine[Any, Any, bytes]) -> bytes:
    """Run the coroutine on a loop of its own, closed after it.

    Not ``asyncio.run``: on the main thread it swaps the SIGINT handler, and putting the old one back formats
    the whole pending task in a failed enum lookup (0.6 ms a signature, most of it repr).
    """
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(coroutine)
    finally:
        loop.close()


def _write_name(self: generic.NameObject, stream: Any, handler: Any = None, container_ref: Any = None) -> None:
    """Write a PDF name as pyHanko does; in one call when none of its bytes needs a #-escape.

    pyHanko writes every name a byte at a time, about 140 names a signature (a tenth of it). The bytes are
    the same: a test writes every name pyHanko knows, and names that need escapes, both ways.
    """
    data = self.encode("utf8")
    if _PLAIN_NAME.fullmatch(data) is None:
        _write_name_by_bytes(self, stream, handler, container_ref)
    else:
        stream.write(data)


_write_name_by_bytes = generic.NameObject.write_to_stream
generic.NameObject.write_to_stream = _write_name  # type: ignore[method-assign]
