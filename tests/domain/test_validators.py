"""Test IIN validation and content-based upload sniffing."""

from __future__ import annotations

import io
import struct
import zlib
from datetime import date

import pytest

from portal.domain.validators import (
    ALLOWED_TYPES,
    MAX_UPLOAD_BYTES,
    Iin,
    ValidationError,
    make_iin,
    parse_iin,
    sniff_upload,
)

# ------------------------------------------------------------------------- IIN

# 880101300123: digits 8 8 0 1 0 1 3 0 0 1 2 with weights 1..11 sum to
# 8+16+0+4+0+6+21+0+0+10+22 = 87, 87 % 11 = 10 -> second weights 3..11,1,2:
# 24+32+0+6+0+8+27+0+0+1+4 = 102, 102 % 11 = 3 -> check digit 3.
IIN_1988_M = "880101300123"
# 050315600010: 0+10+0+12+5+30+42+0+0+0+11 = 110, 110 % 11 = 0 -> check digit 0.
IIN_2005_F = "050315600010"


def test_parse_valid_iin_using_second_weights() -> None:
    assert parse_iin(IIN_1988_M) == Iin(value=IIN_1988_M, birth_date=date(1988, 1, 1), sex="M")


def test_parse_valid_iin_2000s_female() -> None:
    assert parse_iin(IIN_2005_F) == Iin(value=IIN_2005_F, birth_date=date(2005, 3, 15), sex="F")


def test_parse_strips_spaces() -> None:
    assert parse_iin(" 880101 300123 ").value == IIN_1988_M


def test_flipped_check_digit_is_a_checksum_error() -> None:
    with pytest.raises(ValidationError) as exc:
        parse_iin("880101300124")
    assert exc.value.code == "iin_checksum"


def test_iin_where_both_weightings_give_ten_is_invalid() -> None:
    # 9 0 0 1 0 1 3 0 0 8 0: weights 1..11 -> 9+4+6+21+80 = 120 % 11 = 10;
    # weights 3..11,1,2 -> 27+6+8+27+8 = 76 % 11 = 10: no check digit exists.
    for last in "0123456789":
        with pytest.raises(ValidationError) as exc:
            parse_iin("90010130080" + last)
        assert exc.value.code == "iin_checksum"


@pytest.mark.parametrize(
    "raw", ["12345", "", "8801013001234", "88010130012a", "8801-0130-0123", "\u0668" * 12]
)
def test_malformed_iin_is_a_format_error(raw: str) -> None:
    with pytest.raises(ValidationError) as exc:
        parse_iin(raw)
    assert exc.value.code == "iin_format"


@pytest.mark.parametrize(
    "raw",
    [
        "881301300123",  # month 13
        "880230300123",  # 30 February
        "000229300123",  # 29 Feb 1900 (not a leap year)
        "880101000123",  # century digit 0
        "880101700123",  # century digit 7
    ],
)
def test_impossible_birth_date_is_rejected_before_checksum(raw: str) -> None:
    with pytest.raises(ValidationError) as exc:
        parse_iin(raw)
    assert exc.value.code == "iin_birth_date"


def test_make_iin_bumps_serial_when_no_check_digit_exists() -> None:
    # Serial 0080 has no check digit (see above); serial 0081 adds 1*11 = 131 % 11 = 10,
    # then 76 + 1*2 = 78 % 11 = 1 -> 900101300811.
    assert make_iin(date(1990, 1, 1), "M", 80) == "900101300811"


def test_make_iin_known_values() -> None:
    assert make_iin(date(1988, 1, 1), "M", 12) == IIN_1988_M
    assert make_iin(date(2005, 3, 15), "F", 1) == IIN_2005_F


@pytest.mark.parametrize(
    ("birth", "sex", "century_digit"),
    [
        (date(1899, 12, 31), "M", "1"),
        (date(1850, 6, 1), "F", "2"),
        (date(1975, 7, 4), "M", "3"),
        (date(1990, 1, 1), "F", "4"),
        (date(2000, 2, 29), "M", "5"),
        (date(2024, 12, 16), "F", "6"),
    ],
)
def test_make_iin_round_trips(birth: date, sex: str, century_digit: str) -> None:
    for serial in range(0, 200, 7):
        value = make_iin(birth, sex, serial)
        assert len(value) == 12 and value[6] == century_digit
        assert parse_iin(value) == Iin(value=value, birth_date=birth, sex=sex)


@pytest.mark.parametrize(
    ("birth", "sex", "serial"),
    [
        (date(1988, 1, 1), "X", 1),
        (date(1799, 1, 1), "M", 1),
        (date(2100, 1, 1), "M", 1),
        (date(1988, 1, 1), "M", 10000),
        (date(1988, 1, 1), "M", -1),
    ],
)
def test_make_iin_rejects_bad_arguments(birth: date, sex: str, serial: int) -> None:
    with pytest.raises(ValueError):
        make_iin(birth, sex, serial)


def test_validation_error_carries_code() -> None:
    err = ValidationError("file_type")
    assert isinstance(err, ValueError)
    assert err.code == "file_type"


# --------------------------------------------------------------------- uploads


