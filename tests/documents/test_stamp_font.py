"""The stamp font's shaping cache: lines come out as pyHanko's GlyphAccumulator shapes them, tables included."""
from __future__ import annotations

from pyhanko.pdf_utils.font.opentype import GlyphAccumulator
from pyhanko.pdf_utils.writer import PdfFileWriter

from portal.documents.fonts import stamp_font_factory

#: fixed stamp lines, a signing time, ligature candidates, and clusters of a letter and a combining mark,
#: which take pyHanko's many-glyph fallback (it reads the entries made by earlier lines)
LINES = [
    "ЭЦҚ-мен қол қойылған / Подписано ЭЦП",
    "Қол қойды / Подписал:",
    "«Петропавл қаласының білім бөлімі» КММ",
    "Уақыты / Время: 23.11.2026 10:00:00 (UTC+5)",
    "office fi ffl",
    "g\u0308 е\u0308 Ә",
    "",
]


def _shaped(shape) -> tuple[list, dict, dict]:  # type: ignore[no-untyped-def]
    """Shape every line twice in one fresh engine with ``shape``; return the results and the engine's tables."""
    engine = stamp_font_factory(8).create_font_engine(PdfFileWriter())
    results = [shape(engine, line) for line in LINES + LINES]
    return results, dict(engine._glyphs), dict(engine._cid_to_unicode)


def test_cached_lines_are_shaped_as_pyhanko_shapes_them() -> None:
    stock = _shaped(GlyphAccumulator.shape)  # pyHanko's own method on the same engine: no cache
    first = _shaped(lambda engine, line: engine.shape(line))
    again = _shaped(lambda engine, line: engine.shape(line))  # every keepable line from the cache now
    assert first == stock
    assert again == stock
    assert stock[2], "the lines made ToUnicode entries"


def test_lines_that_read_earlier_entries_are_not_kept() -> None:
    shared = stamp_font_factory(8).shared
    engine = stamp_font_factory(8).create_font_engine(PdfFileWriter())
    for line in LINES:
        engine.shape(line)
    kept = {key[0]: value for key, value in shared.shapes._entries.items()}
    assert kept["g\u0308 е\u0308 Ә"] is None  # the fallback ran: shaped anew each time
    assert kept["Қол қойды / Подписал:"] is not None
