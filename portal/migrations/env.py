"""Alembic environment: runs migrations on the URL the caller configured."""
from alembic import context
from sqlalchemy import create_engine

from portal.domain import models  # noqa: F401  (registers every table)
from portal.domain.db import Base

config = context.config
connection = config.attributes.get("connection")


def run(conn) -> None:  # type: ignore[no-untyped-def]
    """Run the migrations on one connection."""
    context.configure(connection=conn, target_metadata=Base.metadata, render_as_batch=True,
                      compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


if connection is not None:
    run(connection)
else:
    engine = create_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as conn:
        run(conn)
