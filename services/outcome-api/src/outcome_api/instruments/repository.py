"""Instruments in the database: Insikt's examples (no organisation) and each organisation's own."""

from datetime import date

from sqlalchemy import ColumnElement, delete, exists, or_, select
from sqlalchemy.orm import Session

from outcome_api.assessments.models import Assessment
from outcome_api.instruments.models import Area, Direction, Instrument, Scale
from outcome_api.instruments.rows import InstrumentArea, InstrumentVersion


def _visible(organisation_id: str) -> ColumnElement[bool]:
    """Insikt's own instruments and the organisation's."""
    return or_(
        InstrumentVersion.organisation_id.is_(None),  # type: ignore[union-attr]
        InstrumentVersion.organisation_id == organisation_id,  # type: ignore[arg-type]
    )


def get(session: Session, organisation_id: str, instrument_id: str, version: int | None = None) -> Instrument | None:
    """The given version, or the latest, of an instrument the organisation may use."""
    query = select(InstrumentVersion).where(
        InstrumentVersion.instrument_id == instrument_id,  # type: ignore[arg-type]
        _visible(organisation_id),
    )
    if version is not None:
        query = query.where(InstrumentVersion.version == version)  # type: ignore[arg-type]
    row = session.scalars(query.order_by(InstrumentVersion.version.desc()).limit(1)).first()  # type: ignore[attr-defined]
    return _instrument(session, row) if row is not None else None


def list_latest(session: Session, organisation_id: str) -> list[Instrument]:
    """The latest version of each instrument the organisation may use, by id (there are few)."""
    rows = session.scalars(
        select(InstrumentVersion)
        .where(_visible(organisation_id))
        .order_by(InstrumentVersion.instrument_id, InstrumentVersion.version)  # type: ignore[arg-type]
    )
    latest = {row.instrument_id: row for row in rows}
    return [_instrument(session, row) for row in latest.values()]


def owner_and_latest(session: Session, instrument_id: str) -> tuple[str | None, int] | None:
    """Who owns an instrument id (None: Insikt) and its latest version, across all organisations."""
    row = session.scalars(
        select(InstrumentVersion)
        .where(InstrumentVersion.instrument_id == instrument_id)  # type: ignore[arg-type]
        .order_by(InstrumentVersion.version.desc())  # type: ignore[attr-defined]
        .limit(1)
    ).first()
    return (row.organisation_id, row.version) if row is not None else None


def in_use(session: Session, instrument_id: str, version: int) -> bool:
    """Whether any assessment was recorded with this version (it is immutable from then on)."""
    return bool(
        session.scalar(
            select(
                exists().where(
                    Assessment.instrument_id == instrument_id,  # type: ignore[arg-type]
                    Assessment.instrument_version == version,  # type: ignore[arg-type]
                )
            )
        )
    )


def save(session: Session, instrument: Instrument, organisation_id: str | None, published_on: date) -> None:
    """Write (or rewrite) a version and its areas."""
    session.execute(
        delete(InstrumentArea).where(
            InstrumentArea.instrument_id == instrument.id,  # type: ignore[arg-type]
            InstrumentArea.version == instrument.version,  # type: ignore[arg-type]
        )
    )
    session.merge(
        InstrumentVersion(
            instrument_id=instrument.id,
            version=instrument.version,
            organisation_id=organisation_id,
            title=instrument.title,
            description=instrument.description,
            licence=instrument.licence,
            scale_min=instrument.scale.minimum,
            scale_max=instrument.scale.maximum,
            direction=instrument.scale.direction,
            anchors={str(k): v for k, v in instrument.scale.anchors.items()},
            published_on=published_on,
        )
    )
    session.flush()
    session.add_all(
        InstrumentArea(instrument_id=instrument.id, version=instrument.version, code=a.code, position=i, label=a.label)
        for i, a in enumerate(instrument.areas)
    )


def _instrument(session: Session, row: InstrumentVersion) -> Instrument:
    areas = session.scalars(
        select(InstrumentArea)
        .where(
            InstrumentArea.instrument_id == row.instrument_id,  # type: ignore[arg-type]
            InstrumentArea.version == row.version,  # type: ignore[arg-type]
        )
        .order_by(InstrumentArea.position)  # type: ignore[arg-type]
    )
    direction: Direction = row.direction  # type: ignore[assignment]
    return Instrument(
        id=row.instrument_id,
        version=row.version,
        title=row.title,
        description=row.description,
        licence=row.licence,
        scale=Scale(row.scale_min, row.scale_max, direction, {int(k): str(v) for k, v in row.anchors.items()}),
        areas=tuple(Area(a.code, a.label) for a in areas),
    )
