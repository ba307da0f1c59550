"""Organisations own questionnaires, units and rounds; questionnaires are versioned; rounds name
their questionnaire version and access mode.

Rows from before get the organisation ``unassigned`` (no token carries it, so nobody sees them
until an operator assigns them).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 16:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

UNASSIGNED = sa.text("'unassigned'")


def _schema() -> str | None:
    """SQLite (embedded mode) has no schemas: batch operations there must not name one."""
    return "survey" if op.get_bind().dialect.name == "postgresql" else None


def _prefix() -> str:
    return f"{_schema()}." if _schema() else ""


def upgrade() -> None:
    with op.batch_alter_table("survey_round", schema=_schema()) as batch:
        batch.drop_constraint("fk_survey_round_questionnaire_id_questionnaire", type_="foreignkey")
        batch.add_column(sa.Column("organisation_id", sa.String(64), nullable=False, server_default=UNASSIGNED))
        batch.add_column(sa.Column("questionnaire_version", sa.Integer(), nullable=False, server_default="1"))
        batch.add_column(sa.Column("access_mode", sa.String(16), nullable=False, server_default="codes"))
        batch.create_index("ix_survey_round_organisation_id", ["organisation_id"])
    with op.batch_alter_table("questionnaire", schema=_schema()) as batch:
        batch.add_column(sa.Column("organisation_id", sa.String(64), nullable=False, server_default=UNASSIGNED))
        batch.drop_constraint("pk_questionnaire", type_="primary")
        batch.create_primary_key("pk_questionnaire", ["id", "version"])
        batch.create_index("ix_questionnaire_organisation_id", ["organisation_id"])
    with op.batch_alter_table("unit", schema=_schema()) as batch:
        batch.add_column(sa.Column("organisation_id", sa.String(64), nullable=False, server_default=UNASSIGNED))
        batch.create_index("ix_unit_organisation_id", ["organisation_id"])
    for table in ("survey_round", "questionnaire", "unit"):
        with op.batch_alter_table(table, schema=_schema()) as batch:
            batch.alter_column("organisation_id", server_default=None)
    with op.batch_alter_table("survey_round", schema=_schema()) as batch:
        batch.alter_column("questionnaire_version", server_default=None)
        batch.alter_column("access_mode", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("unit", schema=_schema()) as batch:
        batch.drop_index("ix_unit_organisation_id")
        batch.drop_column("organisation_id")
    op.execute(sa.text(f"DELETE FROM {_prefix()}questionnaire WHERE version > 1"))
    with op.batch_alter_table("questionnaire", schema=_schema()) as batch:
        batch.drop_index("ix_questionnaire_organisation_id")
        batch.drop_constraint("pk_questionnaire", type_="primary")
        batch.create_primary_key("pk_questionnaire", ["id"])
        batch.drop_column("organisation_id")
    with op.batch_alter_table("survey_round", schema=_schema()) as batch:
        batch.drop_index("ix_survey_round_organisation_id")
        batch.drop_column("access_mode")
        batch.drop_column("questionnaire_version")
        batch.drop_column("organisation_id")
        batch.create_foreign_key(
            "fk_survey_round_questionnaire_id_questionnaire",
            "questionnaire",
            ["questionnaire_id"],
            ["id"],
            referent_schema=_schema(),
        )
