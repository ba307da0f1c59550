"""Outbox and inbox tables, created in each service's own schema through its own metadata."""

from sqlalchemy import BigInteger, Boolean, Column, Date, Index, Integer, LargeBinary, MetaData, String, Table, text

OUTBOX_TABLE = "outbox_message"
INBOX_TABLE = "inbox_message"


def outbox_table(metadata: MetaData) -> Table:
    """Events waiting to be published, written in the same transaction as the change they report.

    No creation time is kept: the sequence gives the order, and an exact time would sit beside
    survey facts that must not carry one.
    """
    return Table(
        OUTBOX_TABLE,
        metadata,
        Column("seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
        Column("event_id", String(64), nullable=False, unique=True),
        Column("event_type", String(200), nullable=False),
        Column("topic", String(200), nullable=False),
        Column("message_key", String(200), nullable=False),
        Column("payload", LargeBinary, nullable=False),
        Column("sent", Boolean, nullable=False, server_default="false"),
        Column("sent_on", Date, nullable=True),
        Index(f"ix_{OUTBOX_TABLE}_unsent", "seq", postgresql_where=text("NOT sent"), sqlite_where=text("NOT sent")),
    )


def inbox_table(metadata: MetaData) -> Table:
    """Ids of the events a consumer has applied, written in the same transaction as the change."""
    return Table(
        INBOX_TABLE,
        metadata,
        Column("source", String(200), primary_key=True),
        Column("event_id", String(64), primary_key=True),
        Column("event_type", String(200), nullable=False),
        Column("processed_on", Date, nullable=False),
    )
