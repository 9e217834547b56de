"""the applicant's name as a result states it, recorded when it is issued (and when a head's is prepared)

Revision ID: 0028_stated_applicant_name
Revises: 0027_cabinet_keyset_index
Create Date: 2026-12-07 07:00:00
"""
import sqlalchemy as sa
from alembic import op


revision = '0028_stated_applicant_name'
down_revision = '0027_cabinet_keyset_index'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # left empty for results issued before: the verification page asks the registry for those, as it did
    op.add_column('result_documents', sa.Column('applicant_name', sa.String(300), nullable=True))
    op.add_column('signing_sessions', sa.Column('applicant_name', sa.String(300), nullable=True))


def downgrade() -> None:
    op.drop_column('signing_sessions', 'applicant_name')
    op.drop_column('result_documents', 'applicant_name')
