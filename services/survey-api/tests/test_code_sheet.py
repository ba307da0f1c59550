"""The printable code sheet: one slip per code, each code in text and in its QR code."""

import base64
import re
import subprocess
import sys
import zlib

from fastapi.testclient import TestClient

from survey_api.access.sheet import code_sheet, code_url


def _page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


def _text(pdf: bytes) -> bytes:
    """The page content streams, decoded (reportlab writes them ASCII85 over Flate)."""
    out = b""
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", pdf, re.DOTALL):
        encoded = stream.strip().removesuffix(b"~>")
        try:
            out += zlib.decompress(base64.a85decode(encoded))
        except ValueError:
            out += stream
    return out


def test_each_code_gets_a_slip_with_its_text_and_ten_slips_fit_a_page() -> None:
    codes = [f"ABCD-EFGH-{n:04d}".replace("0", "2").replace("1", "3") for n in range(12)]
    pdf = code_sheet(codes, title="Våren 2026", unit_name="Vuxenenheten", respondent_url="https://x.se/svara")
    assert pdf.startswith(b"%PDF")
    assert _page_count(pdf) == 2
    content = _text(pdf)
    for code in codes:
        assert code.encode() in content


def test_the_qr_code_opens_the_survey_with_the_code_filled_in() -> None:
    assert code_url("https://x.se/svara", "K7QM-2XPA-9RTD") == "https://x.se/svara?code=K7QM-2XPA-9RTD"
    assert code_url("https://x.se/s?lang=en", "K7QM-2XPA-9RTD") == "https://x.se/s?lang=en&code=K7QM-2XPA-9RTD"


def test_the_sheet_endpoint_issues_codes_that_work(client: TestClient) -> None:
    questionnaire = client.post("/v1/questionnaires/examples/lss-lattlast").json()
    client.post(f"/v1/questionnaires/{questionnaire['id']}/publish")
    client.put("/v1/units/U1", json={"name": "Gruppbostaden", "type": "lss_boende", "municipality_code": "0580"})
    survey_round = client.post(
        "/v1/rounds",
        json={
            "title": "LSS 2026",
            "questionnaire_id": questionnaire["id"],
            "unit_ids": ["U1"],
            "opens_on": "2020-01-01",
            "closes_on": "2099-12-31",
        },
    ).json()
    sheet = client.post(f"/v1/rounds/{survey_round['id']}/units/U1/code-sheet", json={"count": 3})
    assert sheet.status_code == 201
    assert sheet.headers["content-type"] == "application/pdf"
    codes = re.findall(rb"[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}", _text(sheet.content))
    assert len(set(codes)) == 3
    assert client.post("/v1/access", json={"code": codes[0].decode()}).status_code == 200
    [row] = client.get(f"/v1/rounds/{survey_round['id']}/participation").json()
    assert row["codes_issued"] == 3


def test_a_worker_loads_the_pdf_library_only_when_a_sheet_is_asked_for() -> None:
    """reportlab and Pillow add about 9 MB to every worker process; few requests print codes."""
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, survey_api.main; print(sorted({'reportlab', 'PIL'} & set(sys.modules)))"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert loaded.stdout.strip() == "[]"
