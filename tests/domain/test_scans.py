"""Uploaded scans: image size from the header, PDFs without scripts or actions, clean file names."""
from __future__ import annotations

import io
import struct
import threading
import time
import zlib
from dataclasses import replace

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.writer import PdfFileWriter

from portal.domain import scans
from portal.domain.scans import MAX_FILENAME, check_upload, clean_filename, image_size
from portal.domain.validators import ValidationError
from tests.domain.test_validators import TINY_JPEG, tiny_pdf, tiny_png
from tests.hostile_pdfs import pdf_of


def png_claiming(width: int, height: int) -> bytes:
    """Return a valid PNG header claiming width×height RGB pixels, with one compressed row of data."""
    def chunk(kind: bytes, payload: bytes) -> bytes:
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))
    rows = zlib.compress(b"\x00" + b"\x00" * 3 * width, 9)  # a bomb: gigabytes once inflated, bytes here
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", rows) + chunk(b"IEND", b""))


def jpeg_claiming(width: int, height: int) -> bytes:
    """Return the tiny real JPEG with its frame header claiming width×height."""
    sof = bytes.fromhex("ffc0000b08") + struct.pack(">HH", 1, 1)
    at = TINY_JPEG.index(sof)
    return TINY_JPEG[:at + 5] + struct.pack(">HH", height, width) + TINY_JPEG[at + 9:]


PAGES = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"


def test_png_bomb_is_refused_from_its_header() -> None:
    bomb = png_claiming(20000, 20000)
    assert len(bomb) < 2000 and image_size(bomb, "image/png") == (20000, 20000)
    started = time.perf_counter()
    with pytest.raises(ValidationError) as err:
        check_upload(bomb)
    assert err.value.code == "image_too_large"
    assert time.perf_counter() - started < 1.0  # nothing was inflated


def test_images_within_the_limit_pass() -> None:
    assert check_upload(tiny_png()) == "image/png"
    assert check_upload(TINY_JPEG) == "image/jpeg"
    assert check_upload(png_claiming(4960, 7016)) == "image/png"  # A4 at 600 dpi


def test_jpeg_bomb_is_refused_from_its_frame_header() -> None:
    pil = pytest.importorskip("PIL.Image")
    bomb = jpeg_claiming(12000, 9000)
    with pil.open(io.BytesIO(bomb)) as opened:  # Pillow reads the same size from the header
        assert opened.size == (12000, 9000)
    with pytest.raises(ValidationError) as err:
        check_upload(bomb)
    assert err.value.code == "image_too_large"
    assert image_size(TINY_JPEG, "image/jpeg") == (1, 1)


def _js_in_object_stream() -> bytes:
    """Return a PDF whose /OpenAction JavaScript sits in a compressed object stream (invisible to a byte scan)."""
    writer = PdfFileWriter(stream_xrefs=True)
    stream = writer.prepare_object_stream()
    action = generic.DictionaryObject({generic.NameObject("/S"): generic.NameObject("/JavaScript"),
                                       generic.NameObject("/JS"): generic.TextStringObject("app.alert(1)")})
    writer.root[generic.NameObject("/OpenAction")] = writer.add_object(action, obj_stream=stream)
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    data = out.getvalue()
    assert b"JavaScript" not in data
    return data


ACTIVE = {
    "open_action_js": [b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>", PAGES, PAGE,
                       b"<< /S /JavaScript /JS (app.alert\\(1\\)) >>"],
    "escaped_names": [b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>", PAGES, PAGE,
                      b"<< /S /J#61vaScript /J#53 (app.alert\\(1\\)) >>"],
    "open_action_goto": [b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /GoTo /D [3 0 R /Fit] >> >>",
                         PAGES, PAGE],
    "page_aa": [b"<< /Type /Catalog /Pages 2 0 R >>", PAGES,
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /A#41 << /O 4 0 R >> >>",
                b"<< /S /GoTo /D [3 0 R /Fit] >>"],
    "launch_link": [b"<< /Type /Catalog /Pages 2 0 R >>", PAGES,
                    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Annots [4 0 R] >>",
                    b"<< /Type /Annot /Subtype /Link /Rect [0 0 200 200] /A << /S /L#61unch /F (calc.exe) >> >>"],
    "xfa_form": [b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [] /X#46A 4 0 R >> >>", PAGES, PAGE,
                 b"[(template) (<template><script>app.alert(1)</script></template>)]"],
    "names_javascript": [b"<< /Type /Catalog /Pages 2 0 R /Names << /JavaScript 4 0 R >> >>", PAGES, PAGE,
                         b"<< /Names [(x) << /S /JavaScript /JS (1) >>] >>"],
}


@pytest.mark.parametrize("name", sorted(ACTIVE))
def test_pdf_with_scripts_or_actions_is_refused(name: str) -> None:
    with pytest.raises(ValidationError) as err:
        check_upload(pdf_of(ACTIVE[name]))
    assert err.value.code == "pdf_active_content"


def test_javascript_hidden_in_an_object_stream_is_refused() -> None:
    with pytest.raises(ValidationError) as err:
        check_upload(_js_in_object_stream())
    assert err.value.code == "pdf_active_content"


def test_plain_pdfs_pass() -> None:
    assert check_upload(tiny_pdf()) == "application/pdf"
    assert check_upload(b"\x00" * 100 + tiny_pdf()) == "application/pdf"
    opens_at_page = pdf_of([b"<< /Type /Catalog /Pages 2 0 R /OpenAction [3 0 R /Fit] >>", PAGES, PAGE])
    assert check_upload(opens_at_page) == "application/pdf"  # a destination turns the page and runs nothing


