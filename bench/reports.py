"""Report latency and rebuild throughput on a round seeded straight into Kafka.

The round (a 30-question questionnaire, ``report_units`` units in several municipalities,
``report_responses`` responses) is published as the events survey-api would publish, built from
the shared contract models, so seeding a million responses takes minutes rather than hours of
HTTP. Reporting's own consumer applies them (the live apply rate is recorded too); then:

- report latency: ``cold`` is the first request for each of a few unit reports (nothing in
  reporting has asked for them yet; PostgreSQL's buffers are warm from the writes), ``warm``
  the p50/p95 over repeated requests for unit reports, each with its municipality and riket
  comparisons, and for municipality roll-ups; ``after a change`` the first unit report once one
  more response has been applied (reporting keeps a round's tables only while its read model is
  unchanged, so this one computes them again);
- rebuild: ``reporting-rebuild`` (``python -m reporting.admin.command``) as its own process;
  events/s = events read / (wall time - the quiet period it waits for at the end), and the same
  over the time the command itself reports applying (from joining its group to the last event:
  without the process start, which weighs on a small round).
"""

import random
import re
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
from kafka import KafkaProducer
from pydantic import BaseModel

from bench import infra, profiling
from bench.loadgen import percentile
from bench.profiles import Profile
from bench.scenario import MUNICIPALITIES, ORGANISATION, admin_headers
from insikt_common import clock
from insikt_common.contracts.catalogue import (
    CODES_ISSUED,
    QUESTIONNAIRE_PUBLISHED,
    RESPONSE_SUBMITTED,
    ROUND_OPENED,
    UNIT_UPSERTED,
    EventSpec,
    key_of,
)
from insikt_common.contracts.envelope import new_event
from insikt_common.contracts.survey import (
    AnswerValue,
    CodesIssued,
    OptionDefinition,
    QuestionDefinition,
    QuestionnairePublished,
    ResponseSubmitted,
    RoundOpened,
    UnitUpserted,
)
from insikt_common.contracts.units import UnitRef

Log = Callable[[str], None]
AREAS = ("information", "delaktighet", "bemotande", "trygghet", "tillganglighet", "forandring")
SCALE = (
    ("1", "Mycket nöjd", True, False),
    ("2", "Ganska nöjd", True, False),
    ("3", "Ganska missnöjd", False, False),
    ("4", "Mycket missnöjd", False, False),
    ("9", "Vet inte", False, True),
)
WEIGHTS = (35, 35, 15, 7, 8)
CODES = [code for code, *_ in SCALE]
BACKGROUND = (
    ("kon", "background_gender", "Kön", ("K", "M", "X")),
    ("alder", "background_age", "Ålder", ("13-17", "18-29", "30-49", "50-64", "65+")),
)
"""With ``--background``: answered by every response, drawn evenly."""


def _options(codes: tuple[str, ...]) -> list[OptionDefinition]:
    return [OptionDefinition(code=c, order=o, label_sv=c) for o, c in enumerate(codes)]


QUIET_S = 3.0


class Seeder:
    def __init__(self, bootstrap: str, prefix: str) -> None:
        self._prefix = prefix
        self._producer = KafkaProducer(
            bootstrap_servers=bootstrap.split(","),
            acks="all",
            linger_ms=20,
            batch_size=512 * 1024,
            max_request_size=8 * 1024 * 1024,
            client_id="bench-seeder",
        )
        self.sent = 0

    def send(self, spec: EventSpec, subject: str, payload: BaseModel) -> None:
        event = new_event(spec.type, f"/{spec.producer}", subject, payload)
        self._producer.send(f"{self._prefix}{spec.topic}", value=event.to_bytes(), key=key_of(spec, payload).encode())
        self.sent += 1

    def flush(self) -> None:
        self._producer.flush(timeout=300)

    def close(self) -> None:
        self._producer.close(timeout=30)


@dataclass(frozen=True)
class SeededRound:
    round_id: str
    questionnaire_id: str
    questions: int
    units: list[UnitRef]
    background: bool = False


