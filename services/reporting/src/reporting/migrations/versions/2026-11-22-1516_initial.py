"""Initial reporting schema: unit directory, survey answer counts, outcome counts and the inbox.

Revision ID: 0001
Revises:
Create Date: 2026-11-22 15:16:25.603455
"""
from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('answer_count',
    sa.Column('round_id', sa.String(length=36), nullable=False),
    sa.Column('unit_id', sa.String(length=64), nullable=False),
    sa.Column('link_id', sa.String(length=64), nullable=False),
    sa.Column('answer', sa.String(length=64), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('round_id', 'unit_id', 'link_id', 'answer', name=op.f('pk_answer_count')),
    schema='reporting'
    )
    op.create_table('area_assessment_count',
    sa.Column('unit_id', sa.String(length=64), nullable=False),
    sa.Column('instrument_id', sa.String(length=64), nullable=False),
    sa.Column('area', sa.String(length=64), nullable=False),
    sa.Column('occasion', sa.String(length=16), nullable=False),
    sa.Column('assessments', sa.Integer(), nullable=False),
    sa.Column('score_sum', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('unit_id', 'instrument_id', 'area', 'occasion', name=op.f('pk_area_assessment_count')),
    schema='reporting'
    )
    op.create_table('inbox_message',
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('event_id', sa.String(length=64), nullable=False),
    sa.Column('event_type', sa.String(length=200), nullable=False),
    sa.Column('processed_on', sa.Date(), nullable=False),
    sa.PrimaryKeyConstraint('source', 'event_id', name=op.f('pk_inbox_message')),
    schema='reporting'
    )
    op.create_table('participant_entry',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('organisation_id', sa.String(length=64), nullable=False),
    sa.Column('unit_id', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_participant_entry')),
    schema='reporting'
    )
    op.create_index(op.f('ix_participant_entry_unit_id'), 'participant_entry', ['unit_id'], unique=False, schema='reporting')
    op.create_table('round_unit_total',
    sa.Column('round_id', sa.String(length=36), nullable=False),
    sa.Column('unit_id', sa.String(length=64), nullable=False),
    sa.Column('questionnaire_id', sa.String(length=36), nullable=False),
    sa.Column('responses', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('round_id', 'unit_id', name=op.f('pk_round_unit_total')),
    schema='reporting'
    )
    op.create_table('unit_entry',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('type', sa.String(length=64), nullable=False),
    sa.Column('municipality_code', sa.String(length=4), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit_entry')),
    schema='reporting'
    )


def downgrade() -> None:
    op.drop_table('unit_entry', schema='reporting')
    op.drop_table('round_unit_total', schema='reporting')
    op.drop_index(op.f('ix_participant_entry_unit_id'), table_name='participant_entry', schema='reporting')
    op.drop_table('participant_entry', schema='reporting')
    op.drop_table('inbox_message', schema='reporting')
    op.drop_table('area_assessment_count', schema='reporting')
    op.drop_table('answer_count', schema='reporting')
