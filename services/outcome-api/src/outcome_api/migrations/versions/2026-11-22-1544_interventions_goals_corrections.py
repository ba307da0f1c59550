"""Interventions with their endings, goals with GAS history, and corrections of assessments that keep the replaced version.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 15:44:35.074925
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def _altered_schema() -> str | None:
    """ALTER TABLE on SQLite does not pass through the schema translation: its tables have no schema."""
    return 'outcome' if op.get_bind().dialect.name == 'postgresql' else None


def upgrade() -> None:
    op.create_table('goal',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('participant_id', sa.String(length=36), nullable=False),
    sa.Column('unit_id', sa.String(length=64), nullable=False),
    sa.Column('area', sa.String(length=64), nullable=True),
    sa.Column('description', sa.String(length=1000), nullable=False),
    sa.Column('baseline', sa.String(length=1000), nullable=False),
    sa.Column('target', sa.String(length=1000), nullable=False),
    sa.Column('levels', sa.JSON(), nullable=False),
    sa.Column('weight', sa.Float(), nullable=False),
    sa.Column('set_on', sa.Date(), nullable=False),
    sa.Column('attainment', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['participant_id'], ['outcome.participant.id'], name=op.f('fk_goal_participant_id_participant')),
    sa.ForeignKeyConstraint(['unit_id'], ['outcome.unit.id'], name=op.f('fk_goal_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_goal')),
    schema='outcome'
    )
    op.create_index(op.f('ix_goal_participant_id'), 'goal', ['participant_id'], unique=False, schema='outcome')
    op.create_table('intervention',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('organisation_id', sa.String(length=64), nullable=False),
    sa.Column('external_reference', sa.String(length=100), nullable=False),
    sa.Column('participant_id', sa.String(length=36), nullable=False),
    sa.Column('unit_id', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=64), nullable=False),
    sa.Column('referring_municipality_code', sa.String(length=4), nullable=True),
    sa.Column('started_on', sa.Date(), nullable=False),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('ending', sa.String(length=16), nullable=True),
    sa.ForeignKeyConstraint(['participant_id'], ['outcome.participant.id'], name=op.f('fk_intervention_participant_id_participant')),
    sa.ForeignKeyConstraint(['unit_id'], ['outcome.unit.id'], name=op.f('fk_intervention_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_intervention')),
    sa.UniqueConstraint('organisation_id', 'external_reference', name=op.f('uq_intervention_organisation_id_external_reference')),
    schema='outcome'
    )
    op.create_index(op.f('ix_intervention_participant_id'), 'intervention', ['participant_id'], unique=False, schema='outcome')
    op.create_table('assessment_revision',
    sa.Column('assessment_id', sa.String(length=36), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('occasion', sa.String(length=16), nullable=False),
    sa.Column('rater', sa.String(length=16), nullable=False),
    sa.Column('assessed_on', sa.Date(), nullable=False),
    sa.Column('scores', sa.JSON(), nullable=False),
    sa.Column('replaced_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['assessment_id'], ['outcome.assessment.id'], name=op.f('fk_assessment_revision_assessment_id_assessment')),
    sa.PrimaryKeyConstraint('assessment_id', 'revision', name=op.f('pk_assessment_revision')),
    schema='outcome'
    )
    op.create_table('goal_change',
    sa.Column('goal_id', sa.String(length=36), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('changed_on', sa.Date(), nullable=False),
    sa.Column('attainment', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['goal_id'], ['outcome.goal.id'], name=op.f('fk_goal_change_goal_id_goal')),
    sa.PrimaryKeyConstraint('goal_id', 'seq', name=op.f('pk_goal_change')),
    schema='outcome'
    )
    op.add_column('assessment', sa.Column('revision', sa.Integer(), server_default='1', nullable=False), schema=_altered_schema())


def downgrade() -> None:
    op.drop_column('assessment', 'revision', schema=_altered_schema())
    op.drop_table('goal_change', schema='outcome')
    op.drop_table('assessment_revision', schema='outcome')
    op.drop_index(op.f('ix_intervention_participant_id'), table_name='intervention', schema='outcome')
    op.drop_table('intervention', schema='outcome')
    op.drop_index(op.f('ix_goal_participant_id'), table_name='goal', schema='outcome')
    op.drop_table('goal', schema='outcome')
