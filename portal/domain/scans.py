"""Check an uploaded scan beyond its type: image size from the header, no active content in a PDF, a clean name.

A scan is shown to staff as it was uploaded, so what their browser or PDF viewer would do with it
matters: a small PNG that claims 20000×20000 pixels makes the viewer allocate gigabytes, and a PDF
that runs JavaScript or launches a program on opening has no place among citizens' documents.
"""
from __future__ import annotations

import io
import re
import struct
import unicodedata

from portal.domain.validators import ValidationError, sniff_upload
from portal.sandbox import Budget, Stopped, run_bounded

__all__ = ["MAX_FILENAME", "MAX_IMAGE_PIXELS", "check_upload", "clean_filename", "image_size"]

#: the most pixels an image scan may have: an A4 page at 600 dpi is about 35 million
MAX_IMAGE_PIXELS = 50_000_000
#: the longest file name kept, extension included
MAX_FILENAME = 120
_MAX_EXTENSION = 10

# JPEG start-of-frame markers (SOF0-SOF15 but DHT, JPG and DAC) carry the frame's height and width
_SOF_MARKERS = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
# markers that stand alone, without a length: TEM, RST0-7, SOI
_STANDALONE = frozenset({0x01, 0xD8, *range(0xD0, 0xD8)})


def _png_size(data: bytes) -> tuple[int, int]:
    """Return (width, height) from the PNG's IHDR chunk."""
    return struct.unpack(">II", data[16:24])


def _jpeg_size(data: bytes) -> tuple[int, int]:
    """Return (width, height) from the JPEG's first frame header, walking the segments before the scan."""
    at = 2
    while at + 4 <= len(data):
        if data[at] != 0xFF:
            raise ValidationError("file_type", "JPEG segment does not start with a marker")
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte before a marker
            at += 1
            continue
        if marker in _STANDALONE:
            at += 2
            continue
        if marker == 0xDA:  # start of scan: no frame header came before it
            break
        (length,) = struct.unpack(">H", data[at + 2:at + 4])
        if marker in _SOF_MARKERS:
            if at + 9 > len(data):
                break
            height, width = struct.unpack(">HH", data[at + 5:at + 9])
            return width, height
        at += 2 + length
    raise ValidationError("file_type", "JPEG without a frame header")


def image_size(data: bytes, content_type: str) -> tuple[int, int]:
    """Return an image's (width, height) as its header states it, without decoding any pixels."""
    return _png_size(data) if content_type == "image/png" else _jpeg_size(data)


def _check_image(data: bytes, content_type: str) -> None:
    """Refuse an image whose header claims more pixels than a scan has (a decompression bomb)."""
    width, height = image_size(data, content_type)
    if width == 0 or height == 0:
        raise ValidationError("file_type", "image with no pixels")
    if width * height > MAX_IMAGE_PIXELS:
        raise ValidationError("image_too_large", f"{width}x{height} pixels")


# ------------------------------------------------------------------------------------------- PDF

#: dictionary keys that make a PDF act on its own: scripts, actions on events, opening actions, and XFA
#: forms (their XML carries scripts a viewer runs; a scan never needs one)
_ACTIVE_KEYS = frozenset({"/JS", "/JavaScript", "/AA", "/Launch", "/XFA"})
#: action types that run code or programs
_ACTIVE_ACTIONS = frozenset({"/JavaScript", "/Launch"})
#: the most objects a scan's PDF may have: a scanned document of a hundred pages has a few
#: hundred; parsing each costs time, and a crafted file packs a million into ten megabytes
MAX_PDF_OBJECTS = 20_000
#: the most dictionaries, arrays and references looked at, direct ones included
MAX_PDF_NODES = 100_000
#: what parsing one PDF may take: CPU seconds (the largest package the limits above let through,
#: 19,000 objects in object streams, takes about 1.2 s), address space (the child starts at about
#: 70 MB), and how long the worker waits for that child whatever it does (it may be stuck without
#: using CPU)
PARSE_BUDGET = Budget(cpu_seconds=3, memory_bytes=1024 * 1024 * 1024, wall_seconds=10)
_STREAM_BODY = re.compile(rb"stream\r?\n.*?endstream", re.DOTALL)
_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_ACTIVE_NAME = re.compile(rb"/(?:JS|JavaScript|AA|Launch|XFA)(?=[\s/<>\[\]()%{}]|\Z)")


