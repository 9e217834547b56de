"""The reportlab canvas every portal PDF is drawn on: DejaVu registered once, its subsets cut once per process.

reportlab embeds a subset of each TrueType font in every document, cut from the whole font and compressed
anew each time (about 4 ms of a result's 8). Here each canvas first assigns the letters of the portal's three
languages to fixed codes, so nearly every document asks for the same subset; its bytes are cut and compressed
once per process and reused. A document with a letter outside them gets its own subset, cached as well.
The same goes for what reportlab writes with each subset: its glyph widths (a thousand numbers formatted one
by one, 3 ms of a result) and its ToUnicode map (compressed each time). And a line whose letters all have
codes already is encoded in one step, not letter by letter (1 ms of a result). Laid-out lines are written
as text operators straight away (``TextBlock``), without the text object's per-run bookkeeping.
"""

from __future__ import annotations

import threading
import types
import zlib
from typing import Any, BinaryIO

from reportlab import rl_config
from reportlab.lib.pagesizes import A4
from reportlab.lib.rl_accel import escapePDF, fp_str
from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.ttfonts import FF_NONSYMBOLIC, FF_SYMBOLIC, SUBSETN, TTFont, makeToUnicodeCMap
from reportlab.pdfgen.canvas import Canvas

from portal import clock
from portal.documents.fonts import BOLD_TTF, REGULAR_TTF
from portal.documents.memo import Cache

REGULAR = "PortalDejaVuSans"
BOLD = "PortalDejaVuSans-Bold"
#: the letters given fixed codes in every document: Kazakh, Russian and typographic marks (ASCII always has its own)
SEEDED = (
    "АӘБВГҒДЕЁЖЗИЙКҚЛМНҢОӨПРСТУҰҮФХҺЦЧШЩЪЫІЬЭЮЯ"
    "аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя"
    "«»№–—…‘’“”•·×°"
)
# reportlab's setting for the whole process (it has none per document): page streams go out deflated and
# binary, as PDF allows, not also wrapped in ASCII85 (a quarter larger, encoded and escaped on every document)
rl_config.useA85 = 0

#: distinct subsets kept per process (a subset is about 20 KB compressed)
CACHED_SUBSETS = 32

_lock = threading.Lock()
_widths: dict[str, tuple[dict[int, float], float]] = {}


#: (compressed font file, its length before compression), by font and the code points the subset holds
_subsets = Cache(CACHED_SUBSETS)
#: (the formatted /Widths array, the compressed ToUnicode map), by font, subset name and code points
_subset_tables = Cache(CACHED_SUBSETS)


class _Formatted(pdfdoc.PDFObject):
    """A PDF value formatted once, written as is."""

    def __init__(self, data: bytes) -> None:
        """Keep the formatted bytes."""
        self.data = data

    def format(self, document: Any) -> bytes:
        """Return the bytes (reportlab's PDFObject contract)."""
        return self.data


def packed(face: Any, subset: list[int]) -> tuple[bytes, int]:
    """Return the subset's font file compressed, and its length before compression (cut once per process)."""

    def cut() -> tuple[bytes, int]:
        raw = face.makeSubset(subset)
        return zlib.compress(raw), len(raw)

    return _subsets.get((face.filename, tuple(subset)), cut)


def _embed_cached(face: Any) -> None:
    """Make ``face`` embed its subsets from the cache instead of cutting and compressing them per document."""

    def add_subset_objects(doc: Any, fontname: str, subset: list[int]) -> Any:
        """Add the subset's font file and descriptor: reportlab's TTFontFace.addSubsetObjects, the file cached."""
        font_program, length = packed(face, subset)
        font_file = pdfdoc.PDFStream(content=font_program)
        font_file.dictionary["Length1"] = length
        font_file.dictionary["Filter"] = "/FlateDecode"  # compressed already: reportlab then adds no filter
        font_file_ref = doc.Reference(font_file, f"fontFile:{face.filename}({fontname})")
        descriptor = pdfdoc.PDFDictionary({
            "Type": "/FontDescriptor",
            "Ascent": face.ascent,
            "CapHeight": face.capHeight,
            "Descent": face.descent,
            "Flags": (face.flags & ~FF_NONSYMBOLIC) | FF_SYMBOLIC,
            "FontBBox": pdfdoc.PDFArray(face.bbox),
            "FontName": pdfdoc.PDFName(fontname),
            "ItalicAngle": face.italicAngle,
            "StemV": face.stemV,
            "FontFile2": font_file_ref,
            "MissingWidth": face.defaultWidth,
        })
        return doc.Reference(descriptor, "fontDescriptor:" + fontname)

    face.addSubsetObjects = add_subset_objects


