from alembic import context

from insikt_common.migrations import run_env
from reporting.config import SCHEMA, Settings
from reporting.tables import metadata

run_env(context, metadata, SCHEMA, default_url=lambda: Settings().database_url)
