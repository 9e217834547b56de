"""The dashboard's page, JSON and CSV: who sees which figures, and what the files hold."""
from __future__ import annotations

import csv
import io
from datetime import datetime

from flask import Flask
from lxml import html
from sqlalchemy import select

from portal import demo
from portal.domain.models import DashboardFill
from tests.conftest import account, sign_in, staff_client
from tests.dashboard_data import NOV, OCT, add_request, handcrafted


def _page(client, url: str = "/dashboard/"):  # type: ignore[no-untyped-def]
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return html.fromstring(response.get_data(as_text=True))


def _rows(page, table: str) -> list[list[str]]:  # type: ignore[no-untyped-def]
    return [[c.text_content().strip() for c in tr.xpath("./th|./td")]
            for tr in page.xpath(f"//table[@id='{table}']/tbody/tr")]


def _csv(client, url: str) -> tuple[str, list[list[str]]]:  # type: ignore[no-untyped-def]
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    body = response.get_data()
    assert body.startswith("\ufeff".encode())  # the BOM: Excel reads UTF-8
    return response.headers["Content-Disposition"], list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_a_head_sees_their_providers_figures_in_a_table_with_the_charts_data(app: Flask):
    handcrafted(app)
    head = staff_client(app, "head")
    page = _page(head)
    assert page.xpath("//a[@id='nav-dashboard']/@href") == ["/dashboard/"]
    # overdue now: October's and one received in November 2025, before the months shown (open is open)
    assert [page.get_element_by_id(i).text_content() for i in ("total-received", "total-on-time", "total-late",
                                                              "total-overdue", "total-in-time")] == ["5", "2", "1", "2", "1"]
    rows = {(r[0], r[1]): r[2:] for r in _rows(page, "table-requests")}
    assert len(rows) == 3 and ["3", "1", "1"] in rows.values() and ["1", "0", "0"] in rows.values()
    assert [r[1:] for r in _rows(page, "table-open")] == [["2", "1"]]
    assert page.xpath("//p[@id='counting-note']") and page.xpath("//p[@id='approximate-note']")
    steps = {tr.get("data-step"): tr.xpath("./td[@class='median']")[0].text_content()
             for tr in page.xpath("//table[@id='table-steps']/tbody/tr")}
    assert steps == {"register": "2.00", "assign": "7.00"}
    assert page.xpath("//p[@id='hours-note']")  # the page says the hours are wall-clock
    charts = page.get_element_by_id("dashboard-charts")
    assert charts.get("data-src").startswith("/dashboard/data.json")
    assert page.xpath("//script/@src") == ["/static/vendor/chartjs/chart.umd.min.js", "/static/dashboard.js"]
    assert not page.xpath("//script[not(@src)]")  # the strict CSP: no inline script
    assert not page.xpath("//select[@id='provider']")  # a head cannot pick another provider

    data = head.get("/dashboard/data.json").get_json()
    assert data["months"][-2:] == [OCT, NOV] and len(data["months"]) == 12
    received = next(s for s in data["requests"]["series"] if s["key"] == "received")["data"]
    late = next(s for s in data["requests"]["series"] if s["key"] == "late")["data"]
    assert received[-2:] == [4, 1] and late[-2:] == [1, 0] and sum(received) == 5
    assert [s["key"] for s in data["requests"]["series"]] == ["received", "on_time", "late"]
    assert sorted(data["steps"]["median_hours"]) == [2.0, 7.0] and data["steps"]["exact"] == [True, True]


def test_a_head_of_one_provider_never_sees_anothers_numbers(app: Flask):
    handcrafted(app)
    aiyrtau = staff_client(app, "head", "aiyrtau")
    for url in ("/dashboard/", "/dashboard/?provider=petropavl"):
        page = _page(aiyrtau, url)
        assert page.get_element_by_id("total-received").text_content() == "2"
        assert "Петропавл" not in page.get_element_by_id("dashboard-where").text_content()
    data = aiyrtau.get("/dashboard/data.json?provider=petropavl").get_json()
    assert sum(next(s for s in data["requests"]["series"] if s["key"] == "received")["data"]) == 2
    assert data["steps"]["median_hours"] == [5.0]
    disposition, rows = _csv(aiyrtau, "/dashboard/requests.csv?provider=petropavl")
    assert "aiyrtau" in disposition and "petropavl" not in disposition
    assert sum(int(r[4]) for r in rows[1:]) == 2


def test_staff_who_are_not_heads_and_citizens_get_no_dashboard(app: Flask, citizen):  # type: ignore[no-untyped-def]
    for client in (staff_client(app, "office_clerk"), staff_client(app, "executor"), citizen):
        for url in ("/dashboard/", "/dashboard/data.json", "/dashboard/requests.csv", "/dashboard/steps.csv"):
            assert client.get(url).status_code == 403, url
    assert app.test_client().get("/dashboard/").status_code == 302  # anonymous: sign in first


