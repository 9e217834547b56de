"""The reportlab canvas every portal PDF is drawn on: DejaVu registered once, its subsets cut once per process.

reportlab embeds a subset of each TrueType font in every document, cut from the whole font and compressed
anew each time (about 4 ms of a result's 8). Here each canvas first assigns the letters of the portal's three
languages to fixed codes, so nearly every document asks for the same subset; its bytes are cut and compressed
once per process and reused. A document with a letter outside them gets its own subset, cached as well.
"""

from __future__ import annotations

import threading
import zlib
from collections import OrderedDict
from typing import Any, BinaryIO

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.ttfonts import FF_NONSYMBOLIC, FF_SYMBOLIC, TTFont
from reportlab.pdfgen.canvas import Canvas

from portal import clock
from portal.documents.fonts import BOLD_TTF, REGULAR_TTF

REGULAR = "PortalDejaVuSans"
BOLD = "PortalDejaVuSans-Bold"
#: the letters given fixed codes in every document: Kazakh, Russian and typographic marks (ASCII always has its own)
SEEDED = (
    "АӘБВГҒДЕЁЖЗИЙКҚЛМНҢОӨПРСТУҰҮФХҺЦЧШЩЪЫІЬЭЮЯ"
    "аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя"
    "«»№–—…‘’“”•·×°"
)
#: distinct subsets kept per process (a subset is about 20 KB compressed)
CACHED_SUBSETS = 32

_lock = threading.Lock()
_widths: dict[str, tuple[dict[int, float], float]] = {}


class _SubsetCache:
    """Cut and compressed font subsets, by font and the code points they hold (least recently used dropped)."""

    def __init__(self) -> None:
        """Start empty."""
        self._entries: OrderedDict[tuple[str, tuple[int, ...]], tuple[bytes, int]] = OrderedDict()
        self._lock = threading.Lock()

    def packed(self, face: Any, subset: list[int]) -> tuple[bytes, int]:
        """Return the subset's font file compressed, and its length before compression."""
        key = (face.filename, tuple(subset))
        with self._lock:  # held while cutting: the face reads its file through one shared position
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
            raw = face.makeSubset(subset)
            entry = self._entries[key] = zlib.compress(raw), len(raw)
            while len(self._entries) > CACHED_SUBSETS:
                self._entries.popitem(last=False)
        return entry


_subsets = _SubsetCache()


def _embed_cached(face: Any) -> None:
    """Make ``face`` embed its subsets from the cache instead of cutting and compressing them per document."""

    def add_subset_objects(doc: Any, fontname: str, subset: list[int]) -> Any:
        """Add the subset's font file and descriptor: reportlab's TTFontFace.addSubsetObjects, the file cached."""
        packed, length = _subsets.packed(face, subset)
        font_file = pdfdoc.PDFStream(content=packed)
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


def ensure_fonts() -> None:
    """Register the DejaVu fonts with reportlab once per process."""
    if len(_widths) == 2:
        return
    with _lock:
        if len(_widths) < 2:
            for name, path in ((REGULAR, REGULAR_TTF), (BOLD, BOLD_TTF)):
                font = TTFont(name, str(path), shapable=False)
                _embed_cached(font.face)
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
