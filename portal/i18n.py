"""The templates' gettext, looked up once per request and language rather than on every call.

Flask-Babel finds the request's translations anew for every string (four context look-ups and the
locale's name each time): a cabinet page of twenty rows asks about a hundred times. The translations
are memoised in Flask-Babel's own per-request namespace, for the locale object in force, so that
`force_locale` (an e-mail in its reader's language) still gets its own.
"""
from __future__ import annotations

from typing import Any

from flask import Flask, g
from flask_babel import get_locale, get_translations
from babel.support import NullTranslations
from jinja2 import pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup


def _babel_space() -> Any:
    """Return Flask-Babel's per-request namespace, or None outside an application context or before it is made."""
    try:
        return getattr(g, "_flask_babel", None)  # one look through the proxy: a page asks a few dozen times
    except RuntimeError:  # no application context
        return None


def translations() -> NullTranslations:
    """Return the translations of the language in force in this request."""
    space = _babel_space()
    locale = getattr(space, "babel_locale", None)
    if locale is None:  # outside a request, or before the locale was chosen: Flask-Babel's own way
        return get_translations()
    memo = getattr(space, "portal_translations", None)
    if memo is None or memo[0] is not locale:
        memo = (locale, get_translations())
        space.portal_translations = memo
    return memo[1]


def install(app: Flask) -> None:
    """Give the app's templates the memoised gettext (after Flask-Babel has installed its own)."""
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
    # Jinja's newstyle wrappers, called directly: `_` no longer looks `gettext` up in the context, and a message
    # without variables is not formatted (a page asks for a few dozen)
    app.jinja_env.globals.update(_=_gettext, gettext=_gettext, ngettext=_ngettext)


# the evaluation context, not the whole one: Jinja derives a new context for every call of a function that takes
# it from inside a block or loop with variables of its own (a dozen a page, for nothing here)
@pass_eval_context
def _gettext(eval_ctx: EvalContext, string: str, /, **variables: Any) -> str:
    """Translate a template's message as Jinja's newstyle gettext does: escaped, then formatted."""
    text = translations().ugettext(string)
    if eval_ctx.autoescape:
        text = Markup(text)
    return text % variables if variables or "%" in text else text  # `x % {}` only changes a message with a %


@pass_eval_context
def _ngettext(eval_ctx: EvalContext, singular: str, plural: str, num: int, /, **variables: Any) -> str:
    """Translate a template's plural message as Jinja's newstyle ngettext does, `num` among its variables."""
    variables.setdefault("num", num)
    text = translations().ungettext(singular, plural, num)
    if eval_ctx.autoescape:
        text = Markup(text)
    return text % variables


def language() -> str:
    """Return the code of the language in force ("kk" outside a request), its name worked out once."""
    space = _babel_space()
    locale = getattr(space, "babel_locale", None)
    if locale is None:
        locale = get_locale()  # chooses it for the request (or None outside one)
        space = _babel_space()
        if locale is None or space is None:
            return str(locale or "kk")
    memo = getattr(space, "portal_language", None)
    if memo is None or memo[0] is not locale:
        memo = (locale, str(locale))
        space.portal_language = memo
    return memo[1]
