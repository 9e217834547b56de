"""Static files' addresses are built once per process, yet follow the root the portal is mounted under."""
from __future__ import annotations

from flask import Flask
from lxml import html


def stylesheet(app: Flask, root: str) -> str:
    """Return the stylesheet address the catalog names when the portal is mounted at `root`."""
    page = app.test_client().get("/", environ_overrides={"SCRIPT_NAME": root}).get_data(as_text=True)
    return html.fromstring(page).xpath("string(//link[@rel='stylesheet']/@href)")


def test_a_mounted_portal_names_its_static_files_under_its_root(app: Flask):
    assert [stylesheet(app, root) for root in ("/edu", "", "/edu")] == \
        ["/edu/static/portal.css", "/static/portal.css", "/edu/static/portal.css"]
