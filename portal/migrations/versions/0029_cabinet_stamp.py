"""the cabinet's stamp: raised by the database whenever anything a person's cabinet shows of them changes

Revision ID: 0029_cabinet_stamp
Revises: 0028_stated_applicant_name
Create Date: 2026-12-07 14:40:00

Triggers, not application code, raise it: every write counts, whether the ORM, a bulk UPDATE, a job or an
administrator's SQL made it, so a rendered cabinet kept under an older stamp can never be shown as current.

A later migration that rebuilds one of these tables on SQLite (batch "move and copy") drops its triggers
with it and must create them again: tests/web/test_cabinet_listings.py checks that they are all there.
"""
import sqlalchemy as sa
from alembic import op


revision = '0029_cabinet_stamp'
down_revision = '0028_stated_applicant_name'
branch_labels = None
depends_on = None

_OWNER_OF_APPLICATION = "(SELECT applicant_id FROM applications WHERE id = {row}.application_id)"
#: table -> (the people whose cabinet shows a row, as SQL over the row {row}; the columns whose change counts)
WATCHED = {
    'applications': ("id = {row}.applicant_id", None),
    'notifications': ("id = {row}.recipient_id", None),
    'attachments': ("id = " + _OWNER_OF_APPLICATION, None),
    'result_documents': ("id = " + _OWNER_OF_APPLICATION, None),
    # a provider's hours are its requests' deadline calendar
    'providers': ("id IN (SELECT applicant_id FROM applications WHERE provider_id = {row}.id)",
                  ('opens', 'closes', 'lunch_from', 'lunch_to', 'weekdays')),
}
_RAISE = "UPDATE people SET cabinet_stamp = cabinet_stamp + 1 WHERE {who}"


def _either(who: str) -> str:
    """Return the condition matching the people of an updated row before or after the update."""
    return f"({who.format(row='OLD')}) OR ({who.format(row='NEW')})"


def _sqlite(table: str, who: str, columns: tuple[str, ...] | None) -> list[str]:
    """Return SQLite's triggers for a table (one per event)."""
    events = [('INSERT', who.format(row='NEW')), ('DELETE', who.format(row='OLD')), ('UPDATE', _either(who))]
    if columns:
        events = [('UPDATE OF ' + ', '.join(columns), _either(who))]
    return [f"CREATE TRIGGER cabinet_stamp_{table}_{event.split()[0].lower()} AFTER {event} ON {table} "
            f"BEGIN {_RAISE.format(who=condition)}; END" for event, condition in events]


def _postgresql(table: str, who: str, columns: tuple[str, ...] | None) -> list[str]:
    """Return PostgreSQL's function and trigger for a table."""
    function = f"""
        CREATE FUNCTION cabinet_stamp_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'INSERT' THEN {_RAISE.format(who=who.format(row='NEW'))};
            ELSIF TG_OP = 'DELETE' THEN {_RAISE.format(who=who.format(row='OLD'))};
            ELSE {_RAISE.format(who=_either(who))};
            END IF;
            RETURN NULL;
        END $$"""
    events = 'UPDATE OF ' + ', '.join(columns) if columns else 'INSERT OR UPDATE OR DELETE'
    return [function, f"CREATE TRIGGER cabinet_stamp_{table} AFTER {events} ON {table} FOR EACH ROW "
                      f"EXECUTE FUNCTION cabinet_stamp_{table}()"]


def upgrade() -> None:
    op.add_column('people', sa.Column('cabinet_stamp', sa.Integer(), nullable=False, server_default='0'))
    make = _postgresql if op.get_bind().dialect.name == 'postgresql' else _sqlite
    for table, (who, columns) in WATCHED.items():
        for statement in make(table, who, columns):
            op.execute(statement)


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == 'postgresql'
    for table, (_who, columns) in WATCHED.items():
        if postgresql:
            op.execute(f"DROP TRIGGER cabinet_stamp_{table} ON {table}")
            op.execute(f"DROP FUNCTION cabinet_stamp_{table}()")
        else:
            for event in (('update',) if columns else ('insert', 'delete', 'update')):
                op.execute(f"DROP TRIGGER cabinet_stamp_{table}_{event}")
    with op.batch_alter_table('people') as batch:
        batch.drop_column('cabinet_stamp')
