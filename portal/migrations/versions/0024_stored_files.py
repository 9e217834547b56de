"""files kept in the database, when the portal runs on several machines (PORTAL_FILE_STORE=database)

Revision ID: 0024_stored_files
Revises: 0023_attachment_previews
Create Date: 2026-12-06 15:40:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0024_stored_files'
down_revision = '0023_attachment_previews'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'stored_files',
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('written_at', sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint('sha256', name=op.f('pk_stored_files')),
    )


def downgrade() -> None:
    op.drop_table('stored_files')
