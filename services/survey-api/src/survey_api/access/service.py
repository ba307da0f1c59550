"""Issuing codes, resolving what a respondent holds, and the response rate per unit."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, Text, bindparam, func, select, update
from sqlalchemy.orm import Session
from sqlmodel import col

from insikt_common import clock
from insikt_common.contracts.catalogue import CODES_ISSUED
from insikt_common.contracts.survey import CodesIssued
from insikt_common.errors import Conflict, NotFound
from survey_api.access import codes
from survey_api.access.models import AccessCode
from survey_api.access.schemas import CodesIssuedRead, OpenLinkRead, SurveyForRespondent, UnitParticipation
from survey_api.access.throttle import with_counter
from survey_api.events import emit
from survey_api.questionnaires.service import published_content
from survey_api.questionnaires.translation import choose_language, languages_of, localise
from survey_api.responses.models import Response
from survey_api.rounds import service as rounds
from survey_api.rounds.models import RoundUnit, SurveyRound
from survey_api.units.models import Unit


@dataclass(frozen=True)
class FoundCode:
    """A code a respondent holds, with its round and unit (read in one query) and whether it is used."""

    ordinal: int
    survey_round: SurveyRound
    unit: Unit
    used: bool
    counter: tuple[int, datetime] | None = None
    """The client's wrong-code counter (count, window start), read in the same query."""

    @property
    def unit_id(self) -> str:
        return self.unit.id


def issue_codes(session: Session, organisation_id: str, round_id: str, unit_id: str, count: int) -> CodesIssuedRead:
    """``count`` new codes for the unit; returned this once, stored only as hashes."""
    survey_round = rounds.get_or_raise(session, round_id, organisation_id)
    if not rounds.takes_part(session, round_id, unit_id):
        raise NotFound(f"unit {unit_id} does not take part in round {round_id}")
    if survey_round.access_mode != "codes":
        raise Conflict(f"round {round_id} uses open links, not codes")
    if survey_round.status == "closed":
        raise Conflict(f"round {round_id} is closed")
    today = clock.today()
    issued = sorted({codes.generate() for _ in range(count)})
    while len(issued) < count:  # a collision within the batch: astronomically rare
        issued = sorted({*issued, codes.generate()})
    first = _reserve_ordinals(session, round_id, unit_id, count)
    session.add_all(
        [
            AccessCode(
                code_hash=codes.digest(c), round_id=round_id, unit_id=unit_id, issued_on=today, ordinal=first + i
            )
            for i, c in enumerate(issued)
        ]
    )
    payload = CodesIssued(round_id=round_id, unit_id=unit_id, count=count, issued_on=today)
    emit(session, CODES_ISSUED, f"round/{round_id}", payload, on=today)
    return CodesIssuedRead(round_id=round_id, unit_id=unit_id, codes=issued)


def _reserve_ordinals(session: Session, round_id: str, unit_id: str, count: int) -> int:
    """Room for ``count`` more codes on the unit (all unused); returns the first new ordinal.

    The update locks the unit's row, so batches issued at the same moment never share an ordinal.
    """
    length = session.execute(
        update(_ROUND_UNITS)
        .where(_ROUND_UNITS.c.round_id == round_id, _ROUND_UNITS.c.unit_id == unit_id)
        .values(codes_used=_ROUND_UNITS.c.codes_used + "0" * count)
        .returning(func.length(_ROUND_UNITS.c.codes_used))
    ).scalar_one()
    return int(length) - count


def find_code(session: Session, code: str, counter_key: str) -> FoundCode | None:
    """The code with its round and unit, or None for a code nobody was given. One query, which also
    reads the wrong-code counter stored under ``counter_key`` (see ``Throttle.stored``)."""
    if not codes.is_well_formed(code):
        return None
    row = session.execute(_FIND_CODE, {"code_hash": codes.digest(code), "counter_key": counter_key}).first()
    if row is None:
        return None
    values = row._mapping
    survey_round = SurveyRound(**{c.name: values[f"round_{c.name}"] for c in _ROUNDS.c})
    unit = Unit(**{c.name: values[f"unit_{c.name}"] for c in _UNITS.c})
    count, started = values["counter_count"], values["counter_window_started_at"]
    counter = None if count is None else (count, started)
    return FoundCode(values["ordinal"], survey_round, unit, values["flag"] == "1", counter)