def seed_round(seeder: Seeder, profile: Profile, log: Log) -> SeededRound:
    """Publish the round's events."""
    questionnaire_id, round_id = str(uuid.uuid4()), str(uuid.uuid4())
    items = [
        QuestionDefinition(
            link_id=f"q{i:02d}",
            kind="choice",
            text_sv=f"Fråga {i}",
            area=AREAS[i % len(AREAS)],
            options=[
                OptionDefinition(code=c, order=o, label_sv=label, positive=pos, non_substantive=ns)
                for o, (c, label, pos, ns) in enumerate(SCALE)
            ],
        )
        for i in range(profile.report_questions)
    ]
    if profile.report_background:
        items += [
            QuestionDefinition(link_id=link_id, kind=kind, text_sv=text, options=_options(codes))
            for link_id, kind, text, codes in BACKGROUND
        ]
    seeder.send(
        QUESTIONNAIRE_PUBLISHED,
        f"questionnaire/{questionnaire_id}",
        QuestionnairePublished(questionnaire_id=questionnaire_id, version=1, title_sv="Bench", items=items),
    )
    units = [
        UnitRef(
            id=f"{MUNICIPALITIES[i % len(MUNICIPALITIES)]}-RPT{i:04d}",
            name=f"Rapportenhet {i}",
            type="hvb",
            municipality_code=MUNICIPALITIES[i % len(MUNICIPALITIES)],
            organisation_id=ORGANISATION,
        )
        for i in range(profile.report_units)
    ]
    for unit in units:
        seeder.send(UNIT_UPSERTED, f"unit/{unit.id}", UnitUpserted(unit=unit))
    today = clock.today()
    seeder.send(
        ROUND_OPENED,
        f"round/{round_id}",
        RoundOpened(
            round_id=round_id,
            organisation_id=ORGANISATION,
            questionnaire_id=questionnaire_id,
            questionnaire_version=1,
            title="Bench report round",
            opens_on=today - timedelta(days=30),
            closes_on=today + timedelta(days=30),
            unit_ids=[u.id for u in units],
            access_mode="codes",
            min_cell_count=5,
        ),
    )
    per_unit = -(-profile.report_responses // len(units))
    for unit in units:
        seeder.send(
            CODES_ISSUED,
            f"round/{round_id}",
            CodesIssued(round_id=round_id, unit_id=unit.id, count=per_unit * 2, issued_on=today),
        )
    seeder.flush()
    time.sleep(2)  # the round and its units first, as survey-api's order would have them
    rng = random.Random(11)
    seeded = SeededRound(round_id, questionnaire_id, profile.report_questions, units, profile.report_background)
    started = time.monotonic()
    for n in range(profile.report_responses):
        _publish_response(seeder, seeded, units[n % len(units)], rng)
        if n and n % 100_000 == 0:
            log(f"  {n} responses published ({n / (time.monotonic() - started):.0f}/s)")
    seeder.flush()
    return seeded


def _publish_response(seeder: Seeder, seeded: SeededRound, unit: UnitRef, rng: random.Random) -> None:
    """One response answering every question (``q00``, ``q01``, …) with a code drawn by ``WEIGHTS``."""
    answers = [AnswerValue(link_id=f"q{i:02d}", code=rng.choices(CODES, WEIGHTS)[0]) for i in range(seeded.questions)]
    if seeded.background:
        answers += [AnswerValue(link_id=link_id, code=rng.choice(codes)) for link_id, _, _, codes in BACKGROUND]
    payload = ResponseSubmitted(
        response_id=str(uuid.uuid4()),
        round_id=seeded.round_id,
        questionnaire_id=seeded.questionnaire_id,
        questionnaire_version=1,
        unit=unit,
        submitted_on=clock.today(),
        answers=answers,
    )
    seeder.send(RESPONSE_SUBMITTED, f"round/{seeded.round_id}", payload)


def _first_after_changes(
    client: httpx.Client,
    seeder: Seeder,
    seeded: SeededRound,
    *,
    read_model: infra.ReadModel,
    responses: int,
    rng: random.Random,
    changes: int = 3,
) -> list[float]:
    """One more response at a time; once reporting has applied it, the time of the next unit report."""
    times = []
    try:
        for n in range(1, changes + 1):
            _publish_response(seeder, seeded, rng.choice(seeded.units), rng)
            seeder.flush()
            wait_until = time.monotonic() + 60
            while read_model.total(seeded.round_id) < responses + n and time.monotonic() < wait_until:
                time.sleep(0.05)
            unit = rng.choice(seeded.units)
            times.append(_timed_get(client, f"/v1/reports/surveys/{seeded.round_id}/units/{unit.id}"))
    finally:
        seeder.close()
    return times


def _log_latency(log: Log, figures: dict[str, Any], latency: dict[str, Any]) -> None:
    log(
        f"report latency: cold {figures['report_cold_ms']} ms (first requests {latency['cold_first_requests']}, "
        f"first after a change {latency['first_after_a_change']}), warm p95 {figures['report_warm_p95_ms']} ms"
    )


def _rss_mb(pid: int) -> float | None:
    memory = infra.memory_mb(pid)
    return None if memory is None else memory[0]


def _timed_get(client: httpx.Client, path: str) -> float:
    started = time.perf_counter()
    response = client.get(path)
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise RuntimeError(f"GET {path}: {response.status_code} {response.text[:500]}")
    return elapsed


def measure(
    profile: Profile,
    *,
    servers: infra.Servers,
    running: dict[str, infra.RunningService],
    prefix: str,
    out: dict[str, Any],
    figures: dict[str, Any],
    log: Log,
    work_dir: Path,
    read_model: infra.ReadModel,
    py_spy: bool = False,
) -> None:
    reporting = running["reporting"]
    log(
        f"seeding a round straight into Kafka: {profile.report_units} units, {profile.report_questions} questions, "
        f"{profile.report_responses} responses"
    )
    seeder = Seeder(servers.kafka_bootstrap, prefix)
    started = time.monotonic()
    try:
        seeded = seed_round(seeder, profile, log)
    finally:
        seeder.close()
    round_id, units = seeded.round_id, seeded.units
    published_s = time.monotonic() - started
    log(f"published {seeder.sent} events in {published_s:.1f} s; waiting for reporting to apply them")
    # Generous on purpose: a slow consumer is a finding, not a reason to give up early.
    deadline = time.monotonic() + max(900, profile.report_responses / 20)
    last_said = time.monotonic()
    while (total := read_model.total(round_id)) < profile.report_responses:
        if time.monotonic() > deadline:
            raise RuntimeError(f"reporting applied {total} of {profile.report_responses} responses in time")
        if time.monotonic() - last_said > 60:
            log(f"  reporting has applied {total} responses ({total / (time.monotonic() - started):.0f}/s)")
            last_said = time.monotonic()
        time.sleep(1)
    applied_s = time.monotonic() - started
    out["report_seed"] = {
        "events": seeder.sent,
        "published_s": round(published_s, 1),
        "applied_by_live_consumer_s": round(applied_s, 1),
        "reporting_rss_mb_after_applying": _rss_mb(reporting.pid),
    }
    figures["live_apply_events_per_s"] = round(seeder.sent / applied_s, 1)

    rng = random.Random(5)
    with httpx.Client(base_url=reporting.url, headers=admin_headers(), timeout=60) as client:
        cold_units = rng.sample(units, min(5, len(units)))
        cold = [_timed_get(client, f"/v1/reports/surveys/{round_id}/units/{u.id}") for u in cold_units]
        recorder = profiling.record(reporting.pid, 3600, work_dir / "reporting.py-spy.txt") if py_spy else None
        unit_times = [
            _timed_get(client, f"/v1/reports/surveys/{round_id}/units/{rng.choice(units).id}")
            for _ in range(profile.report_requests)
        ]
        municipality_times = [
            _timed_get(client, f"/v1/reports/surveys/{round_id}/municipalities/{rng.choice(MUNICIPALITIES)}")
            for _ in range(max(10, profile.report_requests // 5))
        ]
        if recorder is not None:
            profiling.stop(recorder)
            out["reporting_profile"] = profiling.summarise(work_dir / "reporting.py-spy.txt")
        after_change = _first_after_changes(
            client,
            Seeder(servers.kafka_bootstrap, prefix),
            seeded,
            read_model=read_model,
            responses=profile.report_responses,
            rng=rng,
        )
    out["report_seed"]["reporting_rss_mb_after_reports"] = _rss_mb(reporting.pid)
    out["report_latency_ms"] = {
        "cold_first_requests": [round(c * 1000, 1) for c in cold],
        "unit_p50": round(1000 * (percentile(unit_times, 50) or 0), 1),
        "unit_p95": round(1000 * (percentile(unit_times, 95) or 0), 1),
        "municipality_p50": round(1000 * (percentile(municipality_times, 50) or 0), 1),
        "municipality_p95": round(1000 * (percentile(municipality_times, 95) or 0), 1),
        "first_after_a_change": [round(c * 1000, 1) for c in after_change],
    }
    figures["report_cold_ms"] = round(1000 * max(cold + after_change), 1)
    figures["report_warm_p95_ms"] = max(
        out["report_latency_ms"]["unit_p95"], out["report_latency_ms"]["municipality_p95"]
    )
    _log_latency(log, figures, out["report_latency_ms"])

    _rebuild(profile, reporting, out=out, figures=figures, log=log, work_dir=work_dir, py_spy=py_spy)


def _rebuild(
    profile: Profile,
    reporting: infra.RunningService,
    *,
    out: dict[str, Any],
    figures: dict[str, Any],
    log: Log,
    work_dir: Path,
    py_spy: bool,
) -> None:
    log("rebuilding reporting's read models from the topics (reporting-rebuild)")
    command = [sys.executable, "-m", "reporting.admin.command", "--quiet-seconds", str(QUIET_S)]
    started = time.monotonic()
    process = subprocess.Popen(command, env=reporting.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    recorder = profiling.record(process.pid, 3600, work_dir / "rebuild.py-spy.txt") if py_spy else None
    stdout, stderr = process.communicate(timeout=max(1800, profile.report_responses / 20))
    elapsed = time.monotonic() - started
    (work_dir / "reporting-rebuild.log").write_text(stdout + stderr)
    if recorder is not None:
        profiling.stop(recorder)
        out["rebuild_profile"] = profiling.summarise(work_dir / "rebuild.py-spy.txt")
    if process.returncode != 0:
        raise RuntimeError(f"reporting-rebuild failed:\n{(stdout + stderr)[-3000:]}")
    # The command's own summary line, not its workers' log lines (which also say "rebuilt from").
    summary = re.search(r"^rebuilt from (\d+) events \(.*, (\d+) workers\) in ([\d.]+) s", stdout, re.MULTILINE)
    if summary is None:
        raise RuntimeError(f"reporting-rebuild did not say what it did:\n{stdout[-3000:]}")
    events, workers, applying_s = int(summary[1]), int(summary[2]), float(summary[3])
    out["rebuild"] = {
        "events": events,
        "workers": workers,
        "wall_s": round(elapsed, 1),
        "quiet_s": QUIET_S,
        "applying_s": applying_s,
    }
    figures["rebuild_events_per_s"] = round(events / max(0.001, elapsed - QUIET_S), 1)
    figures["rebuild_applying_events_per_s"] = round(events / max(0.001, applying_s), 1)
    log(
        f"rebuild: {events} events ({workers} workers) in {elapsed:.1f} s = {figures['rebuild_events_per_s']} events/s "
        f"({figures['rebuild_applying_events_per_s']} events/s over the {applying_s:.1f} s spent applying)"
    )
