"""Breakdowns by kön and åldersgrupp: shown whole or not at all, and never one unknown short of a
published roll-up."""

from collections.abc import Callable
from functools import partial
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from insikt_common.contracts.catalogue import parse_payload
from insikt_common.contracts.survey import QuestionDefinition, ResponseSubmitted
from insikt_common.contracts.units import UnitRef
from insikt_common.db import make_engine, make_sessions
from insikt_common.messaging.deferred import deferring
from insikt_common.migrations import upgrade
from reporting.config import SCHEMA
from reporting.disclosure import Equation, protect
from reporting.prestart import MIGRATIONS
from reporting.survey_results import projection, repository
from reporting.survey_results.breakdowns import Tally, Topic, shown_breakdowns
from reporting.survey_results.tabulation import Level
from reporting.tables import metadata
from tests.integration.events import GENDER, SCALE, questionnaire_published, response

K = 5
TOPIC: Topic = ("bemotande", "kon")
X, Y, MUNICIPALITY = ("unit", "X"), ("unit", "Y"), ("municipality", "0580")


def _sum(*tallies: Tally) -> dict[str, tuple[int, int]]:
    out: dict[str, tuple[int, int]] = {}
    for tally in tallies:
        for group, (positive, n) in tally.items():
            p, m = out.get(group, (0, 0))
            out[group] = (p + positive, m + n)
    return out


def test_a_unit_with_a_small_group_takes_a_sibling_with_it_where_the_roll_up_is_shown() -> None:
    x = {"K": (2, 3), "M": (6, 10)}  # three women: withheld
    y = {"K": (7, 10), "M": (8, 12)}
    tallies = {X: {TOPIC: x}, Y: {TOPIC: y}, MUNICIPALITY: {TOPIC: _sum(x, y)}}
    shown = shown_breakdowns(tallies, [(MUNICIPALITY, [X, Y])], K)
    # The municipality's 13 women minus Y's 10 would give X's 3 away: Y's breakdown goes too.
    assert shown == {(MUNICIPALITY, TOPIC)}


def test_every_group_reaching_k_is_shown_and_a_withheld_share_takes_its_breakdown() -> None:
    x = {"K": (5, 8), "M": (6, 10), "none": (4, 5)}
    tallies = {X: {TOPIC: x}, MUNICIPALITY: {TOPIC: x}}
    assert shown_breakdowns(tallies, [(MUNICIPALITY, [X])], K) == {(X, TOPIC), (MUNICIPALITY, TOPIC)}
    assert shown_breakdowns(tallies, [(MUNICIPALITY, [X])], K, withheld_shares=[(X, "bemotande")]) == set()


