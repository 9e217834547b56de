"""Uploads in a real browser: a scan over the limit is stopped in the page, and nothing typed is lost."""
from __future__ import annotations

import pytest

from portal import demo
from tests.browser.test_full_path import sign_in
from tests.browser.test_legacy_key_files import draft_ready_to_sign

pytestmark = pytest.mark.browser

#: an image's width once the browser has loaded it (0 if it could not): a page just shown may still be fetching it
LOADED_WIDTH = ("img => img.complete ? img.naturalWidth : new Promise(done => {"
                " img.addEventListener('load', () => done(img.naturalWidth));"
                " img.addEventListener('error', () => done(0)); })")


def test_a_50_mb_scan_is_refused_at_its_field_and_the_form_keeps_what_was_typed(app, page, live_url, tmp_path):
    draft = draft_ready_to_sign(app)
    page.goto(f"{live_url}/lang/en")
    sign_in(page, live_url, demo.CITIZEN)
    page.goto(f"{live_url}/apply/{draft}")
    page.fill("#school", "Гимназия № 3, typed just now")
    sent: list[str] = []
    page.on("request", lambda r: sent.append(r.method) if r.method == "POST" else None)
    big = tmp_path / "big-scan.pdf"
    with big.open("wb") as out:
        out.write(b"%PDF-1.4\n")
        out.truncate(50 * 1024 * 1024)
    page.set_input_files("#doc_medical_035", str(big))
    error = page.locator("#doc_medical_035-error")
    error.wait_for(state="visible")
    assert "big-scan.pdf is 50.0 MB; a file may be at most 10 MB" in error.inner_text()
    assert page.get_attribute("#doc_medical_035", "aria-describedby") == "doc_medical_035-error"
    assert page.input_value("#doc_medical_035") == "" and sent == []  # cleared, and nothing was sent
    assert page.input_value("#school") == "Гимназия № 3, typed just now"
    page.click("button[value=save]")  # saving goes on without the file: what was typed is kept
    page.wait_for_selector(".flash.success")
    assert page.input_value("#school") == "Гимназия № 3, typed just now"
    assert "035-1.pdf" in page.inner_text("[data-doc=medical_035]")  # the scan attached before stays


def big_pdf(megabytes: int) -> bytes:
    """Return a real one-page PDF of about this size, as a scan at a high resolution is."""
    import io
    import os

    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen.canvas import Canvas
    from PIL import Image
    side = int((megabytes * 1024 * 1024 / 3) ** 0.5)
    noise = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))  # noise does not compress
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4, pageCompression=0)
    canvas.drawImage(ImageReader(noise), 40, 300, width=500, height=500)
    canvas.save()
    return out.getvalue()


def test_a_scan_is_sent_with_a_progress_bar_and_comes_back_with_a_picture_of_its_first_page(app, page, live_url,
                                                                                             tmp_path):
    draft = draft_ready_to_sign(app)
    page.goto(f"{live_url}/lang/en")
    sign_in(page, live_url, demo.CITIZEN)
    page.goto(f"{live_url}/apply/{draft}")
    scan = tmp_path / "scan-at-600-dpi.pdf"
    scan.write_bytes(big_pdf(6))
    assert 5_000_000 < scan.stat().st_size < 10 * 1024 * 1024  # large, and still within the limit
    sent: list[str] = []
    page.on("request", lambda r: sent.append(r.resource_type) if r.method == "POST" else None)
    page.fill("#school", "typed before the upload")
    page.set_input_files("#doc_medical_035", str(scan))
    cdp = page.context.new_cdp_session(page)  # a slow line (4 Mbit/s up), so the bar is there to be seen
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 20, "downloadThroughput": -1,
                                                  "uploadThroughput": 512 * 1024})
    page.click("button[value=save]")
    page.wait_for_function("() => document.getElementById('upload-bar').value >= 10")
    assert page.is_visible("#upload-bar") and page.inner_text("#upload-percent").endswith("%")
    assert page.is_disabled("button[value=save]")  # not sent twice
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 0, "downloadThroughput": -1,
                                                  "uploadThroughput": -1})
    # the server's page replaced the form (a line still slow for the rest of the upload would take 8 s more)
    page.locator(".flash.success", has_text="Draft saved").wait_for(timeout=60000)
    assert sent == ["xhr"]
    assert page.input_value("#school") == "typed before the upload"
    assert "scan-at-600-dpi.pdf" in page.inner_text("[data-doc=medical_035]")
    assert page.url.endswith(f"/apply/{draft}")
    preview = page.locator("[data-doc=medical_035] .scan-preview img")
    assert preview.get_attribute("alt") == "Open scan-at-600-dpi.pdf (its first page is shown)"
    assert preview.evaluate(LOADED_WIDTH) == 240
    page.click("button[value=review]")
    page.wait_for_selector("#consent")
    assert page.locator("#answers .scan-preview img").evaluate(LOADED_WIDTH) == 240
