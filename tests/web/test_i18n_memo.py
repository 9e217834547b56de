"""The templates' memoised gettext follows the language in force, force_locale included (e-mails)."""
from __future__ import annotations

from flask import render_template_string
from flask_babel import force_locale

from portal.web import locale


def test_the_memo_follows_force_locale_and_the_request_language(app) -> None:
    page = '{{ _("Services") }}'
    with app.test_request_context("/?lang=kk"):
        first = render_template_string(page)
        with force_locale("ru"):
            assert render_template_string(page) == "Услуги" and locale() == "ru"
        with force_locale("en"):
            assert render_template_string(page) == "Services" and locale() == "en"
        assert render_template_string(page) == first == "Қызметтер" and locale() == "kk"
