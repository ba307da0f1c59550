"""``survey-api-serve`` with one worker: one process that serves by itself, as ``uvicorn`` does."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_one_worker_is_the_process_itself_and_stops_on_sigterm(database_file: Path) -> None:
    port = free_port()
    env = {**os.environ, "SURVEY_DATABASE_URL": f"sqlite:///{database_file}", "SURVEY_ENVIRONMENT": "test"}
    command = [sys.executable, "-m", "survey_api.serve", "--port", str(port), "--workers", "1"]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        ready = None
        for _ in range(300):
            try:
                ready = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        assert ready is not None and ready.status_code == 200
        children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
        assert children == []

        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == -signal.SIGTERM, "uvicorn passes the signal on once it has shut down"
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
