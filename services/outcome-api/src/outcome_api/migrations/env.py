from alembic import context

from insikt_common.migrations import run_env
from outcome_api.config import SCHEMA, Settings
from outcome_api.tables import metadata

run_env(context, metadata, SCHEMA, default_url=lambda: Settings().database_url)
