"""outcome-api on real PostgreSQL: its own login role cannot change or remove an audit row, nor
the triggers and grants that guard them; the retention job finds and erases expired participants
and leaves the audit rows."""

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import Engine, create_engine, func, select, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import col

from insikt_common import clock
from insikt_common.auth import Principal, Role
from insikt_common.contracts.units import UnitRef
from insikt_common.db import make_engine, make_sessions
from insikt_common.migrations import downgrade, prestart
from outcome_api.audit.models import AuditEvent
from outcome_api.erasure import service as service_of_erasure
from outcome_api.participants import service as participants
from outcome_api.participants.schemas import ParticipantCreate
from outcome_api.prestart import MIGRATIONS
from tests.infra import ServiceDatabase, create_service_database, drop_database, migrate, migrated_engine

STAFF = Principal("staff-1", "org-a", frozenset({Role.STAFF}), frozenset({"U1"}))
UNIT = UnitRef(id="U1", name="Enhet", type="hvb", municipality_code="0580")


@pytest.fixture(scope="module")
def engine(service_db: ServiceDatabase) -> Iterator[Engine]:
    with migrated_engine(service_db, "outcome-api") as engine:
        yield engine


@pytest.fixture(scope="module")
def audited(engine: Engine) -> str:
    """A participant registered and read once, through the service as a request would."""
    with make_sessions(engine).begin() as session:
        registered, _ = participants.register(
            session, STAFF, ParticipantCreate(unit=UNIT, gender="female"), pseudonym_key="k" * 40
        )
        participants.get(session, STAFF, registered.id)
    return registered.id


def test_reads_and_writes_leave_audit_rows(engine: Engine, audited: str) -> None:
    with engine.connect() as conn:
        rows = conn.execute(
            select(col(AuditEvent.action), col(AuditEvent.subject)).where(col(AuditEvent.participant_id) == audited)
        ).all()
    assert sorted(rows) == [("participant.read", "staff-1"), ("participant.register", "staff-1")]


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE outcome.audit_event SET subject = 'someone else'",
        "DELETE FROM outcome.audit_event",
        "TRUNCATE outcome.audit_event",
    ],
)
def test_neither_the_service_role_nor_the_schema_owner_can_update_delete_or_truncate_audit_rows(
    service_db: ServiceDatabase, engine: Engine, audited: str, statement: str
) -> None:
    owner = create_engine(service_db.owner_url_for("outcome-api"))
    try:
        with engine.connect() as conn, pytest.raises(DBAPIError, match="permission denied for table audit_event"):
            conn.execute(text(statement))
        with owner.connect() as conn, pytest.raises(DBAPIError, match="append-only"):  # the triggers
            conn.execute(text(statement))
    finally:
        owner.dispose()
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(AuditEvent)).scalar() == 2


@pytest.mark.parametrize(
    "statement",
    [
        "ALTER TABLE outcome.audit_event DISABLE TRIGGER audit_event_append_only",
        "DROP TRIGGER audit_event_append_only ON outcome.audit_event",
        "DROP TABLE outcome.audit_event",
        "SET ROLE insikt_outcome_owner",
        "CREATE TABLE outcome.elsewhere (id integer)",
        "UPDATE outcome.alembic_version SET version_num = 'none'",
        "DELETE FROM outcome.alembic_version",
        "INSERT INTO outcome.audit_event (id) VALUES (1)",  # a row posing as an earlier one
        "SELECT setval('outcome.audit_event_id_seq', 1)",
    ],
)
def test_the_service_role_cannot_unguard_the_audit_log_or_change_the_schema(
    engine: Engine, audited: str, statement: str
) -> None:
    with engine.connect() as conn:
        with pytest.raises(DBAPIError, match=r"must be owner|permission denied"):
            conn.execute(text(statement))
        conn.rollback()
        triggers = conn.execute(
            text("SELECT tgname FROM pg_trigger WHERE tgrelid = 'outcome.audit_event'::regclass AND tgenabled = 'O'")
        ).scalars()
        assert sorted(triggers) == ["audit_event_append_only", "audit_event_no_truncate"]


