"""The templates' gettext, looked up once per request and language rather than on every call.

Flask-Babel finds the request's translations anew for every string (four context look-ups and the
locale's name each time): a cabinet page of twenty rows asks about a hundred times. The translations
are memoised in Flask-Babel's own per-request namespace, for the locale object in force, so that
`force_locale` (an e-mail in its reader's language) still gets its own.
"""
from __future__ import annotations

from typing import Any

import weakref
from contextvars import ContextVar

from flask import Flask, g, has_app_context
from flask.templating import Environment as FlaskEnvironment
from flask_babel import get_locale, get_translations
from babel.support import NullTranslations
from jinja2 import Template, nodes, pass_eval_context
from jinja2.nodes import EvalContext
from jinja2.visitor import NodeTransformer
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
    assert isinstance(app.jinja_env, TranslatingEnvironment), "create the app with TranslatingEnvironment"
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


#: the language a template is being compiled for, while it is (see TranslatingEnvironment)
_COMPILING_FOR: ContextVar[str | None] = ContextVar("portal_compiling_for", default=None)
#: the names a template's message is translated with
_GETTEXT_NAMES = frozenset({"_", "gettext"})


class _ConstantMessages(NodeTransformer):
    """Replace each call of `_` on a constant message, without variables, by its translation."""

    def __init__(self, translate: NullTranslations) -> None:
        """Translate with these translations."""
        self.translate = translate

    def visit_Call(self, node: nodes.Call) -> nodes.Node:  # noqa: N802 - Jinja's visitor naming
        """Return the call, or the constant its message translates to (escaped where the template escapes)."""
        node = self.generic_visit(node)
        if not (isinstance(node.node, nodes.Name) and node.node.name in _GETTEXT_NAMES and len(node.args) == 1
                and isinstance(node.args[0], nodes.Const) and isinstance(node.args[0].value, str)
                and not node.kwargs and node.dyn_args is None and node.dyn_kwargs is None):
            return node
        text = self.translate.ugettext(node.args[0].value)
        # exactly what _gettext returns: marked safe where the template escapes, `%%` made `%`
        return nodes.MarkSafeIfAutoescape(nodes.Const(text % {} if "%" in text else text), lineno=node.lineno)


class TranslatingEnvironment(FlaskEnvironment):
    """Jinja's environment with each template compiled once per language, its constant messages translated then.

    A page's labels were looked up on every view (a few dozen calls of `_` a page); compiled per language, they
    are text in the template's code. Messages with variables, plurals and anything computed stay calls.
    Templates made from strings (`from_string`) are not translated ahead: they may be rendered in any language.
    """

    def _load_template(self, name: str, globals: Any) -> Template:  # type: ignore[override]
        """Return the template compiled for the language in force (Jinja's own cache, keyed by language too)."""
        language = language_in_force()
        if self.loader is None or self.cache is None or language is None:
            return super()._load_template(name, globals)
        key = (weakref.ref(self.loader), name, language)
        template = self.cache.get(key)
        if template is None or (self.auto_reload and not template.is_up_to_date):
            token = _COMPILING_FOR.set(language)
            try:
                template = self.loader.load(self, name, self.make_globals(globals))
            finally:
                _COMPILING_FOR.reset(token)
            self.cache[key] = template
        elif globals:
            template.globals.update(globals)
        return template

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        """Parse a template; while compiling it for a language, translate its constant messages."""
        tree = super()._parse(source, name, filename)
        if _COMPILING_FOR.get() is None:
            return tree
        return _ConstantMessages(translations()).visit(tree)


def language_in_force() -> str | None:
    """Return the code of the language in force, or None outside an application context."""
    return language() if has_app_context() else None
