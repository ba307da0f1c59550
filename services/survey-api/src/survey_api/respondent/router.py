from importlib import resources

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

router = APIRouter(include_in_schema=False)

HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
        "connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'"
    ),
}


@router.get("/answer")
def respondent_page() -> HTMLResponse:
    """The page a QR code or open link opens; it sets no cookie and keeps nothing in the browser."""
    page = resources.files(__package__).joinpath("page.html").read_text("utf-8")
    return HTMLResponse(page, headers=HEADERS)
