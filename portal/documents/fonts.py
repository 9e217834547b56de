"""Fonts for result documents and for the signature stamp.

pyHanko stamps need an embedded TrueType font (the standard Courier has no
Cyrillic). DejaVu Sans has every Kazakh letter but is 700 KB with 2048 units
per em, which pyHanko re-parses on every signature and renders letter-spaced.
So the stamp gets a pre-built subset: Basic Latin, Latin-1 punctuation,
Cyrillic U+0400-U+04FF (all Kazakh letters), a few typographic signs, rescaled
to 1000 units per em. It is built once per process and optionally cached on
disk (keyed by a hash of the source font and of the recipe).

``stamp_font_factory`` goes one step further for signing: a
``GlyphAccumulatorFactory`` subclass whose engines share one parsed copy of
that font and embed it whole, instead of re-parsing and re-subsetting it on
every signature as pyHanko's stock engine does. Its widths are written once for every glyph, and
its ToUnicode map is kept per set of characters a stamp shows.
"""

from __future__ import annotations

import hashlib
import inspect
import io
import os
import tempfile
import threading
import zlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import uharfbuzz as hb
from fontTools import subset
from fontTools.ttLib import TTFont
from fontTools.ttLib.scaleUpem import scale_upem
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.font.api import FontEngine, ShapeResult
from pyhanko.pdf_utils.font.opentype import (  # needs pyHanko[opentype], i.e. uharfbuzz
    CIDFontType2,
    GlyphAccumulator,
    GlyphAccumulatorFactory,
    _check_ot_tag,
)
from pyhanko.pdf_utils.writer import BasePdfFileWriter

from portal.documents.memo import Cache

FONT_DIR = Path(__file__).with_name("fonts")
#: stamp lines kept shaped per process: the fixed lines of every stamp and each seal's label, among signing times
SHAPED_LINES = 64
#: ToUnicode maps kept per process: one per set of characters, which the digits of the signing time vary
TO_UNICODE_MAPS = 64
REGULAR_TTF = FONT_DIR / "DejaVuSans.ttf"
BOLD_TTF = FONT_DIR / "DejaVuSans-Bold.ttf"

STAMP_UNITS_PER_EM = 1000
_RECIPE_VERSION = "1"

# Basic Latin, Latin-1 punctuation and signs, Cyrillic (incl. all Kazakh letters),
# and: – — ‘ ’ “ ” „ • … № (en dash, em dash, quotes, bullet, ellipsis, numero).
STAMP_CODEPOINTS: frozenset[int] = frozenset(
    list(range(0x20, 0x7F))
    + list(range(0xA0, 0x100))
    + list(range(0x400, 0x500))
    + [0x2013, 0x2014, 0x2018, 0x2019, 0x201C, 0x201D, 0x201E, 0x2022, 0x2026, 0x2116]
)

_lock = threading.Lock()
_stamp_bytes: bytes | None = None
_stamp_paths: dict[str, Path] = {}


@lru_cache(maxsize=1)
def _recipe_digest() -> str:
    """Return a short hash naming this build of the stamp font."""
    h = hashlib.sha256(_RECIPE_VERSION.encode())
    h.update(inspect.getsource(build_stamp_font).encode())
    h.update(REGULAR_TTF.read_bytes())
    h.update(",".join(map(str, sorted(STAMP_CODEPOINTS))).encode())
    return h.hexdigest()[:16]


