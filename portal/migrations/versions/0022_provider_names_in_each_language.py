"""a provider's name in English and its area in Russian and English, for the picker in each language

Revision ID: 0022_provider_names
Revises: 0021_personal_data_consent
Create Date: 2026-12-06 15:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0022_provider_names'
down_revision = '0021_personal_data_consent'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('providers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_en', sa.String(length=300), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('area_ru', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('area_en', sa.String(length=200), nullable=False, server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('providers', schema=None) as batch_op:
        batch_op.drop_column('area_en')
        batch_op.drop_column('area_ru')
        batch_op.drop_column('name_en')
