"""The ceiling for intake: pgbench running the SQL an accepted response needs, on the same server.

The transaction marks a one-time code used, inserts the response and inserts its outbox row,
with rows of the size survey-api writes. It runs in a scratch schema whose tables are copies
(``LIKE … INCLUDING ALL``: same columns, defaults, indexes) of survey-api's, with the same
foreign keys, so the service's own tables and outbox are left alone.
"""

import json
import re
import shutil
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy import create_engine, make_url, text

from insikt_common import clock
from insikt_common.contracts.catalogue import RESPONSE_SUBMITTED
from insikt_common.contracts.envelope import new_event
from insikt_common.contracts.survey import AnswerValue, ResponseSubmitted
from insikt_common.contracts.units import UnitRef
from survey_api.tables import AccessCode, Response, outbox

SCRATCH = "bench_ceiling"
CODES = AccessCode.__table__.name  # type: ignore[attr-defined]
RESPONSES = Response.__table__.name  # type: ignore[attr-defined]
OUTBOX = outbox.name
TABLES = (CODES, RESPONSES, OUTBOX)


def pgbench_binary() -> str:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "deploy" / "local"))
    import pg_cluster

    try:
        candidate = pg_cluster.find_pg_bin() / "pgbench"
    except RuntimeError:
        candidate = None
    if candidate is not None and candidate.is_file():
        return str(candidate)
    if found := shutil.which("pgbench"):
        return found
    raise RuntimeError("pgbench not found (Debian: the postgresql package, /usr/lib/postgresql/*/bin)")


@dataclass(frozen=True)
class Ceiling:
    tps: float
    clients: int
    duration_s: float
    transactions: int
    latency_avg_ms: float | None
    pgbench: str


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _hex_text(value: str) -> str:
    """A text constant pgbench leaves alone (it would read ``:name`` inside JSON as a variable)."""
    return f"convert_from(decode('{value.encode().hex()}', 'hex'), 'UTF8')"


def _sample_rows(round_id: str, unit_id: str, questionnaire_id: str, answers: list[dict[str, Any]]) -> tuple[str, str]:
    """The response's answers JSON and the outbox payload, as survey-api would write them."""
    payload = ResponseSubmitted(
        response_id=str(uuid.uuid4()),
        round_id=round_id,
        questionnaire_id=questionnaire_id,
        questionnaire_version=1,
        unit=UnitRef(id=unit_id, name="Benchenhet 0", type="hvb", municipality_code=unit_id[:4]),
        submitted_on=clock.today(),
        answers=[TypeAdapter(AnswerValue).validate_python(a) for a in answers],
    )
    event = new_event(RESPONSE_SUBMITTED.type, "/survey-api", f"round/{round_id}", payload)
    return json.dumps(answers, ensure_ascii=False), event.to_bytes().decode()


def _script(round_id: str, unit_id: str, questionnaire_id: str, answers: list[dict[str, Any]]) -> str:
    answers_json, payload = _sample_rows(round_id, unit_id, questionnaire_id, answers)
    code = "encode(sha256(convert_to('bench-' || :client_id || '-' || :n, 'UTF8')), 'hex')"
    return f"""\\set n :n + 1
BEGIN;
UPDATE {SCRATCH}.{CODES} SET used = true WHERE code_hash = {code} AND used = false;
INSERT INTO {SCRATCH}.{RESPONSES} (id, round_id, unit_id, questionnaire_id, questionnaire_version, submitted_on,
  answers, submission_key, content_digest)
  VALUES (gen_random_uuid()::text, {_literal(round_id)}, {_literal(unit_id)}, {_literal(questionnaire_id)}, 1,
  current_date, {_hex_text(answers_json)}::json, encode(sha256(convert_to(gen_random_uuid()::text, 'UTF8')), 'hex'),
  encode(sha256(convert_to(gen_random_uuid()::text, 'UTF8')), 'hex'));
INSERT INTO {SCRATCH}.{OUTBOX} (event_id, event_type, topic, message_key, payload, sent)
  VALUES (gen_random_uuid()::text, {_literal(RESPONSE_SUBMITTED.type)}, {_literal(RESPONSE_SUBMITTED.topic)},
  {_literal(unit_id)}, decode('{payload.encode().hex()}', 'hex'), false);
END;
"""


