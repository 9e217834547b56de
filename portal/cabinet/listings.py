"""The cabinet's list of requests as a worker last rendered it for a person, kept while nothing it shows has changed.

A citizen waiting for a decision reloads their cabinet; reading and showing twenty requests cost several times
what the rest of the page costs. A kept list is shown only while two things hold, so any worker on any machine
shows what rendering anew would:

- the person's cabinet stamp, loaded with them at the start of the request, is the one it was rendered under
  (the database's triggers raise it in the same transaction as every change the list shows, and the list is
  read after the stamp, so a list is never older than its stamp);
- the clock is still before the first moment one of its deadlines would read otherwise (a day's count changes
  at midnight, working minutes from the second).
"""
from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import datetime
from threading import Lock

from flask import current_app, render_template, request
from flask.blueprints import BlueprintSetupState
from markupsafe import Markup

from portal.domain.cabinet import cabinet_page
from portal.domain.catalog import get_service
from portal.domain.models import Person
from portal.web import db, locale, now, wrote
from portal.web_templates import deadline_words


@dataclass(frozen=True)
class _Kept:
    """A rendered list, the stamp it was rendered under, and the moments between which its words hold."""

    stamp: int
    #: UTF-8: the lists are Kazakh or Russian, which Python's own strings hold in two bytes a letter
    html: bytes
    rendered_at: datetime
    #: the first moment a deadline in it may read otherwise; None: none ever will
    expires: datetime | None

    def holds(self, stamp: int, now: datetime) -> bool:
        """Tell whether the list shows what rendering it under `stamp` at `now` would."""
        return self.stamp == stamp and self.rendered_at <= now and (self.expires is None or now < self.expires)


class Listings:
    """A worker's kept lists, one by person, language and page; the last rendered replaces what was kept."""

    def __init__(self, size: int) -> None:
        """Keep at most `size` lists, the least recently shown dropped first."""
        self.size = size
        self._kept: OrderedDict[Hashable, _Kept] = OrderedDict()
        self._lock = Lock()  # the development server and threaded workers share one

    def get(self, key: Hashable, stamp: int, now: datetime) -> Markup | None:
        """Return the list kept under `key` if it was rendered under `stamp` and its words hold at `now`, else None."""
        with self._lock:
            kept = self._kept.get(key)
            if kept is None or not kept.holds(stamp, now):
                return None
            self._kept.move_to_end(key)
        return Markup(kept.html.decode())

    def clear(self) -> None:
        """Forget every kept list."""
        with self._lock:
            self._kept.clear()

    def keep(self, key: Hashable, stamp: int, html: Markup, rendered_at: datetime,
             expires: list[datetime | None]) -> None:
        """Keep a list rendered under `stamp` at `rendered_at`, given when each of its deadlines may read otherwise."""
        due = [moment for moment in expires if moment is not None]
        with self._lock:
            self._kept[key] = _Kept(stamp, html.encode(), rendered_at, min(due) if due else None)
            self._kept.move_to_end(key)
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)


def install_listings(state: BlueprintSetupState) -> None:
    """Give the application a store of kept lists (each application its own: a test's app its own database)."""
    state.app.extensions["cabinet_listings"] = Listings(state.app.extensions["portal"].config.cabinet_lists_kept)


def cabinet_listing(person: Person, after: tuple[datetime, int] | None) -> Markup:
    """Return the list of the person's requests from `after` on, as kept if it still holds, else rendered anew."""
    listings: Listings = current_app.extensions["cabinet_listings"]
    at = now()
    # the stamp is read before the requests are: a list is never older than the stamp it is kept under
    key, stamp = (person.id, person.iin, person.eds_verified_at is not None, locale(), request.script_root, after), \
        person.cabinet_stamp
    # a request that has written reads what it has not committed, under a stamp loaded before: neither kept nor used
    kept = not wrote(db())
    listing = listings.get(key, stamp, at) if kept else None
    if listing is None:
        page = cabinet_page(db(), person, after=after)
        with deadline_words() as expires:
            listing = Markup(render_template("portal/cabinet_list.html", apps=page.apps, page=page, now=at,
                                             get_service=get_service, hidden=page.hidden, unread=page.unread))
        if kept:
            listings.keep(key, stamp, listing, at, expires)
    return listing
