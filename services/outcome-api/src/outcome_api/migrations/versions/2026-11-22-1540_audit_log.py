"""Audit log of participant-level reads and writes, append-only by database trigger.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 15:40:12.595667
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

REFUSE = "audit_event is append-only"

POSTGRES_UP = f"""
CREATE FUNCTION outcome.audit_event_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '{REFUSE}: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON outcome.audit_event
    FOR EACH ROW EXECUTE FUNCTION outcome.audit_event_refuse_change();
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON outcome.audit_event
    FOR EACH STATEMENT EXECUTE FUNCTION outcome.audit_event_refuse_change();
REVOKE UPDATE, DELETE, TRUNCATE ON outcome.audit_event FROM PUBLIC;
"""
POSTGRES_DOWN = """
DROP TRIGGER audit_event_no_truncate ON outcome.audit_event;
DROP TRIGGER audit_event_append_only ON outcome.audit_event;
DROP FUNCTION outcome.audit_event_refuse_change();
"""
SQLITE_UP = [
    f"CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event BEGIN SELECT RAISE(ABORT, '{REFUSE}: UPDATE refused'); END",
    f"CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event BEGIN SELECT RAISE(ABORT, '{REFUSE}: DELETE refused'); END",
]
SQLITE_DOWN = ["DROP TRIGGER audit_event_no_delete", "DROP TRIGGER audit_event_no_update"]


def upgrade() -> None:
    op.create_table('audit_event',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('organisation_id', sa.String(length=64), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('roles', sa.String(length=100), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('participant_id', sa.String(length=36), nullable=True),
    sa.Column('request_id', sa.String(length=128), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_event')),
    schema='outcome'
    )
    op.create_index('ix_audit_event_organisation_id_id', 'audit_event', ['organisation_id', 'id'], unique=False, schema='outcome')
    op.create_index('ix_audit_event_participant_id', 'audit_event', ['participant_id'], unique=False, schema='outcome')
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(POSTGRES_UP)
    else:
        for statement in SQLITE_UP:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(POSTGRES_DOWN)
    else:
        for statement in SQLITE_DOWN:
            op.execute(statement)
    op.drop_index('ix_audit_event_participant_id', table_name='audit_event', schema='outcome')
    op.drop_index('ix_audit_event_organisation_id_id', table_name='audit_event', schema='outcome')
    op.drop_table('audit_event', schema='outcome')
