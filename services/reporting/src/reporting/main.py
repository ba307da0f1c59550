"""reporting: ``uvicorn reporting.main:create_app --factory``."""

from fastapi import FastAPI

from insikt_common.contracts.catalogue import (
    ASSESSMENT_CORRECTED,
    ASSESSMENT_RECORDED,
    CODES_ISSUED,
    GOAL_SET,
    GOAL_UPDATED,
    INSTRUMENT_PUBLISHED,
    INTERVENTION_ENDED,
    INTERVENTION_STARTED,
    PARTICIPANT_ERASED,
    PARTICIPANT_REGISTERED,
    QUESTIONNAIRE_PUBLISHED,
    RESPONSE_SUBMITTED,
    ROUND_CLOSED,
    ROUND_OPENED,
    UNIT_UPSERTED,
)
from insikt_common.contracts.survey import ResponseSubmitted
from insikt_common.messaging.bus import MessageBus
from insikt_common.messaging.consumer import PayloadBatchHandler
from insikt_common.service import ConsumerSpec, ServiceDefinition, build_app
from reporting import tables
from reporting.admin.router import router as admin_router
from reporting.benchmarks.router import router as benchmarks_router
from reporting.config import CONSUMER_GROUP, SCHEMA, SERVICE_NAME, Settings
from reporting.outcomes import projection as outcomes
from reporting.outcomes.router import router as outcomes_router
from reporting.survey_results import projection as surveys
from reporting.survey_results.router import router as surveys_router
from reporting.survey_results.tables_cache import TablesCache

HANDLED = {
    QUESTIONNAIRE_PUBLISHED: surveys.on_questionnaire_published,
    UNIT_UPSERTED: surveys.on_unit_upserted,
    ROUND_OPENED: surveys.on_round_opened,
    ROUND_CLOSED: surveys.on_round_closed,
    CODES_ISSUED: surveys.on_codes_issued,
    RESPONSE_SUBMITTED: surveys.on_response_submitted,
    INSTRUMENT_PUBLISHED: outcomes.on_instrument_published,
    PARTICIPANT_REGISTERED: outcomes.on_participant_registered,
    PARTICIPANT_ERASED: outcomes.on_participant_erased,
    INTERVENTION_STARTED: outcomes.on_intervention_started,
    INTERVENTION_ENDED: outcomes.on_intervention_ended,
    ASSESSMENT_RECORDED: outcomes.on_assessment_recorded,
    ASSESSMENT_CORRECTED: outcomes.on_assessment_corrected,
    GOAL_SET: outcomes.on_goal_changed,
    GOAL_UPDATED: outcomes.on_goal_changed,
}

CONSUMER = ConsumerSpec(
    group=CONSUMER_GROUP,
    topics=sorted({spec.topic for spec in HANDLED}),
    handlers={spec.type: handler for spec, handler in HANDLED.items()},
    batch_handlers={RESPONSE_SUBMITTED.type: PayloadBatchHandler(ResponseSubmitted, surveys.apply_responses)},
    inbox=tables.inbox,
)

DEFINITION = ServiceDefinition(
    name=SERVICE_NAME,
    title="Insikt reporting",
    description="Survey and outcome reports built from events, with small counts suppressed.",
    schema=SCHEMA,
    routers=[surveys_router, outcomes_router, benchmarks_router, admin_router],
    consumer=CONSUMER,
)


def create_app(settings: Settings | None = None, bus: MessageBus | None = None) -> FastAPI:
    app = build_app(DEFINITION, settings or Settings(), bus)
    app.state.survey_tables = TablesCache()
    return app