def prepare(database_admin_url: str, *, clients: int, codes_per_client: int, round_id: str, unit_id: str) -> None:
    """Copy survey-api's three tables into the scratch schema and seed the codes pgbench uses."""
    engine = create_engine(database_admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {SCRATCH} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {SCRATCH}"))
        for table in TABLES:
            conn.execute(text(f"CREATE TABLE {SCRATCH}.{table} (LIKE survey.{table} INCLUDING ALL)"))
            # Serial columns would still draw from survey-api's sequences: give them their own.
            defaults = conn.execute(
                text(
                    "SELECT column_name, column_default FROM information_schema.columns "
                    "WHERE table_schema = :s AND table_name = :t AND column_default LIKE 'nextval(%'"
                ),
                {"s": SCRATCH, "t": table},
            ).all()
            for column, _default in defaults:
                sequence = f"{SCRATCH}.{table}_{column}_seq"
                conn.execute(text(f"CREATE SEQUENCE {sequence}"))
                conn.execute(
                    text(f"ALTER TABLE {SCRATCH}.{table} ALTER COLUMN {column} SET DEFAULT nextval('{sequence}')")
                )
            foreign_keys = conn.execute(
                text(
                    "SELECT pg_get_constraintdef(c.oid) FROM pg_constraint c JOIN pg_class r ON r.oid = c.conrelid "
                    "JOIN pg_namespace n ON n.oid = r.relnamespace "
                    "WHERE c.contype = 'f' AND n.nspname = 'survey' AND r.relname = :t"
                ),
                {"t": table},
            ).scalars()
            for definition in list(foreign_keys):
                conn.execute(text(f"ALTER TABLE {SCRATCH}.{table} ADD {definition}"))
        # survey-api keeps a unit's used codes on its round unit (one row per unit, which would queue
        # these clients on one row); the ceiling keeps the plainest form, a flag on the code's own row.
        conn.execute(text(f"ALTER TABLE {SCRATCH}.{CODES} ADD COLUMN used boolean NOT NULL DEFAULT false"))
        conn.execute(
            text(
                f"INSERT INTO {SCRATCH}.{CODES} (code_hash, round_id, unit_id, issued_on, ordinal) "
                "SELECT encode(sha256(convert_to('bench-' || c || '-' || n, 'UTF8')), 'hex'), :round, :unit, "
                "current_date, c * :codes + n FROM generate_series(0, :clients - 1) c, generate_series(1, :codes) n"
            ),
            {"round": round_id, "unit": unit_id, "clients": clients, "codes": codes_per_client},
        )
        conn.execute(text(f"VACUUM ANALYZE {SCRATCH}.{CODES}"))
    engine.dispose()


def drop(database_admin_url: str) -> None:
    engine = create_engine(database_admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {SCRATCH} CASCADE"))
    engine.dispose()


def measure(
    database_admin_url: str,
    work_dir: Path,
    *,
    round_id: str,
    unit_id: str,
    questionnaire_id: str,
    answers: list[dict[str, Any]],
    clients: int,
    duration_s: int,
    max_tps: int = 20000,
) -> Ceiling:
    """Run pgbench for ``duration_s`` with ``clients`` connections; the scratch schema is dropped after."""
    prepare(
        database_admin_url,
        clients=clients,
        codes_per_client=max_tps * duration_s // clients + 1000,
        round_id=round_id,
        unit_id=unit_id,
    )
    script = work_dir / "intake.sql"
    script.write_text(_script(round_id, unit_id, questionnaire_id, answers))
    url = make_url(database_admin_url)
    binary = pgbench_binary()
    command = [
        binary,
        "-n",
        "-M",
        "prepared",
        "-c",
        str(clients),
        "-j",
        str(min(clients, 2)),
        "-T",
        str(duration_s),
        "-D",
        "n=0",
        "-f",
        str(script),
        "-h",
        url.host or "127.0.0.1",
        "-p",
        str(url.port or 5432),
        "-U",
        url.username or "postgres",
        url.database or "",
    ]
    env = {"PGPASSWORD": url.password or "", "PATH": "/usr/bin:/bin"}
    try:
        result = subprocess.run(command, capture_output=True, text=True, check=False, env=env, timeout=duration_s + 120)
    finally:
        drop(database_admin_url)
    output = result.stdout + result.stderr
    tps = re.search(r"tps = ([\d.]+) \(without initial connection time\)", output)
    if result.returncode != 0 or tps is None:
        raise RuntimeError(f"pgbench failed ({result.returncode}):\n{output[-3000:]}")
    done = re.search(r"number of transactions actually processed: (\d+)", output)
    failed = re.search(r"number of failed transactions: (\d+)", output)
    if failed and int(failed.group(1)):
        raise RuntimeError(f"pgbench had failed transactions:\n{output[-3000:]}")
    latency = re.search(r"latency average = ([\d.]+) ms", output)
    return Ceiling(
        tps=float(tps.group(1)),
        clients=clients,
        duration_s=duration_s,
        transactions=int(done.group(1)) if done else 0,
        latency_avg_ms=float(latency.group(1)) if latency else None,
        pgbench=Path(binary).parent.parent.name,
    )
