"""Helpers shared by the citizen and staff blueprints: the request's session, unit of work, clock and context."""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable, Mapping
from urllib.parse import urlsplit

from flask import current_app, flash, g
from flask_babel import lazy_gettext as _l
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker
from werkzeug.routing import IntegerConverter
from wtforms.validators import Length

from portal import clock, i18n
from portal.config import Config
from portal.domain.db import MAX_ROW_ID
from portal.domain.results import ResultIssuer
from portal.domain.storage import FileStore
from portal.pki.ca import LocalCA


@dataclass
class PortalContext:
    """What the app builds once and every request uses."""

    config: Config
    sessions: sessionmaker[Session]
    store: FileStore
    #: loads (or creates) the CA: on first use, since its store may be the database, migrated after start
    load_ca: Callable[[], LocalCA]
    _ca: LocalCA | None = field(default=None, init=False, repr=False)
    _issuer: ResultIssuer | None = field(default=None, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    @property
    def ca(self) -> LocalCA:
        """Return the test CA, loading it once per process."""
        with self._lock:
            if self._ca is None:
                self._ca = self.load_ca()
            return self._ca

    @property
    def issuer(self) -> ResultIssuer:
        """Return the result issuer, built once per process."""
        ca = self.ca
        with self._lock:
            if self._issuer is None:
                self._issuer = ResultIssuer(ca, self.store, self.config.public_url,
                                            font_cache_dir=self.config.instance_dir / "cache")
            return self._issuer

    @property
    def effects(self) -> Mapping[str, Callable]:
        """Return the workflow's side effects by name."""
        return {"issue_result": self.issuer}


class RowIdConverter(IntegerConverter):
    """Match `<int:...>` only within the database's integer ids, so a huge id is a 404, not an overflow."""

    def __init__(self, map, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        """Bound the value unless the rule sets its own maximum."""
        kwargs.setdefault("max", MAX_ROW_ID)
        super().__init__(map, *args, **kwargs)


def ctx() -> PortalContext:
    """Return the running app's portal context."""
    return current_app.extensions["portal"]


def db() -> Session:
    """Return this request's database session (one per request, closed at teardown)."""
    if "db" not in g:
        g.db = ctx().sessions()
    return g.db


#: the key of session.info that tells whether the session has written anything
_WROTE = "portal_wrote"


def note_writes(sessions: sessionmaker[Session]) -> None:
    """Mark a session once it flushes or runs an ORM insert, update or delete (see wrote)."""
    @event.listens_for(sessions, "after_flush")
    def _flushed(session: Session, _flush_context: object) -> None:
        session.info[_WROTE] = True

    @event.listens_for(sessions, "do_orm_execute")
    def _executed(state: ORMExecuteState) -> None:
        if state.is_insert or state.is_update or state.is_delete:
            state.session.info[_WROTE] = True


def wrote(session: Session) -> bool:
    """Tell whether the session has written anything: what was read before it may be out of date."""
    return session.info.get(_WROTE, False)


def close_db(_exc: BaseException | None = None) -> None:
    """Close the request's session; anything not committed is rolled back, and what awaited the commit is dropped."""
    g.pop("unit_of_work", None)
    session = g.pop("db", None)
    if session is not None:
        session.close()


@dataclass
class UnitOfWork:
    """What a request does once its one commit has succeeded: sign-ins and the like, then messages."""

    #: run in order after the commit (e.g. signing the person in, which starts a fresh cookie)
    callbacks: list[Callable[[], None]] = field(default_factory=list)
    #: (message, category) flashed last, so that a fresh cookie from a sign-in still carries them
    messages: list[tuple[str, str]] = field(default_factory=list)
    committed: bool = False


def _unit_of_work() -> UnitOfWork:
    """Return this request's unit of work."""
    if "unit_of_work" not in g:
        g.unit_of_work = UnitOfWork()
    return g.unit_of_work


def after_commit(callback: Callable[[], None]) -> None:
    """Run `callback` once this request's commit succeeds (at once if it already has)."""
    work = _unit_of_work()
    if work.committed:
        callback()
    else:
        work.callbacks.append(callback)


def tell(message: str, category: str = "info") -> None:
    """Show the person a message once this request's commit succeeds (at once if it already has)."""
    work = _unit_of_work()
    if work.committed:
        flash(message, category)
    else:
        work.messages.append((message, category))


def discard() -> None:
    """Roll back this request's changes and forget whatever was to follow their commit."""
    g.pop("unit_of_work", None)
    db().rollback()


def commit() -> None:
    """Commit the request's one unit of work, then deliver what waited for it; a failed commit delivers nothing.

    The error propagates (a lost race becomes the 409 page or JSON answer), so a person is never told
    "done" or signed in for a change that was not saved.
    """
    work = _unit_of_work()
    if work.committed:
        raise RuntimeError("a request commits once: gather its changes into one domain call before committing")
    try:
        db().commit()
    except BaseException:
        g.pop("unit_of_work", None)
        db().rollback()  # the error page must not render from a broken transaction
        raise
    work.committed = True
    for callback in work.callbacks:
        callback()
    for message, category in work.messages:
        flash(message, category)
    work.callbacks.clear()
    work.messages.clear()


def now() -> datetime:
    """Return the current Kazakhstan local time from the application's one clock."""
    return clock.now_kz()


def locale() -> str:
    """Return the current interface language code."""
    return i18n.language()


def localized(text: Mapping[str, str] | None) -> str:
    """Pick the current language from a kk/ru/en mapping."""
    return in_language(text, locale())


def in_language(text: Mapping[str, str] | None, language: str) -> str:
    """Pick a language from a kk/ru/en mapping, else Kazakh, else any (a long list asks for the language once)."""
    if not text:
        return ""
    return text.get(language) or text.get("kk") or next(iter(text.values()))


def too_long(max_length: int) -> Length:
    """Return the validator that stops text past `max_length` with a translated message, keeping the text.

    WTForms also writes the limit as the input's maxlength, so browsers stop there too.
    """
    return Length(max=max_length, message=_l("At most %(max)s characters; this text has %(length)s."))


def safe_next(target: str | None) -> str | None:
    """Return the next-page target only when it stays on this site."""
    if not target:
        return None
    parts = urlsplit(target)
    ok = (not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//")
          and "\\" not in target and target.isprintable())
    return target if ok else None
