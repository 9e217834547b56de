"""Helpers shared by the citizen and staff blueprints: the request's session, clock and context."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable, Mapping
from urllib.parse import urlsplit

from flask import abort, current_app, g, redirect, request, url_for
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy.orm import Session, sessionmaker

from portal import clock
from portal.config import Config
from portal.domain.results import ResultIssuer
from portal.domain.storage import FileStore
from portal.pki.ca import LocalCA


@dataclass
class PortalContext:
    """What the app builds once and every request uses."""

    config: Config
    sessions: sessionmaker[Session]
    store: FileStore
    ca: LocalCA
    issuer: ResultIssuer

    @property
    def effects(self) -> Mapping[str, Callable]:
        """Return the workflow's side effects by name."""
        return {"issue_result": self.issuer}


def ctx() -> PortalContext:
    """Return the running app's portal context."""
    return current_app.extensions["portal"]


def db() -> Session:
    """Return this request's database session (one per request, closed at teardown)."""
    if "db" not in g:
        g.db = ctx().sessions()
    return g.db


def close_db(_exc: BaseException | None = None) -> None:
    """Close the request's session; anything not committed is rolled back."""
    session = g.pop("db", None)
    if session is not None:
        session.close()


def now() -> datetime:
    """Return the current Kazakhstan local time from the application's one clock."""
    return clock.now_kz()


def locale() -> str:
    """Return the current interface language code."""
    return str(get_locale() or "kk")


def localized(text: Mapping[str, str] | None) -> str:
    """Pick the current language from a kk/ru/en mapping."""
    if not text:
        return ""
    return text.get(locale()) or text.get("kk") or next(iter(text.values()))


def require_role(*roles: str) -> Callable[[], Any]:
    """Return a before_request hook that admits only signed-in people with one of these roles."""
    def check() -> Any:
        if not current_user.is_authenticated:
            return redirect(url_for("auth.sign_in", next=request.full_path))
        if current_user.role not in roles:
            abort(403)
        return None
    return check



def safe_next(target: str | None) -> str | None:
    """Return the next-page target only when it stays on this site."""
    if not target:
        return None
    parts = urlsplit(target)
    ok = (not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//")
          and "\\" not in target and target.isprintable())
    return target if ok else None
