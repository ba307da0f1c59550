"""The connection pool on real PostgreSQL: a connection that died while idle is replaced, not handed out."""

import pytest
from sqlalchemy import create_engine, text

from insikt_common import db
from tests.infra import ServiceDatabase


def test_a_connection_the_server_dropped_while_idle_is_replaced_on_checkout(
    service_db: ServiceDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = db.make_engine(service_db.url_for("survey-api"), "survey", pool_size=1)
    admin = create_engine(service_db.admin_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            backend = conn.scalar(text("SELECT pg_backend_pid()"))
        with admin.connect() as conn:  # what a database restart does to every pooled connection
            assert conn.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": backend})
        monkeypatch.setattr(db, "PING_AFTER_IDLE_S", 0.0)
        with engine.connect() as conn:
            assert conn.scalar(text("SELECT pg_backend_pid()")) != backend
    finally:
        engine.dispose()
        admin.dispose()
