"""One-time codes (hashes only), database-backed rate limits, and an open link per round unit.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 15:44:35
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _schema() -> str | None:
    """SQLite (embedded mode) has no schemas: batch operations there must not name one."""
    return "survey" if op.get_bind().dialect.name == "postgresql" else None


def upgrade() -> None:
    op.create_table(
        "rate_limit",
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("window_started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_rate_limit")),
        schema="survey",
    )
    op.create_table(
        "access_code",
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("round_id", sa.String(length=36), nullable=False),
        sa.Column("unit_id", sa.String(length=64), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("used", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"], ["survey.survey_round.id"], name=op.f("fk_access_code_round_id_survey_round")
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["survey.unit.id"], name=op.f("fk_access_code_unit_id_unit")),
        sa.PrimaryKeyConstraint("code_hash", name=op.f("pk_access_code")),
        schema="survey",
    )
    op.create_index(op.f("ix_access_code_round_id"), "access_code", ["round_id"], unique=False, schema="survey")
    with op.batch_alter_table("round_unit", schema=_schema()) as batch:
        batch.add_column(sa.Column("link_token", sa.String(length=64), nullable=True))
        batch.create_unique_constraint("uq_round_unit_link_token", ["link_token"])


def downgrade() -> None:
    with op.batch_alter_table("round_unit", schema=_schema()) as batch:
        batch.drop_constraint("uq_round_unit_link_token", type_="unique")
        batch.drop_column("link_token")
    op.drop_index(op.f("ix_access_code_round_id"), table_name="access_code", schema="survey")
    op.drop_table("access_code", schema="survey")
    op.drop_table("rate_limit", schema="survey")
