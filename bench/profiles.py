"""How big a run is: ``quick`` (the default, a few minutes), ``medium`` and ``full`` (the issue's sizes)."""

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Profile:
    name: str
    units: int
    warmup_s: int
    throughput_s: int
    throughput_concurrency: int
    """Respondents submitting back to back. Kept below survey-api's connection pool (10 + 10
    overflow): a request can hold two connections at once, so more than about 20 concurrent
    requests exhaust the pool (see BENCHMARKS.md)."""
    throughput_codes: int
    """Upper bound on requests in the throughput phase (each needs its own one-time code)."""
    latency_rate: int
    latency_s: int
    pgbench_s: int
    pgbench_clients: int
    report_units: int
    report_questions: int
    report_responses: int
    report_requests: int
    report_background: bool = False
    """The report round's questionnaire also asks kön and åldersgrupp, so reports have breakdowns."""


QUICK = Profile(
    name="quick",
    units=10,
    warmup_s=3,
    throughput_s=10,
    throughput_concurrency=16,
    throughput_codes=15_000,
    latency_rate=300,
    latency_s=15,
    pgbench_s=10,
    pgbench_clients=8,
    report_units=20,
    report_questions=30,
    report_responses=5_000,
    report_requests=100,
)

FULL = Profile(
    name="full",
    units=50,
    warmup_s=5,
    throughput_s=30,
    throughput_concurrency=16,
    throughput_codes=45_000,
    latency_rate=300,
    latency_s=60,
    pgbench_s=30,
    pgbench_clients=8,
    report_units=300,
    report_questions=30,
    report_responses=1_000_000,
    report_requests=300,
)

MEDIUM = replace(QUICK, name="medium", report_units=300, report_responses=30_000, report_requests=30)
"""Quick intake, and a report round with the full profile's 300 units but 100 responses each."""

PROFILES = {p.name: p for p in (QUICK, MEDIUM, FULL)}
