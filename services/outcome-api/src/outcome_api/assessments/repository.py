from collections.abc import Mapping

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from outcome_api.assessments.models import Assessment, AssessmentRevision, AssessmentScore


def add(session: Session, assessment: Assessment, scores: Mapping[str, float]) -> None:
    session.add(assessment)
    session.flush()
    rows = [AssessmentScore(assessment_id=assessment.id, area=a, score=s) for a, s in scores.items()]
    session.add_all(rows)


def list_for_participant(session: Session, participant_id: str) -> list[Assessment]:
    return list(
        session.scalars(
            select(Assessment)
            .where(Assessment.participant_id == participant_id)  # type: ignore[arg-type]
            .order_by(Assessment.assessed_on, Assessment.id)  # type: ignore[arg-type]
        )
    )


def scores_of(session: Session, assessment_ids: list[str]) -> dict[str, dict[str, float]]:
    """The scores of each assessment, by area, in one query."""
    rows = session.scalars(
        select(AssessmentScore)
        .where(AssessmentScore.assessment_id.in_(assessment_ids))  # type: ignore[attr-defined]
        .order_by(AssessmentScore.assessment_id, AssessmentScore.area)
    )
    scores: dict[str, dict[str, float]] = {i: {} for i in assessment_ids}
    for row in rows:
        scores[row.assessment_id][row.area] = row.score
    return scores


def get(session: Session, participant_id: str, assessment_id: str) -> Assessment | None:
    assessment = session.get(Assessment, assessment_id)
    return assessment if assessment is not None and assessment.participant_id == participant_id else None


def replace_scores(session: Session, assessment: Assessment, scores: Mapping[str, float]) -> None:
    session.execute(delete(AssessmentScore).where(AssessmentScore.assessment_id == assessment.id))  # type: ignore[arg-type]
    session.add_all(AssessmentScore(assessment_id=assessment.id, area=a, score=s) for a, s in scores.items())


def add_revision(session: Session, revision: AssessmentRevision) -> None:
    session.add(revision)


def revisions(session: Session, assessment_id: str) -> list[AssessmentRevision]:
    return list(
        session.scalars(
            select(AssessmentRevision)
            .where(AssessmentRevision.assessment_id == assessment_id)  # type: ignore[arg-type]
            .order_by(AssessmentRevision.revision)  # type: ignore[arg-type]
        )
    )
