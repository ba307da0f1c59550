"""Instruments as versioned tables; Insikt's two example instruments written and published.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 15:55:16.333713
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

# The versions this revision publishes. A published version never changes (see builtin.py), so the
# values read here are the values of 2026-11-22.
SHIPPED = ('insikt-livssituation', 'insikt-sjalvskattning')


def upgrade() -> None:
    op.create_table('instrument_version',
    sa.Column('instrument_id', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.String(length=64), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.String(length=2000), nullable=False),
    sa.Column('licence', sa.String(length=500), nullable=False),
    sa.Column('scale_min', sa.Integer(), nullable=False),
    sa.Column('scale_max', sa.Integer(), nullable=False),
    sa.Column('direction', sa.String(length=32), nullable=False),
    sa.Column('anchors', sa.JSON(), nullable=False),
    sa.Column('published_on', sa.Date(), nullable=False),
    sa.PrimaryKeyConstraint('instrument_id', 'version', name=op.f('pk_instrument_version')),
    schema='outcome'
    )
    op.create_index(op.f('ix_instrument_version_organisation_id'), 'instrument_version', ['organisation_id'], unique=False, schema='outcome')
    op.create_table('instrument_area',
    sa.Column('instrument_id', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['instrument_id', 'version'], ['outcome.instrument_version.instrument_id', 'outcome.instrument_version.version'], name=op.f('fk_instrument_area_instrument_id_instrument_version')),
    sa.PrimaryKeyConstraint('instrument_id', 'version', 'code', name=op.f('pk_instrument_area')),
    schema='outcome'
    )
    _publish_shipped()


def _publish_shipped() -> None:
    """Write Insikt's example instruments and their INSTRUMENT_PUBLISHED events (outbox), once."""
    from datetime import date

    from insikt_common.contracts.catalogue import INSTRUMENT_PUBLISHED, key_of
    from insikt_common.contracts.envelope import new_event
    from outcome_api.instruments.builtin import BUILT_IN
    from outcome_api.instruments.events import published

    bind = op.get_bind()
    schema = 'outcome' if bind.dialect.name == 'postgresql' else None  # SQLite's tables have no schema
    versions = sa.table(
        'instrument_version', *(sa.column(c) for c in (
            'instrument_id', 'version', 'organisation_id', 'title', 'description', 'licence',
            'scale_min', 'scale_max', 'direction', 'published_on',
        )), sa.column('anchors', sa.JSON), schema=schema,
    )
    areas = sa.table(
        'instrument_area', *(sa.column(c) for c in ('instrument_id', 'version', 'code', 'position', 'label')),
        schema=schema,
    )
    outbox = sa.table(
        'outbox_message', *(sa.column(c) for c in ('event_id', 'event_type', 'topic', 'message_key')),
        sa.column('payload', sa.LargeBinary), sa.column('sent', sa.Boolean), schema=schema,
    )
    for instrument in (i for i in BUILT_IN if i.id in SHIPPED and i.version == 1):
        bind.execute(versions.insert().values(
            instrument_id=instrument.id, version=instrument.version, organisation_id=None,
            title=instrument.title, description=instrument.description, licence=instrument.licence,
            scale_min=instrument.scale.minimum, scale_max=instrument.scale.maximum,
            direction=instrument.scale.direction,
            anchors={str(k): v for k, v in instrument.scale.anchors.items()},
            published_on=date.today(),
        ))
        for position, area in enumerate(instrument.areas):
            bind.execute(areas.insert().values(
                instrument_id=instrument.id, version=instrument.version, code=area.code, position=position,
                label=area.label,
            ))
        payload = published(instrument)
        event = new_event(
            INSTRUMENT_PUBLISHED.type, '/outcome-api', f'instrument/{instrument.id}/{instrument.version}', payload
        )
        bind.execute(outbox.insert().values(
            event_id=event.id, event_type=event.type, topic=INSTRUMENT_PUBLISHED.topic,
            message_key=key_of(INSTRUMENT_PUBLISHED, payload), payload=event.to_bytes(), sent=False,
        ))


def downgrade() -> None:
    bind = op.get_bind()
    schema = 'outcome' if bind.dialect.name == 'postgresql' else None
    outbox = sa.table('outbox_message', sa.column('event_type'), schema=schema)
    bind.execute(outbox.delete().where(outbox.c.event_type == 'se.insikt.outcome.instrument.published.v1'))
    op.drop_table('instrument_area', schema='outcome')
    op.drop_index(op.f('ix_instrument_version_organisation_id'), table_name='instrument_version', schema='outcome')
    op.drop_table('instrument_version', schema='outcome')
