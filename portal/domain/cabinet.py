"""The citizen's cabinet: their requests, most recently changed first, a keyset page at a time."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, joinedload, lazyload, selectinload

from portal.domain.applications import problems
from portal.domain.models import Application, Channel, Person
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
    #: for each draft on the page, how many things keep it from being signed (0: ready to sign)
    left: dict[int, int] = field(default_factory=dict)


def cabinet_page(session: Session, applicant: Person, *, after: tuple[datetime, int] | None = None,
                 size: int = CABINET_PAGE) -> CabinetPage:
    """Return a page of the requests this account may see (as applications.shown_to decides), newest change first."""
    mine = Application.applicant_id == applicant.id
    shown = mine if applicant.eds_verified_at is not None else and_(mine, Application.channel == Channel.portal)
    query = select(Application).where(shown)
    if after is not None:
        changed, last_id = after
        query = query.where(or_(Application.updated_at < changed,
                                and_(Application.updated_at == changed, Application.id < last_id)))
    # a request has one provider and at most one result: joined into the page's query, not fetched apart; the
    # applicant is the signed-in person, already in the session (joining them and their membership again to each
    # row tripled the query's planning time)
    rows = list(session.scalars(query.options(joinedload(Application.result), joinedload(Application.provider),
                                              lazyload(Application.applicant))
                                .order_by(Application.updated_at.desc(), Application.id.desc()).limit(size + 1)))
    apps, more = rows[:size], len(rows) > size
    drafts = [a.id for a in apps if is_draft(a)]
    if drafts:  # only a draft's task list needs its scans
        session.scalars(select(Application).where(Application.id.in_(drafts))
                        .options(selectinload(Application.attachments), lazyload(Application.applicant))).all()
    hidden = 0 if applicant.eds_verified_at is not None else session.scalar(
        select(func.count(Application.id)).where(mine, Application.channel != Channel.portal)) or 0
    left = {a.id: len(problems(a)) for a in apps if a.id in drafts}  # the draft's task list, counted
    return CabinetPage(apps=apps, next_key=(apps[-1].updated_at, apps[-1].id) if more else None, hidden=hidden,
                       left=left)
