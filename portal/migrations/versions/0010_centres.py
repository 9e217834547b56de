"""State Corporation centres and memberships: staff as (person, organisation, role); a request's channel

Revision ID: 0010_centres
Revises: 0009_registry
Create Date: 2026-12-06 04:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0010_centres'
down_revision = '0009_registry'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'memberships',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('role', sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(['organisation_id'], ['providers.id'], name=op.f('fk_memberships_organisation_id_providers')),
        sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_memberships_person_id_people')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_memberships')),
        sa.UniqueConstraint('person_id', name=op.f('uq_memberships_person_id')),
    )
    op.create_index(op.f('ix_memberships_organisation_id'), 'memberships', ['organisation_id'], unique=False)
    # every staff account keeps its one place, now as a membership
    op.execute("INSERT INTO memberships (person_id, organisation_id, role) "
               "SELECT id, provider_id, role FROM people WHERE role <> 'applicant' AND provider_id IS NOT NULL")
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_people_provider_id'))
        batch_op.drop_constraint(batch_op.f('fk_people_provider_id_providers'), type_='foreignkey')
        batch_op.drop_column('provider_id')
        batch_op.drop_column('role')
    with op.batch_alter_table('providers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('weekdays', sa.String(length=7), server_default='01234', nullable=False))
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('channel', sa.String(length=20), server_default='portal', nullable=False))
        batch_op.add_column(sa.Column('filed_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('centre_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('representative_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('power_of_attorney', sa.String(length=40), nullable=True))
        batch_op.create_index(batch_op.f('ix_applications_centre_id'), ['centre_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_applications_filed_by_id_people'), 'people', ['filed_by_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_applications_centre_id_providers'), 'providers', ['centre_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_applications_representative_id_people'), 'people',
                                    ['representative_id'], ['id'])
    # a request filed before channels existed was filed on the portal by its applicant
    op.execute("UPDATE applications SET filed_by_id = applicant_id")


def downgrade() -> None:
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_applications_representative_id_people'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_applications_centre_id_providers'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_applications_filed_by_id_people'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_applications_centre_id'))
        batch_op.drop_column('power_of_attorney')
        batch_op.drop_column('representative_id')
        batch_op.drop_column('centre_id')
        batch_op.drop_column('filed_by_id')
        batch_op.drop_column('channel')
    with op.batch_alter_table('providers', schema=None) as batch_op:
        batch_op.drop_column('weekdays')
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.add_column(sa.Column('role', sa.String(length=20), nullable=False, server_default='applicant'))
        batch_op.add_column(sa.Column('provider_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_people_provider_id_providers'), 'providers', ['provider_id'], ['id'])
        batch_op.create_index(batch_op.f('ix_people_provider_id'), ['provider_id'], unique=False)
    op.execute("UPDATE people SET role = (SELECT m.role FROM memberships m WHERE m.person_id = people.id), "
               "provider_id = (SELECT m.organisation_id FROM memberships m WHERE m.person_id = people.id) "
               "WHERE id IN (SELECT person_id FROM memberships)")
    op.drop_index(op.f('ix_memberships_organisation_id'), table_name='memberships')
    op.drop_table('memberships')
