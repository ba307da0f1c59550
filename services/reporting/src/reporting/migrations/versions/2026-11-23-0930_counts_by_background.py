"""The breakdowns' counts kept as responses arrive (``background_tally``), so that a report no
longer reads every response of its round; each response entry names its questionnaire version. The
counts are made here from the responses already there.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 09:30:00.000000
"""
import json
from typing import Any

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

BACKGROUND_KINDS = ('background_gender', 'background_age')
_ARRAY_OF_TEXT = sa.JSON().with_variant(postgresql.ARRAY(sa.String()), 'postgresql')
_ARRAY_OF_INT = sa.JSON().with_variant(postgresql.ARRAY(sa.Integer()), 'postgresql')
"""As ``reporting.survey_results.tabulation.BACKGROUND_KINDS`` on the day of this migration."""


def _table(name: str) -> str:
    """Raw SQL does not pass through the schema translation: SQLite's tables have no schema."""
    return f'reporting.{name}' if op.get_bind().dialect.name == 'postgresql' else name


def _altered_schema() -> str | None:
    """ALTER TABLE on SQLite does not pass through the schema translation: its tables have no schema."""
    return 'reporting' if op.get_bind().dialect.name == 'postgresql' else None


def upgrade() -> None:
    op.add_column('response_entry', sa.Column('questionnaire_id', sa.String(length=36), server_default='', nullable=False), schema=_altered_schema())
    op.add_column('response_entry', sa.Column('questionnaire_version', sa.Integer(), server_default='1', nullable=False), schema=_altered_schema())
    entries, totals = _table('response_entry'), _table('round_unit_total')
    of_total = f"FROM {totals} AS t WHERE t.round_id = {entries}.round_id AND t.unit_id = {entries}.unit_id"
    op.execute(
        f"UPDATE {entries} SET questionnaire_id = coalesce((SELECT t.questionnaire_id {of_total}), ''), "
        f"questionnaire_version = coalesce((SELECT t.questionnaire_version {of_total}), 1)"
    )
    op.create_index(op.f('ix_response_entry_questionnaire_id_questionnaire_version'), 'response_entry', ['questionnaire_id', 'questionnaire_version'], unique=False, schema='reporting')
    op.create_table('background_tally',
    sa.Column('round_id', sa.String(length=36), nullable=False),
    sa.Column('unit_id', sa.String(length=64), nullable=False),
    sa.Column('background_link_id', sa.String(length=64), nullable=False),
    sa.Column('background_answer', sa.String(length=64), nullable=False),
    sa.Column('link_ids', _ARRAY_OF_TEXT, nullable=False),
    sa.Column('positive', _ARRAY_OF_INT, nullable=False),
    sa.Column('answered', _ARRAY_OF_INT, nullable=False),
    sa.PrimaryKeyConstraint('round_id', 'unit_id', 'background_link_id', 'background_answer', name=op.f('pk_background_tally')),
    schema='reporting'
    )
    _count_by_background()


def _count_by_background() -> None:
    """Each response of a questionnaire version with background questions, counted by each of them
    as ``projection._BackgroundTally`` counts it: in its group (``none`` when it left the question
    out), its substantive answers to each question with a share, and how many were positive."""
    bind = op.get_bind()
    versions = bind.execute(sa.text(f"SELECT questionnaire_id, version, items FROM {_table('questionnaire_version')}"))
    entries = sa.text(
        f"SELECT round_id, unit_id, answers FROM {_table('response_entry')} "
        "WHERE questionnaire_id = :questionnaire AND questionnaire_version = :version"
    ).execution_options(yield_per=10_000)  # a round of a million responses is never held whole
    tally = sa.table(
        'background_tally',
        *(sa.column(name) for name in ('round_id', 'unit_id', 'background_link_id', 'background_answer')),
        sa.column('link_ids', _ARRAY_OF_TEXT),
        sa.column('positive', _ARRAY_OF_INT),
        sa.column('answered', _ARRAY_OF_INT),
        schema=_altered_schema(),
    )
    for questionnaire_id, version, items in versions.all():
        items = _json(items)
        background = [item['link_id'] for item in items if item.get('kind') in BACKGROUND_KINDS]
        shares = [
            item for item in items
            if item.get('kind') not in BACKGROUND_KINDS and any(o.get('positive') for o in item.get('options') or [])
        ]
        if not background or not shares:
            continue
        link_ids = [item['link_id'] for item in shares]
        position = {link_id: i for i, link_id in enumerate(link_ids)}
        positive = {(item['link_id'], o['code']) for item in shares for o in item['options'] if o.get('positive')}
        left_out = {(item['link_id'], o['code']) for item in shares for o in item['options'] if o.get('non_substantive')}
        rows: dict[tuple[str, str, str, str], dict[str, Any]] = {}
        found = bind.execute(entries, {'questionnaire': questionnaire_id, 'version': version})
        for round_id, unit_id, answers in found:
            answers = _json(answers)
            counted = [
                (position[link_id], (link_id, answer) in positive)
                for link_id, answer in answers.items()
                if link_id in position and (link_id, answer) not in left_out
            ]
            for asked in background:
                group = answers.get(asked, 'none')
                row = rows.get(key := (round_id, unit_id, asked, group))
                if row is None:
                    row = rows[key] = {
                        'round_id': round_id, 'unit_id': unit_id, 'background_link_id': asked,
                        'background_answer': group, 'link_ids': link_ids,
                        'positive': [0] * len(link_ids), 'answered': [0] * len(link_ids),
                    }
                for i, is_positive in counted:
                    row['answered'][i] += 1
                    row['positive'][i] += is_positive
        if rows:
            op.bulk_insert(tally, list(rows.values()))


def _json(value: Any) -> Any:
    """SQLite's JSON comes back as text in raw SQL."""
    return json.loads(value) if isinstance(value, str) else value


def downgrade() -> None:
    op.drop_table('background_tally', schema='reporting')
    op.drop_index(op.f('ix_response_entry_questionnaire_id_questionnaire_version'), table_name='response_entry', schema='reporting')
    op.drop_column('response_entry', 'questionnaire_version', schema=_altered_schema())
    op.drop_column('response_entry', 'questionnaire_id', schema=_altered_schema())
