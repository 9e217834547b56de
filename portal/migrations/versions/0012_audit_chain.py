"""the audit trail becomes an append-only hash chain of state changes, sign-ins, staff views and administration

Revision ID: 0012_audit_chain
Revises: 0011_consent
Create Date: 2026-12-06 06:30:00
"""
from alembic import op
import sqlalchemy as sa

from portal.domain.audit_trail import GENESIS, entry_hash, represented_iin_of


revision = '0012_audit_chain'
down_revision = '0011_consent'
branch_labels = None
depends_on = None

#: rows chained per round trip while migrating (memory stays bounded whatever the table holds)
BATCH = 1000

PG_FUNCTION = """
CREATE FUNCTION audit_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- a full wipe deletes the chain's head first (it is the entries' child); then entries may go
    IF TG_OP = 'DELETE' AND NOT EXISTS (SELECT 1 FROM audit_chain_head) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit_entries is append-only: % refused', TG_OP;
END
$$
"""
SQLITE_TRIGGERS = (
    "CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries "
    "BEGIN SELECT RAISE(ABORT, 'audit_entries is append-only: UPDATE refused'); END",
    "CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries "
    "WHEN EXISTS (SELECT 1 FROM audit_chain_head) "
    "BEGIN SELECT RAISE(ABORT, 'audit_entries is append-only: DELETE refused'); END",
)


def _chain_existing_rows() -> None:
    """Give every existing entry its seq, prev_hash and hash, in id order (their order of writing)."""
    conn = op.get_bind()
    entries = sa.table('audit_entries', *(sa.column(c) for c in (
        'id', 'seq', 'kind', 'application_id', 'actor_id', 'subject_id', 'represented_iin', 'organisation_id',
        'action', 'from_status', 'to_status', 'prev_hash', 'hash')), sa.column('at', sa.DateTime()),
        sa.column('details', sa.JSON()))
    apps = sa.table('applications', sa.column('id'), sa.column('service_code'), sa.column('catalog_version'),
                    sa.column('form', sa.JSON()), sa.column('applicant_id'))
    people = sa.table('people', sa.column('id'), sa.column('iin'))
    after, seq, prev = 0, 0, GENESIS
    while True:
        rows = conn.execute(
            sa.select(entries, apps.c.service_code, apps.c.catalog_version, apps.c.form, people.c.iin)
            .select_from(entries.join(apps, apps.c.id == entries.c.application_id)
                         .join(people, people.c.id == apps.c.applicant_id))
            .where(entries.c.id > after).order_by(entries.c.id).limit(BATCH)).all()
        for row in rows:
            seq += 1
            fields = dict(row._mapping)
            fields.update(seq=seq, represented_iin=represented_iin_of(row.service_code, row.catalog_version,
                                                                       row.form, row.iin))
            digest = entry_hash(fields, prev)
            conn.execute(entries.update().where(entries.c.id == row.id).values(
                seq=seq, represented_iin=fields['represented_iin'], prev_hash=prev, hash=digest))
            prev = digest
        if len(rows) < BATCH:
            break
        after = rows[-1].id
    last = conn.execute(sa.select(entries.c.id).where(entries.c.seq == seq)).scalar() if seq else None
    conn.execute(sa.text("INSERT INTO audit_chain_head (id, seq, hash, last_entry_id) VALUES (1, :seq, :hash, :last)"),
                 {"seq": seq, "hash": prev, "last": last})


def upgrade() -> None:
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seq', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('kind', sa.String(length=20), server_default='state_change', nullable=False))
        batch_op.add_column(sa.Column('subject_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('represented_iin', sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column('organisation_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('hash', sa.String(length=64), nullable=True))
        batch_op.alter_column('application_id', existing_type=sa.Integer(), nullable=True)
        batch_op.alter_column('actor_id', existing_type=sa.Integer(), nullable=True)
        batch_op.alter_column('from_status', existing_type=sa.String(length=30), nullable=True)
        batch_op.alter_column('to_status', existing_type=sa.String(length=30), nullable=True)
        batch_op.create_index(batch_op.f('ix_audit_entries_subject_id'), ['subject_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entries_represented_iin'), ['represented_iin'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_audit_entries_subject_id_people'), 'people',
                                    ['subject_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_audit_entries_organisation_id_providers'), 'providers',
                                    ['organisation_id'], ['id'])
    # every entry so far is a state change of a request: whose data is its applicant's; the actor acted
    # for the organisation they belong to
    op.execute("UPDATE audit_entries SET subject_id = (SELECT a.applicant_id FROM applications a "
               "WHERE a.id = audit_entries.application_id), organisation_id = (SELECT m.organisation_id "
               "FROM memberships m WHERE m.person_id = audit_entries.actor_id)")
    op.create_table(
        'audit_chain_head',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.Column('hash', sa.String(length=64), nullable=False),
        sa.Column('last_entry_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['last_entry_id'], ['audit_entries.id'],
                                name=op.f('fk_audit_chain_head_last_entry_id_audit_entries')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_chain_head')),
    )
    _chain_existing_rows()
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.alter_column('seq', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('prev_hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column('hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_audit_entries_seq'), ['seq'])
        batch_op.create_index('ix_audit_entries_application_kind_seq', ['application_id', 'kind', 'seq'], unique=False)
    # append-only at the database level too: whatever the application does, rows are never changed
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(PG_FUNCTION)
        op.execute("CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON audit_entries "
                   "FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only()")
        op.execute("CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries "
                   "FOR EACH STATEMENT EXECUTE FUNCTION audit_entries_append_only()")
    else:
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER audit_entries_no_truncate ON audit_entries")
        op.execute("DROP TRIGGER audit_entries_append_only ON audit_entries")
        op.execute("DROP FUNCTION audit_entries_append_only()")
    else:
        op.execute("DROP TRIGGER audit_entries_no_delete")
        op.execute("DROP TRIGGER audit_entries_no_update")
    op.drop_table('audit_chain_head')
    # the old table holds state changes of requests only
    op.execute("DELETE FROM audit_entries WHERE kind <> 'state_change' OR application_id IS NULL")
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_entries_application_kind_seq')
        batch_op.drop_constraint(batch_op.f('uq_audit_entries_seq'), type_='unique')
        batch_op.drop_constraint(batch_op.f('fk_audit_entries_organisation_id_providers'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_audit_entries_subject_id_people'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_audit_entries_represented_iin'))
        batch_op.drop_index(batch_op.f('ix_audit_entries_subject_id'))
        batch_op.alter_column('to_status', existing_type=sa.String(length=30), nullable=False)
        batch_op.alter_column('from_status', existing_type=sa.String(length=30), nullable=False)
        batch_op.alter_column('actor_id', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('application_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('hash')
        batch_op.drop_column('prev_hash')
        batch_op.drop_column('organisation_id')
        batch_op.drop_column('represented_iin')
        batch_op.drop_column('subject_id')
        batch_op.drop_column('kind')
        batch_op.drop_column('seq')