def test_the_retention_job_purges_on_postgresql_and_keeps_the_audit_rows(engine: Engine, audited: str) -> None:
    later = clock.today() + timedelta(days=6 * 366)
    with make_sessions(engine).begin() as session:
        assert service_of_erasure.expired_ids(session, years=5) == []
        purged = service_of_erasure.purge_expired(session, years=5, today=later)
    assert purged == [audited]
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM outcome.participant")).scalar() == 0
        kinds = conn.execute(
            text("SELECT event_type FROM outcome.outbox_message WHERE message_key = :p"), {"p": audited}
        ).scalars()
        assert list(kinds) == ["se.insikt.outcome.participant.erased.v1"]
        actions = conn.execute(
            text("SELECT action FROM outcome.audit_event WHERE participant_id = :p ORDER BY id"), {"p": audited}
        ).scalars()
        assert list(actions) == ["participant.register", "participant.read", "participant.purge"]


def test_the_migrations_go_down_and_up_again(service_db: ServiceDatabase, engine: Engine, audited: str) -> None:
    url = service_db.owner_url_for("outcome-api")
    downgrade(MIGRATIONS, url, "base")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT to_regclass('outcome.audit_event')")).scalar() is None
        assert conn.execute(text("SELECT to_regclass('outcome.participant')")).scalar() is None
    migrate(service_db, "outcome-api")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM outcome.audit_event")).scalar() == 0


MOVE_TO_TWO_ROLES = (
    'GRANT CONNECT ON DATABASE "{database}" TO insikt_outcome_owner',
    "ALTER ROLE insikt_outcome_owner SET search_path = outcome",
    "REASSIGN OWNED BY insikt_outcome TO insikt_outcome_owner",
    'REVOKE CREATE ON DATABASE "{database}" FROM insikt_outcome',
)
"""docs/operations.md, "Database roles", step 2 after ``CREATE ROLE``."""


def test_an_installation_with_one_role_moves_to_two_and_keeps_its_audit_rows(pg_admin_url: str) -> None:
    """docs/operations.md, "Database roles": the service's role owned the schema and migrated it;
    ``REASSIGN OWNED`` and a prestart with the owner's login leave it only its rows."""
    database = create_service_database(pg_admin_url)
    admin = create_engine(database.admin_database_url, isolation_level="AUTOCOMMIT")
    service = make_engine(database.url_for("outcome-api"), "outcome")
    try:
        with admin.connect() as conn:
            conn.execute(text("ALTER SCHEMA outcome OWNER TO insikt_outcome"))
        prestart(MIGRATIONS, database.url_for("outcome-api"), "outcome")  # one role, as before
        with make_sessions(service).begin() as session:
            participants.register(session, STAFF, ParticipantCreate(unit=UNIT, gender="female"), pseudonym_key="k" * 40)

        with admin.connect() as conn:  # step 2, but CREATE ROLE: roles belong to the whole cluster
            for statement in MOVE_TO_TWO_ROLES:
                conn.execute(text(statement.format(database=database.name)))
        migrate(database, "outcome-api")  # step 3

        with make_sessions(service).begin() as session:
            participants.register(session, STAFF, ParticipantCreate(unit=UNIT, gender="female"), pseudonym_key="k" * 40)
        with service.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM outcome.audit_event")).scalar() == 2
            with pytest.raises(DBAPIError, match="permission denied for table audit_event"):
                conn.execute(text("DELETE FROM outcome.audit_event"))
            conn.rollback()
            with pytest.raises(DBAPIError, match="must be owner"):
                conn.execute(text("DROP TRIGGER audit_event_append_only ON outcome.audit_event"))
    finally:
        service.dispose()
        admin.dispose()
        drop_database(pg_admin_url, database.name)
