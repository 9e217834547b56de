"""Validate citizen input: Kazakhstan IINs and uploaded document scans."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

__all__ = [
    "ALLOWED_TYPES",
    "MAX_UPLOAD_BYTES",
    "Iin",
    "ValidationError",
    "make_iin",
    "parse_iin",
    "sniff_upload",
]


class ValidationError(ValueError):
    """Signal invalid input with a machine code the web layer translates."""

    code: str

    def __init__(self, code: str, message: str | None = None) -> None:
        """Store the machine code and an optional developer-facing message."""
        super().__init__(message or code)
        self.code = code


# --------------------------------------------------------------------------- IIN

_IIN_RE = re.compile(r"[0-9]{12}")
_WEIGHTS_1 = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
_WEIGHTS_2 = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)
# Digit 7 -> (century start, sex).
_CENTURY_SEX: dict[int, tuple[int, str]] = {
    1: (1800, "M"),
    2: (1800, "F"),
    3: (1900, "M"),
    4: (1900, "F"),
    5: (2000, "M"),
    6: (2000, "F"),
}


@dataclass(frozen=True)
class Iin:
    """Hold a validated IIN and the facts encoded in it."""

    value: str
    birth_date: date
    sex: str  # "M" or "F"


def _check_digit(first11: str) -> int | None:
    """Return the IIN check digit for the first 11 digits, or None if none exists."""
    digits = [int(ch) for ch in first11]
    for weights in (_WEIGHTS_1, _WEIGHTS_2):
        c = sum(d * w for d, w in zip(digits, weights)) % 11
        if c != 10:
            return c
    return None


def parse_iin(raw: str) -> Iin:
    """Parse and validate an IIN, ignoring whitespace; raise ValidationError if invalid."""
    if not isinstance(raw, str):
        raise ValidationError("iin_format", "IIN must be a string")
    value = "".join(raw.split())
    if not _IIN_RE.fullmatch(value):
        raise ValidationError("iin_format", "IIN must be exactly 12 digits")
    century_sex = _CENTURY_SEX.get(int(value[6]))
    if century_sex is None:
        raise ValidationError("iin_birth_date", f"invalid century/sex digit {value[6]}")
    century, sex = century_sex
    try:
        birth_date = date(century + int(value[0:2]), int(value[2:4]), int(value[4:6]))
    except ValueError as exc:
        raise ValidationError("iin_birth_date", f"impossible birth date in IIN: {exc}") from exc
    expected = _check_digit(value[:11])
    if expected is None or expected != int(value[11]):
        raise ValidationError("iin_checksum", "IIN check digit does not match")
    return Iin(value=value, birth_date=birth_date, sex=sex)


def make_iin(birth_date: date, sex: str, serial: int) -> str:
    """Build a valid IIN from a birth date, sex ("M"/"F") and 4-digit serial, bumping the serial if needed."""
    if sex not in ("M", "F"):
        raise ValueError("sex must be 'M' or 'F'")
    if not 1800 <= birth_date.year <= 2099:
        raise ValueError("IIN birth year must be between 1800 and 2099")
    if not 0 <= serial <= 9999:
        raise ValueError("serial must be between 0 and 9999")
    century_digit = {1800: 1, 1900: 3, 2000: 5}[birth_date.year // 100 * 100]
    if sex == "F":
        century_digit += 1
    prefix = f"{birth_date:%y%m%d}{century_digit}"
    for attempt in range(10000):
        first11 = f"{prefix}{(serial + attempt) % 10000:04d}"
        check = _check_digit(first11)
        if check is not None:
            return f"{first11}{check}"
    raise AssertionError("no serial yields a valid IIN")  # pragma: no cover


# ------------------------------------------------------------------------ uploads

ALLOWED_TYPES: dict[str, str] = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
}
MAX_UPLOAD_BYTES = 10 * 1024 * 1024

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PDF_HEADER = b"%PDF-"
_PDF_EOF = b"%%EOF"
_PDF_MAX_PREAMBLE = 1024  # the header may start anywhere in the first 1024 bytes
_PDF_EOF_WINDOW = 1024  # %%EOF must appear within the last 1024 bytes


def _is_png(data: bytes) -> bool:
    """Return whether `data` has the PNG signature followed by an IHDR chunk."""
    return (
        data.startswith(_PNG_SIGNATURE)
        and len(data) >= 8 + 8 + 13 + 4
        and data[8:12] == b"\x00\x00\x00\x0d"
        and data[12:16] == b"IHDR"
    )


def _is_jpeg(data: bytes) -> bool:
    """Return whether `data` starts with an SOI marker and ends with EOI (zero padding allowed)."""
    return data.startswith(b"\xff\xd8\xff") and data.rstrip(b"\x00").endswith(b"\xff\xd9")


def _is_pdf(data: bytes) -> bool:
    """Return whether `data` has a PDF header near the start and %%EOF near the end."""
    header_at = data.find(_PDF_HEADER, 0, _PDF_MAX_PREAMBLE + len(_PDF_HEADER))
    if header_at < 0:
        return False
    tail_from = max(header_at + len(_PDF_HEADER), len(data) - _PDF_EOF_WINDOW)
    return data.find(_PDF_EOF, tail_from) >= 0


def sniff_upload(data: bytes, max_bytes: int = MAX_UPLOAD_BYTES) -> str:
    """Return the MIME type of an uploaded scan judged by its content; raise ValidationError otherwise."""
    if not data:
        raise ValidationError("file_empty", "uploaded file is empty")
    if len(data) > max_bytes:
        raise ValidationError("file_too_large", f"uploaded file exceeds {max_bytes} bytes")
    if not isinstance(data, bytes):
        data = bytes(data)
    if _is_png(data):
        return "image/png"
    if _is_jpeg(data):
        return "image/jpeg"
    if _is_pdf(data):
        return "application/pdf"
    raise ValidationError("file_type", "uploaded file is not a PDF, JPEG or PNG")
