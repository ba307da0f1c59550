"""Sampling a service with py-spy while it is under load (``python -m bench --py-spy``).

py-spy reads the process from outside (no change to the service), so the figures stay those of
the service as deployed. The collapsed stacks are kept beside the logs; ``summarise`` lists where
the samples fell: the top leaf frames, and the project's own functions inclusive of callees.
"""

import shutil
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

PROJECT_PACKAGES = ("survey_api/", "reporting/", "outcome_api/", "insikt_common/")


def py_spy() -> str | None:
    beside = Path(sys.executable).parent / "py-spy"
    return str(beside) if beside.is_file() else shutil.which("py-spy")


def record(pid: int, duration_s: int, output: Path) -> subprocess.Popen[bytes] | None:
    """Sample ``pid`` for ``duration_s`` at 100 Hz; only the thread holding the GIL, so the samples
    show where Python spends CPU rather than where threads wait. None without py-spy."""
    binary = py_spy()
    if binary is None:
        return None
    command = [binary, "record", "--pid", str(pid), "--duration", str(duration_s), "--rate", "100"]
    command += ["--format", "raw", "--output", str(output), "--nonblocking", "--gil", "--subprocesses"]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def summarise(collapsed: Path, top: int = 15) -> dict[str, Any]:
    """Leaf frames and the project's own frames (inclusive), as shares of all samples."""
    leaves: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    total = 0
    for line in collapsed.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        total += count
        frames = stack.split(";")
        leaves[frames[-1]] += count
        for frame in {f for f in frames if f.split("(")[-1].startswith(PROJECT_PACKAGES)}:
            inclusive[frame] += count
    if not total:
        return {"samples": 0}

    def share(counter: Counter[str]) -> list[tuple[str, float]]:
        return [(frame, round(100 * n / total, 1)) for frame, n in counter.most_common(top)]

    return {"samples": total, "leaf_percent": share(leaves), "inclusive_percent": share(inclusive)}


def stop(recorder: subprocess.Popen[bytes]) -> None:
    """End a recording early; py-spy writes what it has on SIGINT."""
    if recorder.poll() is None:
        recorder.send_signal(signal.SIGINT)
    recorder.wait(timeout=60)
