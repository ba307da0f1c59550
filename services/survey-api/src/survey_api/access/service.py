"""Issuing codes, resolving what a respondent holds, and the response rate per unit."""

from datetime import date
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session
from sqlmodel import col

from insikt_common.contracts.catalogue import CODES_ISSUED
from insikt_common.contracts.survey import CodesIssued
from insikt_common.errors import Conflict, NotFound
from survey_api.access import codes
from survey_api.access.models import AccessCode
from survey_api.access.schemas import CodesIssuedRead, OpenLinkRead, SurveyForRespondent, UnitParticipation
from survey_api.events import emit
from survey_api.questionnaires import repository as questionnaires
from survey_api.questionnaires.service import content_of
from survey_api.questionnaires.translation import choose_language, languages_of, localise
from survey_api.responses.models import Response
from survey_api.rounds import service as rounds
from survey_api.rounds.models import RoundUnit, SurveyRound
from survey_api.units import service as units


def issue_codes(session: Session, organisation_id: str, round_id: str, unit_id: str, count: int) -> CodesIssuedRead:
    """``count`` new codes for the unit; returned this once, stored only as hashes."""
    survey_round = rounds.get_or_raise(session, round_id, organisation_id)
    if not rounds.takes_part(session, round_id, unit_id):
        raise NotFound(f"unit {unit_id} does not take part in round {round_id}")
    if survey_round.access_mode != "codes":
        raise Conflict(f"round {round_id} uses open links, not codes")
    if survey_round.status == "closed":
        raise Conflict(f"round {round_id} is closed")
    today = date.today()
    issued = sorted({codes.generate() for _ in range(count)})
    while len(issued) < count:  # a collision within the batch: astronomically rare
        issued = sorted({*issued, codes.generate()})
    session.add_all(
        [AccessCode(code_hash=codes.digest(c), round_id=round_id, unit_id=unit_id, issued_on=today) for c in issued]
    )
    payload = CodesIssued(round_id=round_id, unit_id=unit_id, count=count, issued_on=today)
    emit(session, CODES_ISSUED, f"round/{round_id}", payload, on=today)
    return CodesIssuedRead(round_id=round_id, unit_id=unit_id, codes=issued)


def find_code(session: Session, code: str) -> AccessCode | None:
    if not codes.is_well_formed(code):
        return None
    return session.get(AccessCode, codes.digest(code))


def use_code(session: Session, code: AccessCode) -> None:
    """Mark the code used, once: a second use (even a concurrent one) is a 409.

    Every used code of the unit is then written again in the same transaction. In PostgreSQL a row
    version carries the id of the transaction that wrote it (``xmin``), and the response row is
    written by this transaction too: were only this code rewritten, the two rows would share that
    id. Rewritten together, all the unit's used codes share it, and none stands out.

    Responses of one unit take the unit's row lock first, so two of them never lock overlapping
    sets of codes in different orders (a deadlock); they queue instead.
    """
    session.execute(
        select(col(RoundUnit.round_id))
        .where(col(RoundUnit.round_id) == code.round_id, col(RoundUnit.unit_id) == code.unit_id)
        .with_for_update()
    )
    result = session.execute(
        update(AccessCode)
        .where(col(AccessCode.code_hash) == code.code_hash, col(AccessCode.used).is_(False))
        .values(used=True)
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 0) != 1:
        raise Conflict("this code has already been used")
    session.execute(
        update(AccessCode)
        .where(
            col(AccessCode.round_id) == code.round_id,
            col(AccessCode.unit_id) == code.unit_id,
            col(AccessCode.used).is_(True),
        )
        .values(used=True)
        .execution_options(synchronize_session=False)
    )


def find_link(session: Session, link: str) -> RoundUnit | None:
    if not link or len(link) > 64:
        return None
    return session.scalars(select(RoundUnit).where(col(RoundUnit.link_token) == link)).first()


def survey_for(
    session: Session, survey_round: SurveyRound, unit_id: str, requested: str | None, accept_language: str | None
) -> SurveyForRespondent:
    questionnaire = questionnaires.get(session, survey_round.questionnaire_id, survey_round.questionnaire_version)
    if questionnaire is None:
        raise NotFound("questionnaire not found")
    content = content_of(questionnaire)
    language = choose_language(requested, accept_language, languages_of(content))
    return SurveyForRespondent(
        round_id=survey_round.id,
        unit_id=unit_id,
        unit_name=units.get_or_raise(session, unit_id).name,
        language=language,
        questionnaire=localise(content, language),
        questionnaire_id=questionnaire.id,
        questionnaire_version=questionnaire.version,
    )


def participation(session: Session, organisation_id: str, round_id: str) -> list[UnitParticipation]:
    survey_round = rounds.get_or_raise(session, round_id, organisation_id)
    issued = _per_unit(session, col(AccessCode.unit_id), col(AccessCode.round_id) == round_id)
    used = _per_unit(
        session, col(AccessCode.unit_id), col(AccessCode.round_id) == round_id, col(AccessCode.used).is_(True)
    )
    answered = _per_unit(session, col(Response.unit_id), col(Response.round_id) == round_id)
    mode = "open_link" if survey_round.access_mode == "open_link" else "codes"
    return [
        UnitParticipation(
            unit_id=unit_id,
            access_mode=mode,
            codes_issued=issued.get(unit_id, 0),
            codes_used=used.get(unit_id, 0),
            responses=answered.get(unit_id, 0),
            response_rate=round(answered.get(unit_id, 0) / issued[unit_id], 4) if issued.get(unit_id) else None,
        )
        for unit_id in rounds.unit_ids_of(session, round_id)
    ]


def _per_unit(session: Session, unit: Any, *where: Any) -> dict[str, int]:
    rows = session.execute(select(unit, func.count()).where(*where).group_by(unit))
    return {unit_id: count for unit_id, count in rows}


def open_links(session: Session, organisation_id: str, round_id: str, respondent_url: str) -> list[OpenLinkRead]:
    survey_round = rounds.get_or_raise(session, round_id, organisation_id)
    if survey_round.access_mode != "open_link":
        raise Conflict(f"round {round_id} uses codes, not open links")
    rows = session.scalars(
        select(RoundUnit).where(col(RoundUnit.round_id) == round_id).order_by(col(RoundUnit.unit_id))
    )
    return [
        OpenLinkRead(unit_id=r.unit_id, link=r.link_token or "", url=f"{respondent_url}?link={r.link_token}")
        for r in rows
    ]