def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    """Build one PNG chunk with length and CRC."""
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def tiny_png() -> bytes:
    """Build a real 2x1 RGB PNG."""
    ihdr = struct.pack(">IIBBBBB", 2, 1, 8, 2, 0, 0, 0)  # width, height, depth 8, RGB
    raw_rows = b"\x00" + b"\xff\x00\x00" + b"\x00\x00\xff"  # filter byte + 2 pixels
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", zlib.compress(raw_rows))
        + _png_chunk(b"IEND", b"")
    )


def tiny_pdf() -> bytes:
    """Build a real one-page PDF with a correct xref table."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref_at = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref_at)
    return bytes(out)


# A real 1x1 grey baseline JPEG: SOI, APP0 JFIF, DQT, SOF0, 2x DHT, SOS, scan, EOI.
TINY_JPEG = bytes.fromhex(
    "ffd8ffe000104a46494600010100000100010000ffdb004300100b0c0e0c0a100e0d0e12111013"
    "18281a181616183123251d283a333d3c3933383740485c4e404457453738506d51575f62676867"
    "3e4d71797064785c656763ffc0000b080001000101011100ffc40014000100000000000000000000"
    "000000000000ffc40014100100000000000000000000000000000000ffda0008010100003f003fffd9"
)


def test_synthetic_files_are_real() -> None:
    image = pytest.importorskip("PIL.Image")
    with image.open(io.BytesIO(tiny_png())) as png:
        png.load()
        assert png.size == (2, 1)
    with image.open(io.BytesIO(TINY_JPEG)) as jpeg:
        jpeg.load()
        assert jpeg.size == (1, 1)
    assert tiny_pdf().endswith(b"%%EOF\n")


def test_constants() -> None:
    assert ALLOWED_TYPES == {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}
    assert MAX_UPLOAD_BYTES == 10 * 1024 * 1024


def test_sniff_png() -> None:
    assert sniff_upload(tiny_png()) == "image/png"


def test_sniff_pdf() -> None:
    assert sniff_upload(tiny_pdf()) == "application/pdf"


def test_sniff_pdf_with_leading_junk_and_trailing_whitespace() -> None:
    assert sniff_upload(b"\x00" * 1024 + tiny_pdf() + b"\r\n" * 10) == "application/pdf"


def test_pdf_header_too_far_in_is_rejected() -> None:
    with pytest.raises(ValidationError) as exc:
        sniff_upload(b"\x00" * 1025 + tiny_pdf())
    assert exc.value.code == "file_type"


def test_truncated_pdf_is_rejected() -> None:
    pdf = tiny_pdf()
    with pytest.raises(ValidationError) as exc:
        sniff_upload(pdf[: len(pdf) // 2])
    assert exc.value.code == "file_type"


def test_pdf_eof_must_be_near_the_end() -> None:
    with pytest.raises(ValidationError) as exc:
        sniff_upload(tiny_pdf() + b"x" * 2048)
    assert exc.value.code == "file_type"


def test_sniff_jpeg_with_and_without_padding() -> None:
    assert sniff_upload(TINY_JPEG) == "image/jpeg"
    assert sniff_upload(TINY_JPEG + b"\x00" * 16) == "image/jpeg"


def test_truncated_jpeg_is_rejected() -> None:
    with pytest.raises(ValidationError) as exc:
        sniff_upload(TINY_JPEG[:-2])
    assert exc.value.code == "file_type"


def test_png_renamed_to_pdf_is_still_a_png() -> None:
    # Only the bytes matter: whatever the filename said, this is image/png.
    assert sniff_upload(tiny_png()) == "image/png"
    assert ALLOWED_TYPES[sniff_upload(tiny_png())] == ".png"


def test_png_signature_without_ihdr_is_rejected() -> None:
    with pytest.raises(ValidationError) as exc:
        sniff_upload(b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IEND", b""))
    assert exc.value.code == "file_type"


@pytest.mark.parametrize(
    "data",
    [
        b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>",
        b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120 + b"This program cannot be run in DOS mode.",
        b"PK\x03\x04" + b"\x00" * 60 + b"PK\x05\x06" + b"\x00" * 18,
        b"GIF89a\x01\x00\x01\x00\x00\x00\x00;",
        b"plain text, not a scan\n",
    ],
    ids=["html", "exe", "zip", "gif", "text"],
)
def test_other_content_renamed_to_pdf_is_rejected(data: bytes) -> None:
    with pytest.raises(ValidationError) as exc:
        sniff_upload(data)
    assert exc.value.code == "file_type"


def test_empty_upload() -> None:
    with pytest.raises(ValidationError) as exc:
        sniff_upload(b"")
    assert exc.value.code == "file_empty"


def test_too_large_upload() -> None:
    png = tiny_png()
    with pytest.raises(ValidationError) as exc:
        sniff_upload(png, max_bytes=len(png) - 1)
    assert exc.value.code == "file_too_large"
    assert sniff_upload(png, max_bytes=len(png)) == "image/png"


def test_size_is_checked_before_type() -> None:
    with pytest.raises(ValidationError) as exc:
        sniff_upload(b"<html>" * 10, max_bytes=8)
    assert exc.value.code == "file_too_large"
