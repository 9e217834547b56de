"""The form token every signed-in page carries (its sign-out form): Flask-WTF's, signed once per session and key.

Flask-WTF signs the session's raw token anew on every page (a serializer, JSON, HMAC: about 18 µs, 1.5% of a
signed-in page). With no time limit on tokens (WTF_CSRF_TIME_LIMIT None, as config.py sets it) the signature
carries nothing that changes from page to page, so each worker keeps it per secret key and raw token. With a
time limit, every page signs its token as Flask-WTF does.
"""
from __future__ import annotations

from flask import Flask, current_app, g, session
from flask_wtf.csrf import csrf_meta_tag, generate_csrf

#: how many sessions' signed tokens a worker keeps (about 150 bytes each); when full, it starts over
TOKENS_KEPT = 2000


class FormTokens:
    """Flask-WTF's `generate_csrf`, its signed token kept per (secret key, session's raw token)."""

    def __init__(self) -> None:
        """Start with no token kept."""
        self._signed: dict[tuple[object, str], str] = {}

    def __call__(self) -> str:
        """Return this request's signed form token."""
        config = current_app.config
        name = config.get("WTF_CSRF_FIELD_NAME") or "csrf_token"
        if name in g or config.get("WTF_CSRF_TIME_LIMIT") is not None:
            return generate_csrf()  # this request's own, or one whose age counts
        secret = config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key
        token = self._signed.get((secret, session.get(name)))
        if token is not None:
            setattr(g, name, token)  # where Flask-WTF's forms on the page look for it first
            return token
        token = generate_csrf()  # signs the session's raw token, made first if the session had none
        raw = session.get(name)
        if isinstance(raw, str):
            if len(self._signed) >= TOKENS_KEPT:
                self._signed.clear()
            self._signed[(secret, raw)] = token
        return token


def install_form_tokens(app: Flask) -> None:
    """Give the templates the kept tokens in place of the `csrf_token` Flask-WTF installed (after CSRFProtect)."""
    tokens = FormTokens()
    app.jinja_env.globals["csrf_token"] = tokens
    processors = app.template_context_processors[None]
    theirs = next(f for f in processors if f.__qualname__.startswith("CSRFProtect.init_app."))
    processors[processors.index(theirs)] = lambda: {"csrf_token": tokens, "csrf_meta_tag": csrf_meta_tag}
