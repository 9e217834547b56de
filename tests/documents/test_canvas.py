"""The portal's PDFs embed DejaVu subsets cut once per process, and print every letter they are given."""
from __future__ import annotations

import re
import subprocess
import sys
import threading
import types
import zlib
from dataclasses import replace

import pytest
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from portal.documents import canvas
from portal.documents.memo import Cache
from portal.documents.render import render_excerpt
from tests.documents.test_result_pdf import KAZAKH_LETTERS, _excerpt
from tests.tools import tool

BASE = _excerpt()
FONT_FILE = re.compile(rb"<<\s*/Filter /FlateDecode /Length \d+ /Length1 (\d+)\s*>>\s*stream\r?\n")


def _font_files(pdf: bytes) -> list[bytes]:
    """Return the embedded font programs (FontFile2 streams, found by their /Length1) of a reportlab PDF."""
    files = []
    for match in FONT_FILE.finditer(pdf):
        raw = zlib.decompressobj().decompress(pdf[match.end():])
        assert len(raw) == int(match.group(1))
        files.append(raw)
    return files


def _text(pdf: bytes) -> str:
    """Return the PDF's text as pdftotext reads it, spaces collapsed."""
    done = subprocess.run([tool("pdftotext"), "-", "-"], input=pdf, capture_output=True, check=True)
    return " ".join(done.stdout.decode().split())


@pytest.fixture()
def counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Start with an empty subset cache and count each subset cut from the fonts."""
    canvas.ensure_fonts()
    monkeypatch.setattr(canvas, "_subsets", Cache(canvas.CACHED_SUBSETS))
    cuts: list[str] = []
    for name in (canvas.REGULAR, canvas.BOLD):
        face = pdfmetrics.getFont(name).face
        original = face.makeSubset

        def cut(subset: list[int], original=original, name=name) -> bytes:  # type: ignore[no-untyped-def]
            cuts.append(name)
            return original(subset)

        monkeypatch.setattr(face, "makeSubset", cut)
    return cuts


def test_documents_with_different_names_share_one_cut_of_each_font(counted: list[str]) -> None:
    first = render_excerpt(BASE)
    second = render_excerpt(replace(BASE, applicant_name="Жұмабекова Өміргүл Ұлықпанқызы", result_number="R-2"))
    assert sorted(counted) == sorted([canvas.REGULAR, canvas.BOLD])  # the second document cut nothing
    assert _font_files(first) == _font_files(second) and len(_font_files(first)) == 2
    assert "Жұмабекова Өміргүл Ұлықпанқызы" in _text(second)
    assert BASE.applicant_name in _text(first)


def test_a_letter_outside_the_three_languages_is_printed_from_a_subset_of_its_own(counted: list[str]) -> None:
    plain = render_excerpt(BASE)
    foreign = render_excerpt(replace(BASE, applicant_name="Müller Jürgen Ωmega"))
    assert "Müller Jürgen Ωmega" in _text(foreign)
    assert _font_files(plain) != _font_files(foreign)
    assert len(counted) == 3  # both fonts for the first, the regular one again for the new letters


def test_every_kazakh_letter_keeps_its_seeded_code_in_every_document() -> None:
    text = _text(render_excerpt(replace(BASE, applicant_name=f"{KAZAKH_LETTERS} Ёё Щщ")))
    assert f"{KAZAKH_LETTERS} Ёё Щщ" in text


def test_threads_that_cut_subsets_at_once_each_get_their_own_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    """The face reads its file through one shared position: cutting is serialised, so no cached cut is spoilt."""
    canvas.ensure_fonts()
    face = pdfmetrics.getFont(canvas.REGULAR).face
    subsets = [[0, *range(32, 127), *map(ord, canvas.SEEDED[i:i + 40])] for i in range(0, 80, 10)]
    expected = [face.makeSubset(s) for s in subsets]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        for _ in range(5):
            monkeypatch.setattr(canvas, "_subsets", Cache(canvas.CACHED_SUBSETS))
            got: dict[int, bytes] = {}

            def cut(i: int) -> None:
                packed, length = canvas.packed(face, subsets[i])
                got[i] = zlib.decompress(packed)
                assert len(got[i]) == length

            threads = [threading.Thread(target=cut, args=(i,)) for i in range(len(subsets))]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            assert [got[i] for i in range(len(subsets))] == expected
    finally:
        sys.setswitchinterval(interval)


def _streams_of(pdf: bytes, marker: bytes) -> list[bytes]:
    """Return the decompressed streams of a reportlab PDF whose text starts with ``marker``."""
    found = []
    for match in re.finditer(rb">>\s*stream\r?\n", pdf):
        try:
            raw = zlib.decompressobj().decompress(pdf[match.end():])
        except zlib.error:
            continue
        if raw.startswith(marker):
            found.append(raw)
    return found


def test_the_cached_widths_and_unicode_maps_are_the_ones_reportlab_writes(monkeypatch: pytest.MonkeyPatch) -> None:
    data = replace(BASE, applicant_name="Müller Jürgen Ωmega")  # letters beyond the seeded ones too
    ours = [render_excerpt(data), render_excerpt(data)]  # the second from the cache
    for name in (canvas.REGULAR, canvas.BOLD):  # reportlab's own TTFont.addObjects, per document
        font = pdfmetrics.getFont(name)
        monkeypatch.setattr(font, "addObjects", types.MethodType(TTFont.addObjects, font))
    theirs = render_excerpt(data)
    widths = [re.findall(rb"/Widths \[[^\]]*\]", pdf) for pdf in (*ours, theirs)]
    assert len(widths[2]) >= 2 and widths[0] == widths[1] == widths[2]
    maps = [_streams_of(pdf, b"/CIDInit") for pdf in (*ours, theirs)]
    assert len(maps[2]) == len(widths[2]) and maps[0] == maps[1] == maps[2]
    assert _text(ours[1]) == _text(theirs) and "Müller Jürgen Ωmega" in _text(ours[1])


def test_lines_encoded_at_once_make_the_same_document_as_reportlab_letter_by_letter(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # seeded letters, letters new to the document (their own codes, enough to fill the first subset and open
    # a second, each printed twice), a no-break space (printed as a space)
    many = "ΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΤΥΦΧΨΩαβγδεζηθικλμνξοπρστυφχψω ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝÞß"
    data = replace(BASE, applicant_name="Müller Jürgen\u00a0Ωmega", school="№ 3 мектеп «Ә» — 8\u00a0«Ә»",
                   ground_kk=many, ground_ru=many)
    ours = render_excerpt(data)
    for name in (canvas.REGULAR, canvas.BOLD):
        font = pdfmetrics.getFont(name)
        monkeypatch.setattr(font, "splitString", types.MethodType(TTFont.splitString, font))
    theirs = render_excerpt(data)
    file_id = re.compile(rb"/ID\s*\[<[0-9a-f]+><[0-9a-f]+>\]")  # a hash of the moment and the file's name
    assert file_id.sub(b"", ours) == file_id.sub(b"", theirs)
    assert "Müller Jürgen Ωmega" in _text(ours)


#: what a page's text operators show: the origin set by Tm, the font and size set by Tf, the string of Tj
_TEXT_OPS = re.compile(rb"([\d.-]+ [\d.-]+ [\d.-]+ [\d.-]+ [\d.-]+ [\d.-]+) Tm|(/\S+) ([\d.]+) Tf|(\((?:\\.|[^\\)])*\)) Tj")


def _shown(pdf: bytes) -> list[tuple[bytes, bytes, bytes, bytes]]:
    """Return (origin, font, size, string) for each string a PDF's pages show, in order."""
    shown = []
    for page in _streams_of(pdf, b"1 0 0 1 0 0 cm"):
        origin, font, size = b"", b"", b""  # a page starts with no font chosen
        for match in _TEXT_OPS.finditer(page):
            if match.group(1):
                origin = match.group(1)
            elif match.group(2):
                font, size = match.group(2), match.group(3)
            else:
                shown.append((origin, font, size, match.group(4)))
    return shown


