"""Static files' addresses are built once per process, yet follow the root the portal is mounted under."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from flask import Flask
from lxml import html


def stylesheet(app: Flask, root: str) -> str:
    """Return the stylesheet address the catalog names when the portal is mounted at `root`."""
    page = app.test_client().get("/", environ_overrides={"SCRIPT_NAME": root}).get_data(as_text=True)
    return html.fromstring(page).xpath("string(//link[@rel='stylesheet']/@href)")


def test_a_mounted_portal_names_its_static_files_under_its_root(app: Flask):
    assert [stylesheet(app, root) for root in ("/edu", "", "/edu")] == \
        ["/edu/static/portal.css", "/static/portal.css", "/edu/static/portal.css"]


def test_a_mounted_portals_navigation_and_language_links_follow_its_root_and_come_back(app: Flask):
    client = app.test_client()
    for root in ("/edu", "", "/edu"):
        page = html.fromstring(client.get("/?q=x%20y", environ_overrides={"SCRIPT_NAME": root}).get_data(as_text=True))
        assert page.xpath("string(//a[@class='brand']/@href)") == f"{root}/"
        assert page.xpath("//nav[contains(@class, 'main-nav')]/a/@href") == [f"{root}/", f"{root}/verify/",
                                                                             f"{root}/auth/sign-in", f"{root}/auth/register"]
        russian = urlsplit(page.xpath("string(//nav[@class='lang']/a[@lang='ru']/@href)"))
        assert russian.path == f"{root}/lang/ru" and parse_qs(russian.query) == {"next": ["/?q=x%20y"]}
        back = client.get(f"/lang/ru?{russian.query}", environ_overrides={"SCRIPT_NAME": root})
        assert back.status_code == 302 and back.location.endswith("/?q=x%20y")
