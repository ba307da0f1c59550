"""One benchmark run: servers, services, the survey, pgbench, the load phases, memory, reports."""

import json
import os
import random
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import ceiling, infra, profiling, results
from bench.profiles import Profile
from bench.scenario import Survey, answers_for, prepare_survey

ROOT = Path(__file__).resolve().parents[1]


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


class MemorySampler:
    """Samples each service's memory in the background and keeps the peak per phase; also adds up
    the CPU time each service used in each phase.

    Both summed over the service's processes: VmRSS (``peaks``), which counts a page shared by
    several of them once for each, and PSS (``pss_peaks``), which counts it once in all."""

    def __init__(self, pids: dict[str, int], interval_s: float = 0.25) -> None:
        self._pids = pids
        self._interval_s = interval_s
        self.peaks: dict[str, dict[str, float]] = {name: {} for name in pids}
        self.pss_peaks: dict[str, dict[str, float]] = {name: {} for name in pids}
        self.cpu_s: dict[str, dict[str, float]] = {name: {} for name in pids}
        self.machine_busy_percent: dict[str, float] = {}
        """How busy the whole machine was in each phase: other work on it shows here."""

    def snapshot(self, phase: str) -> None:
        """Sample now, keeping the peak for ``phase``."""
        for name, pid in self._pids.items():
            if (memory := infra.memory_mb(pid)) is not None:
                for peaks, value in zip((self.peaks, self.pss_peaks), memory, strict=True):
                    peaks[name][phase] = round(max(value, peaks[name].get(phase, 0.0)), 1)

    @contextmanager
    def during(self, phase: str, cpu_label: str | None = None) -> Iterator[None]:
        stop = threading.Event()
        cpu_before = {name: infra.cpu_seconds(pid) for name, pid in self._pids.items()}
        busy_before, total_before = infra.system_cpu()

        def sample() -> None:
            while not stop.is_set():
                self.snapshot(phase)
                stop.wait(self._interval_s)

        thread = threading.Thread(target=sample, daemon=True)
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join()
            busy_after, total_after = infra.system_cpu()
            if total_after > total_before:
                share = 100 * (busy_after - busy_before) / (total_after - total_before)
                self.machine_busy_percent[cpu_label or phase] = round(share, 1)
            for name, pid in self._pids.items():
                before, after = cpu_before[name], infra.cpu_seconds(pid)
                if before is not None and after is not None:
                    self.cpu_s[name][cpu_label or phase] = round(after - before, 2)


def run_loadgen(spec: dict[str, Any], work_dir: Path, name: str) -> dict[str, Any]:
    """The load generator in its own process; returns its JSON result."""
    spec_path, out_path = work_dir / f"{name}.spec.json", work_dir / f"{name}.result.json"
    spec_path.write_text(json.dumps(spec))
    limit = float(spec["duration_s"]) + float(spec.get("drain_s", 30)) + float(spec.get("freshness_wait_s", 30)) + 60
    subprocess.run(
        [sys.executable, "-m", "bench.loadgen", str(spec_path), str(out_path)], cwd=ROOT, check=True, timeout=limit
    )
    result: dict[str, Any] = json.loads(out_path.read_text())
    return result


def wait_counted(read_model: infra.ReadModel, round_id: str, expected: int, timeout_s: float = 180) -> float:
    """Wait until reporting counts ``expected`` responses of the round; returns the seconds waited."""
    started = time.monotonic()
    while time.monotonic() - started < timeout_s:
        if read_model.total(round_id) >= expected:
            return time.monotonic() - started
        time.sleep(0.2)
    raise RuntimeError(f"reporting counted {read_model.total(round_id)} of {expected} after {timeout_s:.0f} s")


def wait_stable(read_model: infra.ReadModel, round_id: str, expected: int, timeout_s: float = 180) -> float:
    """Wait until reporting counts at least ``expected`` and the count stopped moving (requests that
    timed out on the client may still commit on the server); returns the seconds waited."""
    started = time.monotonic()
    wait_counted(read_model, round_id, expected, timeout_s)
    previous = -1
    while time.monotonic() - started < timeout_s:
        now = read_model.total(round_id)
        if now == previous:
            break
        previous = now
        time.sleep(2)
    return time.monotonic() - started


def _phase_spec(
    survey: Survey, urls: dict[str, str], read_model: infra.ReadModel, codes: list[tuple[str, str]], **extra: Any
) -> dict[str, Any]:
    return {
        "survey_url": urls["survey-api"],
        "reporting_url": urls["reporting"],
        "read_model": read_model.spec(),
        "round_id": survey.round_id,
        "items": survey.items,
        "codes": codes,
        **extra,
    }


