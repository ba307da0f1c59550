"""A printable A4 sheet of code slips: cut along the lines, hand one slip to each respondent.

Each slip has the code in large type and a QR code that opens the respondent page with the code
filled in. No I/O: bytes in memory, never a file on disk (the codes exist nowhere else).
"""

from io import BytesIO
from urllib.parse import urlencode

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

COLUMNS, ROWS = 2, 5
QR_SIZE = 34 * mm


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

    widget = QrCodeWidget(code_url(respondent_url, code), barLevel="M")
    left, bottom, right, top = widget.getBounds()
    drawing = Drawing(QR_SIZE, QR_SIZE, transform=[QR_SIZE / (right - left), 0, 0, QR_SIZE / (top - bottom), 0, 0])
    drawing.add(widget)
    renderPDF.draw(drawing, canvas, x + w - QR_SIZE - pad / 2, y + (h - QR_SIZE) / 2)