def use_code(session: Session, code: FoundCode) -> None:
    """Mark the code used, once: a second use (even a concurrent one) is a 409.

    Unlinkability: in PostgreSQL every row version carries the id of the transaction that wrote it
    (``xmin``), and the response row is written by this transaction too. Had the code's own row
    recorded its use, the two rows would share that id and the response would name its code. So a
    code's row is never written after it is issued: the used state of all of a unit's codes is one
    string on the round unit (``RoundUnit.codes_used``, a character per code), and every response
    of the unit rewrites that one row. Its ``xmin`` is the unit's latest response's, whichever
    code that was; no row tells which code a response used. The cost is one row per response
    however many codes the unit has used.

    The row lock also serialises a unit's responses from here to their commit, so callers mark the
    code as late in the transaction as they can. Two uses of the same code: the second waits for
    the first, then finds the code used and changes nothing.
    """
    result = session.execute(
        _USE_CODE,
        {"of_round": code.survey_round.id, "of_unit": code.unit_id, "before": code.ordinal, "at": code.ordinal + 1},
    )
    if getattr(result, "rowcount", 0) != 1:
        raise Conflict("this code has already been used")


_CODES: Table = AccessCode.__table__  # type: ignore[attr-defined]
_ROUNDS: Table = SurveyRound.__table__  # type: ignore[attr-defined]
_UNITS: Table = Unit.__table__  # type: ignore[attr-defined]
_ROUND_UNITS: Table = RoundUnit.__table__  # type: ignore[attr-defined]

# Built once: every response runs them.
_FIND_CODE = with_counter(
    select(
        _CODES.c.ordinal,
        func.substr(_ROUND_UNITS.c.codes_used, _CODES.c.ordinal + 1, 1).label("flag"),
        *[c.label(f"round_{c.name}") for c in _ROUNDS.c],
        *[c.label(f"unit_{c.name}") for c in _UNITS.c],
    )
    .join(_ROUNDS, _ROUNDS.c.id == _CODES.c.round_id)
    .join(_UNITS, _UNITS.c.id == _CODES.c.unit_id)
    .join(
        _ROUND_UNITS,
        (_ROUND_UNITS.c.round_id == _CODES.c.round_id) & (_ROUND_UNITS.c.unit_id == _CODES.c.unit_id),
    )
    .where(_CODES.c.code_hash == bindparam("code_hash")),
    bindparam("counter_key"),
)
_USE_CODE = (
    update(_ROUND_UNITS)
    .where(
        _ROUND_UNITS.c.round_id == bindparam("of_round"),
        _ROUND_UNITS.c.unit_id == bindparam("of_unit"),
        func.substr(_ROUND_UNITS.c.codes_used, bindparam("at"), 1) == "0",
    )
    .values(
        codes_used=func.substr(_ROUND_UNITS.c.codes_used, 1, bindparam("before"), type_=Text)
        + "1"
        + func.substr(_ROUND_UNITS.c.codes_used, bindparam("at") + 1, type_=Text)
    )
)


def find_link(session: Session, link: str) -> RoundUnit | None:
    if not link or len(link) > 64:
        return None
    return session.scalars(select(RoundUnit).where(col(RoundUnit.link_token) == link)).first()


def survey_for(
    session: Session, survey_round: SurveyRound, unit: Unit, requested: str | None, accept_language: str | None
) -> SurveyForRespondent:
    content = published_content(
        session, survey_round.organisation_id, survey_round.questionnaire_id, survey_round.questionnaire_version
    )
    language = choose_language(requested, accept_language, languages_of(content))
    return SurveyForRespondent(
        round_id=survey_round.id,
        unit_id=unit.id,
        unit_name=unit.name,
        language=language,
        questionnaire=localise(content, language),
        questionnaire_id=survey_round.questionnaire_id,
        questionnaire_version=survey_round.questionnaire_version,
    )


def participation(session: Session, organisation_id: str, round_id: str) -> list[UnitParticipation]:
    survey_round = rounds.get_or_raise(session, round_id, organisation_id)
    flags = dict(
        session.execute(
            select(col(RoundUnit.unit_id), col(RoundUnit.codes_used)).where(col(RoundUnit.round_id) == round_id)
        ).all()
    )
    issued = {unit_id: len(used) for unit_id, used in flags.items()}
    used = {unit_id: used.count("1") for unit_id, used in flags.items()}
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
