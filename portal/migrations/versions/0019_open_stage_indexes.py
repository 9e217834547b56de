"""the queues' branches: open requests by (provider, stage, deadline); an executor's by provider and stage

Revision ID: 0019_open_stage_indexes
Revises: 0018_audit_head_follows
Create Date: 2026-12-06 10:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0019_open_stage_indexes'
down_revision = '0018_audit_head_follows'
branch_labels = None
depends_on = None

OPEN = 'completed_at IS NULL'
# nobody's requests are found by stage: an index of executors leaves them out, so it is never mistaken for one
ASSIGNED_OPEN = 'completed_at IS NULL AND executor_id IS NOT NULL'


def upgrade() -> None:
    # PostgreSQL also keeps the columns the branches filter on, so a page's ids and a capped count are read
    # from the index alone (an index-only scan); SQLite has no INCLUDE and reads the rows
    op.create_index('ix_applications_open_stage', 'applications', ['provider_id', 'stage', 'deadline_at', 'id'],
                    unique=False, sqlite_where=sa.text(OPEN), postgresql_where=sa.text(OPEN),
                    postgresql_include=['service_code', 'executor_id'])
    op.create_index('ix_applications_open_executor', 'applications',
                    ['executor_id', 'provider_id', 'stage', 'deadline_at', 'id'], unique=False,
                    sqlite_where=sa.text(ASSIGNED_OPEN), postgresql_where=sa.text(ASSIGNED_OPEN),
                    postgresql_include=['service_code'])
    # an executor's requests at their provider by deadline: one index answers both conditions
    op.drop_index('ix_applications_executor_deadline', table_name='applications')
    op.create_index('ix_applications_executor_deadline', 'applications',
                    ['executor_id', 'provider_id', 'deadline_at', 'id'], unique=False, postgresql_include=['stage'])


def downgrade() -> None:
    op.drop_index('ix_applications_executor_deadline', table_name='applications')
    op.create_index('ix_applications_executor_deadline', 'applications', ['executor_id', 'deadline_at', 'id'],
                    unique=False)
    op.drop_index('ix_applications_open_executor', table_name='applications')
    op.drop_index('ix_applications_open_stage', table_name='applications')
