"""Applies survey events to the survey read models."""

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from sqlalchemy import select, text, update
from sqlalchemy.orm import Session
from sqlmodel import col

from insikt_common.contracts.catalogue import parse_payload
from insikt_common.contracts.envelope import CloudEvent
from insikt_common.contracts.survey import (
    AnswerValue,
    CodesIssued,
    QuestionDefinition,
    QuestionnairePublished,
    ResponseSubmitted,
    RoundClosed,
    RoundOpened,
    UnitUpserted,
)
from insikt_common.db import recordset_document, recordset_insert
from reporting.directory.projection import remember_unit, remember_units
from reporting.projection import gathering, insert_ignoring_duplicates, table_of, tally, upsert, upsert_many
from reporting.survey_results import repository
from reporting.survey_results.models import (
    AnswerCount,
    BackgroundTally,
    CodesIssuedCount,
    Comment,
    QuestionnaireVersion,
    ResponseEntry,
    RoundEntry,
    RoundUnitTotal,
)
from reporting.survey_results.tabulation import Question, broken_down, question_from_definition


def on_questionnaire_published(session: Session, event: CloudEvent) -> None:
    """Kept as it came. When it is new here, the responses that came before it (a rebuild may apply
    them first: they travel on another topic) are counted by its background questions now."""
    questionnaire = parse_payload(event, QuestionnairePublished)
    version = (questionnaire.questionnaire_id, questionnaire.version)
    _take_turn(session, version, shared=False)
    new = _items_of(session, version) is None
    upsert(
        session,
        table_of(QuestionnaireVersion),
        ["questionnaire_id", "version"],
        {
            "questionnaire_id": questionnaire.questionnaire_id,
            "version": questionnaire.version,
            "title_sv": questionnaire.title_sv,
            "items": [item.model_dump(mode="json") for item in questionnaire.items],
        },
    )
    background = Background.of(version, [question_from_definition(item) for item in questionnaire.items])
    if new and background.asked:
        with gathering(session, _BackgroundTally.__name__, _BackgroundTally) as by_background:
            for round_id, unit_id, answers in repository.responses_to(session, *version):
                by_background.add(background, round_id, unit_id, answers)


def on_unit_upserted(session: Session, event: CloudEvent) -> None:
    remember_unit(session, parse_payload(event, UnitUpserted).unit)


def on_round_opened(session: Session, event: CloudEvent) -> None:
    opened = parse_payload(event, RoundOpened)
    upsert(session, table_of(RoundEntry), ["round_id"], opened.model_dump())


def on_round_closed(session: Session, event: CloudEvent) -> None:
    """Both round events share a topic and key, so the opening is always applied first."""
    closed = parse_payload(event, RoundClosed)
    session.execute(
        update(RoundEntry).where(col(RoundEntry.round_id) == closed.round_id).values(closed_on=closed.closed_on)
    )


def on_codes_issued(session: Session, event: CloudEvent) -> None:
    issued = parse_payload(event, CodesIssued)
    with tally(session, table_of(CodesIssuedCount), ["round_id", "unit_id"], "codes") as codes:
        codes[(issued.round_id, issued.unit_id)] += issued.count


def on_response_submitted(session: Session, event: CloudEvent) -> None:
    apply_responses(session, [parse_payload(event, ResponseSubmitted)])


_TOTAL_KEY = ("round_id", "unit_id")
_TOTAL_COLUMNS = (*_TOTAL_KEY, "questionnaire_id", "questionnaire_version")
_ANSWER_COLUMNS = ("round_id", "unit_id", "link_id", "answer")


