"""the verification page's verdicts on issued files, checked once a day instead of on every view

Revision ID: 0026_document_checks
Revises: 0025_pki_in_the_database
Create Date: 2026-12-06 18:40:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0026_document_checks'
down_revision = '0025_pki_in_the_database'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'document_checks',
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('roots_sha256', sa.String(length=64), nullable=False),
        sa.Column('verdict', sa.Text(), nullable=False),
        sa.Column('checked_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('sha256', 'roots_sha256', name=op.f('pk_document_checks')),
    )


def downgrade() -> None:
    op.drop_table('document_checks')
