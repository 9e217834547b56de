"""The signed-in session: issued anew at sign-in, bounded by idle and absolute limits, ended on the server."""
from __future__ import annotations

import secrets
import time
from datetime import datetime, timedelta

from flask import Flask, Request, Response, current_app, flash, request, session as cookie
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import BadSignature, URLSafeSerializer, URLSafeTimedSerializer

from portal.domain.accounts import end_sessions, session_ended
from portal.domain.models import Person
from portal.web import after_commit, db, now

#: what survives a sign-in or a sign-out: the chosen language, nothing that was set before
KEEP = ("lang",)
SIGNED_IN_AT, SEEN_AT = "signed_in_at", "seen_at"
#: activity is noted to the minute: idle limits are tens of minutes
SEEN_STEP = timedelta(minutes=1)
#: a browser where the owner signed in; it is exempt from the per-account ceiling on failures
DEVICE_COOKIE = "portal_device"
DEVICE_MAX_AGE = 180 * 24 * 60 * 60


def _fresh_cookie() -> None:
    """Drop everything the session held except the language."""
    kept = {key: cookie[key] for key in KEEP if key in cookie}
    cookie.clear()
    cookie.update(kept)


def sign_in_after_commit(person: Person) -> None:
    """Sign the person in once the request's commit succeeds: a failed commit leaves the browser signed out."""
    after_commit(lambda: _start_session(person))


def _start_session(person: Person) -> None:
    """Sign the person in with a new session: nothing from before the sign-in survives (session fixation)."""
    _fresh_cookie()
    login_user(person, remember=False)  # no remember-me cookie: it would outlive the session's limits
    at = now().isoformat()
    cookie[SIGNED_IN_AT] = cookie[SEEN_AT] = at
    cookie["sid"] = secrets.token_urlsafe(16)  # the new cookie cannot be derived from any earlier one


def end_session() -> None:
    """Sign out: end the person's sessions on the server (at the request's commit), and clear this browser's now."""
    # this browser forgets the session even if the commit then fails: on a shared computer that matters more
    if current_user.is_authenticated:
        end_sessions(db(), current_user)
    logout_user()
    _fresh_cookie()


def _moment(key: str) -> datetime | None:
    """Return a moment stored in the session, or None."""
    try:
        return datetime.fromisoformat(cookie[key])
    except (KeyError, TypeError, ValueError):
        return None


def enforce_session_limits() -> None:
    """End a session idle too long or begun too long ago; otherwise note this request as activity."""
    if request.endpoint == "static" or not current_user.is_authenticated:
        return  # a stylesheet is not activity, and its response should not carry a new cookie
    at, seen = now(), _moment(SEEN_AT)
    if session_ended(current_user, signed_in_at=_moment(SIGNED_IN_AT), seen_at=seen, now=at):
        logout_user()
        _fresh_cookie()
        flash(_("Your session has ended. Please sign in again."), "info")
        return
    if seen is None or at - seen >= SEEN_STEP:  # rewrite the cookie once a minute, not on every request
        cookie[SEEN_AT] = at.isoformat()


def _devices() -> URLSafeSerializer:
    """Return the signer of device cookies."""
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="portal-device")


def trusted_device(iin: str) -> bool:
    """Tell whether this browser holds a device cookie from an earlier sign-in to this account."""
    try:
        iins = _devices().loads(request.cookies.get(DEVICE_COOKIE, ""))
    except BadSignature:
        return False
    return isinstance(iins, list) and iin in iins


def remember_device(response: Response, iin: str) -> Response:
    """Mark this browser as one where the account's owner signed in (a few accounts per browser)."""
    try:
        iins = _devices().loads(request.cookies.get(DEVICE_COOKIE, ""))
    except BadSignature:
        iins = []
    iins = [iin] + [i for i in (iins if isinstance(iins, list) else []) if i != iin][:4]
    app = current_app
    response.set_cookie(DEVICE_COOKIE, _devices().dumps(iins), max_age=DEVICE_MAX_AGE, httponly=True,
                        samesite="Lax", secure=bool(app.config.get("SESSION_COOKIE_SECURE")))
    return response


#: how many session cookies a worker keeps decoded (a few hundred bytes each); when full, it starts over
COOKIES_KEPT = 2000
#: the values a kept session may hold: copying the dict copies them (a flashed message's list would be shared)
_FLAT = (str, int, float, bool, type(None))
#: a kept cookie: its decoded values and when it was signed (seconds since the epoch, as itsdangerous counts)
_Kept = tuple[dict[str, object], int]


class CookieSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with the signer made once per key and a cookie decoded once per worker.

    Decoding a cookie (base64, zlib, HMAC, tagged JSON) cost about 20 µs of every signed-in page. The exact
    string a browser sends back was verified when first seen, so it is kept with its decoded values and its
    signing time: sent again, it is accepted while that signature would still be (its age checked anew),
    under the same keys (a changed key or fallback forgets every kept cookie).
    """

    def __init__(self) -> None:
        """Start with no signer made and no cookie kept."""
        # the keys, their signer and the cookies it verified, replaced together in one assignment: a thread
        # never finds a cookie kept under keys other than its signer's
        self._state: tuple[tuple[object, ...], URLSafeTimedSerializer | None, dict[str, _Kept]] = ((), None, {})

    def _current(self, app: Flask) -> tuple[URLSafeTimedSerializer | None, dict[str, _Kept]]:
        """Return the signer for the app's current key and fallbacks, and the cookies verified under them."""
        key = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        state = self._state
        if state[0] != key:
            # a changed key replaces the old signer, and every cookie it verified must be verified again
            state = self._state = (key, super().get_signing_serializer(app), {})
        return state[1], state[2]

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        """Return Flask's signer for the app's current key and fallbacks, made the first time they are used."""
        return self._current(app)[0]

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        """Return the session the cookie holds: decoded once, then taken from the kept copy while it is valid."""
        signer, opened = self._current(app)
        if signer is None:
            return None  # no secret key: Flask's null session answers
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            return self.session_class()
        max_age = int(app.permanent_session_lifetime.total_seconds())
        kept = opened.get(value)
        if kept is not None and 0 <= int(time.time()) - kept[1] <= max_age:  # itsdangerous's own test of age
            return self.session_class(kept[0])
        try:
            data, signed_at = signer.loads(value, max_age=max_age, return_timestamp=True)
        except BadSignature:
            return self.session_class()
        if isinstance(data, dict) and all(isinstance(v, _FLAT) for v in data.values()):
            if len(opened) >= COOKIES_KEPT:
                opened.clear()
            opened[value] = (data, int(signed_at.timestamp()))
        return self.session_class(data)


def install_session_limits(app: Flask) -> None:
    """Check every request's session against its limits."""
    app.session_interface = CookieSessions()
    app.before_request(enforce_session_limits)
