"""The schema's metadata and the table base class; each module defines its own tables."""

from sqlalchemy.orm import registry
from sqlmodel import SQLModel

from insikt_common.db import service_metadata
from insikt_common.messaging.tables import outbox_table
from outcome_api.config import SCHEMA

metadata = service_metadata(SCHEMA)


class OutcomeTable(SQLModel, registry=registry(metadata=metadata)):
    """Base of every table in the ``outcome`` schema."""


outbox = outbox_table(metadata)