def apply_responses(session: Session, responses: Sequence[ResponseSubmitted]) -> None:
    """Many responses at once: counters summed per row first (over the whole transaction, in the
    consumer), one statement per table."""
    remember_units(session, (r.unit for r in responses))
    background = background_of(session, {(r.questionnaire_id, r.questionnaire_version) for r in responses})
    entry_rows: list[dict[str, Any]] = []
    comment_rows: list[dict[str, str]] = []
    with (
        tally(session, table_of(RoundUnitTotal), _TOTAL_COLUMNS, "responses", key_columns=_TOTAL_KEY) as totals,
        tally(session, table_of(AnswerCount), _ANSWER_COLUMNS, "count") as answers,
        gathering(session, _BackgroundTally.__name__, _BackgroundTally) as by_background,
    ):
        for response in responses:
            round_id, unit_id, response_id = response.round_id, response.unit.id, response.response_id
            version = (response.questionnaire_id, response.questionnaire_version)
            totals[(round_id, unit_id, *version)] += 1
            counted: list[tuple[str, str]] = []
            for a in response.answers:
                if (key := _counted_answer(a)) is not None:
                    counted.append((a["link_id"], key))
                if text := (a.get("text") or "").strip():
                    comment_rows.append(
                        {
                            "response_id": response_id,
                            "link_id": a["link_id"],
                            "round_id": round_id,
                            "unit_id": unit_id,
                            "text": text,
                        }
                    )
            # Counter.update counts a list in C: about a third of this loop's time per answer.
            answers.update([(round_id, unit_id, link_id, key) for link_id, key in counted])
            if counted:  # an item is answered once (survey-api refuses it twice)
                by_link = dict(counted)
                entry_rows.append(
                    {
                        "response_id": response_id,
                        "round_id": round_id,
                        "unit_id": unit_id,
                        "questionnaire_id": version[0],
                        "questionnaire_version": version[1],
                        "answers": by_link,
                    }
                )
                if (known := background.get(version)) is not None and known.asked:
                    by_background.add(known, round_id, unit_id, by_link, counted=counted)
    insert_ignoring_duplicates(session, table_of(ResponseEntry), entry_rows)
    insert_ignoring_duplicates(session, table_of(Comment), comment_rows)


Version = tuple[str, int]
"""A questionnaire's id and version."""


@dataclass(frozen=True)
class Background:
    """What a questionnaire version's responses are counted by: its background questions, and its
    questions with a share (their positive and non-substantive answers)."""

    version: Version
    asked: tuple[str, ...]
    shares: Mapping[str, Question]

    @classmethod
    def of(cls, version: Version, questions: Iterable[Question]) -> "Background":
        background, shares = broken_down(questions)
        return cls(version=version, asked=tuple(q.link_id for q in background), shares={q.link_id: q for q in shares})


class _BackgroundTally:
    """``background_tally`` rows to add, gathered as each response's answers counted in its group of
    each background question (``Counter.update``, in C), and made into rows once, when written: a
    transaction's thousands of responses fall into a few groups per unit."""

    def __init__(self) -> None:
        self.backgrounds: dict[Version, Background] = {}
        self.gathered: defaultdict[tuple[Version, str, str, str, str], Counter[tuple[str, str]]] = defaultdict(Counter)

    def add(
        self,
        background: Background,
        round_id: str,
        unit_id: str,
        answers: Mapping[str, str],
        *,
        counted: Iterable[tuple[str, str]] | None = None,
    ) -> None:
        """In each background question's group: the response's answer to it, ``"none"`` where it left
        it out. ``counted``: ``answers.items()``, where the caller has them as a list already."""
        version = background.version
        self.backgrounds[version] = background
        counted = list(answers.items()) if counted is None else counted
        for asked in background.asked:
            self.gathered[(version, round_id, unit_id, asked, answers.get(asked, "none"))].update(counted)

    def write(self, session: Session) -> None:
        rows: dict[tuple[str, str, str, str], dict[str, Any]] = {}
        for (version, round_id, unit_id, asked, group), counted in self.gathered.items():
            shares = self.backgrounds[version].shares
            row = rows.get(key := (round_id, unit_id, asked, group))
            if row is None:
                row = rows[key] = {
                    "round_id": round_id,
                    "unit_id": unit_id,
                    "background_link_id": asked,
                    "background_answer": group,
                    "link_ids": list(shares),
                    "positive": [0] * len(shares),
                    "answered": [0] * len(shares),
                }
            positions = {link_id: i for i, link_id in enumerate(row["link_ids"])}
            for (link_id, answer), n in counted.items():
                question, i = shares.get(link_id), positions.get(link_id)
                if question is None or i is None or answer in question.non_substantive:
                    continue
                row["answered"][i] += n
                if answer in question.positive:
                    row["positive"][i] += n
        _add_to_tallies(session, list(rows.values()))


