from dataclasses import asdict

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from reporting.benchmarks.kolada import KoladaFigure
from reporting.benchmarks.models import BenchmarkMapping, KoladaValue
from reporting.projection import table_of, upsert


def save_figures(session: Session, figures: list[KoladaFigure]) -> None:
    for figure in figures:
        upsert(session, table_of(KoladaValue), ["kpi", "area", "period", "gender"], asdict(figure))


def save_mapping(session: Session, questionnaire_id: str, link_id: str, kpi: str) -> None:
    upsert(
        session,
        table_of(BenchmarkMapping),
        ["questionnaire_id", "link_id"],
        {"questionnaire_id": questionnaire_id, "link_id": link_id, "kpi": kpi},
    )


def mappings(session: Session, questionnaire_id: str) -> dict[str, str]:
    statement = select(BenchmarkMapping).where(col(BenchmarkMapping.questionnaire_id) == questionnaire_id)
    return {row.link_id: row.kpi for row in session.scalars(statement)}


def latest_value(session: Session, kpi: str, area: str, period: int | None) -> KoladaValue | None:
    """The total (gender T) for the period, or the latest before it (or the latest of all)."""
    statement = select(KoladaValue).where(
        col(KoladaValue.kpi) == kpi, col(KoladaValue.area) == area, col(KoladaValue.gender) == "T"
    )
    if period is not None:
        statement = statement.where(col(KoladaValue.period) <= period)
    return session.scalars(statement.order_by(col(KoladaValue.period).desc()).limit(1)).first()
