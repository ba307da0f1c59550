"""The figures beside issue 6's targets: a table on stdout and JSON in bench/results/."""

import json
import os
import platform
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

RESULTS_DIR = Path(__file__).resolve().parent / "results"
NOT_MEASURED = "not measured"


@dataclass(frozen=True)
class Target:
    key: str
    what: str
    target: str
    met: Callable[[float], bool]
    unit: str


TARGETS = [
    Target("intake_per_s", "intake throughput (201/s)", "(reported)", lambda v: True, "/s"),
    Target("ceiling_tps", "pgbench ceiling (transactions/s)", "(reported)", lambda v: True, "/s"),
    Target(
        "survey_api_cpu_ms_per_response", "survey-api CPU per accepted response", "(reported)", lambda v: True, "ms"
    ),
    Target("intake_ratio", "intake throughput / pgbench ceiling", ">= 40 %", lambda v: v >= 40, "%"),
    Target("intake_p50_ms", "intake latency p50 at 300/s", "(reported)", lambda v: True, "ms"),
    Target("intake_p99_ms", "intake latency p99 at 300/s", "< 50 ms", lambda v: v < 50, "ms"),
    Target("intake_fixed_rate_accepted_per_s", "accepted/s in the 300/s phase", "(reported)", lambda v: True, "/s"),
    Target("freshness_p95_ms", "freshness p95 (201 -> counted)", "< 1000 ms", lambda v: v < 1000, "ms"),
    Target(
        "sustainable_rate_per_s",
        "below saturation: fixed rate (half of throughput)",
        "(reported)",
        lambda v: True,
        "/s",
    ),
    Target("sustainable_p50_ms", "  intake latency p50 there", "(reported)", lambda v: True, "ms"),
    Target("sustainable_p99_ms", "  intake latency p99 there", "< 50 ms", lambda v: v < 50, "ms"),
    Target("sustainable_freshness_p95_ms", "  freshness p95 there", "< 1000 ms", lambda v: v < 1000, "ms"),
    Target("live_apply_events_per_s", "reporting live consumer apply rate", "(reported)", lambda v: True, "events/s"),
    Target("report_warm_p95_ms", "report latency p95 warm", "< 100 ms", lambda v: v < 100, "ms"),
    Target("report_cold_ms", "report latency cold", "< 1000 ms", lambda v: v < 1000, "ms"),
    Target("rebuild_events_per_s", "rebuild throughput", ">= 20000 events/s", lambda v: v >= 20000, "events/s"),
    Target("rebuild_applying_events_per_s", "  while applying (no start-up)", "(reported)", lambda v: True, "events/s"),
]
MEMORY_IDLE_MB = 200
MEMORY_LOAD_MB = 350


def machine() -> dict[str, Any]:
    """nproc, memory, CPU model and load, for the figures' context."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory_mb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_mb = int(line.split()[1]) // 1024
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        "memory_mb": memory_mb,
        "cpu_model": cpu,
        "kernel": platform.release(),
        "python": platform.python_version(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def git_commit() -> str | None:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    return out.stdout.strip()


def _fmt(value: float | str | None, unit: str) -> str:
    if value is None:
        return NOT_MEASURED
    if isinstance(value, str):
        return value
    return f"{value:,.1f} {unit}" if unit != "%" else f"{value:.1f} %"


def table(figures: dict[str, Any]) -> str:
    """Each figure beside its target, with whether it is met; nothing here fails the run."""
    rows: list[tuple[str, str, str, str]] = []
    for t in TARGETS:
        value = figures.get(t.key)
        if value is None or t.target == "(reported)":
            verdict = ""
        else:
            verdict = "met" if not isinstance(value, str) and t.met(value) else "MISSED"
        rows.append((t.what, _fmt(value, t.unit), t.target, verdict))
    pss = figures.get("memory_pss_mb", {})
    for service, rss in sorted(figures.get("memory_mb", {}).items()):
        for phase, limit in (("idle", MEMORY_IDLE_MB), ("load", MEMORY_LOAD_MB)):
            # PSS is what is compared: summed VmRSS counts the pages a supervisor shares with the
            # workers it forked once for each of them (BENCHMARKS.md).
            value = pss.get(service, {}).get(phase)
            verdict = "" if value is None else ("met" if value < limit else "MISSED")
            rows.append((f"memory {service} {phase} (PSS, summed)", _fmt(value, "MB"), f"< {limit} MB", verdict))
            rows.append((f"memory {service} {phase} (VmRSS, summed)", _fmt(rss.get(phase), "MB"), "(reported)", ""))
    widths = [max(len(r[i]) for r in [("what", "figure", "target", ""), *rows]) for i in range(4)]
    lines = []
    for row in [("what", "figure", "target", ""), *rows]:
        lines.append("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
        if row[0] == "what":
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def write(result: dict[str, Any]) -> Path:
    RESULTS_DIR.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = RESULTS_DIR / f"{stamp}.json"
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    return path
