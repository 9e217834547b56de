"""the applicant's consent to use protected data on the request; receipts of refusal to accept documents

Revision ID: 0011_consent
Revises: 0010_centres
Create Date: 2026-12-01 10:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0011_consent'
down_revision = '0010_centres'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # requests submitted before this carry no recorded consent (their application PDF printed the
    # consent sentence without a time): the columns stay empty for them
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('consent_given_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('consent_version', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('consent_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_applications_consent_by_id_people'), 'people',
                                    ['consent_by_id'], ['id'])
    op.create_table('refusal_receipts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('operator_id', sa.Integer(), nullable=False),
    sa.Column('centre_code', sa.String(length=64), nullable=False),
    sa.Column('missing_documents', sa.JSON(), nullable=False),
    sa.Column('standard_paragraph', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('signer_label', sa.String(length=300), nullable=False),
    sa.Column('issued_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'],
                            name=op.f('fk_refusal_receipts_application_id_applications')),
    sa.ForeignKeyConstraint(['operator_id'], ['people.id'], name=op.f('fk_refusal_receipts_operator_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_refusal_receipts')),
    sa.UniqueConstraint('number', name=op.f('uq_refusal_receipts_number'))
    )
    with op.batch_alter_table('refusal_receipts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_refusal_receipts_application_id'), ['application_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('refusal_receipts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_refusal_receipts_application_id'))
    op.drop_table('refusal_receipts')
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_applications_consent_by_id_people'), type_='foreignkey')
        batch_op.drop_column('consent_by_id')
        batch_op.drop_column('consent_version')
        batch_op.drop_column('consent_given_at')
