"""the dashboard's rollup: each month's figures counted once it is over; completions looked up by time

Revision ID: 0017_rollup
Revises: 0016_admin
Create Date: 2026-12-06 11:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0017_rollup'
down_revision = '0016_admin'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'dashboard_fills',
        sa.Column('month', sa.String(length=7), nullable=False),
        sa.Column('starts_at', sa.DateTime(), nullable=False),
        sa.Column('until', sa.DateTime(), nullable=False),
        sa.Column('pending', sa.Integer(), nullable=False),
        sa.Column('filled_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('month', name=op.f('pk_dashboard_fills')),
    )
    op.create_table(
        'dashboard_months',
        sa.Column('provider_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('month', sa.String(length=7), nullable=False),
        sa.Column('service_code', sa.String(length=40), nullable=False),
        sa.Column('received', sa.Integer(), nullable=False),
        sa.Column('on_time', sa.Integer(), nullable=False),
        sa.Column('late', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('provider_id', 'month', 'service_code', name=op.f('pk_dashboard_months')),
    )
    op.create_table(
        'dashboard_step_months',
        sa.Column('provider_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('month', sa.String(length=7), nullable=False),
        sa.Column('service_code', sa.String(length=40), nullable=False),
        sa.Column('step', sa.String(length=40), nullable=False),
        sa.Column('role', sa.String(length=20), nullable=False),
        sa.Column('normative', sa.String(length=10), nullable=False),
        sa.Column('completed', sa.Integer(), nullable=False),
        sa.Column('late', sa.Integer(), nullable=False),
        sa.Column('median_hours', sa.Float(), nullable=True),
        sa.Column('histogram', sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint('provider_id', 'month', 'service_code', 'step', 'role', 'normative',
                                name=op.f('pk_dashboard_step_months')),
    )
    # the rollup counts what was completed in a month, and the page what was completed today; only what is
    # completed, so that the open requests stay the partial index ix_applications_open_deadline's
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.create_index('ix_applications_completed_at', ['completed_at'], unique=False,
                              sqlite_where=sa.text('completed_at IS NOT NULL'),
                              postgresql_where=sa.text('completed_at IS NOT NULL'))
    with op.batch_alter_table('step_records', schema=None) as batch_op:
        batch_op.create_index('ix_step_records_completed_at', ['completed_at'], unique=False,
                              sqlite_where=sa.text('completed_at IS NOT NULL'),
                              postgresql_where=sa.text('completed_at IS NOT NULL'))


def downgrade() -> None:
    with op.batch_alter_table('step_records', schema=None) as batch_op:
        batch_op.drop_index('ix_step_records_completed_at')
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_index('ix_applications_completed_at')
    op.drop_table('dashboard_step_months')
    op.drop_table('dashboard_months')
    op.drop_table('dashboard_fills')
