"""One way of writing dates: the pages, the e-mails and the PDFs all take it from portal.dates."""
from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

from portal import dates
from portal.domain.catalog.spec import Field
from portal.domain.models import Application
from portal.web_templates import kzdatetime
from tests.factories import submitted_request
from portal.domain.fields import display

ROOT = Path(__file__).resolve().parent.parent
#: a date format written out by hand (strftime codes for day, month or year)
HAND_MADE = re.compile(r"%d[./-]%m|%Y-%m-%d|dd\.MM\.yyyy")


def test_dates_are_written_day_first_with_dots():
    assert dates.day(date(2019, 9, 1)) == "01.09.2019"
    assert dates.minute(datetime(2019, 9, 1, 8, 5)) == "01.09.2019 08:05"
    assert dates.second(datetime(2019, 9, 1, 8, 5, 7)) == "01.09.2019 08:05:07"
    assert dates.typed_day("2019-09-01") == "01.09.2019" and dates.typed_day("not a date") == "not a date"


def test_a_date_field_reads_the_same_in_every_language():
    spec = Field("study_from", "date", {"kk": "Күні", "ru": "Дата", "en": "Date"})
    assert {display(spec, "2019-09-01", lang) for lang in ("kk", "ru", "en")} == {"01.09.2019"}


def test_no_module_or_template_writes_its_own_date_format():
    sources = [*ROOT.joinpath("portal").rglob("*.py"), *ROOT.joinpath("provider_backoffice").rglob("*.py"),
               *ROOT.joinpath("templates").rglob("*.html")]
    offenders = [str(p.relative_to(ROOT)) for p in sources
                 if p.name != "dates.py" and "migrations" not in p.parts and HAND_MADE.search(p.read_text())]
    assert offenders == []


def test_the_notification_states_the_same_deadline_as_the_page(app, citizen):
    app_id = submitted_request(app, citizen)
    with app.extensions["portal"].sessions() as session:
        due = kzdatetime(session.get(Application, app_id).deadline_at)
    citizen.get("/lang/en")
    page = citizen.get(f"/cabinet/requests/{app_id}").get_data(as_text=True)
    assert f"deadline is {due}." in page
