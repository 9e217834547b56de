"""Hostile uploads for the verification page: real signatures, made in seconds with pyHanko."""
from __future__ import annotations

import io

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers

from portal.documents.seal_signer import LoadedKeySigner
from portal.pki.ca import IssuedKey

#: room for the CMS (signer certificate and chain) in each signature's /Contents
RESERVED = 9000


def pages_pdf(pages: int) -> bytes:
    """Return a plain PDF with this many empty pages under one page-tree node."""
    kids = b" ".join(b"%d 0 R" % (3 + i) for i in range(pages))
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages)]
    objs += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"] * pages
    return pdf_of(objs)


def pdf_of(objects: list[bytes]) -> bytes:
    """Build a PDF by hand from object bodies (object 1 is the catalog), with a correct xref table."""
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _sign(pdf: bytes, signer: signers.Signer, field: str) -> bytes:
    """Append one signature in a new field as an incremental update."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    meta = signers.PdfSignatureMetadata(field_name=field)
    return signers.PdfSigner(meta, signer).sign_pdf(writer, bytes_reserved=RESERVED).getvalue()


def _rotate_every_page(pdf: bytes, turn: int) -> bytes:
    """Append an update that rewrites every page object (diff analysis must compare each one)."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    kids = writer.root["/Pages"]["/Kids"]
    for k in range(len(kids)):
        ref = kids.raw_get(k)
        ref.get_object()[generic.NameObject("/Rotate")] = generic.NumberObject(90 * (turn % 4))
        writer.mark_update(ref)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def many_signatures(key: IssuedKey, count: int) -> bytes:
    """Return a one-page PDF signed ``count`` times, each signature an incremental update."""
    signer, pdf = LoadedKeySigner(key), pages_pdf(1)
    for i in range(count):
        pdf = _sign(pdf, signer, f"Sig{i}")
    return pdf


def bloated_at_cap(key: IssuedKey, pages: int, signatures: int = 4, updates: int = 5) -> bytes:
    """Return a PDF within the revision/signature caps whose diff analysis is expensive.

    ``signatures`` signatures interleaved with ``updates`` updates that each rewrite every page:
    1 + 4 + 5 = 10 revisions with the defaults. Each signature's check compares every later revision
    object by object, so the cost grows with pages × revisions × signatures.
    """
    signer = LoadedKeySigner(key)
    pdf = _sign(pages_pdf(pages), signer, "Sig0")
    signed, updated = 1, 0
    while signed < signatures or updated < updates:
        if updated < updates:
            pdf = _rotate_every_page(pdf, updated)
            updated += 1
        if signed < signatures:
            pdf = _sign(pdf, signer, f"Sig{signed}")
            signed += 1
    return pdf
