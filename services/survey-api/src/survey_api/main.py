"""survey-api: ``uvicorn survey_api.main:create_app --factory``."""

from fastapi import FastAPI

from insikt_common.messaging.bus import MessageBus
from insikt_common.service import ServiceDefinition, build_app
from survey_api import tables
from survey_api.access.router import public as access_public_router
from survey_api.access.router import router as access_router
from survey_api.body_limit import BodySizeLimit
from survey_api.config import SCHEMA, SERVICE_NAME, Settings
from survey_api.load_shedding import IntakeGate, IntakeLimiter
from survey_api.questionnaires.router import router as questionnaires_router
from survey_api.respondent.router import router as respondent_router
from survey_api.responses.router import router as responses_router
from survey_api.rounds.router import router as rounds_router
from survey_api.units.router import router as units_router

DEFINITION = ServiceDefinition(
    name=SERVICE_NAME,
    title="Insikt survey-api",
    description="Anonymous survey intake: questionnaires, rounds, units and responses.",
    schema=SCHEMA,
    routers=[
        questionnaires_router,
        units_router,
        rounds_router,
        access_router,
        access_public_router,
        responses_router,
        respondent_router,
    ],
    outbox=tables.outbox,
)


PUBLIC_PATHS = ("/v1/responses", "/v1/access")
"""What respondents post to: the smaller body limit, and run under the intake limiter (``load_shedding``)."""


def create_app(settings: Settings | None = None, bus: MessageBus | None = None) -> FastAPI:
    settings = settings or Settings()
    app = build_app(DEFINITION, settings, bus)

    def limit_for(path: str) -> int:
        return settings.max_body_bytes if path.startswith(PUBLIC_PATHS) else settings.max_admin_body_bytes

    app.add_middleware(BodySizeLimit, limit_for=limit_for)
    limiter = IntakeLimiter(
        concurrency=settings.intake_concurrency or settings.db_pool_size,
        queue=settings.intake_queue,
        wait_s=settings.intake_queue_wait_s,
    )
    app.state.intake_limiter = limiter
    app.add_middleware(IntakeGate, limiter=limiter, paths=PUBLIC_PATHS)  # outermost: refusals cost least
    return app
