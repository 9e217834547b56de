"""A public page's one plain SELECT, run on the driver's own cursor: SQLAlchemy compiles it and types its rows once."""
from __future__ import annotations

from collections import namedtuple
from dataclasses import dataclass
from typing import Any, Callable, NamedTuple

from sqlalchemy import Select
from sqlalchemy.engine import Engine

from portal.domain.db import reads_only


@dataclass(frozen=True)
class _Plan:
    """The statement as one dialect's driver takes it."""

    sql: str
    #: the parameters' names in the order a positional driver (SQLite's qmark) takes them; None: by name
    order: tuple[str, ...] | None
    #: what each parameter and column goes through on its way in or out (a SQLite DateTime is text)
    binds: dict[str, Callable[[Any], Any]]
    columns: tuple[Callable[[Any], Any] | None, ...]
    defaults: dict[str, Any]


class DriverRead:
    """A plain SELECT run on a pooled driver connection, without SQLAlchemy's execution around it.

    For a page anyone can load and that runs one query: SQLAlchemy's execution context, result metadata and
    session (checkout, begin, close) cost twice the driver's own round trip. The statement is still written
    in SQLAlchemy, compiled for each dialect once; its parameters and columns go through the same type
    processors SQLAlchemy would apply. It reads what is committed, on a connection of its own, outside any
    transaction (the pool's connections run plain SELECTs that way on PostgreSQL already).
    """

    def __init__(self, statement: Select[Any]) -> None:
        """Read with this statement (its parameters are bindparams named by the caller)."""
        self.statement = statement
        self.row: type[NamedTuple] = namedtuple("Row", [c.key for c in statement.selected_columns])  # type: ignore[misc]
        self._plans: dict[str, _Plan] = {}

    def _plan(self, engine: Engine) -> _Plan:
        """Compile the statement for the engine's dialect, once."""
        dialect = engine.dialect
        plan = self._plans.get(dialect.name)
        if plan is None:
            compiled = self.statement.compile(dialect=dialect)
            if not reads_only(compiled.string):
                raise ValueError("a driver read runs a plain SELECT only")
            binds = {name: processor for name, bind in compiled.binds.items()
                     if (processor := bind.type.dialect_impl(dialect).bind_processor(dialect)) is not None}
            columns = tuple(c.type.dialect_impl(dialect).result_processor(dialect, None)
                            for c in self.statement.selected_columns)
            # the statement's own values (a literal in a WHERE); the caller gives the rest
            defaults = {name: bind.effective_value for name, bind in compiled.binds.items() if not bind.required}
            plan = _Plan(compiled.string, tuple(compiled.positiontup or ()) if dialect.positional else None,
                         binds, columns, defaults)
            self._plans[dialect.name] = plan
        return plan

    def first(self, engine: Engine, params: dict[str, Any]) -> Any:
        """Return the first row for these parameters (a named tuple), or None."""
        plan = self._plan(engine)
        values = {**plan.defaults, **params}
        for name, process in plan.binds.items():
            values[name] = process(values[name])
        connection = engine.raw_connection()
        try:
            cursor = connection.cursor()
            cursor.execute(plan.sql, values if plan.order is None else tuple(values[name] for name in plan.order))
            raw = cursor.fetchone()
            cursor.close()
        finally:
            connection.close()  # back to the pool, which ends anything the driver began
        if raw is None:
            return None
        return self.row._make(value if process is None or value is None else process(value)
                              for process, value in zip(plan.columns, raw))
