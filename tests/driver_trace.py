"""What the database driver itself is asked to run, below SQLAlchemy's events (a driver read sends no event)."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine


@contextmanager
def driver_statements(engine: Engine) -> Iterator[list[str]]:
    """Collect every SQL statement the engine's pooled connections send while the block runs."""
    seen: list[str] = []
    if engine.dialect.name == "sqlite":
        def trace(dbapi_conn: Any, _record: Any, _proxy: Any) -> None:
            dbapi_conn.set_trace_callback(seen.append)  # SQLite's own hook: every statement it runs

        def untrace(dbapi_conn: Any, _record: Any) -> None:
            if dbapi_conn is not None:
                dbapi_conn.set_trace_callback(None)
    else:
        import psycopg

        class Traced(psycopg.Cursor):  # type: ignore[type-arg]
            """A cursor that notes each query it sends."""

            def execute(self, query: Any, params: Any = None, **kwargs: Any) -> Any:  # type: ignore[override]
                seen.append(query if isinstance(query, str) else query.as_string(self))
                return super().execute(query, params, **kwargs)

        factories: dict[int, Any] = {}  # each connection's own factory, given back when it is checked in

        def trace(dbapi_conn: Any, _record: Any, _proxy: Any) -> None:
            factories.setdefault(id(dbapi_conn), dbapi_conn.cursor_factory)
            dbapi_conn.cursor_factory = Traced

        def untrace(dbapi_conn: Any, _record: Any) -> None:
            if dbapi_conn is not None and id(dbapi_conn) in factories:
                dbapi_conn.cursor_factory = factories.pop(id(dbapi_conn))
    event.listen(engine, "checkout", trace)
    event.listen(engine, "checkin", untrace)
    try:
        yield seen
    finally:
        event.remove(engine, "checkout", trace)
        event.remove(engine, "checkin", untrace)
