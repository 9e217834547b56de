"""Each provider's order register: orders numbered per provider per calendar year, without gaps.

A result that is an order (a college's order on transfer or re-admission) or an excerpt from one
(an education department's order permitting external study) takes its number and date here, in
the same transaction that issues it. The next number comes from a counter row per provider and
year, raised with ``UPDATE ... SET last = last + 1 ... RETURNING last``: on PostgreSQL the row lock
makes a second issuer wait until the first commits or rolls back, and SQLite lets one writer at a
time; so two issuers never get the same number, and a rolled-back issue returns its number with
everything else, leaving no gap.

The number printed is the plain sequence number ("12"); the date printed with it tells the year.
A request gets at most one order: drawing again (the head prepares the result to sign a second
time) returns the entry it already has, with its first number and date.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from portal.documents.result_context import OrderRef
from portal.domain.workflow import service_of
from portal.domain.models import Application, Decision, OrderCounter, OrderEntry, Provider, ProviderKind

#: the head's position, in the genitive, by the kind of provider: whose order it is (kk, ru)
HEAD_OF = {
    ProviderKind.education_department: ("басшысының", "руководителя"),
    ProviderKind.regional_department: ("басшысының", "руководителя"),
    ProviderKind.college: ("директорының", "директора"),
    ProviderKind.school: ("директорының", "директора"),
}

#: what a preview shows where the number will be: none is drawn for a mere look
PREVIEW_NUMBER = "____"

_INSERTS = {"postgresql": pg_insert, "sqlite": sqlite_insert}


def _next_number(session: Session, provider_id: int, year: int) -> int:
    """Raise the provider's counter for the year by one and return it, in the caller's transaction."""
    dialect = session.get_bind().dialect.name
    if dialect not in _INSERTS:
        raise NotImplementedError(f"the order register supports PostgreSQL and SQLite, not {dialect}")
    # the year's first order creates the counter; a concurrent creator waits on the key, then does nothing
    session.execute(_INSERTS[dialect](OrderCounter).values(provider_id=provider_id, year=year, last=0)
                    .on_conflict_do_nothing(index_elements=["provider_id", "year"]))
    raised = (update(OrderCounter).where(OrderCounter.provider_id == provider_id, OrderCounter.year == year)
              .values(last=OrderCounter.last + 1).returning(OrderCounter.last))
    return session.execute(raised, execution_options={"synchronize_session": False}).scalar_one()


def find_order(session: Session, application: Application) -> OrderEntry | None:
    """Return the order entry of a request, if it has one."""
    return session.scalar(select(OrderEntry).where(OrderEntry.application_id == application.id))


def register_order(session: Session, provider: Provider, kind: str, application: Application,
                   on: date) -> OrderEntry:
    """Enter an order in the provider's register and return it; a request that has one gets it back."""
    existing = find_order(session, application)
    if existing is not None:
        return existing
    entry = OrderEntry(provider_id=provider.id, year=on.year, number=_next_number(session, provider.id, on.year),
                       issued_on=on, application_id=application.id, kind=kind)
    session.add(entry)
    session.flush()
    return entry


def order_kind(application: Application) -> str:
    """Return what a request's order is about: its service, and its sub-flow after a slash."""
    service = service_of(application)
    sub = service.subflow(application.form)
    return f"{service.code}/{sub.value}" if sub else service.code


def issuer(provider: Provider) -> tuple[str, str]:
    """Return whose order it is, in the genitive: the head's position with the provider's name (kk, ru)."""
    head_kk, head_ru = HEAD_OF.get(ProviderKind(provider.kind), ("басшысының", "руководителя"))
    return f"{provider.name_kk} {head_kk}", f"{head_ru} {provider.name_ru}"


def _is_order(application: Application) -> bool:
    """Tell whether this request's result will be an order or an excerpt (a refusal is neither)."""
    return (service_of(application).result.order is not None
            and application.decision != Decision.refused)


def _ref(application: Application, number: str, on: date) -> OrderRef:
    """Return how the result prints its order."""
    issuer_kk, issuer_ru = issuer(application.provider)
    excerpt = service_of(application).result.order == "excerpt"
    return OrderRef(number=number, issued_on=on, excerpt=excerpt, issuer_kk=issuer_kk, issuer_ru=issuer_ru)


def order_for_result(session: Session, application: Application, on: date) -> OrderRef | None:
    """Draw (or reuse) the order number of a request whose result is an order or an excerpt from one."""
    if not _is_order(application):
        return None
    entry = register_order(session, application.provider, order_kind(application), application, on)
    return _ref(application, entry.label, entry.issued_on)


def order_for_preview(session: Session, application: Application, on: date) -> OrderRef | None:
    """Return the order as a preview shows it: its number if drawn already, else a blank, drawing nothing."""
    if not _is_order(application):
        return None
    entry = find_order(session, application)
    return _ref(application, entry.label, entry.issued_on) if entry else _ref(application, PREVIEW_NUMBER, on)
