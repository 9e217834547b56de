"""refusal grounds chosen from the catalog: their codes on the request

Revision ID: 0008_refusal_codes
Revises: 0007_orders
Create Date: 2026-11-29 19:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0008_refusal_codes'
down_revision = '0007_orders'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # requests refused before this keep their free-text grounds in refusal_grounds and no codes
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('refusal_codes', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_column('refusal_codes')
