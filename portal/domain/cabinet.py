"""The citizen's cabinet: their requests, most recently changed first, a keyset page at a time."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Boolean, DateTime, Integer, Select, and_, bindparam, func, not_, or_, select
from sqlalchemy.orm import Session, aliased, joinedload, lazyload, selectinload

from portal.domain.applications import problems
from portal.domain.models import Application, Channel, Notification, Person, Provider, ResultDocument
from portal.domain.workflow import is_draft

#: requests on one page of the cabinet
CABINET_PAGE = 20


@dataclass(frozen=True)
class CabinetPage:
    """One page of the applicant's requests, the key of the next page, and how many are held back."""

    apps: list[Application]
    next_key: tuple[datetime, int] | None
    #: requests a centre filed for this IIN, not shown until the account proves the IIN with EDS
    hidden: int
    #: the applicant's unread notifications by request, for the requests on the page (the navigation's count of
    #: them all comes with the signed-in person: notifications.person_with_unread)
    unread: dict[int, int] = field(default_factory=dict)
    #: for each draft on the page, how many things keep it from being signed (0: ready to sign)
    left: dict[int, int] = field(default_factory=dict)


#: the columns of a provider its working hours are made of
PROVIDER_HOURS = (Provider.opens, Provider.closes, Provider.lunch_from, Provider.lunch_to, Provider.weekdays)


def _page_query(keyset: bool | None) -> Select:
    """Return the query of a page with its counts in the same round trip, built once per shape (None: the counts)."""
    me, all_channels = bindparam("me", type_=Integer), bindparam("all_channels", type_=Boolean)
    mine = Application.applicant_id == me
    # an account that has not proved its IIN with EDS sees only the requests it filed itself on the portal
    shown = and_(mine, or_(all_channels, Application.channel == Channel.portal))
    unread = and_(Notification.recipient_id == me, Notification.read_at.is_(None))
    on_row = (select(func.count(Notification.id)).where(unread, Notification.application_id == Application.id)
              .correlate(Application).scalar_subquery())
    other = aliased(Application)
    hidden = (select(func.count(other.id)).where(other.applicant_id == me, other.channel != Channel.portal,
                                                 not_(all_channels))
              .correlate(None).scalar_subquery())
    if keyset is None:
        return select(hidden)
    query = select(Application, on_row, hidden).where(shown)
    if keyset:
        changed, last_id = bindparam("changed", type_=DateTime), bindparam("last_id", type_=Integer)
        query = query.where(or_(Application.updated_at < changed,
                                and_(Application.updated_at == changed, Application.id < last_id)))
    # a request has one provider and at most one result: joined into the page's query, not fetched apart; the
    # applicant is the signed-in person, already in the session (joining them and their membership again to each
    # row tripled the query's planning time)
    # of the provider, the page needs its hours (the deadline's calendar); of the result, that there is one
    return (query.options(joinedload(Application.result).load_only(ResultDocument.id),
                          joinedload(Application.provider).load_only(*PROVIDER_HOURS), lazyload(Application.applicant))
            .order_by(Application.updated_at.desc(), Application.id.desc()).limit(bindparam("limit", type_=Integer)))


#: the first page and a later one: the options are built once, not on every view (that cost more than the query)
_FIRST, _LATER, _COUNTS = _page_query(False), _page_query(True), _page_query(None)


def cabinet_page(session: Session, applicant: Person, *, after: tuple[datetime, int] | None = None,
                 size: int = CABINET_PAGE) -> CabinetPage:
    """Return a page of the requests this account may see (as applications.shown_to decides), newest change first.

    One query: the page, each request's unread notifications and the requests held back are counted by the
    database in the same round trip.
    """
    params = {"me": applicant.id, "all_channels": applicant.eds_verified_at is not None, "limit": size + 1}
    if after is not None:
        params["changed"], params["last_id"] = after
    rows = session.execute(_LATER if after is not None else _FIRST, params).all()
    apps, more = [row[0] for row in rows[:size]], len(rows) > size
    if rows:
        hidden = rows[0][2]
    else:  # past the last request (or none yet): counted on its own
        hidden = session.execute(_COUNTS, params).scalar_one()
    drafts = [a.id for a in apps if is_draft(a)]
    if drafts:  # only a draft's task list needs its scans
        session.scalars(select(Application).where(Application.id.in_(drafts))
                        .options(selectinload(Application.attachments), lazyload(Application.applicant))).all()
    left = {a.id: len(problems(a)) for a in apps if a.id in drafts}  # the draft's task list, counted
    return CabinetPage(apps=apps, next_key=(apps[-1].updated_at, apps[-1].id) if more else None, hidden=hidden or 0,
                       unread={row[0].id: row[1] for row in rows[:size] if row[1]}, left=left)
