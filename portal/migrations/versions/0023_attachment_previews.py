"""each scan keeps a small picture of its first page, drawn when it was attached

Revision ID: 0023_attachment_previews
Revises: 0022_provider_names
Create Date: 2026-12-06 15:20:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0023_attachment_previews'
down_revision = '0022_provider_names'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('preview_sha256', sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_column('preview_sha256')
