"""Which codes are used is kept on the round unit (one character per code), no longer on each code.

Marking a code used then rewrites one row per response however many codes the unit has used, and
the code rows are never written after they are issued (see ``access.service.use_code``).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 18:00:00
"""

from collections import defaultdict

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _schema() -> str | None:
    """SQLite (embedded mode) has no schemas: batch operations there must not name one."""
    return "survey" if op.get_bind().dialect.name == "postgresql" else None


def _codes() -> sa.TableClause:
    return sa.table(
        "access_code",
        sa.column("code_hash", sa.String),
        sa.column("round_id", sa.String),
        sa.column("unit_id", sa.String),
        sa.column("used", sa.Boolean),
        sa.column("ordinal", sa.Integer),
        schema=_schema(),
    )


def _round_units() -> sa.TableClause:
    return sa.table(
        "round_unit",
        sa.column("round_id", sa.String),
        sa.column("unit_id", sa.String),
        sa.column("codes_used", sa.Text),
        schema=_schema(),
    )


def upgrade() -> None:
    with op.batch_alter_table("access_code", schema=_schema()) as batch:
        batch.add_column(sa.Column("ordinal", sa.Integer(), nullable=True))
    with op.batch_alter_table("round_unit", schema=_schema()) as batch:
        batch.add_column(sa.Column("codes_used", sa.Text(), server_default="", nullable=False))

    code, round_unit = _codes(), _round_units()
    bind = op.get_bind()
    flags: dict[tuple[str, str], list[str]] = defaultdict(list)
    rows = bind.execute(
        sa.select(code.c.code_hash, code.c.round_id, code.c.unit_id, code.c.used).order_by(
            code.c.round_id, code.c.unit_id, code.c.code_hash
        )
    )
    for code_hash, round_id, unit_id, used in rows.all():
        unit_flags = flags[(round_id, unit_id)]
        bind.execute(sa.update(code).where(code.c.code_hash == code_hash).values(ordinal=len(unit_flags)))
        unit_flags.append("1" if used else "0")
    for (round_id, unit_id), unit_flags in flags.items():
        bind.execute(
            sa.update(round_unit)
            .where(round_unit.c.round_id == round_id, round_unit.c.unit_id == unit_id)
            .values(codes_used="".join(unit_flags))
        )

    with op.batch_alter_table("access_code", schema=_schema()) as batch:
        batch.alter_column("ordinal", existing_type=sa.Integer(), nullable=False)
        batch.create_unique_constraint(
            "uq_access_code_round_id_unit_id_ordinal", ["round_id", "unit_id", "ordinal"]
        )
        batch.drop_column("used")


def downgrade() -> None:
    with op.batch_alter_table("access_code", schema=_schema()) as batch:
        batch.add_column(sa.Column("used", sa.Boolean(), server_default=sa.false(), nullable=False))

    code, round_unit = _codes(), _round_units()
    bind = op.get_bind()
    for round_id, unit_id, codes_used in bind.execute(
        sa.select(round_unit.c.round_id, round_unit.c.unit_id, round_unit.c.codes_used)
    ).all():
        used = [ordinal for ordinal, flag in enumerate(codes_used or "") if flag == "1"]
        if used:
            bind.execute(
                sa.update(code)
                .where(code.c.round_id == round_id, code.c.unit_id == unit_id, code.c.ordinal.in_(used))
                .values(used=True)
            )

    with op.batch_alter_table("access_code", schema=_schema()) as batch:
        batch.alter_column("used", existing_type=sa.Boolean(), server_default=None)
        batch.drop_constraint("uq_access_code_round_id_unit_id_ordinal", type_="unique")
        batch.drop_column("ordinal")
    with op.batch_alter_table("round_unit", schema=_schema()) as batch:
        batch.drop_column("codes_used")