def run(
    profile: Profile,
    *,
    keep: bool = False,
    skip_reports: bool = False,
    py_spy: bool = False,
    survey_workers: int = 2,
    survey_server: str = "serve",
) -> dict[str, Any]:
    started = time.time()
    work_dir = Path(tempfile.mkdtemp(prefix="insikt-bench-"))
    log(f"profile {profile.name}; work dir {work_dir}")
    out: dict[str, Any] = {
        "profile": profile.name,
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "git_commit": results.git_commit(),
        "machine": results.machine(),
        "parameters": profile.__dict__ | {"survey_workers": survey_workers, "survey_server": survey_server},
    }
    figures: dict[str, Any] = {}
    out["figures"] = figures
    with infra.servers(work_dir) as servers:
        out["servers"] = servers.described
        database = infra.create_service_database(servers.admin_url)
        try:
            prefix = f"bench{secrets.token_hex(3)}."
            with infra.running_services(
                database,
                servers.kafka_bootstrap,
                prefix,
                work_dir,
                survey_workers=survey_workers,
                survey_server=survey_server,
            ) as running:
                urls = {name: s.url for name, s in running.items()}
                memory = MemorySampler({name: s.pid for name, s in running.items()})
                log("services ready; settling for idle memory")
                time.sleep(3)
                memory.snapshot("idle")
                _intake(
                    profile,
                    database=database,
                    urls=urls,
                    memory=memory,
                    work_dir=work_dir,
                    out=out,
                    figures=figures,
                    py_spy_pid=running["survey-api"].pid if py_spy else None,
                )
                if not skip_reports:
                    from bench import reports

                    with memory.during("load"):
                        reports.measure(
                            profile,
                            servers=servers,
                            running=running,
                            prefix=prefix,
                            out=out,
                            figures=figures,
                            log=log,
                            work_dir=work_dir,
                            py_spy=py_spy,
                            read_model=infra.reporting_read_model(database),
                        )
                memory.snapshot("after")
                figures["memory_mb"] = memory.peaks
                figures["memory_pss_mb"] = memory.pss_peaks
                out["cpu_seconds"] = memory.cpu_s
                out["machine_busy_percent"] = memory.machine_busy_percent
        finally:
            if not keep:
                infra.drop_database(servers.admin_url, database.name)
    out["duration_s"] = round(time.time() - started, 1)
    out["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    out["logs"] = str(work_dir)
    return out


@dataclass
class Intake:
    """What the intake phases share."""

    profile: Profile
    survey: Survey
    urls: dict[str, str]
    read_model: infra.ReadModel
    memory: MemorySampler
    work_dir: Path
    out: dict[str, Any]
    figures: dict[str, Any]

    def load(self, name: str, codes: list[tuple[str, str]], **spec: Any) -> dict[str, Any]:
        with self.memory.during("load", name):
            result = run_loadgen(
                _phase_spec(self.survey, self.urls, self.read_model, codes, **spec), self.work_dir, name
            )
        self.out[name] = result
        return result

    def fixed_rate(self, name: str, codes: list[tuple[str, str]], rate: int) -> dict[str, Any]:
        spec = {"mode": "open", "rate": rate, "duration_s": self.profile.latency_s, "freshness": True}
        return self.load(name, codes, poll_interval_s=0.05, **spec)


def _intake(
    profile: Profile,
    *,
    database: infra.ServiceDatabase,
    urls: dict[str, str],
    memory: MemorySampler,
    work_dir: Path,
    out: dict[str, Any],
    figures: dict[str, Any],
    py_spy_pid: int | None,
) -> None:
    warmup_codes = profile.throughput_concurrency * profile.warmup_s * 40
    fixed_codes = profile.latency_rate * profile.latency_s
    total = warmup_codes + profile.throughput_codes + 2 * fixed_codes
    per_unit = -(-total // profile.units)
    log(f"setting up the survey: {profile.units} units, {per_unit * profile.units} one-time codes")
    survey = prepare_survey(urls["survey-api"], profile.units, per_unit)
    codes = survey.codes
    warmup, codes = codes[:warmup_codes], codes[warmup_codes:]
    burst, codes = codes[: profile.throughput_codes], codes[profile.throughput_codes :]
    fixed, below = codes[:fixed_codes], codes[fixed_codes:]
    read_model = infra.reporting_read_model(database)
    intake = Intake(profile, survey, urls, read_model, memory, work_dir, out, figures)

    tps = _ceiling(intake, database)
    log("warm-up")
    warm = intake.load("warmup", warmup, mode="closed", concurrency=8, duration_s=profile.warmup_s)
    throughput = _throughput(intake, burst, tps, py_spy_pid)
    accepted = int(warm["accepted"]) + int(throughput["accepted"])
    log(f"waiting for reporting to count the {accepted} responses so far")
    out["catch_up_s"] = round(wait_counted(read_model, survey.round_id, accepted), 2)

    # Below saturation first (half the measured throughput): latency and freshness where the
    # service keeps up, before the fixed 300/s of the issue, which may overload it.
    rate = max(5, round(0.5 * float(throughput["accepted_per_s"] or 0)))
    if rate < profile.latency_rate and len(below) >= rate * profile.latency_s:
        log(f"latency and freshness at half the measured throughput: {rate} responses/s for {profile.latency_s} s")
        sustainable = intake.fixed_rate("sustainable", below, rate)
        figures["sustainable_rate_per_s"] = rate
        figures["sustainable_p50_ms"] = sustainable["latency_ms"]["p50"]
        figures["sustainable_p99_ms"] = sustainable["latency_ms"]["p99"]
        figures["sustainable_freshness_p95_ms"] = sustainable["freshness_ms"]["p95"]
        accepted += int(sustainable["accepted"])
        out["catch_up_before_fixed_rate_s"] = round(wait_stable(read_model, survey.round_id, accepted), 2)

    log(f"latency and freshness: {profile.latency_rate} responses/s on a fixed schedule for {profile.latency_s} s")
    latency = intake.fixed_rate("latency", fixed, profile.latency_rate)
    figures["intake_p50_ms"] = latency["latency_ms"]["p50"]
    figures["intake_p99_ms"] = latency["latency_ms"]["p99"]
    figures["intake_fixed_rate_accepted_per_s"] = latency["accepted_per_s"]
    figures["freshness_p95_ms"] = latency["freshness_ms"]["p95"]
    log(
        f"p50 {figures['intake_p50_ms']} ms, p99 {figures['intake_p99_ms']} ms, "
        f"freshness p95 {figures['freshness_p95_ms']} ms"
    )


def _ceiling(intake: Intake, database: infra.ServiceDatabase) -> float:
    profile, survey = intake.profile, intake.survey
    log(f"pgbench ceiling: {profile.pgbench_clients} clients, {profile.pgbench_s} s")
    result = ceiling.measure(
        database.admin_database_url,
        intake.work_dir,
        round_id=survey.round_id,
        unit_id=survey.unit_ids[0],
        questionnaire_id=survey.questionnaire_id,
        answers=answers_for(survey.items, random.Random(3)),
        clients=profile.pgbench_clients,
        duration_s=profile.pgbench_s,
    )
    intake.out["ceiling"] = result.__dict__
    intake.figures["ceiling_tps"] = result.tps
    log(f"ceiling {result.tps:.0f} transactions/s")
    return result.tps


def _throughput(intake: Intake, codes: list[tuple[str, str]], tps: float, py_spy_pid: int | None) -> dict[str, Any]:
    profile, figures = intake.profile, intake.figures
    log(f"throughput: {profile.throughput_concurrency} respondents back to back for {profile.throughput_s} s")
    sampler = None
    if py_spy_pid is not None:
        sampler = profiling.record(py_spy_pid, profile.throughput_s, intake.work_dir / "survey-api.py-spy.txt")
        if sampler is None:
            log("py-spy is not installed; no profile")
    spec = {"mode": "closed", "concurrency": profile.throughput_concurrency, "duration_s": profile.throughput_s}
    throughput = intake.load("throughput", codes, **spec)
    if sampler is not None:
        sampler.wait(timeout=60)
        intake.out["survey_api_profile"] = profiling.summarise(intake.work_dir / "survey-api.py-spy.txt")
    figures["intake_per_s"] = throughput["accepted_per_s"]
    figures["intake_ratio"] = round(100 * throughput["accepted_per_s"] / tps, 1)
    if throughput["accepted"]:
        cpu = intake.memory.cpu_s["survey-api"].get("throughput", 0.0)
        figures["survey_api_cpu_ms_per_response"] = round(1000 * cpu / throughput["accepted"], 2)
    log(f"throughput {throughput['accepted_per_s']}/s = {figures['intake_ratio']} % of the ceiling")
    return throughput
