"""Initial survey schema: questionnaires, units, rounds, responses and the outbox.

Revision ID: 0001
Revises:
Create Date: 2026-11-22 15:15:03.134527
"""
from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('outbox_message',
    sa.Column('seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('event_id', sa.String(length=64), nullable=False),
    sa.Column('event_type', sa.String(length=200), nullable=False),
    sa.Column('topic', sa.String(length=200), nullable=False),
    sa.Column('message_key', sa.String(length=200), nullable=False),
    sa.Column('payload', sa.LargeBinary(), nullable=False),
    sa.Column('sent', sa.Boolean(), server_default='false', nullable=False),
    sa.Column('sent_on', sa.Date(), nullable=True),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_outbox_message')),
    sa.UniqueConstraint('event_id', name=op.f('uq_outbox_message_event_id')),
    schema='survey'
    )
    op.create_index('ix_outbox_message_unsent', 'outbox_message', ['seq'], unique=False, schema='survey', postgresql_where=sa.text('NOT sent'), sqlite_where=sa.text('NOT sent'))
    op.create_table('questionnaire',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.Column('published_on', sa.Date(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_questionnaire')),
    schema='survey'
    )
    op.create_table('unit',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('type', sa.String(length=64), nullable=False),
    sa.Column('municipality_code', sa.String(length=4), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit')),
    schema='survey'
    )
    op.create_table('survey_round',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('questionnaire_id', sa.String(length=36), nullable=False),
    sa.Column('opens_on', sa.Date(), nullable=False),
    sa.Column('closes_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('min_cell_count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['questionnaire_id'], ['survey.questionnaire.id'], name=op.f('fk_survey_round_questionnaire_id_questionnaire')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_round')),
    schema='survey'
    )
    op.create_table('response',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('round_id', sa.String(length=36), nullable=False),
    sa.Column('unit_id', sa.String(length=64), nullable=False),
    sa.Column('questionnaire_id', sa.String(length=36), nullable=False),
    sa.Column('questionnaire_version', sa.Integer(), nullable=False),
    sa.Column('submitted_on', sa.Date(), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('submission_key', sa.String(length=64), nullable=False),
    sa.Column('content_digest', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['survey.survey_round.id'], name=op.f('fk_response_round_id_survey_round')),
    sa.ForeignKeyConstraint(['unit_id'], ['survey.unit.id'], name=op.f('fk_response_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_response')),
    sa.UniqueConstraint('submission_key', name=op.f('uq_response_submission_key')),
    schema='survey'
    )
    op.create_index(op.f('ix_response_round_id'), 'response', ['round_id'], unique=False, schema='survey')
    op.create_table('round_unit',
    sa.Column('round_id', sa.String(length=36), nullable=False),
    sa.Column('unit_id', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['survey.survey_round.id'], name=op.f('fk_round_unit_round_id_survey_round')),
    sa.ForeignKeyConstraint(['unit_id'], ['survey.unit.id'], name=op.f('fk_round_unit_unit_id_unit')),
    sa.PrimaryKeyConstraint('round_id', 'unit_id', name=op.f('pk_round_unit')),
    schema='survey'
    )


def downgrade() -> None:
    op.drop_table('round_unit', schema='survey')
    op.drop_index(op.f('ix_response_round_id'), table_name='response', schema='survey')
    op.drop_table('response', schema='survey')
    op.drop_table('survey_round', schema='survey')
    op.drop_table('unit', schema='survey')
    op.drop_table('questionnaire', schema='survey')
    op.drop_index('ix_outbox_message_unsent', table_name='outbox_message', schema='survey', postgresql_where=sa.text('NOT sent'), sqlite_where=sa.text('NOT sent'))
    op.drop_table('outbox_message', schema='survey')
