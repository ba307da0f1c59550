"""outcome-api: ``uvicorn outcome_api.main:create_app --factory``."""

from fastapi import FastAPI

from insikt_common.messaging.bus import MessageBus
from insikt_common.service import ServiceDefinition, build_app
from outcome_api import tables
from outcome_api.assessments.router import router as assessments_router
from outcome_api.audit.router import router as audit_router
from outcome_api.config import SCHEMA, SERVICE_NAME, Settings
from outcome_api.goals.router import router as goals_router
from outcome_api.instruments.router import router as instruments_router
from outcome_api.interventions.router import router as interventions_router
from outcome_api.participants.router import router as participants_router

DEFINITION = ServiceDefinition(
    name=SERVICE_NAME,
    title="Insikt outcome-api",
    description="Individual outcome tracking: pseudonymous participants, instruments and assessments.",
    schema=SCHEMA,
    routers=[
        participants_router,
        interventions_router,
        assessments_router,
        goals_router,
        instruments_router,
        audit_router,
    ],
    outbox=tables.outbox,
)


def create_app(settings: Settings | None = None, bus: MessageBus | None = None) -> FastAPI:
    return build_app(DEFINITION, settings or Settings(), bus)