_TALLY_KEY = ("round_id", "unit_id", "background_link_id", "background_answer")


def _add_to_tallies(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows``, or add their counts, position by position, to the rows already there with the
    same key and the same questions (a row of other questions is left as it is)."""
    if not rows:
        return
    table = table_of(BackgroundTally)
    dialect = session.get_bind().dialect
    if dialect.name == "postgresql":
        rows.sort(key=itemgetter(*_TALLY_KEY))  # the order other writers lock rows in (``reporting.projection``)
        conflict = (
            f"ON CONFLICT ({', '.join(_TALLY_KEY)}) DO UPDATE SET "
            f"positive = {_added('positive')}, answered = {_added('answered')} "
            "WHERE target.link_ids = excluded.link_ids"
        )
        session.execute(recordset_insert(dialect, table, tuple(rows[0]), conflict), recordset_document(rows))
        return
    # SQLite has one writer: what is there is read, added to and written back.
    key = [table.c[c] for c in _TALLY_KEY]
    there = session.execute(
        select(*key, table.c.link_ids, table.c.positive, table.c.answered).where(
            table.c.round_id.in_({row["round_id"] for row in rows})
        )
    )
    earlier = {tuple(found[: len(key)]): found for found in there}
    added = []
    for row in rows:
        before = earlier.get(itemgetter(*_TALLY_KEY)(row))
        if before is not None and before.link_ids != row["link_ids"]:
            continue  # a row of other questions is left as it is
        if before is not None:
            row["positive"] = [a + b for a, b in zip(before.positive, row["positive"], strict=True)]
            row["answered"] = [a + b for a, b in zip(before.answered, row["answered"], strict=True)]
        added.append(row)
    upsert_many(session, table, _TALLY_KEY, added)


def _added(column: str) -> str:
    """PostgreSQL: the row's array plus the incoming one, element by element."""
    return (
        f"ARRAY(SELECT a + b FROM unnest(target.{column}, excluded.{column}) WITH ORDINALITY AS t(a, b, i) ORDER BY i)"
    )


def background_of(session: Session, versions: Iterable[Version]) -> dict[Version, Background]:
    """What the responses of each questionnaire version known here are counted by.

    A version not known yet is not in it: its responses are counted by background when it comes
    (``on_questionnaire_published``). Not knowing it, this transaction holds its turn until it
    ends, so that the questionnaire, applied meanwhile by another transaction, counts this
    transaction's responses once it is committed; a version already known was counted so by its
    own transaction, which committed before these responses."""
    found: dict[Version, Background] = {}
    for version in sorted(versions):
        items = _items_of(session, version)
        if items is None and _take_turn(session, version, shared=True):
            items = _items_of(session, version)  # a statement of its own: it sees what committed while waiting
        if items is not None:
            found[version] = Background.of(
                version, (question_from_definition(QuestionDefinition.model_validate(item)) for item in items)
            )
    return found


def _items_of(session: Session, version: Version) -> list[dict[str, Any]] | None:
    """A Core read, not ``session.get``: the ORM's identity map would hide a row committed since."""
    table = table_of(QuestionnaireVersion)
    statement = select(table.c["items"]).where(table.c.questionnaire_id == version[0], table.c.version == version[1])
    items: list[dict[str, Any]] | None = session.execute(statement).scalar()
    return items


def _take_turn(session: Session, version: Version, *, shared: bool) -> bool:
    """PostgreSQL: wait for, and hold until the transaction ends, a lock on counting the version's
    responses by background: shared by transactions applying its responses before it is known,
    exclusive by the one applying it. False where there is no such lock (SQLite: one writer)."""
    if session.get_bind().dialect.name != "postgresql":
        return False
    function = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
    session.execute(
        text(f"SELECT {function}(hashtext('reporting.questionnaire_version'), hashtext(:key))"),
        {"key": f"{version[0]}/{version[1]}"},
    )
    return True


def _counted_answer(answer: AnswerValue) -> str | None:
    """Free text is not counted here (comments are reported apart, only for units reaching k)."""
    if (code := answer.get("code")) is not None:
        return code
    if (number := answer.get("number")) is not None:
        return f"{number:g}"
    return None
