"""the back office's queue search and keyset: people's case-folded names, (provider, deadline, id) indexes of all and of open requests

Revision ID: 0012_queue_search
Revises: 0011_consent
Create Date: 2026-12-06 07:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0012_queue_search'
down_revision = '0011_consent'
branch_labels = None
depends_on = None


def _search_key(text: str) -> str:
    """Return the name as portal.domain.models.people.search_key folds it (frozen here: migrations stand alone)."""
    return " ".join(text.casefold().replace("ё", "е").split())[:200]


def upgrade() -> None:
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_name', sa.String(length=200), server_default='', nullable=False))
    people = sa.table('people', sa.column('id', sa.Integer), sa.column('full_name', sa.String),
                      sa.column('search_name', sa.String))
    bind = op.get_bind()
    rows = bind.execute(sa.select(people.c.id, people.c.full_name)).all()
    for start in range(0, len(rows), 1000):
        bind.execute(people.update().where(people.c.id == sa.bindparam('pid')).values(search_name=sa.bindparam('key')),
                     [{'pid': pid, 'key': _search_key(name or '')} for pid, name in rows[start:start + 1000]])
    op.create_index('ix_people_search_name', 'people', ['search_name'], unique=False,
                    postgresql_ops={'search_name': 'text_pattern_ops'})
    op.create_index('ix_applications_provider_deadline', 'applications', ['provider_id', 'deadline_at', 'id'],
                    unique=False)
    op.create_index('ix_applications_executor_deadline', 'applications', ['executor_id', 'deadline_at', 'id'],
                    unique=False)
    op.create_index('ix_applications_open_deadline', 'applications', ['provider_id', 'deadline_at', 'id'],
                    unique=False, sqlite_where=sa.text('completed_at IS NULL'),
                    postgresql_where=sa.text('completed_at IS NULL'))


def downgrade() -> None:
    op.drop_index('ix_applications_open_deadline', table_name='applications')
    op.drop_index('ix_applications_executor_deadline', table_name='applications')
    op.drop_index('ix_applications_provider_deadline', table_name='applications')
    op.drop_index('ix_people_search_name', table_name='people')
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_column('search_name')
