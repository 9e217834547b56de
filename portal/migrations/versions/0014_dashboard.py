"""indexes for the dashboard: requests by provider and month received, and the region's by month received

Revision ID: 0014_dashboard
Revises: 0013_outbox
Create Date: 2026-12-06 10:00:00
"""
from alembic import op


revision = '0014_dashboard'
down_revision = '0013_outbox'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # the dashboard's aggregates read only the requests received within its months: a provider's through
    # (provider_id, submitted_at), the region's through submitted_at, never the whole table
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.create_index('ix_applications_provider_id_submitted_at', ['provider_id', 'submitted_at'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_applications_submitted_at'), ['submitted_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_applications_submitted_at'))
        batch_op.drop_index('ix_applications_provider_id_submitted_at')
