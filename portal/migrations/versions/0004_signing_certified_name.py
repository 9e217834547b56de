"""the certificate's name printed on a prepared application

Revision ID: 0004_certified_name
Revises: 0003
Create Date: 2026-11-29 18:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0004_certified_name'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('signing_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('certified_name', sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('signing_sessions', schema=None) as batch_op:
        batch_op.drop_column('certified_name')
