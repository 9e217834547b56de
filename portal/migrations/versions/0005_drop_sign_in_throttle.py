"""drop the per-IIN sign-in lock: throttling is by source and account in the rate limiter's store

Revision ID: 0005
Revises: 0004_certified_name
Create Date: 2026-11-29 17:50:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004_certified_name'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_table('sign_in_throttle')


def downgrade() -> None:
    op.create_table('sign_in_throttle',
    sa.Column('iin', sa.String(length=12), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('blocked_until', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('iin', name=op.f('pk_sign_in_throttle'))
    )
