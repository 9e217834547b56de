"""Serve stored files safely: the sniffed type, no MIME guessing, a clean file name."""
from __future__ import annotations

import re

from flask import Response

from portal.domain.models import Attachment
from portal.web import ctx


def file_response(data: bytes, content_type: str, filename: str, *, inline: bool) -> Response:
    """Return the bytes with headers that keep the browser from treating them as a page."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", filename)[-120:] or "file"
    response = Response(data, content_type=content_type)
    response.headers["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{safe}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def attachment_response(attachment: Attachment) -> Response:
    """Return a scan for viewing in the browser."""
    return file_response(ctx().store.get(attachment.sha256), attachment.content_type,
                         f"{attachment.kind}-{attachment.id}{_EXT.get(attachment.content_type, '')}", inline=True)


_EXT = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}
