from alembic import context

from insikt_common.migrations import run_env
from survey_api.config import SCHEMA, Settings
from survey_api.tables import metadata

run_env(context, metadata, SCHEMA, default_url=lambda: Settings().database_url)
