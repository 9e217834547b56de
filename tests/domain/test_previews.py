"""Each scan gets a small picture of its first page when attached; a file that cannot be drawn in budget gets none."""
from __future__ import annotations

import io
import time

from PIL import Image
from sqlalchemy import select

from portal import clock, demo
from portal.domain import applications, previews
from portal.domain.file_cleanup import needed_blobs
from portal.domain.models import Person
from portal.sandbox import Budget
from tests.factories import fill_form, pdf_bytes, png_bytes, provider_id


def endless(data: bytes, content_type: str) -> bytes:
    """Spin as a hostile PDF makes a renderer spin."""
    while True:
        pass


def drawn_pdf() -> bytes:
    """Return a one-page A4 PDF with a black band across its top, as a scan has ink on it."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4)
    canvas.rect(0, A4[1] - 200, A4[0], 200, fill=1)
    canvas.save()
    return out.getvalue()


def picture(app, kind: str, name: str, data: bytes):  # type: ignore[no-untyped-def]
    """Attach a scan to a new draft; return its preview as an image (or None) and whether cleanup keeps it."""
    ctx = app.extensions["portal"]
    with ctx.sessions() as session:
        citizen = session.scalar(select(Person).where(Person.iin == demo.CITIZEN.iin))
        draft = applications.create_draft(session, citizen, "external_study", clock.utcnow())
        applications.save_draft(session, draft, fill_form(app), provider_id(app), clock.utcnow())
        att = applications.attach(session, ctx.store, draft, kind, name, data, clock.utcnow())
        session.commit()
        if att.preview_sha256 is None:
            return None, False
        kept = att.preview_sha256 in needed_blobs(session, clock.utcnow())
        return Image.open(io.BytesIO(ctx.store.get(att.preview_sha256))), kept


def test_a_pdf_scan_is_previewed_by_its_first_page_and_an_image_shrunk(app):
    page, kept = picture(app, "medical_035", "035.pdf", drawn_pdf())
    assert page.format == "PNG" and page.size == (240, 340) and kept  # A4's proportions
    grey = page.convert("L")
    assert grey.getpixel((120, 10)) < 50 and grey.getpixel((120, 300)) > 200  # the band is drawn at the top
    image, _ = picture(app, "medical_035", "035.png", png_bytes())
    assert image.format == "PNG" and image.width <= previews.PREVIEW_WIDTH


def test_a_scan_that_cannot_be_drawn_within_budget_is_kept_without_a_picture(app, monkeypatch):
    monkeypatch.setattr(previews, "_render", endless)
    monkeypatch.setattr(previews, "PREVIEW_BUDGET", Budget(0.5, 1 << 30, 3))
    started = time.perf_counter()
    assert picture(app, "medical_035", "035.pdf", pdf_bytes()) == (None, False)
    assert 0.5 <= time.perf_counter() - started < 5  # it ran until its CPU budget stopped it
