"""The migrations and the models describe the same schema, on whichever database the suite runs."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from portal.domain import models  # noqa: F401
from portal.domain.db import Base


def test_migrations_match_the_models(engine):
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert diff == [], diff
