"""the cabinet's keyset index: an applicant's requests by last change, so a page reads its rows, not all of them

Revision ID: 0027_cabinet_keyset_index
Revises: 0026_document_checks
Create Date: 2026-12-06 22:10:00
"""
from alembic import op


revision = '0027_cabinet_keyset_index'
down_revision = '0026_document_checks'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_applications_applicant_updated', 'applications', ['applicant_id', 'updated_at', 'id'])
    op.drop_index('ix_applications_applicant_id', table_name='applications')


def downgrade() -> None:
    op.create_index('ix_applications_applicant_id', 'applications', ['applicant_id'])
    op.drop_index('ix_applications_applicant_updated', table_name='applications')
