"""requests wait in a stage of their service's process graph and keep the catalog version they were filed under

Revision ID: 0006_process_graph
Revises: 0005
Create Date: 2026-11-29 20:40:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0006_process_graph'
down_revision = '0005'
branch_labels = None
depends_on = None

#: the catalog version every request already filed ran under: the current wording of each service
#: (the TVET certificate's 2019 wording is version 2; the others have one version)
FILED_UNDER = {"tvet_certificate": 2}


def upgrade() -> None:
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_applications_status'))
        batch_op.alter_column('status', new_column_name='stage', existing_type=sa.String(length=30),
                              existing_nullable=False)
        batch_op.add_column(sa.Column('catalog_version', sa.Integer(), nullable=True))
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_applications_stage'), ['stage'], unique=False)
    with op.batch_alter_table('step_records', schema=None) as batch_op:
        batch_op.add_column(sa.Column('outcome', sa.String(length=40), nullable=True))
    applications = sa.table('applications', sa.column('service_code', sa.String), sa.column('stage', sa.String),
                            sa.column('catalog_version', sa.Integer))
    op.execute(applications.update().where(applications.c.stage != 'draft').values(catalog_version=1))
    for code, version in FILED_UNDER.items():
        op.execute(applications.update().where(applications.c.stage != 'draft',
                                               applications.c.service_code == code).values(catalog_version=version))
    steps = sa.table('step_records', sa.column('step', sa.String), sa.column('outcome', sa.String),
                     sa.column('completed_at', sa.DateTime))
    # until now a step was closed only by taking it
    op.execute(steps.update().where(steps.c.completed_at.isnot(None)).values(outcome=steps.c.step))


def downgrade() -> None:
    with op.batch_alter_table('step_records', schema=None) as batch_op:
        batch_op.drop_column('outcome')
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_applications_stage'))
        batch_op.drop_column('catalog_version')
        batch_op.alter_column('stage', new_column_name='status', existing_type=sa.String(length=30),
                              existing_nullable=False)
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_applications_status'), ['status'], unique=False)