def _tables_cached(font: TTFont) -> None:
    """Make ``font`` add its subsets' widths and ToUnicode maps from the cache: reportlab's TTFont.addObjects."""

    def add_objects(self: TTFont, doc: Any) -> None:
        """Add each subset of this font the document used: its font dictionary, widths, map and descriptor."""
        try:
            state = self.state[doc]
        except KeyError:
            state = self.state[doc] = TTFont.State(self._asciiReadable)
        state.frozen = 1
        for n, subset in enumerate(state.subsets):
            internal_name = self.getSubsetInternalName(n, doc)[1:]
            base_name = b"".join((SUBSETN(n), b"+", self.face.name, self.face.subfontNameX)).decode("pdfdoc")

            def tables() -> tuple[bytes, bytes]:
                widths = pdfdoc.PDFArray([self.face.getCharWidth(code) for code in subset]).format(doc)
                return widths, zlib.compress(makeToUnicodeCMap(base_name, subset).encode("latin-1"))

            widths, cmap = _subset_tables.get((self.face.filename, base_name, tuple(subset)), tables)
            pdf_font = pdfdoc.PDFTrueTypeFont()
            pdf_font.Name, pdf_font.BaseFont = internal_name, base_name
            pdf_font.FirstChar, pdf_font.LastChar = 0, len(subset) - 1
            pdf_font.Widths = _Formatted(widths)
            to_unicode = pdfdoc.PDFStream(content=cmap)
            to_unicode.dictionary["Filter"] = "/FlateDecode"  # compressed already: reportlab then adds no filter
            pdf_font.ToUnicode = doc.Reference(to_unicode, "toUnicodeCMap:" + base_name)
            pdf_font.FontDescriptor = self.face.addSubsetObjects(doc, base_name, subset)
            doc.Reference(pdf_font, internal_name)
            doc.idToObject["BasicFonts"].dict[internal_name] = pdf_font
        del self.state[doc]

    font.addObjects = types.MethodType(add_objects, font)  # type: ignore[method-assign]


def _split_fast(font: TTFont) -> None:
    """Make ``font`` encode a text whose letters all have codes in the first subset at once: TTFont.splitString."""

    def split_string(self: TTFont, text: str, doc: Any, encoding: str = "utf-8") -> list[tuple[int, bytes]]:
        """Return the text's (subset, codes) runs; reportlab's letter-by-letter loop only when a letter is new."""
        state = self.state.get(doc)
        if state is not None and text and isinstance(text, str):
            codes = state.assignments
            try:  # nearly every line of a document: letters of the three languages, seeded in subset 0
                return [(0, bytes([codes[letter] for letter in map(ord, text)]))]
            except (KeyError, ValueError):  # a letter without a code yet, or one in a later subset
                pass
        return TTFont.splitString(self, text, doc, encoding)

    font.splitString = types.MethodType(split_string, font)  # type: ignore[method-assign]


def ensure_fonts() -> None:
    """Register the DejaVu fonts with reportlab once per process."""
    if len(_widths) == 2:
        return
    with _lock:
        if len(_widths) < 2:
            for name, path in ((REGULAR, REGULAR_TTF), (BOLD, BOLD_TTF)):
                font = TTFont(name, str(path), shapable=False)
                _embed_cached(font.face)
                _tables_cached(font)
                _split_fast(font)
                pdfmetrics.registerFont(font)
                _widths[name] = (dict(font.face.charWidths), float(font.face.defaultWidth))


def widths(font: str) -> tuple[dict[int, float], float]:
    """Return the font's glyph advances by code point and its default advance, in thousandths of an em."""
    return _widths[font]


def new_canvas(buf: BinaryIO) -> Canvas:
    """Return an A4 canvas in Kazakh, compressed, with both fonts' codes for the three languages fixed."""
    ensure_fonts()
    canvas = Canvas(buf, pagesize=A4, pageCompression=1, lang="kk-KZ", initialFontName=REGULAR)
    # reportlab dates /CreationDate by the machine's clock; the document is made at the application's "now"
    made = clock.utcnow().astimezone(clock.KZ_TZ).strftime("D:%Y%m%d%H%M%S+05'00'")
    canvas.setDateFormatter(lambda *_machine_time: made)
    for name in (REGULAR, BOLD):
        pdfmetrics.getFont(name).splitString(SEEDED, canvas._doc)
    return canvas


class TextBlock:
    """The operators of one text block (BT ... ET) of laid-out lines, shown on the canvas in one piece.

    What reportlab's text object writes for ``setTextOrigin`` and ``setFont`` + ``textOut``, without its
    per-run work: it measures each run again, to move a cursor the lines here never use, and builds its
    operators one call at a time (a third of a result's rendering).
    """

    def __init__(self, canvas: Canvas) -> None:
        """Start an empty block on ``canvas`` (bottom-up, as every portal canvas is; TrueType fonts only)."""
        if not canvas.bottomup:
            raise ValueError("a text block places its lines on a bottom-up canvas")
        self._canvas = canvas
        self._ops: list[str] = ["BT"]
        self._font: tuple[str, float] = ("", 0.0)

    def line(self, x: float, y: float, runs: list[tuple[str, str]], size: float) -> None:
        """Show ``runs`` of (font, text) from (x, y) at ``size``."""
        ops, doc = self._ops, self._canvas._doc
        ops.append(f"1 0 0 1 {fp_str(x, y)} Tm")
        for font_name, text in runs:
            font = pdfmetrics.getFont(font_name)
            for subset, codes in font.splitString(text, doc):
                face = (font.getSubsetInternalName(subset, doc), size)
                if face != self._font:
                    ops.append(f"{face[0]} {fp_str(size)} Tf")
                    self._font = face
                ops.append(f"({escapePDF(codes)}) Tj")

    def show(self) -> None:
        """Put the block on the canvas (nothing if it holds no line) and start the next one empty."""
        if len(self._ops) > 1:
            self._ops.append("ET")
            self._canvas.addLiteral(" ".join(self._ops))
        self._ops, self._font = ["BT"], ("", 0.0)
