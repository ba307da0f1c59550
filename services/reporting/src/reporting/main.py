"""reporting: ``uvicorn reporting.main:create_app --factory``."""

from fastapi import FastAPI

from insikt_common.contracts.catalogue import ASSESSMENT_RECORDED, PARTICIPANT_REGISTERED, RESPONSE_SUBMITTED
from insikt_common.messaging.bus import MessageBus
from insikt_common.service import ConsumerSpec, ServiceDefinition, build_app
from reporting import tables
from reporting.config import CONSUMER_GROUP, SCHEMA, SERVICE_NAME, Settings
from reporting.outcomes.projection import on_assessment_recorded, on_participant_registered
from reporting.outcomes.router import router as outcomes_router
from reporting.survey_results.projection import on_response_submitted
from reporting.survey_results.router import router as surveys_router

HANDLED = {
    RESPONSE_SUBMITTED: on_response_submitted,
    PARTICIPANT_REGISTERED: on_participant_registered,
    ASSESSMENT_RECORDED: on_assessment_recorded,
}

DEFINITION = ServiceDefinition(
    name=SERVICE_NAME,
    title="Insikt reporting",
    description="Survey and outcome reports built from events, with small counts suppressed.",
    schema=SCHEMA,
    routers=[surveys_router, outcomes_router],
    consumer=ConsumerSpec(
        group=CONSUMER_GROUP,
        topics=sorted({spec.topic for spec in HANDLED}),
        handlers={spec.type: handler for spec, handler in HANDLED.items()},
        inbox=tables.inbox,
    ),
)


def create_app(settings: Settings | None = None, bus: MessageBus | None = None) -> FastAPI:
    return build_app(DEFINITION, settings or Settings(), bus)
