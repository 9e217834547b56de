"""the audit chain's head follows each appended entry by a trigger: an append costs one statement less

Revision ID: 0018_audit_head_follows
Revises: 0017_rollup
Create Date: 2026-12-06 10:00:00
"""
from alembic import op


revision = '0018_audit_head_follows'
down_revision = '0017_rollup'
branch_labels = None
depends_on = None

# The head is advanced (seq) by the append that locks it; the entry written under that lock then gives
# the head its hash and id. An entry whose seq is not the head's (one inserted by hand) leaves it alone.
PG_FUNCTION = """
CREATE FUNCTION audit_chain_head_follows() RETURNS trigger AS $$
BEGIN
    UPDATE audit_chain_head SET hash = NEW.hash, last_entry_id = NEW.id WHERE id = 1 AND seq = NEW.seq;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql
"""
SQLITE_TRIGGER = (
    "CREATE TRIGGER audit_chain_head_follows AFTER INSERT ON audit_entries "
    "BEGIN UPDATE audit_chain_head SET hash = NEW.hash, last_entry_id = NEW.id WHERE id = 1 AND seq = NEW.seq; END"
)


def upgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(PG_FUNCTION)
        op.execute("CREATE TRIGGER audit_chain_head_follows AFTER INSERT ON audit_entries "
                   "FOR EACH ROW EXECUTE FUNCTION audit_chain_head_follows()")
    else:
        op.execute(SQLITE_TRIGGER)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER audit_chain_head_follows ON audit_entries")
        op.execute("DROP FUNCTION audit_chain_head_follows()")
    else:
        op.execute("DROP TRIGGER audit_chain_head_follows")
