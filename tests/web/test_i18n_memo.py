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


def test_messages_escape_their_variables_where_the_template_escapes_and_only_there(app) -> None:
    message = '{{ _("Signed by %(who)s", who=who) }} {{ ngettext("%(num)s of %(who)s", "%(num)s of %(who)s", 2, who=who) }}'
    with app.test_request_context("/"):
        html = app.jinja_env.from_string(message)  # autoescaped, as every page is
        text = app.jinja_env.overlay(autoescape=False).from_string(message)  # as a plain-text e-mail is
        assert html.render(who="<b>") == "Signed by &lt;b&gt; 2 of &lt;b&gt;"
        assert text.render(who="<b>") == "Signed by <b> 2 of <b>"
        # a block with variables of its own (`set`) passes them through: the messages still see the escaping
        scoped = app.jinja_env.from_string('{% set who = "<i>" %}{% for n in [1] %}' + message + '{% endfor %}')
        assert scoped.render() == "Signed by &lt;i&gt; 2 of &lt;i&gt;"