def test_the_regional_analyst_lands_on_the_regions_sum_and_may_narrow_it(app: Flask):
    handcrafted(app)
    client = app.test_client()
    response = client.post("/auth/sign-in", data={"iin": demo.REGION_ANALYST.iin,
                                                  "password": demo.REGION_ANALYST.password})
    assert response.headers["Location"] == "/dashboard/"
    page = _page(client)
    assert page.get_element_by_id("total-received").text_content() == "7"
    assert page.xpath("//select[@id='provider']/option[@value='aiyrtau']")
    assert client.get("/backoffice/").status_code == 403  # no request's personal data for the region's analyst
    page = _page(client, "/dashboard/?provider=aiyrtau")
    assert page.get_element_by_id("total-received").text_content() == "2"
    regional = sum(next(s for s in client.get("/dashboard/data.json").get_json()["requests"]["series"]
                        if s["key"] == "received")["data"])
    assert regional == 7


def test_the_csv_files_hold_the_same_figures_with_headers_and_a_telling_name(app: Flask):
    handcrafted(app)
    head = staff_client(app, "head")
    head.get("/lang/en")
    disposition, rows = _csv(head, "/dashboard/requests.csv?from=2026-10&to=2026-11")
    assert disposition == 'attachment; filename="dashboard-petropavl-2026-10_2026-11-requests.csv"'
    assert rows[0] == ["Provider", "Month", "Service code", "Service", "Received", "Completed on time",
                       "Completed late"]
    assert {r[0] for r in rows[1:]} == {"Education Department of Petropavl City"}  # named in the language asked
    body = {(r[1], r[2]): r[4:] for r in rows[1:]}
    assert body == {(OCT, "external_study"): ["3", "1", "1"], (OCT, "tvet_certificate"): ["1", "1", "0"],
                    (NOV, "external_study"): ["1", "0", "0"]}
    disposition, rows = _csv(head, "/dashboard/steps.csv?from=2026-10&to=2026-11&service=external_study")
    assert disposition == 'attachment; filename="dashboard-petropavl-2026-10_2026-11-external_study-steps.csv"'
    assert rows[0][1] == "Month completed"
    assert rows[0][4:] == ["Step code", "Step", "Role", "Norm", "Norm code", "Steps completed", "Completed late",
                           "Median, hours (wall-clock)", "Median"]
    assert rows[1][4:8] == ["assign", "Assign an executor", "Head", "20 minutes"]
    got = {(r[1], r[4]): (r[8], r[9], r[10], r[11], r[12]) for r in rows[1:]}
    assert got == {(OCT, "register"): ("15m", "3", "1", "2.00", "exact"), (OCT, "assign"): ("20m", "2", "1", "7.00", "exact"),
                   ("2026-10..2026-11", "register"): ("15m", "3", "1", "2.00", "exact"),
                   ("2026-10..2026-11", "assign"): ("20m", "2", "1", "7.00", "exact")}


def test_the_csv_speaks_the_chosen_language(app: Flask):
    handcrafted(app)
    head = sign_in(app.test_client(), account("head", "petropavl"))
    head.get("/lang/ru")
    _disposition, rows = _csv(head, "/dashboard/requests.csv")
    assert rows[1][0] == "ГУ «Отдел образования города Петропавловска»"


def test_the_page_keeps_the_months_it_counted_and_marks_a_median_over_several_months(app: Flask):
    handcrafted(app)
    with app.extensions["portal"].sessions() as s:  # a register step of September: 4 hours
        add_request(s, "petropavl", datetime(2026, 9, 7, 9), datetime(2026, 9, 30, 18),
                    steps=(("register", "office_clerk", "15m", 4, False),))
        s.commit()
    head = staff_client(app, "head")
    head.get("/lang/en")
    page = _page(head)
    with app.extensions["portal"].sessions() as s:
        counted = {f.month: f.until for f in s.scalars(select(DashboardFill))}
    assert counted[OCT] == datetime(2026, 11, 1) and counted[NOV] == datetime(2026, 11, 23) and len(counted) == 12
    # 1, 2, 3 (October) and 4 hours (September): 2.5, from the bands, marked as such
    medians = {tr.get("data-step"): tr.xpath("./td[@class='median']")[0]
               for tr in page.xpath("//table[@id='table-steps']/tbody/tr")}
    assert medians["register"].get("data-approximate") == "1"
    assert medians["register"].text_content().startswith("≈")
    assert abs(float(medians["register"].text_content().split()[-1]) - 2.5) <= 0.03
    assert medians["assign"].text_content() == "7.00" and medians["assign"].get("data-approximate") is None
    _disposition, rows = _csv(head, "/dashboard/steps.csv")
    whole = {r[4]: r[12] for r in rows[1:] if ".." in r[1]}
    assert whole == {"register": "approximate, within 1.1%", "assign": "exact"}