group_sizes = st.fixed_dictionaries({g: st.integers(0, 14) for g in ("K", "M", "none")})


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(group_sizes, st.sampled_from(["0580", "0581"])), min_size=1, max_size=6))
def test_no_group_of_a_withheld_breakdown_follows_from_a_shown_roll_up(
    drawn: list[tuple[dict[str, int], str]],
) -> None:
    units: dict[Level, Tally] = {
        ("unit", f"u{i}"): {g: (n // 2, n) for g, n in s.items() if n} for i, (s, _) in enumerate(drawn)
    }
    groups: dict[Level, list[Level]] = {}
    for i, (_, code) in enumerate(drawn):
        groups.setdefault(("municipality", code), []).append(("unit", f"u{i}"))
    tallies: dict[Level, dict[Topic, Tally]] = {u: {TOPIC: t} for u, t in units.items() if t}
    for level, members in groups.items():
        summed = _sum(*(units[m] for m in members))
        if summed:
            tallies[level] = {TOPIC: summed}
    round_members = list(groups)
    tallies[("round", "r")] = {TOPIC: _sum(*(t[TOPIC] for lvl, t in tallies.items() if lvl[0] == "municipality"))}
    roll_ups = {**groups, ("round", "r"): round_members}
    # The main table's own protection of the share's denominator, as tabulation does it.
    denominators = {level: sum(n for _, n in t[TOPIC].values()) for level, t in tallies.items()}
    main = protect(
        denominators,
        [
            Equation(total, tuple(p for p in parts if p in denominators))
            for total, parts in roll_ups.items()
            if total in denominators
        ],
        K,
    )
    withheld_shares = {(level, "bemotande") for level, cell in main.items() if cell.value is None}
    shown = shown_breakdowns(tallies, roll_ups.items(), K, withheld_shares=withheld_shares)

    def known(level: Level) -> bool:
        """Its groups are public: shown, or a single group that is the published share's denominator."""
        tally = tallies.get(level, {}).get(TOPIC, {})
        return (level, TOPIC) in shown or (len(tally) <= 1 and (level, "bemotande") not in withheld_shares)

    for total, parts in [*groups.items(), (("round", "r"), round_members)]:
        members = [total, *parts]
        assert sum(1 for m in members if not known(m)) != 1, (total, parts)
    for level, by_topic in tallies.items():
        if (level, TOPIC) in shown:
            assert all(n >= K for _, n in by_topic[TOPIC].values())


@pytest.mark.parametrize("arrival", ["questionnaire first", "questionnaire after", "both in one transaction"])
def test_responses_are_tallied_by_background_answer_and_vet_inte_left_out(tmp_path: Path, arrival: str) -> None:
    """Whether the questionnaire comes before its responses or after them (a rebuild may apply
    them first), the read model holds the same counts."""
    url = f"sqlite:///{tmp_path / 'reporting.db'}"
    upgrade(MIGRATIONS, url)
    sessions = make_sessions(make_engine(url, SCHEMA))
    unit = UnitRef(id="U1", name="Enhet", type="hvb", municipality_code="0580", organisation_id="org")
    items = [
        QuestionDefinition(link_id="bemotande", kind="choice", text_sv="Bemötande", options=SCALE),
        QuestionDefinition(link_id="kon", kind="background_gender", text_sv="Kön", options=GENDER),
        QuestionDefinition(link_id="alder", kind="background_age", text_sv="Ålder", options=GENDER),
    ]
    questionnaire = questionnaire_published("q-b", items)
    answers: list[dict[str, str | float]] = [
        {"bemotande": "1", "kon": "K", "alder": "a"},
        {"bemotande": "3", "kon": "K", "alder": "b"},
        {"bemotande": "9", "kon": "K", "alder": "a"},  # Vet inte: in no group's n
        {"bemotande": "2", "alder": "a"},  # kön left out
        {"kon": "M", "alder": "b"},  # bemötande left out
        {"bemotande": "9", "kon": "M"},  # only Vet inte: men and those without an age have no bemötande group
    ]
    responses = [parse_payload(response("r", unit, a, "q-b"), ResponseSubmitted) for a in answers]
    if arrival == "both in one transaction":
        with sessions.begin() as session, deferring(session):  # as the consumer applies several polls
            projection.apply_responses(session, responses[:3])
            projection.on_questionnaire_published(session, questionnaire)
            projection.apply_responses(session, responses[3:])
    else:
        first = arrival == "questionnaire first"
        with sessions.begin() as session:
            if first:
                projection.on_questionnaire_published(session, questionnaire)
            projection.apply_responses(session, responses)
        with sessions.begin() as session:
            if not first:
                projection.on_questionnaire_published(session, questionnaire)

    with sessions() as session:
        tallies = repository.background_tallies(session, "r")
        assert sorted(tallies) == [
            ("U1", "alder", "a", "bemotande", 2, 2),
            ("U1", "alder", "b", "bemotande", 0, 1),
            ("U1", "kon", "K", "bemotande", 1, 2),
            ("U1", "kon", "none", "bemotande", 1, 1),
        ]


_ANSWERS = st.fixed_dictionaries(
    {},
    optional={
        "kon": st.sampled_from(["K", "M"]),
        "alder": st.sampled_from(["a", "b", "c"]),
        "bemotande": st.sampled_from(["1", "2", "3", "4", "9"]),
        "trygghet": st.sampled_from(["1", "2", "3", "4", "9"]),
        "kommentar": st.just("text:Bra"),
    },
)


@settings(max_examples=40, deadline=None)
@given(
    answered=st.lists(st.tuples(st.sampled_from(["U1", "U2"]), _ANSWERS), max_size=25),
    questionnaire_at=st.integers(min_value=0, max_value=25),
    batch=st.integers(min_value=1, max_value=6),
    one_transaction=st.booleans(),
)
def test_the_read_model_holds_what_counting_the_responses_gives(
    tmp_path_factory: pytest.TempPathFactory,
    answered: list[tuple[str, dict[str, str]]],
    questionnaire_at: int,
    batch: int,
    one_transaction: bool,
) -> None:
    """Responses in batches of any size, in one transaction (as the consumer applies several polls)
    or each in its own, the questionnaire among them anywhere: per unit, background group and
    question, the positive and substantive answers of the responses counted one by one."""
    url = f"sqlite:///{tmp_path_factory.mktemp('tallies') / 'reporting.db'}"
    engine = make_engine(url, SCHEMA)
    metadata.create_all(engine)
    sessions = make_sessions(engine)
    items = [
        QuestionDefinition(link_id="bemotande", kind="choice", text_sv="Bemötande", options=SCALE),
        QuestionDefinition(link_id="trygghet", kind="choice", text_sv="Trygghet", options=SCALE),
        QuestionDefinition(link_id="kon", kind="background_gender", text_sv="Kön", options=GENDER),
        QuestionDefinition(link_id="alder", kind="background_age", text_sv="Ålder", options=GENDER),
    ]
    units = {
        u: UnitRef(id=u, name=u, type="hvb", municipality_code="0580", organisation_id="org") for u in ("U1", "U2")
    }
    responses = [parse_payload(response("r", units[u], dict(a), "q-b"), ResponseSubmitted) for u, a in answered]
    at = min(questionnaire_at, len(responses))
    steps: list[Callable[[Session], None]] = [
        *(
            partial(projection.apply_responses, responses=responses[i : min(i + batch, at)])
            for i in range(0, at, batch)
        ),
        partial(projection.on_questionnaire_published, event=questionnaire_published("q-b", items)),
        *(
            partial(projection.apply_responses, responses=responses[i : i + batch])
            for i in range(at, len(responses), batch)
        ),
    ]
    if one_transaction:
        with sessions.begin() as session, deferring(session):
            for step in steps:
                step(session)
    else:
        for step in steps:
            with sessions.begin() as session:
                step(session)

    expected: dict[tuple[str, str, str, str], list[int]] = {}
    for unit_id, answers in answered:
        for background in ("kon", "alder"):
            for question in ("bemotande", "trygghet"):
                answer = answers.get(question)
                if answer is None or answer == "9":
                    continue
                counted = expected.setdefault((unit_id, background, answers.get(background, "none"), question), [0, 0])
                counted[0] += answer in ("1", "2")
                counted[1] += 1
    with sessions() as session:
        tallies = repository.background_tallies(session, "r")
        assert sorted(tallies) == sorted((*key, positive, n) for key, (positive, n) in expected.items())
    engine.dispose()