def _raw_active(pdf: bytes) -> bool:
    """Tell whether the file's bytes outside streams name an active key, #xx name escapes decoded.

    This sees what a lenient viewer might parse even where the structure is broken; objects
    packed in compressed object streams are seen by the structural walk instead.
    """
    outside = _STREAM_BODY.sub(b" ", pdf)
    plain = _NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), outside)
    return _ACTIVE_NAME.search(plain) is not None


class _StreamUnpacker:
    """Resolve references, reading each object stream once (pyHanko decodes the stream and rereads its
    header for every object it holds: quadratic in the stream's length)."""

    def __init__(self, reader) -> None:  # type: ignore[no-untyped-def]
        self.reader = reader
        self.streams: dict[int, dict[int, object]] = {}

    def _unpack(self, stream_id: int) -> dict[int, object]:
        """Return the objects of one object stream by number, decoding it once."""
        from pyhanko.pdf_utils import generic
        from pyhanko.pdf_utils.decode_limits import DecodePurpose

        stream = generic.Reference(stream_id, 0, self.reader).get_object()
        if not isinstance(stream, generic.StreamObject) or stream.get("/Type") != "/ObjStm":
            raise ValueError("object stream expected")
        data = stream.read_data(DecodePurpose.OBJECT_STREAM)
        first, count = int(stream["/First"]), int(stream["/N"])
        header = [int(n) for n in data[:first].split()]
        if count > MAX_PDF_OBJECTS or len(header) < 2 * count:
            raise ValueError("object stream header does not match /N")
        objects: dict[int, object] = {}
        buffer = io.BytesIO(data)
        for number, offset in zip(header[0:2 * count:2], header[1:2 * count:2]):
            buffer.seek(first + offset)
            objects[number] = generic.read_object(buffer, generic.Reference(number, 0, self.reader))
        return objects

    def __call__(self, ref) -> object:  # type: ignore[no-untyped-def]
        """Return the object a reference points to."""
        from pyhanko.pdf_utils import generic
        from pyhanko.pdf_utils.xref import ObjStreamRef

        marker = self.reader.xrefs[generic.Reference(ref.idnum, ref.generation, self.reader)]
        if not isinstance(marker, ObjStreamRef):
            return ref.get_object()
        if marker.obj_stream_id not in self.streams:
            self.streams[marker.obj_stream_id] = self._unpack(marker.obj_stream_id)
        found = self.streams[marker.obj_stream_id].get(ref.idnum, generic.NullObject())
        self.reader.cache_indirect_object(ref.generation, ref.idnum, found)  # pyHanko's own lookups agree
        return found