def test_a_text_block_shows_what_reportlab_text_object_shows() -> None:
    """Lines written as operators at once show the text object's strings, where it shows them, in its fonts."""
    import io

    many = "ΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΤΥΦΧΨΩαβγδεζηθικλμνξοπρστυφχψω ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝÞß"
    lines = [(700.0, [(canvas.BOLD, "Өтініш беруші: "), (canvas.REGULAR, "Әбдірахманова Гүлнұр")], 10.5),
             (680.0, [(canvas.REGULAR, many)], 9.0),  # letters new to the document: a second subset opens
             (660.0, [(canvas.REGULAR, "Müller (Jürgen) \\ Ωmega"), (canvas.BOLD, ""), (canvas.REGULAR, " және")], 9.0),
             (640.0, [(canvas.REGULAR, "Басшы")], 9.0)]  # on the next page, in the font the last page ended on

    def draw(show) -> bytes:  # type: ignore[no-untyped-def]
        buf = io.BytesIO()
        page = canvas.new_canvas(buf)
        block = canvas.TextBlock(page)  # one block for both pages, as draw_lines keeps it
        show(page, lines[:3], block)
        page.showPage()
        show(page, lines[3:], block)
        page.showPage()
        page.save()
        return buf.getvalue()

    def ours(page, part, block) -> None:  # type: ignore[no-untyped-def]
        for y, runs, size in part:
            block.line(56.0, y, runs, size)
        block.show()

    def theirs(page, part, _block) -> None:  # type: ignore[no-untyped-def]
        text = page.beginText()
        for y, runs, size in part:
            text.setTextOrigin(56.0, y)
            for font, words in runs:
                text.setFont(font, size)
                text.textOut(words)
        page.drawText(text)

    mine, reportlabs = draw(ours), draw(theirs)
    assert _shown(mine) == _shown(reportlabs) and len(_shown(mine)) >= 5
    assert [size for _, _, size, _ in _shown(mine)][:2] == [b"10.5", b"10.5"]
    printed = _text(mine)
    assert printed == _text(reportlabs)
    assert "Өтініш беруші: Әбдірахманова Гүлнұр" in printed and many in printed
    assert "Müller (Jürgen) \\ Ωmega және" in printed and "Басшы" in printed


def test_page_streams_are_deflated_without_ascii85() -> None:
    """Page contents go out binary and deflated: no ASCII85 layer to encode and escape on every document."""
    pdf = render_excerpt(BASE)
    assert b"/ASCII85Decode" not in pdf
    pages = _streams_of(pdf, b"1 0 0 1 0 0 cm")  # what reportlab starts a page's contents with
    assert pages and any(b") Tj" in page for page in pages)
