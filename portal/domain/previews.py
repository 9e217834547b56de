"""A small picture of each scan, for its owner to check before signing: a PDF's first page, an image shrunk.

It is drawn once, when the scan is attached, in a bounded child (portal.sandbox): a PDF that makes the
renderer spin or swell is stopped, and that scan is simply shown without a picture.
"""
from __future__ import annotations

import io

import pypdfium2
from PIL import Image, ImageOps

from portal.sandbox import Budget, Stopped, run_bounded

#: the widest a preview is, in pixels (a page twice as tall as wide at most keeps its proportions)
PREVIEW_WIDTH = 240
#: what drawing one preview may cost (a one-page scan takes about 20 ms)
PREVIEW_BUDGET = Budget(cpu_seconds=1, memory_bytes=1 << 30, wall_seconds=3, niceness=5)


def _render(data: bytes, content_type: str) -> bytes:
    """Return a PNG of the scan's first page within PREVIEW_WIDTH × 2·PREVIEW_WIDTH pixels."""
    box = (PREVIEW_WIDTH, 2 * PREVIEW_WIDTH)
    if content_type == "application/pdf":
        page = pypdfium2.PdfDocument(data)[0]
        width, height = page.get_size()
        image = page.render(scale=min(box[0] / max(width, 1), box[1] / max(height, 1))).to_pil()
    else:
        image = Image.open(io.BytesIO(data))  # its size was checked before (portal.domain.scans)
        image.draft("RGB", box)  # a JPEG decodes straight at a fraction of its size
        image = ImageOps.exif_transpose(image)  # a phone's photo stands as it was taken
        image.thumbnail(box)
    out = io.BytesIO()
    image.convert("RGB").save(out, "PNG", optimize=True)
    return out.getvalue()


def preview(data: bytes, content_type: str) -> bytes | None:
    """Return a PNG preview of a checked scan, or None when it cannot be drawn within its budget."""
    try:
        return run_bounded(_render, (data, content_type), PREVIEW_BUDGET)
    except Stopped:
        return None