def _structural_active(pdf: bytes) -> bool:
    """Tell whether any object reachable from the trailer is a script, an event action or an opening action.

    pyHanko parses the file (object streams and name escapes included) and every dictionary and
    array reachable from the trailer is visited once: the catalog, the pages, their annotations,
    form fields and the name trees alike.
    """
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    if reader.encrypted:
        reader.decrypt("")  # a scan has no password; one that needs it cannot be read by staff either
    resolve = _StreamUnpacker(reader)
    seen: set[tuple[int, int]] = set()
    todo: list[object] = [reader.trailer.flatten()]
    nodes = 0
    while todo:
        obj = todo.pop()
        nodes += 1
        if nodes > MAX_PDF_NODES:
            raise ValidationError("pdf_too_complex", "too many objects in the PDF")
        if isinstance(obj, generic.IndirectObject):
            key = (obj.idnum, obj.generation)
            if key in seen:
                continue
            seen.add(key)
            if len(seen) > MAX_PDF_OBJECTS:
                raise ValidationError("pdf_too_complex", "too many objects in the PDF")
            todo.append(resolve(obj))
        elif isinstance(obj, generic.DictionaryObject):
            for name in obj:
                if name in _ACTIVE_KEYS:
                    return True
                value = obj.raw_get(name)
                resolved = value.get_object() if isinstance(value, generic.IndirectObject) else value
                if name == "/OpenAction" and isinstance(resolved, generic.DictionaryObject):
                    return True  # an action on opening; a plain destination (an array) only turns the page
                if name == "/S" and resolved in _ACTIVE_ACTIONS:
                    return True
                if name not in ("/Parent", "/P"):  # back-links lead to objects seen anyway
                    todo.append(value)
        elif isinstance(obj, generic.ArrayObject):
            todo.extend(obj.raw_get(i) for i in range(len(obj)))
    return False


def _verdict(pdf: bytes) -> bytes:
    """Return b"ok", b"active", or an error code, for a PDF walked structurally."""
    try:
        return b"active" if _structural_active(pdf) else b"ok"
    except ValidationError as err:
        return err.code.encode()
    except Exception:  # noqa: BLE001 - any parser failure on untrusted bytes means: not readable
        return b"pdf_unreadable"


def _verdict_bounded(pdf: bytes) -> bytes:
    """Return the structural verdict, parsed in a child held to PARSE_BUDGET.

    The parser's own costs are not all linear (pyHanko reads an object stream's header anew for each
    object in it), so a crafted file could keep a worker busy for long; the child is simply stopped.
    """
    try:
        return run_bounded(_verdict, (pdf,), PARSE_BUDGET)
    except Stopped:  # killed for its CPU time, out of memory, or out of time
        return b"pdf_too_complex"


def _check_pdf(data: bytes) -> None:
    """Refuse a PDF that runs scripts or programs, or acts on opening or on events; or that cannot be read."""
    pdf = data[data.find(b"%PDF-"):]
    if pdf.count(b"endobj") > MAX_PDF_OBJECTS:  # told before parsing them one by one
        raise ValidationError("pdf_too_complex", "too many objects in the PDF")
    if _raw_active(pdf):
        raise ValidationError("pdf_active_content", "the PDF names scripts or actions")
    verdict = _verdict_bounded(pdf).decode()
    if verdict == "active":
        raise ValidationError("pdf_active_content", "the PDF contains scripts or actions")
    if verdict != "ok":
        raise ValidationError(verdict, "the PDF cannot be checked")


def check_upload(data: bytes) -> str:
    """Return the MIME type of a scan that is safe to keep and show; raise ValidationError otherwise."""
    content_type = sniff_upload(data)
    if content_type.startswith("image/"):
        _check_image(data, content_type)
    else:
        _check_pdf(data)
    return content_type


# ------------------------------------------------------------------------------------- file names

#: Unicode categories dropped from file names: controls, format characters (the bidirectional
#: overrides such as U+202E that make "exe.pdf" read as "fdp.exe"), surrogates, private use,
#: unassigned, and line and paragraph separators
_DROPPED = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def clean_filename(raw: str | None, fallback: str) -> str:
    """Return a file name fit to show: no path, no control or bidi characters, at most MAX_FILENAME long,
    with its extension kept."""
    name = unicodedata.normalize("NFC", raw or "")
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(" " if c.isspace() else c for c in name
                   if c.isspace() or unicodedata.category(c) not in _DROPPED)
    name = " ".join(name.split())
    stem, dot, extension = name.rpartition(".")
    if not dot or len(extension) > _MAX_EXTENSION or not extension.isalnum():
        stem, extension = name, ""
    stem = stem.strip(" .") or fallback
    suffix = f".{extension}" if extension else ""
    return stem[:MAX_FILENAME - len(suffix)].rstrip(" .") + suffix
