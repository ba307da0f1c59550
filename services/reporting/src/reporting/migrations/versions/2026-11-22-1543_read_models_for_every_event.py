"""Read models for every catalogued event: per-participant outcome facts (so erasure can delete
them), rounds, questionnaires, codes, comments, background answers per response; Kolada benchmarks and
round publication. The outcome counters give way to per-assessment rows: after upgrading, run
``reporting-rebuild`` so the new tables are filled from the topics.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 15:43:30.702798
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def _altered_schema() -> str | None:
    """ALTER TABLE on SQLite does not pass through the schema translation: its tables have no schema."""
    return 'reporting' if op.get_bind().dialect.name == 'postgresql' else None


def upgrade() -> None:
    op.create_table('assessment_entry',
    sa.Column('assessment_id', sa.String(length=36), nullable=False),
    sa.Column('participant_id', sa.String(length=36), nullable=False),
    sa.Column('organisation_id', sa.String(length=64), nullable=False),
    sa.Column('unit_id', sa.String(length=64), nullable=False),
    sa.Column('instrument_id', sa.String(length=64), nullable=False),
    sa.Column('instrument_version', sa.Integer(), nullable=False),
    sa.Column('occasion', sa.String(length=16), nullable=False),
    sa.Column('rater', sa.String(length=16), nullable=False),
    sa.Column('assessed_on', sa.Date(), nullable=False),
    sa.Column('scores', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('assessment_id', name=op.f('pk_assessment_entry')),
    schema='reporting'
    )
    op.create_index(op.f('ix_assessment_entry_participant_id'), 'assessment_entry', ['participant_id'], unique=False, schema='reporting')
    op.create_index(op.f('ix_assessment_entry_unit_id'), 'assessment_entry', ['unit_id'], unique=False, schema='reporting')
    op.create_table('response_answer',
    sa.Column('response_id', sa.String(length=36), nullable=False),
    sa.Column('link_id', sa.String(length=64), nullable=False),
    sa.Column('round_id', sa.String(length=36), nullable=False),
    sa.Column('unit_id', sa.String(length=64), nullable=False),
    sa.Column('answer', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('response_id', 'link_id', name=op.f('pk_response_answer')),
    schema='reporting'
    )
    op.create_index(op.f('ix_response_answer_round_id'), 'response_answer', ['round_id'], unique=False, schema='reporting')
    op.create_table('benchmark_mapping',
    sa.Column('questionnaire_id', sa.String(length=36), nullable=False),
    sa.Column('link_id', sa.String(length=64), nullable=False),
    sa.Column('kpi', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('questionnaire_id', 'link_id', name=op.f('pk_benchmark_mapping')),
    schema='reporting'
    )
    op.create_table('codes_issued_count',
    sa.Column('round_id', sa.String(length=36), nullable=False),
    sa.Column('unit_id', sa.String(length=64), nullable=False),
    sa.Column('codes', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('round_id', 'unit_id', name=op.f('pk_codes_issued_count')),
    schema='reporting'
    )
    op.create_table('comment',
    sa.Column('response_id', sa.String(length=36), nullable=False),
    sa.Column('link_id', sa.String(length=64), nullable=False),
    sa.Column('round_id', sa.String(length=36), nullable=False),
    sa.Column('unit_id', sa.String(length=64), nullable=False),
    sa.Column('text', sa.String(length=4000), nullable=False),
    sa.PrimaryKeyConstraint('response_id', 'link_id', name=op.f('pk_comment')),
    schema='reporting'
    )
    op.create_index(op.f('ix_comment_round_id'), 'comment', ['round_id'], unique=False, schema='reporting')
    op.create_table('erased_participant',
    sa.Column('participant_id', sa.String(length=36), nullable=False),
    sa.PrimaryKeyConstraint('participant_id', name=op.f('pk_erased_participant')),
    schema='reporting'
    )
    op.create_table('goal_entry',
    sa.Column('goal_id', sa.String(length=36), nullable=False),
    sa.Column('participant_id', sa.String(length=36), nullable=False),
    sa.Column('organisation_id', sa.String(length=64), nullable=False),
    sa.Column('unit_id', sa.String(length=64), nullable=False),
    sa.Column('area', sa.String(length=64), nullable=True),
    sa.Column('weight', sa.Float(), nullable=False),
    sa.Column('attainment', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('changed_on', sa.Date(), nullable=False),
    sa.PrimaryKeyConstraint('goal_id', name=op.f('pk_goal_entry')),
    schema='reporting'
    )
    op.create_index(op.f('ix_goal_entry_participant_id'), 'goal_entry', ['participant_id'], unique=False, schema='reporting')
    op.create_index(op.f('ix_goal_entry_unit_id'), 'goal_entry', ['unit_id'], unique=False, schema='reporting')
    op.create_table('instrument_entry',
    sa.Column('instrument_id', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('areas', sa.JSON(), nullable=False),
    sa.Column('scale_min', sa.Float(), nullable=False),
    sa.Column('scale_max', sa.Float(), nullable=False),
    sa.Column('direction', sa.String(length=32), nullable=False),
    sa.Column('step', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('instrument_id', 'version', name=op.f('pk_instrument_entry')),
    schema='reporting'
    )
    op.create_table('intervention_entry',
    sa.Column('intervention_id', sa.String(length=36), nullable=False),
    sa.Column('participant_id', sa.String(length=36), nullable=False),
    sa.Column('organisation_id', sa.String(length=64), nullable=False),
    sa.Column('unit_id', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=64), nullable=True),
    sa.Column('started_on', sa.Date(), nullable=False),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('ending', sa.String(length=16), nullable=True),
    sa.PrimaryKeyConstraint('intervention_id', name=op.f('pk_intervention_entry')),
    schema='reporting'
    )
    op.create_index(op.f('ix_intervention_entry_participant_id'), 'intervention_entry', ['participant_id'], unique=False, schema='reporting')
    op.create_index(op.f('ix_intervention_entry_unit_id'), 'intervention_entry', ['unit_id'], unique=False, schema='reporting')
    op.create_table('kolada_value',
    sa.Column('kpi', sa.String(length=32), nullable=False),
    sa.Column('area', sa.String(length=64), nullable=False),
    sa.Column('period', sa.Integer(), nullable=False),
    sa.Column('gender', sa.String(length=1), nullable=False),
    sa.Column('value', sa.Float(), nullable=True),
    sa.Column('count', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=True),
    sa.PrimaryKeyConstraint('kpi', 'area', 'period', 'gender', name=op.f('pk_kolada_value')),
    schema='reporting'
    )
    op.create_table('questionnaire_version',
    sa.Column('questionnaire_id', sa.String(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('title_sv', sa.String(length=500), nullable=False),
    sa.Column('items', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('questionnaire_id', 'version', name=op.f('pk_questionnaire_version')),
    schema='reporting'
    )
    op.create_table('round_entry',
    sa.Column('round_id', sa.String(length=36), nullable=False),
    sa.Column('organisation_id', sa.String(length=64), nullable=False),
    sa.Column('questionnaire_id', sa.String(length=36), nullable=False),
    sa.Column('questionnaire_version', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('opens_on', sa.Date(), nullable=False),
    sa.Column('closes_on', sa.Date(), nullable=False),
    sa.Column('unit_ids', sa.JSON(), nullable=False),
    sa.Column('access_mode', sa.String(length=16), nullable=False),
    sa.Column('min_cell_count', sa.Integer(), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.PrimaryKeyConstraint('round_id', name=op.f('pk_round_entry')),
    schema='reporting'
    )
    op.create_index(op.f('ix_round_entry_organisation_id'), 'round_entry', ['organisation_id'], unique=False, schema='reporting')
    op.create_index(op.f('ix_round_entry_questionnaire_id'), 'round_entry', ['questionnaire_id'], unique=False, schema='reporting')
    op.create_table('round_publication',
    sa.Column('round_id', sa.String(length=36), nullable=False),
    sa.Column('organisation_id', sa.String(length=64), nullable=False),
    sa.Column('public', sa.Boolean(), nullable=False),
    sa.Column('changed_on', sa.Date(), nullable=False),
    sa.PrimaryKeyConstraint('round_id', name=op.f('pk_round_publication')),
    schema='reporting'
    )
    op.drop_table('area_assessment_count', schema='reporting')
    op.add_column('round_unit_total', sa.Column('questionnaire_version', sa.Integer(), server_default='1', nullable=False), schema=_altered_schema())
    op.add_column('unit_entry', sa.Column('organisation_id', sa.String(length=64), nullable=True), schema=_altered_schema())


def downgrade() -> None:
    op.drop_column('unit_entry', 'organisation_id', schema=_altered_schema())
    op.drop_column('round_unit_total', 'questionnaire_version', schema=_altered_schema())
    op.create_table('area_assessment_count',
    sa.Column('unit_id', sa.VARCHAR(length=64), autoincrement=False, nullable=False),
    sa.Column('instrument_id', sa.VARCHAR(length=64), autoincrement=False, nullable=False),
    sa.Column('area', sa.VARCHAR(length=64), autoincrement=False, nullable=False),
    sa.Column('occasion', sa.VARCHAR(length=16), autoincrement=False, nullable=False),
    sa.Column('assessments', sa.INTEGER(), autoincrement=False, nullable=False),
    sa.Column('score_sum', sa.Float(), autoincrement=False, nullable=False),
    sa.PrimaryKeyConstraint('unit_id', 'instrument_id', 'area', 'occasion', name=op.f('pk_area_assessment_count')),
    schema='reporting'
    )
    op.drop_table('round_publication', schema='reporting')
    op.drop_index(op.f('ix_round_entry_questionnaire_id'), table_name='round_entry', schema='reporting')
    op.drop_index(op.f('ix_round_entry_organisation_id'), table_name='round_entry', schema='reporting')
    op.drop_table('round_entry', schema='reporting')
    op.drop_table('questionnaire_version', schema='reporting')
    op.drop_table('kolada_value', schema='reporting')
    op.drop_index(op.f('ix_intervention_entry_unit_id'), table_name='intervention_entry', schema='reporting')
    op.drop_index(op.f('ix_intervention_entry_participant_id'), table_name='intervention_entry', schema='reporting')
    op.drop_table('intervention_entry', schema='reporting')
    op.drop_table('instrument_entry', schema='reporting')
    op.drop_index(op.f('ix_goal_entry_unit_id'), table_name='goal_entry', schema='reporting')
    op.drop_index(op.f('ix_goal_entry_participant_id'), table_name='goal_entry', schema='reporting')
    op.drop_table('goal_entry', schema='reporting')
    op.drop_table('erased_participant', schema='reporting')
    op.drop_index(op.f('ix_comment_round_id'), table_name='comment', schema='reporting')
    op.drop_table('comment', schema='reporting')
    op.drop_table('codes_issued_count', schema='reporting')
    op.drop_table('benchmark_mapping', schema='reporting')
    op.drop_index(op.f('ix_response_answer_round_id'), table_name='response_answer', schema='reporting')
    op.drop_table('response_answer', schema='reporting')
    op.drop_index(op.f('ix_assessment_entry_unit_id'), table_name='assessment_entry', schema='reporting')
    op.drop_index(op.f('ix_assessment_entry_participant_id'), table_name='assessment_entry', schema='reporting')
    op.drop_table('assessment_entry', schema='reporting')
