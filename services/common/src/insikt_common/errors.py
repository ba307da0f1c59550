"""One error shape for every service: ``{"error": Name, "detail": …}``."""

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse


class InsiktError(Exception):
    """Base of the errors a client can cause; subclasses set the HTTP status."""

    status_code = 400

    def __init__(self, detail: Any) -> None:
        super().__init__(detail)
        self.detail = detail


class NotFound(InsiktError):
    status_code = 404


class Conflict(InsiktError):
    status_code = 409


class Gone(InsiktError):
    status_code = 410


class Unprocessable(InsiktError):
    status_code = 422


def field_error(location: str, message: str) -> dict[str, str]:
    return {"field": location, "message": message}


def error_response(exc: InsiktError, headers: dict[str, str] | None = None) -> JSONResponse:
    """The answer to a refused request: its status and ``{"error": <kind>, "detail": ...}``."""
    return JSONResponse({"error": type(exc).__name__, "detail": exc.detail}, exc.status_code, headers)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(InsiktError)
    async def _insikt_error(_request: Request, exc: InsiktError) -> JSONResponse:
        return error_response(exc)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        detail = [field_error(".".join(str(p) for p in err["loc"] if p != "body"), err["msg"]) for err in exc.errors()]
        return JSONResponse({"error": "ValidationError", "detail": detail}, status_code=422)
