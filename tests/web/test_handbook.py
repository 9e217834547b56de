"""Each service page publishes its handbook: a swimlane diagram per (sub-)flow with every step's title and
normative time in the interface language, the same steps as a table, and the BPMN download."""
from __future__ import annotations

from io import BytesIO

import pytest
from flask import Flask
from flask_babel import force_locale
from lxml import etree, html

from portal import labels
from portal.domain.bpmn import BPMN
from portal.domain.catalog import SERVICES
from portal.domain.handbook import lane_roles, task_id
from portal.web_templates import normative

LOCALES = ("kk", "ru", "en")


def words(text: str) -> str:
    """Return a text with its whitespace collapsed."""
    return " ".join(text.split())


def page(app: Flask, code: str, loc: str) -> html.HtmlElement:
    """Return the parsed service page in a language."""
    client = app.test_client()
    client.get(f"/lang/{loc}")
    response = client.get(f"/services/{code}")
    assert response.status_code == 200
    return html.fromstring(response.get_data(as_text=True))


@pytest.mark.parametrize("code", list(SERVICES))
def test_each_service_page_draws_every_step_with_its_title_and_time(app: Flask, code: str):
    for loc in LOCALES:
        check_page(app, code, loc)


def check_page(app: Flask, code: str, loc: str) -> None:
    """Check the handbook on one service page in one language."""
    spec = SERVICES[code]
    doc = page(app, code, loc)
    figures = doc.xpath("//figure[contains(@class, 'handbook')]")
    assert len(figures) == len(spec.handbook_processes())
    with app.test_request_context(), force_locale(loc):
        for figure, (value, process) in zip(figures, spec.handbook_processes()):
            caption = words(figure.xpath("string(figcaption)"))
            assert normative(process.deadline.code) in caption
            if value:
                assert words(spec.handbook_title(value)[loc]) in caption
            svg = figure.xpath(".//svg[contains(@class, 'swimlanes')]")[0]
            lanes = [words(" ".join(t.xpath("tspan/text()"))) for t in svg.xpath(".//text[contains(@class, 'lane-name')]")]
            assert lanes == [words(str(labels.ROLE[r])) for r in lane_roles(process)]
            boxes = svg.xpath(".//g[contains(@class, 'task')]")
            assert len(boxes) == len(process.transitions)
            drawn = {(words(" ".join(b.xpath(".//text[contains(@class, 'task-title')]/tspan/text()"))),
                      words(b.xpath("string(.//text[contains(@class, 'task-duration')])"))) for b in boxes}
            rows = {tuple(words(td.text_content()) for td in tr.xpath("td"))
                    for tr in figure.xpath(".//table[contains(@class, 'handbook-steps')]/tbody/tr")}
            for move in process.transitions:
                title, time = words(move.title[loc]), normative(move.duration.code)
                assert (title, time) in drawn, (move.action, title)
                # a move may leave several stages under one title (a late refusal): its row is its source's
                source = words(process.stage(move.source).title[loc])
                row = next(r for r in rows if r[2].startswith(title) and r[0] == source)
                assert row[1] == str(labels.ROLE[move.role]) and row[3] == time
                assert row[4] == words(process.stage(move.target).title[loc])
            link = figure.xpath(".//a[@download]/@href")[0]
            assert link.startswith(f"/services/{code}/process.bpmn")
            assert (f"flow={value}" in link) == bool(value)


@pytest.mark.parametrize("code", list(SERVICES))
def test_the_bpmn_download_is_the_flow_of_the_link(app: Flask, code: str):
    spec = SERVICES[code]
    client = app.test_client()
    links = html.fromstring(client.get(f"/services/{code}").get_data(as_text=True)).xpath(
        "//figure[contains(@class, 'handbook')]//a[@download]/@href")
    for link, (value, process) in zip(links, spec.handbook_processes(), strict=True):
        response = client.get(link)
        assert response.status_code == 200 and response.mimetype == "application/xml"
        assert response.headers["Content-Disposition"].startswith("attachment; filename=")
        tree = etree.parse(BytesIO(response.data))
        tasks = tree.findall(f"{{{BPMN}}}process/{{{BPMN}}}userTask")
        assert sorted(t.get("id") for t in tasks) == sorted(task_id(m) for m in process.transitions)
        assert "no-store" in response.headers["Cache-Control"]


def test_older_versions_and_unknown_flows(app: Flask):
    client = app.test_client()
    old = client.get("/services/tvet_certificate/process.bpmn?version=1")
    assert old.status_code == 200 and b"Process_tvet_certificate_v1" in old.data
    assert b"Process_tvet_certificate_v2" in client.get("/services/tvet_certificate/process.bpmn").data
    for url in ("/services/tvet_certificate/process.bpmn?version=9", "/services/tvet_certificate/process.bpmn?version=x",
                "/services/tvet_transfer/process.bpmn?flow=nope", "/services/nope/process.bpmn",
                "/services/tvet_certificate/process.bpmn?version=" + "9" * 5000):
        assert client.get(url).status_code == 404, url
    readmission = client.get("/services/tvet_transfer/process.bpmn?flow=readmission")
    assert b"Process_tvet_transfer_v1_readmission" in readmission.data
