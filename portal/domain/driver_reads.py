"""A public page's one plain SELECT, run on the driver's own cursor: SQLAlchemy compiles it and types its rows once."""
from __future__ import annotations

from collections import namedtuple
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable, NamedTuple

from sqlalchemy import Select
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from portal.domain.db import reads_only


@dataclass(frozen=True)
class _Plan:
    """The statement as one dialect's driver takes it."""

    sql: str
    #: the parameters' names in the order a positional driver (SQLite's qmark) takes them; None: by name
    order: tuple[str, ...] | None
    #: what a parameter or a column goes through on its way in or out (a SQLite DateTime is text)
    binds: dict[str, Callable[[Any], Any]]
    columns: tuple[Callable[[Any], Any] | None, ...]
    #: the statement's own values (a literal in a WHERE); the caller gives the rest
    defaults: dict[str, Any]


class DriverRead:
    """A plain SELECT run on a driver connection, without SQLAlchemy's execution around it.

    For a page anyone can load and that runs one query: SQLAlchemy's execution context, result metadata and
    session (checkout, begin, close) cost twice the driver's own round trip. The statement is still written
    in SQLAlchemy, compiled for each dialect once; its parameters and columns go through the type processors
    SQLAlchemy would apply, and a driver's error comes out as SQLAlchemy's, a lost connection invalidated.
    """

    def __init__(self, statement: Select[Any]) -> None:
        """Read with this statement (its parameters are bindparams named by the caller)."""
        self.statement = statement
        # a column without a name (a bare count) is named by its place: _0, _1...
        self.row: type[NamedTuple] = namedtuple("Row", [str(c.key) for c in statement.selected_columns],  # type: ignore[misc]
                                                rename=True)
        self._plans: dict[tuple[str, str, str], _Plan] = {}

    def _plan(self, dialect: Dialect) -> _Plan:
        """Compile the statement for this dialect and driver, once."""
        key = (dialect.name, dialect.driver, dialect.paramstyle)
        plan = self._plans.get(key)
        if plan is None:
            compiled = self.statement.compile(dialect=dialect)
            if not reads_only(compiled.string):
                raise ValueError("a driver read runs a plain SELECT only")
            # what only SQLAlchemy's execution knows how to send: expanding IN lists, escaped names, values
            # computed at each execution
            if (compiled.post_compile_params or compiled.literal_execute_params or compiled.escaped_bind_names
                    or any(bind.callable is not None for bind in compiled.binds.values())):
                raise ValueError("a driver read takes plain named parameters only")
            binds = {name: processor for name, bind in compiled.binds.items()
                     if (processor := bind.type.dialect_impl(dialect).bind_processor(dialect)) is not None}
            columns = tuple(c.type.dialect_impl(dialect).result_processor(dialect, None)
                            for c in self.statement.selected_columns)
            defaults = {name: bind.effective_value for name, bind in compiled.binds.items() if not bind.required}
            plan = _Plan(compiled.string, tuple(compiled.positiontup or ()) if dialect.positional else None,
                         binds, columns, defaults)
            self._plans[key] = plan
        return plan

    def first(self, session: Session, params: dict[str, Any]) -> Any:
        """Return the first row for these parameters (a named tuple), or None.

        On the session's own connection when it has one (what it has flushed is seen, and no second connection
        is taken); else on a pooled connection of its own, reading what is committed.
        """
        bind = session.connection() if session.in_transaction() else session.get_bind(clause=self.statement)
        dialect = bind.dialect
        plan = self._plan(dialect)
        values = {**plan.defaults, **params}
        for name, process in plan.binds.items():
            values[name] = process(values[name])
        sent = values if plan.order is None else tuple(values[name] for name in plan.order)
        with _driver_connection(bind) as (connection, invalidate):
            cursor = connection.cursor()
            try:
                cursor.execute(plan.sql, sent)
                raw = cursor.fetchone()
            except dialect.loaded_dbapi.Error as error:
                lost = dialect.is_disconnect(error, connection, cursor)
                if lost:
                    invalidate(error)
                raise DBAPIError.instance(plan.sql, sent, error, dialect.loaded_dbapi.Error,
                                          connection_invalidated=lost, dialect=dialect) from error
            finally:
                cursor.close()
        if raw is None:
            return None
        return self.row._make(value if process is None else process(value) for process, value in zip(plan.columns, raw))


@contextmanager
def _driver_connection(bind: Connection | Any) -> Iterator[tuple[Any, Callable[[BaseException], None]]]:
    """Yield a driver connection and how to invalidate it: the bound Connection's, or one checked out of the pool."""
    if isinstance(bind, Connection):
        yield bind.connection.dbapi_connection, bind.invalidate
        return
    pooled = bind.raw_connection()
    try:
        yield pooled.dbapi_connection, pooled.invalidate
    finally:
        pooled.close()  # back to the pool, which ends anything the driver began (or drops it, invalidated)
