"""each step record names its request's provider: the dashboard finds a provider's steps of a span by index

Revision ID: 0020_step_provider
Revises: 0019_open_stage_indexes
Create Date: 2026-12-06 11:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0020_step_provider'
down_revision = '0019_open_stage_indexes'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('step_records', schema=None) as batch_op:
        batch_op.add_column(sa.Column('provider_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_step_records_provider_id_providers'), 'providers',
                                    ['provider_id'], ['id'])
    op.execute("UPDATE step_records SET provider_id = (SELECT applications.provider_id FROM applications "
               "WHERE applications.id = step_records.application_id)")
    op.create_index('ix_step_records_provider_completed', 'step_records', ['provider_id', 'completed_at'],
                    unique=False)


def downgrade() -> None:
    op.drop_index('ix_step_records_provider_completed', table_name='step_records')
    with op.batch_alter_table('step_records', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_step_records_provider_id_providers'), type_='foreignkey')
        batch_op.drop_column('provider_id')
