"""The schema's metadata and the table base class; each module defines its own tables."""

from sqlalchemy.orm import registry
from sqlmodel import SQLModel

from insikt_common.db import service_metadata
from insikt_common.messaging.tables import outbox_table
from survey_api.config import SCHEMA

metadata = service_metadata(SCHEMA)


class SurveyTable(SQLModel, registry=registry(metadata=metadata)):
    """Base of every table in the ``survey`` schema."""


outbox = outbox_table(metadata)
