"""The templates' memoised gettext follows the language in force, force_locale included (e-mails)."""
from __future__ import annotations

from flask import render_template_string
from flask_babel import force_locale
from jinja2 import DictLoader

from portal.i18n import TranslatingEnvironment
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



#: constant messages (in an attribute, with `%%`, with `<`, kept in a variable) and one with a variable
MESSAGES = ('<p title="{{ _("Sign out") }}">{{ _("Services") }} & {{ _("100%% sure") }} {{ _("a < b") }}</p>'
            '{% set label = _("Services") %}{{ label }}|{{ label|length }}|{{ _("Services") ~ "<" }}'
            '|{{ _("Signed by %(who)s", who="<b>") }}')


def test_a_template_compiled_for_a_language_shows_what_its_calls_of_gettext_would(app) -> None:
    environment = TranslatingEnvironment(app, loader=DictLoader({"page.html": MESSAGES, "page.txt": MESSAGES}),
                                         autoescape=app.select_jinja_autoescape)  # as Flask makes it
    environment.globals.update(app.jinja_env.globals)
    shown = set()
    with app.test_request_context("/"):
        for language in ("kk", "ru", "en"):
            with force_locale(language):
                for name, escaped in (("page.html", True), ("page.txt", False)):  # a page; a plain-text e-mail
                    compiled = environment.get_template(name)
                    called = environment.overlay(autoescape=escaped).from_string(MESSAGES)  # gettext when shown
                    assert compiled.render() == called.render(), (language, name)
                    shown.add(compiled.render())
                    calls: list[str] = []
                    compiled.render(_=lambda message, **_: calls.append(message) or message)
                    assert calls == ["Signed by %(who)s"]  # the constant ones are text in the template's code
    assert len(shown) == 6 and any("Қызметтер" in s for s in shown) and any("Услуги" in s for s in shown)
