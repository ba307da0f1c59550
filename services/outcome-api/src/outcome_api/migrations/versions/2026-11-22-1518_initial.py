"""Initial outcome schema: units, pseudonymous participants, assessments with their scores, the outbox.

Revision ID: 0001
Revises:
Create Date: 2026-11-22 15:18:29.741824
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
    schema='outcome'
    )
    op.create_index('ix_outbox_message_unsent', 'outbox_message', ['seq'], unique=False, schema='outcome', postgresql_where=sa.text('NOT sent'), sqlite_where=sa.text('NOT sent'))
    op.create_table('unit',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('type', sa.String(length=64), nullable=False),
    sa.Column('municipality_code', sa.String(length=4), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit')),
    schema='outcome'
    )
    op.create_table('participant',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('organisation_id', sa.String(length=64), nullable=False),
    sa.Column('unit_id', sa.String(length=64), nullable=False),
    sa.Column('birth_year', sa.Integer(), nullable=True),
    sa.Column('gender', sa.String(length=16), nullable=False),
    sa.Column('personnummer_hmac', sa.String(length=64), nullable=True),
    sa.Column('registered_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['outcome.unit.id'], name=op.f('fk_participant_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_participant')),
    sa.UniqueConstraint('organisation_id', 'personnummer_hmac', name=op.f('uq_participant_organisation_id_personnummer_hmac')),
    schema='outcome'
    )
    op.create_index(op.f('ix_participant_unit_id'), 'participant', ['unit_id'], unique=False, schema='outcome')
    op.create_table('assessment',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('participant_id', sa.String(length=36), nullable=False),
    sa.Column('unit_id', sa.String(length=64), nullable=False),
    sa.Column('instrument_id', sa.String(length=64), nullable=False),
    sa.Column('instrument_version', sa.Integer(), nullable=False),
    sa.Column('occasion', sa.String(length=16), nullable=False),
    sa.Column('rater', sa.String(length=16), nullable=False),
    sa.Column('assessed_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['participant_id'], ['outcome.participant.id'], name=op.f('fk_assessment_participant_id_participant')),
    sa.ForeignKeyConstraint(['unit_id'], ['outcome.unit.id'], name=op.f('fk_assessment_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment')),
    schema='outcome'
    )
    op.create_index(op.f('ix_assessment_participant_id'), 'assessment', ['participant_id'], unique=False, schema='outcome')
    op.create_table('assessment_score',
    sa.Column('assessment_id', sa.String(length=36), nullable=False),
    sa.Column('area', sa.String(length=64), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['assessment_id'], ['outcome.assessment.id'], name=op.f('fk_assessment_score_assessment_id_assessment')),
    sa.PrimaryKeyConstraint('assessment_id', 'area', name=op.f('pk_assessment_score')),
    schema='outcome'
    )


def downgrade() -> None:
    op.drop_table('assessment_score', schema='outcome')
    op.drop_index(op.f('ix_assessment_participant_id'), table_name='assessment', schema='outcome')
    op.drop_table('assessment', schema='outcome')
    op.drop_index(op.f('ix_participant_unit_id'), table_name='participant', schema='outcome')
    op.drop_table('participant', schema='outcome')
    op.drop_table('unit', schema='outcome')
    op.drop_index('ix_outbox_message_unsent', table_name='outbox_message', schema='outcome', postgresql_where=sa.text('NOT sent'), sqlite_where=sa.text('NOT sent'))
    op.drop_table('outbox_message', schema='outcome')
