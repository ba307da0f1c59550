"""A printable A4 sheet of code slips: cut along the lines, hand one slip to each respondent.

Each slip has the code in large type and a QR code that opens the respondent page with the code
filled in. No I/O: bytes in memory, never a file on disk (the codes exist nowhere else).
"""

import itertools
from io import BytesIO
from urllib.parse import urlencode

from reportlab.graphics.barcode import qrencoder
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

COLUMNS, ROWS = 2, 5
QR_SIZE = 34 * mm
QUIET_ZONE = 4
"""Modules of white around the code, as the QR standard asks."""


def code_url(respondent_url: str, code: str) -> str:
    separator = "&" if "?" in respondent_url else "?"
    return f"{respondent_url}{separator}{urlencode({'code': code})}"


def code_sheet(codes: list[str], *, title: str, unit_name: str, respondent_url: str) -> bytes:
    buffer = BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    canvas.setTitle(f"Svarskoder – {unit_name}")
    canvas.setCreator("Insikt")
    width, height = A4
    slip_w, slip_h = width / COLUMNS, height / ROWS
    for index, code in enumerate(codes):
        position = index % (COLUMNS * ROWS)
        if index and position == 0:
            canvas.showPage()
        column, row = position % COLUMNS, position // COLUMNS
        _slip(
            canvas, code, column * slip_w, height - (row + 1) * slip_h, slip_w, slip_h, title, unit_name, respondent_url
        )
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _slip(  # noqa: PLR0917 - a slip is its place on the page and what is printed on it
    canvas: Canvas, code: str, x: float, y: float, w: float, h: float, title: str, unit_name: str, respondent_url: str
) -> None:
    canvas.setDash(3, 3)
    canvas.setStrokeGray(0.6)
    canvas.rect(x, y, w, h)
    canvas.setDash()
    pad = 6 * mm
    text_x = x + pad
    canvas.setFillGray(0)
    canvas.setFont("Helvetica-Bold", 11)
    canvas.drawString(text_x, y + h - pad - 4 * mm, title[:38])
    canvas.setFont("Helvetica", 9)
    canvas.drawString(text_x, y + h - pad - 9 * mm, unit_name[:45])
    canvas.drawString(text_x, y + h - pad - 17 * mm, "Skanna QR-koden eller skriv koden")
    canvas.drawString(text_x, y + h - pad - 21 * mm, "Scan the QR code or enter the code")
    canvas.setFont("Courier-Bold", 15)
    canvas.drawString(text_x, y + pad + 8 * mm, code)
    canvas.setFont("Helvetica", 7)
    canvas.drawString(text_x, y + pad + 2 * mm, "Anonymt: koden kan inte kopplas till dina svar.")

    _qr(canvas, code_url(respondent_url, code), x + w - QR_SIZE - pad / 2, y + (h - QR_SIZE) / 2)


def _qr(canvas: Canvas, value: str, x: float, y: float) -> None:
    """The QR code as one filled path of dark runs (drawing module by module is many times slower)."""
    qr = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    qr.addData(value)
    qr.make()
    count = qr.getModuleCount()
    box = QR_SIZE / (count + 2 * QUIET_ZONE)
    path = canvas.beginPath()
    for r, row in enumerate(qr.modules):
        c = 0
        for dark, run in itertools.groupby(bool(m) for m in row):
            length = len(list(run))
            if dark:
                path.rect(x + (c + QUIET_ZONE) * box, y + QR_SIZE - (r + QUIET_ZONE + 1) * box, length * box, box)
            c += length
    canvas.setFillGray(0)
    canvas.drawPath(path, stroke=0, fill=1)
