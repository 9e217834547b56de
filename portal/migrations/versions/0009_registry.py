"""the stand-in registries: persons (ГБД ФЛ), their parents and guardians, powers of attorney (ЕНИС)

Revision ID: 0009_registry
Revises: 0008_refusal_codes
Create Date: 2026-12-06 09:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0009_registry'
down_revision = '0008_refusal_codes'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('registry_persons',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('iin', sa.String(length=12), nullable=False),
    sa.Column('surname', sa.String(length=100), nullable=False),
    sa.Column('given_name', sa.String(length=100), nullable=False),
    sa.Column('patronymic', sa.String(length=100), nullable=True),
    sa.Column('birth_date', sa.Date(), nullable=False),
    sa.Column('source', sa.String(length=20), server_default='stand-in', nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registry_persons')),
    sa.UniqueConstraint('iin', name=op.f('uq_registry_persons_iin'))
    )
    op.create_table('registry_family_ties',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('child_iin', sa.String(length=12), nullable=False),
    sa.Column('adult_iin', sa.String(length=12), nullable=False),
    sa.Column('relation', sa.String(length=20), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('source', sa.String(length=20), server_default='stand-in', nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registry_family_ties'))
    )
    with op.batch_alter_table('registry_family_ties', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_registry_family_ties_adult_iin'), ['adult_iin'], unique=False)
        batch_op.create_index(batch_op.f('ix_registry_family_ties_child_iin'), ['child_iin'], unique=False)
    op.create_table('registry_powers_of_attorney',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('principal_iin', sa.String(length=12), nullable=False),
    sa.Column('agent_iin', sa.String(length=12), nullable=False),
    sa.Column('services', sa.JSON(), nullable=True),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=False),
    sa.Column('notary', sa.String(length=200), nullable=False),
    sa.Column('revoked', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('source', sa.String(length=20), server_default='stand-in', nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registry_powers_of_attorney')),
    sa.UniqueConstraint('number', name=op.f('uq_registry_powers_of_attorney_number'))
    )
    with op.batch_alter_table('registry_powers_of_attorney', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_registry_powers_of_attorney_agent_iin'), ['agent_iin'], unique=False)
        batch_op.create_index(batch_op.f('ix_registry_powers_of_attorney_principal_iin'), ['principal_iin'],
                              unique=False)


def downgrade() -> None:
    op.drop_table('registry_powers_of_attorney')
    op.drop_table('registry_family_ties')
    op.drop_table('registry_persons')
