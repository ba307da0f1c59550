"""The schema's metadata and the table base class; each module defines its own tables."""

from sqlalchemy.orm import registry
from sqlmodel import SQLModel

from insikt_common.db import service_metadata
from insikt_common.messaging.tables import inbox_table
from reporting.config import SCHEMA

metadata = service_metadata(SCHEMA)


class ReportingTable(SQLModel, registry=registry(metadata=metadata)):
    """Base of every table in the ``reporting`` schema."""


inbox = inbox_table(metadata)
