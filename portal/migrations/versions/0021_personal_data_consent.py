"""a citizen agrees to the processing of their personal data when registering

Revision ID: 0021_personal_data_consent
Revises: 0020_step_provider
Create Date: 2026-12-06 13:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0021_personal_data_consent'
down_revision = '0020_step_provider'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.add_column(sa.Column('personal_data_consent_at', sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_column('personal_data_consent_at')
