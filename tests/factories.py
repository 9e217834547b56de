"""Small real files and a ready request, built for tests."""
from __future__ import annotations

import struct
import zlib

from flask import Flask
from flask.testing import FlaskClient

from datetime import date

from portal import demo
from portal.demo_registry import person_row
from portal.domain.models import Provider, RegistryFamilyTie
from sqlalchemy import select


def png_bytes() -> bytes:
    """Return a real 1x1 PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)) + \
        chunk(b"IDAT", raw) + chunk(b"IEND", b"")


def pdf_bytes() -> bytes:
    """Return a small real PDF (one empty page)."""
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for i, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 4\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def provider_id(app: Flask, code: str = "petropavl") -> int:
    """Return a demo provider's id."""
    with app.extensions["portal"].sessions() as session:
        return session.scalar(select(Provider.id).where(Provider.code == code))


def fill_form(app: Flask, ground: str = "health", provider: str = "petropavl") -> dict:
    """Return a complete external-study form for the demo child."""
    return {**demo.CHILD, "school": "№ 7 мектеп-гимназия", "grade": "8", "ground": ground,
            "provider_id": str(provider_id(app, provider))}


def submitted_request(app: Flask, client: FlaskClient, ground: str = "health", provider: str = "petropavl") -> int:
    """Create, fill and submit a request as the signed-in citizen; return its id."""
    r = client.post("/apply/external_study/start")
    app_id = int(r.headers["Location"].rstrip("/").split("/")[-1])
    doc = {"health": "doc_medical_035", "abroad_with_parents": "doc_parents_abroad",
           "study_abroad": "doc_study_abroad"}[ground]
    import io
    data = {**fill_form(app, ground, provider), doc: (io.BytesIO(pdf_bytes()), "scan.pdf"), "next": "review"}
    r = client.post(f"/apply/{app_id}", data=data, content_type="multipart/form-data")
    assert r.status_code == 302, r.get_data(as_text=True)[:2000]
    from tests.eds_helpers import sign_prepared, signer
    key = signer(app, demo.CITIZEN.iin)
    r = sign_prepared(client, f"/apply/{app_id}/sign/prepare", f"/apply/{app_id}/sign/finish", key,
                      consent=True)
    assert r.status_code == 200, r.get_data(as_text=True)[:2000]
    return app_id


def registry_person(app: Flask, iin: str, full_name: str, *, parent_of: str | None = None,
                    guardian_of: str | None = None, guardian_until: date | None = None) -> None:
    """Put a person into the stand-in individuals' registry, optionally as a child's parent or guardian."""
    with app.extensions["portal"].sessions() as session:
        session.add(person_row(iin, full_name))
        if parent_of:
            session.add(RegistryFamilyTie(child_iin=parent_of, adult_iin=iin, relation="parent"))
        if guardian_of:
            session.add(RegistryFamilyTie(child_iin=guardian_of, adult_iin=iin, relation="guardian",
                                          valid_until=guardian_until))
        session.commit()


def parent_tie(app: Flask, adult_iin: str, child_iin: str) -> None:
    """Record in the stand-in registry that the adult is the child's parent."""
    with app.extensions["portal"].sessions() as session:
        session.add(RegistryFamilyTie(child_iin=child_iin, adult_iin=adult_iin, relation="parent"))
        session.commit()
