"""Units belong to the organisation that runs them; existing units take their participants' organisation.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 16:01:40.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def _altered_schema() -> str | None:
    """ALTER TABLE on SQLite does not pass through the schema translation: its tables have no schema."""
    return 'outcome' if op.get_bind().dialect.name == 'postgresql' else None


def upgrade() -> None:
    schema = _altered_schema()
    op.add_column('unit', sa.Column('organisation_id', sa.String(length=64), nullable=True), schema=schema)
    prefix = f'{schema}.' if schema else ''
    op.execute(
        f'UPDATE {prefix}unit SET organisation_id = '
        f'(SELECT min(p.organisation_id) FROM {prefix}participant p WHERE p.unit_id = {prefix}unit.id)'
    )


def downgrade() -> None:
    op.drop_column('unit', 'organisation_id', schema=_altered_schema())
