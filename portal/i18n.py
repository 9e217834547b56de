"""The templates' gettext, looked up once per request and language rather than on every call.

Flask-Babel finds the request's translations anew for every string (four context look-ups and the
locale's name each time): a cabinet page of twenty rows asks about a hundred times. The translations
are memoised in Flask-Babel's own per-request namespace, for the locale object in force, so that
`force_locale` (an e-mail in its reader's language) still gets its own.
"""
from __future__ import annotations

from flask import Flask, g
from flask_babel import get_locale, get_translations
from babel.support import NullTranslations


def translations() -> NullTranslations:
    """Return the translations of the language in force in this request."""
    space = g.get("_flask_babel") if g else None
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


def language() -> str:
    """Return the code of the language in force ("kk" outside a request), its name worked out once."""
    space = g.get("_flask_babel") if g else None
    locale = getattr(space, "babel_locale", None)
    if locale is None:
        locale = get_locale()  # chooses it for the request (or None outside one)
        space = g.get("_flask_babel") if g else None
        if locale is None or space is None:
            return str(locale or "kk")
    memo = getattr(space, "portal_language", None)
    if memo is None or memo[0] is not locale:
        memo = (locale, str(locale))
        space.portal_language = memo
    return memo[1]
