"""Distinguished names of the test PKI, as docs/eds.md fixes them, and reading them back."""

from __future__ import annotations

import re
from dataclasses import dataclass

from cryptography import x509
from cryptography.x509.oid import NameOID

ROOT_COMMON_NAME = "Portal Test National Root CA (NOT FOR PRODUCTION)"
ISSUING_COMMON_NAME = "Portal Test NCA Issuing CA (NOT FOR PRODUCTION)"
TSA_COMMON_NAME = "Portal Test TSA (NOT FOR PRODUCTION)"
PKI_ORGANISATION = "Education e-Services Portal (test)"
COUNTRY = "KZ"
CN_MAX_CHARS = 64

IIN_RE = re.compile(r"\A[0-9]{12}\Z")  # ASCII digits only; "\d" and "$" would admit other digits and a newline
BIN_RE = re.compile(r"\A[0-9]{12}\Z")


def _attr(oid: x509.ObjectIdentifier, value: str) -> x509.NameAttribute:
    """Return one name attribute."""
    return x509.NameAttribute(oid, value)


def ca_name(common_name: str) -> x509.Name:
    """Return the subject of one of our CAs or of the TSA."""
    return x509.Name(
        [
            _attr(NameOID.COMMON_NAME, common_name),
            _attr(NameOID.ORGANIZATION_NAME, PKI_ORGANISATION),
            _attr(NameOID.COUNTRY_NAME, COUNTRY),
        ]
    )


def seal_name(organisation: str, bin: str) -> x509.Name:
    """Return the subject of an organisation seal (CN is the name cut to 64 UTF-8 bytes)."""
    return x509.Name(
        [
            _attr(NameOID.COMMON_NAME, fit_utf8(organisation, 64)),
            _attr(NameOID.ORGANIZATION_NAME, organisation),
            _attr(NameOID.ORGANIZATIONAL_UNIT_NAME, f"BIN{bin}"),
            _attr(NameOID.COUNTRY_NAME, COUNTRY),
        ]
    )


def person_name(
    *,
    iin: str,
    surname: str,
    name: str,
    patronymic: str | None,
    organisation: str | None,
    bin: str | None,
) -> x509.Name:
    """Return a person's subject: CN=SURNAME NAME, serialNumber=IIN…, C=KZ, [GN], [O, OU=BIN…]."""
    if not IIN_RE.match(iin):
        raise ValueError(f"an IIN has 12 digits, got {iin!r}")
    surname, name = " ".join(surname.split()), " ".join(name.split())
    if not surname or not name:
        raise ValueError("surname and name are required")
    if (organisation is None) != (bin is None):
        raise ValueError("staff certificates need both organisation and bin")
    common_name = f"{surname.upper()} {name.upper()}"
    if len(common_name) > CN_MAX_CHARS:
        raise ValueError(f"'SURNAME NAME' exceeds {CN_MAX_CHARS} characters")
    attrs = [
        _attr(NameOID.COMMON_NAME, common_name),
        _attr(NameOID.SERIAL_NUMBER, f"IIN{iin}"),
        _attr(NameOID.COUNTRY_NAME, COUNTRY),
    ]
    if patronymic and patronymic.strip():
        attrs.append(_attr(NameOID.GIVEN_NAME, " ".join(patronymic.split())))
    if organisation is not None and bin is not None:
        organisation = " ".join(organisation.split())
        if not organisation:
            raise ValueError("organisation name is empty")
        if not BIN_RE.match(bin):
            raise ValueError(f"a BIN has 12 digits, got {bin!r}")
        attrs.append(_attr(NameOID.ORGANIZATION_NAME, organisation))
        attrs.append(_attr(NameOID.ORGANIZATIONAL_UNIT_NAME, f"BIN{bin}"))
    return x509.Name(attrs)


@dataclass(frozen=True)
class SubjectFields:
    """What the portal reads from a certificate subject."""

    common_name: str
    iin: str
    given_name: str | None
    organisation: str | None
    bin: str | None


def _first(name: x509.Name, oid: x509.ObjectIdentifier) -> str | None:
    """Return the first value of an attribute, if any."""
    values = name.get_attributes_for_oid(oid)
    return str(values[0].value) if values else None


def subject_fields(name: x509.Name) -> SubjectFields:
    """Read CN, IIN (from serialNumber "IIN…"), GN, O and BIN (from OU "BIN…"); missing IIN is ""."""
    serial = _first(name, NameOID.SERIAL_NUMBER) or ""
    iin = serial[3:] if serial.startswith("IIN") and IIN_RE.match(serial[3:]) else ""
    units = [str(a.value) for a in name.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME)]
    bin_value = next((u[3:] for u in units if u.startswith("BIN") and BIN_RE.match(u[3:])), None)
    return SubjectFields(
        common_name=_first(name, NameOID.COMMON_NAME) or "",
        iin=iin,
        given_name=_first(name, NameOID.GIVEN_NAME),
        organisation=_first(name, NameOID.ORGANIZATION_NAME),
        bin=bin_value,
    )


def fit_utf8(text: str, limit: int) -> str:
    """Shorten ``text`` to at most ``limit`` UTF-8 bytes, cutting at a word with "…"."""
    if len(text.encode("utf-8")) <= limit:
        return text
    budget = limit - len("…".encode())
    cut = text.encode("utf-8")[:budget].decode("utf-8", errors="ignore")
    if " " in cut.strip():
        cut = cut[: cut.rstrip().rfind(" ")]
    return cut.rstrip(" ,;:«\"-") + "…"