def build_stamp_font() -> bytes:
    """Subset DejaVu Sans for stamps and rescale it to 1000 units per em."""
    font = TTFont(str(REGULAR_TTF))
    options = subset.Options()
    options.layout_features = ["kern", "liga", "ccmp", "locl", "mark", "mkmk"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.hinting = False
    options.desubroutinize = True
    options.drop_tables += ["MATH", "FFTM"]
    subsetter = subset.Subsetter(options=options)
    subsetter.populate(unicodes=sorted(STAMP_CODEPOINTS))
    subsetter.subset(font)
    scale_upem(font, STAMP_UNITS_PER_EM)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def stamp_font_bytes(cache_dir: Path | None = None) -> bytes:
    """Return the stamp font, building it at most once per process."""
    global _stamp_bytes
    with _lock:
        if _stamp_bytes is None:
            cached = _cache_file(cache_dir) if cache_dir is not None else None
            if cached is not None and cached.exists():
                _stamp_bytes = cached.read_bytes()
            else:
                _stamp_bytes = build_stamp_font()
                if cached is not None:
                    _write_atomically(cached, _stamp_bytes)
        return _stamp_bytes


def stamp_font_path(cache_dir: Path | None = None) -> Path:
    """Return a file path holding the stamp font (for pyHanko's font factory)."""
    directory = Path(cache_dir) if cache_dir is not None else Path(tempfile.gettempdir())
    key = str(directory.resolve())
    with _lock:
        known = _stamp_paths.get(key)
        if known is not None and known.exists():
            return known
    data = stamp_font_bytes(cache_dir)
    path = _cache_file(directory)
    if not path.exists() or path.read_bytes() != data:
        _write_atomically(path, data)
    with _lock:
        _stamp_paths[key] = path
    return path


def _cache_file(directory: Path) -> Path:
    """Return the cache file name of the stamp font in ``directory``."""
    return Path(directory) / f"portal-stamp-font-{_recipe_digest()}.ttf"


def _write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".stamp-font.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _embeddable(font_data: bytes) -> bytes:
    """Return the font without the layout tables that a PDF viewer never reads."""
    font = TTFont(io.BytesIO(font_data))
    for tag in ("GSUB", "GPOS", "GDEF"):
        if tag in font:
            del font[tag]
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


class _Advance:
    """What GlyphAccumulator reads from a glyph-set entry: the advance width."""

    __slots__ = ("width",)

    def __init__(self, width: int) -> None:
        """Store the advance width in font units."""
        self.width = width


class SharedStampFont:
    """One parsed copy of the stamp font, only read after construction (thread-safe)."""

    def __init__(self, data: bytes) -> None:
        """Parse the font, load every table GlyphAccumulator reads, compress the program."""
        self.tt = TTFont(io.BytesIO(data))
        for tag in ("head", "hhea", "hmtx", "OS/2", "post", "cmap", "name", "maxp"):
            self.tt[tag]  # decompile now: fontTools' lazy loading is not thread-safe
        self.tt.getGlyphOrder()
        self.ps_name = str(self.tt["name"].getDebugName(6))
        self.units_per_em = int(self.tt["head"].unitsPerEm)
        metrics = self.tt["hmtx"].metrics
        self.glyph_set = {name: _Advance(advance) for name, (advance, _lsb) in metrics.items()}
        self.reverse_cmap = self.tt["cmap"].buildReversed()
        self.hb_font = hb.Font(hb.Face(data))
        raw = _embeddable(data)
        self.program = (zlib.compress(raw, 9), len(raw))
        #: shaped lines with the glyphs and ToUnicode entries each adds (see _PresetGlyphAccumulator.shape)
        self.shapes = Cache(SHAPED_LINES)
        #: the /W array of every glyph, by CID (which is the glyph id: CIDToGIDMap /Identity)
        advances = (metrics[name][0] for name in self.tt.getGlyphOrder())
        self.widths = Serialised(b"[ 0 [ " + b" ".join(b"%d" % width for width in advances) + b" ] ]")
        #: compressed ToUnicode maps, by the (CID, text) pairs they map
        self.to_unicode = Cache(TO_UNICODE_MAPS)


class Serialised(generic.PdfObject):
    """A PDF value written once as bytes and then copied out as it is."""

    def __init__(self, data: bytes) -> None:
        """Keep the bytes."""
        self.data = data

    def write_to_stream(self, stream: Any, handler: Any = None, container_ref: Any = None) -> None:
        """Write the bytes (pyHanko's PdfObject contract; nothing here is encrypted)."""
        stream.write(self.data)


_shared_lock = threading.Lock()
_shared: SharedStampFont | None = None


def shared_stamp_font(cache_dir: Path | None = None) -> SharedStampFont:
    """Return the process-wide parsed stamp font."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = SharedStampFont(stamp_font_bytes(cache_dir))
        return _shared


class _PresetCIDFontType2(CIDFontType2):
    """CIDFontType2 that embeds the shared, pre-compressed font program."""

    def __init__(self, shared: SharedStampFont, subset_prefix: str) -> None:
        """Describe the shared font under this document's subset prefix."""
        super().__init__(shared.tt, shared.ps_name, subset_prefix)
        self._program = shared.program

    def set_font_file(self, writer: BasePdfFileWriter) -> generic.IndirectObject:
        """Embed the cached font program as /FontFile2."""
        compressed, length = self._program
        stream = generic.StreamObject(
            {
                generic.NameObject("/Filter"): generic.NameObject("/FlateDecode"),
                generic.NameObject("/Length1"): generic.NumberObject(length),
            },
            encoded_data=compressed,
        )
        ref = writer.add_object(stream)
        self._font_descriptor[generic.NameObject("/FontFile2")] = ref
        return ref


class _PresetGlyphAccumulator(GlyphAccumulator):
    """GlyphAccumulator over the shared parsed font that embeds it whole (no subsetting)."""

    def __init__(
        self,
        writer: BasePdfFileWriter,
        shared: SharedStampFont,
        *,
        font_size: int,
        ot_script_tag: str | None = None,
        ot_language_tag: str | None = None,
        writing_direction: str | None = None,
        bcp47_lang_code: str | None = None,
        obj_stream: Any = None,
    ) -> None:
        """Set the state that GlyphAccumulator.__init__ (pyHanko 0.38) sets, reusing the parsed font."""
        self.hb_font = shared.hb_font
        self.tt = shared.tt
        FontEngine.__init__(
            self, writer, shared.ps_name, embedded_subset=True, obj_stream=obj_stream, font_size=font_size
        )
        self._font_ref = writer.allocate_placeholder()
        self.cff_charset = None
        self.use_raw_gids = True
        self.cidfont_obj = _PresetCIDFontType2(shared, self.subset_prefix)
        self.features = None
        self.units_per_em = shared.units_per_em
        self._shared = shared
        self._glyphs: dict[int, tuple[int, int]] = {}
        self._glyph_set = shared.glyph_set
        self._cid_to_unicode: dict[int, str] = {}
        self._GlyphAccumulator__reverse_cmap = shared.reverse_cmap
        self.ot_language_tag = _check_ot_tag(ot_language_tag)
        self.ot_script_tag = _check_ot_tag(ot_script_tag)
        if writing_direction not in (None, "ltr", "rtl", "ttb", "btt"):
            raise ValueError("Writing direction must be one of 'ltr', 'rtl', 'ttb' or 'btt'.")
        self.writing_direction = writing_direction
        self.bcp47_lang_code = bcp47_lang_code
        self._subset_created = self._write_prepared = False

    def _extract_subset(self, options: Any = None) -> None:
        """Keep the font whole: it is already a small subset, and it is shared."""

    def prepare_write(self) -> None:
        """Add the font's objects as GlyphAccumulator.prepare_write does, with widths and map made once.

        pyHanko lists the width of each glyph shown and writes the map of the characters shown, in
        Python, number by number, on every signature. The whole font's widths are the same bytes every
        time; the map is the same whenever the stamp shows the same characters.
        """
        if self._write_prepared:
            return
        writer, obj_stream, cidfont = self.writer, self.obj_stream, self.cidfont_obj
        cidfont.embed(writer, obj_stream=obj_stream)
        cidfont[generic.NameObject("/W")] = self._shared.widths
        cidfont_ref = writer.add_object(cidfont, obj_stream=obj_stream)
        key = tuple(sorted(self._cid_to_unicode.items()))
        cmap = self._shared.to_unicode.get(key, lambda: self._format_tounicode_cmap().encoded_data)
        to_unicode = generic.StreamObject(
            {generic.NameObject("/Filter"): generic.NameObject("/FlateDecode")}, encoded_data=cmap)
        type0 = generic.DictionaryObject({
            generic.NameObject("/Type"): generic.NameObject("/Font"),
            generic.NameObject("/Subtype"): generic.NameObject("/Type0"),
            generic.NameObject("/DescendantFonts"): generic.ArrayObject([cidfont_ref]),
            generic.NameObject("/Encoding"): generic.NameObject("/Identity-H"),
            generic.NameObject("/BaseFont"): generic.NameObject(f"/{cidfont.name}-Identity-H"),
            generic.NameObject("/ToUnicode"): writer.add_object(to_unicode),
        })
        writer.add_object(type0, obj_stream, idnum=self._font_ref.idnum)
        self._write_prepared = True

    def shape(self, txt: str, with_actual_text: bool = True) -> ShapeResult:
        """Shape a line as GlyphAccumulator does, each line HarfBuzz has shaped before taken from a process-wide cache.

        Most of a stamp's lines are the same on every signature. A line is kept with the glyphs and the
        ToUnicode entries it adds; a line whose clusters need pyHanko's many-glyph fallback (which reads the
        entries already made) is not kept, and is shaped anew each time.
        """
        key = (txt, with_actual_text, self.font_size, self.ot_script_tag, self.ot_language_tag,
               self.writing_direction, self.bcp47_lang_code)
        kept = self._shared.shapes.get(key, lambda: self._shape_alone(txt, with_actual_text))
        if kept is None:
            return super().shape(txt, with_actual_text)
        result, glyphs, to_unicode = kept
        self._glyphs.update(glyphs)
        self._cid_to_unicode.update(to_unicode)
        return result

    def _shape_alone(self, txt: str, with_actual_text: bool) -> tuple[ShapeResult, dict[int, Any], dict[int, str]] | None:
        """Shape ``txt`` into empty glyph and ToUnicode tables; return the three, or None if the fallback ran."""
        glyphs, to_unicode = self._glyphs, self._cid_to_unicode
        self._glyphs, self._cid_to_unicode = {}, _Watched()
        try:
            result = super().shape(txt, with_actual_text)
            fresh_glyphs, fresh = self._glyphs, self._cid_to_unicode
        finally:
            self._glyphs, self._cid_to_unicode = glyphs, to_unicode
        return None if fresh.read else (result, fresh_glyphs, dict(fresh))


class _Watched(dict):  # type: ignore[type-arg]
    """A dict that notes whether it was asked what it holds (only pyHanko's many-glyph fallback asks)."""

    read = False

    def __contains__(self, key: object) -> bool:
        """Note the question, then answer it."""
        self.read = True
        return super().__contains__(key)


@dataclass(frozen=True)
class PresetFontFactory(GlyphAccumulatorFactory):
    """GlyphAccumulatorFactory over the shared, pre-subset stamp font."""

    shared: SharedStampFont | None = field(default=None, compare=False, repr=False)

    def create_font_engine(self, writer: BasePdfFileWriter, obj_stream: Any = None) -> GlyphAccumulator:
        """Create a glyph accumulator on the shared font."""
        assert self.shared is not None
        if obj_stream is None and writer.stream_xrefs and self.create_objstream_if_needed:
            obj_stream = writer.prepare_object_stream()
        return _PresetGlyphAccumulator(
            writer,
            self.shared,
            font_size=self.font_size,
            ot_script_tag=self.ot_script_tag,
            ot_language_tag=self.ot_language_tag,
            writing_direction=self.writing_direction,
            bcp47_lang_code=self.bcp47_lang_code,
            obj_stream=obj_stream,
        )


def stamp_font_factory(font_size: int = 8, cache_dir: Path | None = None) -> PresetFontFactory:
    """Return the stamp font factory that parses and embeds the font only once per process.

    pyHanko's stock ``GlyphAccumulator`` opens and re-parses the font file, then
    subsets and recompiles it with fontTools on every signature (~20 ms even for
    the 50 KB stamp font). The stamp font is already a subset, so this factory
    shares one parsed copy between signatures and threads, skips the
    per-signature subsetting and embeds one pre-compressed copy of the font
    program (without layout tables). Shaping still goes through HarfBuzz.
    """
    shared = shared_stamp_font(cache_dir)
    return PresetFontFactory(str(stamp_font_path(cache_dir)), font_size=font_size, shared=shared)
