"""an organisation's administration: deactivated accounts and staff EDS certificates registered by the administrator

Revision ID: 0016_admin
Revises: 0015_audit_chain
Create Date: 2026-12-06 07:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0016_admin'
down_revision = '0015_audit_chain'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deactivated_at', sa.DateTime(), nullable=True))
    # staff certificates used before this revision are not registered: an administrator registers them
    # (make run registers the demo keys), until then a staff member's EDS signature is refused
    op.create_table(
        'staff_certificates',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('serial', sa.String(length=64), nullable=False),
        sa.Column('subject', sa.String(length=500), nullable=False),
        sa.Column('issuer', sa.String(length=500), nullable=False),
        sa.Column('not_before', sa.DateTime(), nullable=False),
        sa.Column('not_after', sa.DateTime(), nullable=False),
        sa.Column('der', sa.LargeBinary(), nullable=False),
        sa.Column('registered_at', sa.DateTime(), nullable=False),
        sa.Column('registered_by_id', sa.Integer(), nullable=True),
        sa.Column('revoked_at', sa.DateTime(), nullable=True),
        sa.Column('revoked_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['organisation_id'], ['providers.id'],
                                name=op.f('fk_staff_certificates_organisation_id_providers')),
        sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_staff_certificates_person_id_people')),
        sa.ForeignKeyConstraint(['registered_by_id'], ['people.id'],
                                name=op.f('fk_staff_certificates_registered_by_id_people')),
        sa.ForeignKeyConstraint(['revoked_by_id'], ['people.id'],
                                name=op.f('fk_staff_certificates_revoked_by_id_people')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_certificates')),
    )
    with op.batch_alter_table('staff_certificates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_certificates_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_staff_certificates_serial'), ['serial'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('staff_certificates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_certificates_serial'))
        batch_op.drop_index(batch_op.f('ix_staff_certificates_person_id'))
    op.drop_table('staff_certificates')
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_column('deactivated_at')
