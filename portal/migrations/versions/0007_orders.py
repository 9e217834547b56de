"""each provider's order register: a counter per provider and year, one entry per order issued

Revision ID: 0007_orders
Revises: 0006_process_graph
Create Date: 2026-11-30 10:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0007_orders'
down_revision = '0006_process_graph'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('order_counters',
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['provider_id'], ['providers.id'], name=op.f('fk_order_counters_provider_id_providers')),
    sa.PrimaryKeyConstraint('provider_id', 'year', name=op.f('pk_order_counters'))
    )
    op.create_table('order_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=80), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'],
                            name=op.f('fk_order_entries_application_id_applications')),
    sa.ForeignKeyConstraint(['provider_id'], ['providers.id'], name=op.f('fk_order_entries_provider_id_providers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_entries')),
    sa.UniqueConstraint('application_id', name=op.f('uq_order_entries_application_id')),
    sa.UniqueConstraint('provider_id', 'year', 'number', name='uq_order_entries_provider_year_number')
    )


def downgrade() -> None:
    op.drop_table('order_entries')
    op.drop_table('order_counters')
