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


def _written_font(prepare, lines: list[str] = LINES) -> tuple[dict, dict[int, int], bytes]:  # type: ignore[no-untyped-def]
    """Shape every line in a fresh engine, add the font with ``prepare``; return its dict, widths and map as read back."""
    import io

    from pyhanko.pdf_utils.reader import PdfFileReader

    writer = PdfFileWriter()
    engine = stamp_font_factory(8).create_font_engine(writer)
    for line in lines:
        engine.shape(line)
    prepare(engine)
    out = io.BytesIO()
    writer.write(out)
    font = PdfFileReader(out).get_object(engine.as_resource().reference)
    cidfont = font["/DescendantFonts"][0]
    widths: dict[int, int] = {}
    entries = list(cidfont["/W"])
    for first, run in zip(entries[::2], entries[1::2]):  # pyHanko writes only the "first [w ...]" form
        widths.update({first + i: int(w) for i, w in enumerate(run)})
    shown = {cid: width for cid, width in engine._glyphs.values()}
    assert all(widths[cid] == width for cid, width in shown.items()), "every glyph shown has its width"
    plain = {k: v for k, v in font.items() if k not in ("/DescendantFonts", "/ToUnicode", "/BaseFont")}
    return plain, {cid: widths[cid] for cid in shown}, font["/ToUnicode"].data


def test_the_font_is_written_as_pyhanko_writes_it() -> None:
    """Widths of the whole font and a kept map: each glyph shown has pyHanko's width, the map is pyHanko's."""
    stock = _written_font(GlyphAccumulator.prepare_write)
    ours = _written_font(lambda engine: engine.prepare_write())
    again = _written_font(lambda engine: engine.prepare_write())  # the map from the cache now
    assert ours == stock and again == stock
    fewer = _written_font(lambda engine: engine.prepare_write(), LINES[:2])  # other characters: another map
    assert fewer == _written_font(GlyphAccumulator.prepare_write, LINES[:2]) and fewer[2] != stock[2]
    assert b"beginbfchar" in stock[2] or b"beginbfrange" in stock[2]