def test_pdf_that_cannot_be_parsed_is_refused() -> None:
    with pytest.raises(ValidationError) as err:
        check_upload(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 9 0 R\ntrailer <<>>\n%%EOF\n")
    assert err.value.code == "pdf_unreadable"


@pytest.mark.parametrize("raw,clean", [
    ("scan.pdf", "scan.pdf"),
    ("C:\\Users\\Асель\\Desktop\\анықтама.pdf", "анықтама.pdf"),
    ("../../etc/passwd", "passwd"),
    ("invoice\u202Efdp.exe", "invoicefdp.exe"),           # RIGHT-TO-LEFT OVERRIDE would show "exe.pdf"
    ("a\u2066b\u2069c\u200Fd\u200Be.png", "abcde.png"),   # isolates, marks, zero-width space
    ("line\nbreak\ttab\x00nul\x7f.jpg", "line break tabnul.jpg"),
    ("\u2028.pdf", "medical_035.pdf"),
    ("", "medical_035"),
    ("   ", "medical_035"),
])
def test_file_names_lose_controls_and_bidi(raw: str, clean: str) -> None:
    assert clean_filename(raw, "medical_035") == clean


def test_long_file_names_keep_their_extension() -> None:
    name = clean_filename("Сканер " + "ж" * 500 + ".jpeg", "scan")
    assert len(name) == MAX_FILENAME and name.endswith("ж.jpeg") and name.startswith("Сканер ж")


def _objects_in_streams(per_stream: int, streams: int) -> bytes:
    """Return a PDF whose catalog lists many small objects packed in object streams."""
    writer = PdfFileWriter(stream_xrefs=True)
    refs = []
    for _ in range(streams):
        stream = writer.prepare_object_stream()
        refs.extend(writer.add_object(generic.DictionaryObject({generic.NameObject("/I"): generic.NumberObject(i)}),
                                      obj_stream=stream) for i in range(per_stream))
    writer.root[generic.NameObject("/Extra")] = generic.ArrayObject(refs)
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_pdf_with_too_many_objects_is_refused_before_parsing() -> None:
    many = pdf_of([b"<< /Type /Catalog /Pages 2 0 R >>", PAGES, PAGE] + [b"<< /A 1 >>"] * 25_000)
    started = time.process_time()
    with pytest.raises(ValidationError) as err:
        check_upload(many)
    assert err.value.code == "pdf_too_complex" and time.process_time() - started < 1.0


def test_many_objects_in_object_streams_are_read_in_one_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    # pyHanko alone rereads an object stream's header for each object in it: 19,000 objects in ten
    # streams took it about 20 s of CPU, past the parsing child's limit; read once, they pass
    packed = _objects_in_streams(per_stream=1900, streams=10)
    assert packed.count(b"endobj") < 100  # the objects hide in the streams
    decoded: list[int] = []
    unpack = scans._StreamUnpacker._unpack
    monkeypatch.setattr(scans._StreamUnpacker, "_unpack", lambda self, sid: decoded.append(sid) or unpack(self, sid))
    assert scans._verdict(packed) == b"ok"
    assert len(decoded) == len(set(decoded)) == 10  # each stream decoded once, not once per object
    monkeypatch.undo()
    assert check_upload(packed) == "application/pdf"
    with pytest.raises(ValidationError) as err:
        check_upload(_objects_in_streams(per_stream=5000, streams=5))
    assert err.value.code == "pdf_too_complex"


def endless(pdf: bytes) -> bytes:
    """A parser stuck on some crafted input (module-level: the fork server's child imports it by name)."""
    while True:
        pass


def blocked(pdf: bytes) -> bytes:
    """A parser stuck on a lock that is never released: it uses no CPU at all."""
    held = threading.Lock()
    held.acquire()
    held.acquire()
    return b"ok"


def test_parsing_that_runs_long_is_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scans, "_verdict", endless)
    started = time.monotonic()
    with pytest.raises(ValidationError) as err:
        check_upload(tiny_pdf())
    assert err.value.code == "pdf_too_complex"
    assert time.monotonic() - started < 30  # 3 s of CPU in the child, however busy the machine


def test_a_parse_that_blocks_without_cpu_is_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scans, "_verdict", blocked)
    monkeypatch.setattr(scans, "PARSE_BUDGET", replace(scans.PARSE_BUDGET, wall_seconds=1))
    with pytest.raises(ValidationError) as err:
        check_upload(tiny_pdf())
    assert err.value.code == "pdf_too_complex"


def test_scans_are_checked_while_other_threads_keep_reading_the_clock() -> None:
    """The check never forks the worker: a child forked while another thread held a lock could hang."""
    stop = threading.Event()

    def reader() -> None:
        while not stop.is_set():
            time.time()

    threads = [threading.Thread(target=reader) for _ in range(2)]
    for thread in threads:
        thread.start()
    try:
        assert all(check_upload(tiny_pdf()) == "application/pdf" for _ in range(100))
    finally:
        stop.set()
        for thread in threads:
            thread.join()


def test_ordinary_object_streams_pass() -> None:
    assert check_upload(_objects_in_streams(per_stream=100, streams=5)) == "application/pdf"


def test_names_inside_stream_data_are_not_mistaken_for_actions() -> None:
    # image or font bytes may contain anything, "/JavaScript" included: only the structure counts
    data = b"\x00/JavaScript /JS /AA /Launch\xff" * 100
    pdf = pdf_of([b"<< /Type /Catalog /Pages 2 0 R >>", PAGES,
                  b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>",
                  b"<< /Length %d >>\nstream\n%s\nendstream" % (len(data), data)])
    assert check_upload(pdf) == "application/pdf"
