"""the test CA's files and books in the database, when the portal runs on several machines

Revision ID: 0025_pki_in_the_database
Revises: 0024_stored_files
Create Date: 2026-12-06 18:05:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0025_pki_in_the_database'
down_revision = '0024_stored_files'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'pki_files',
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_pki_files')),
    )
    op.create_table(
        'pki_records',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('book', sa.String(length=20), nullable=False),
        sa.Column('record', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_pki_records')),
    )
    op.create_index(op.f('ix_pki_records_book'), 'pki_records', ['book'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_pki_records_book'), table_name='pki_records')
    op.drop_table('pki_records')
    op.drop_table('pki_files')
