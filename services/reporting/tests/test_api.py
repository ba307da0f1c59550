"""The reports over HTTP on SQLite and the in-process bus: access, CSV beside JSON, publication,
Kolada benchmarks and the rebuild endpoint."""

import csv
import io
import re
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from insikt_common.auth import mint_token
from insikt_common.contracts.catalogue import UNIT_UPSERTED, key_of, spec_for_type
from insikt_common.contracts.envelope import CloudEvent
from insikt_common.contracts.survey import QuestionDefinition, UnitUpserted
from insikt_common.contracts.units import UnitRef
from insikt_common.messaging.bus import OutgoingMessage
from insikt_common.messaging.memory_bus import InProcessBus
from insikt_common.migrations import upgrade
from reporting.config import Settings
from reporting.main import create_app
from reporting.prestart import MIGRATIONS
from tests.integration.events import (
    GENDER,
    SCALE,
    event,
    participant_joined,
    questionnaire_published,
    response,
    round_opened,
)

SECRET = "test-auth-secret-0123456789abcdef0123456789"
ORG = "org-a"
ROUND = str(uuid.uuid4())
PREVIOUS = str(uuid.uuid4())
UNIT = UnitRef(id="0580-A", name="Enhet Å", type="ifo_vuxen", municipality_code="0580", organisation_id=ORG)
OTHER = UnitRef(id="0580-B", name="Enhet B", type="ifo_vuxen", municipality_code="0580", organisation_id=ORG)


def bearer(roles: list[str], organisation_id: str = ORG, units: list[str] | None = None) -> dict[str, str]:
    token = mint_token(SECRET, subject="t", organisation_id=organisation_id, roles=roles, unit_ids=units or [])
    return {"Authorization": f"Bearer {token}"}


ADMIN = bearer(["admin"])


def _publish(bus: InProcessBus, events: list[CloudEvent]) -> None:
    messages = []
    for e in events:
        spec = spec_for_type(e.type)
        messages.append(
            OutgoingMessage(topic=spec.topic, key=key_of(spec, spec.payload.model_validate(e.data)), value=e.to_bytes())
        )
    bus.publish(messages)


@contextmanager
def _serving(tmp_path: Path, events: list[CloudEvent], ready: str) -> Iterator[TestClient]:
    """Reporting on SQLite with ``events`` applied (once ``ready`` answers 200)."""
    url = f"sqlite:///{tmp_path / 'reporting.db'}"
    upgrade(MIGRATIONS, url)
    bus = InProcessBus()
    app = create_app(Settings(environment="test", database_url=url, auth_dev_secret=SECRET, rebuild_quiet_s=0.5), bus)
    with TestClient(app) as client:
        _publish(bus, events)
        deadline = time.monotonic() + 10
        while client.get(ready, headers=ADMIN).status_code != 200:
            assert time.monotonic() < deadline, "events not applied"
            time.sleep(0.05)
        yield client


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    items = [
        QuestionDefinition(link_id="bemotande", kind="choice", text_sv="Bemötande", area="bemotande", options=SCALE)
    ]
    events = [
        questionnaire_published("q-api", items),
        event(UNIT_UPSERTED, UnitUpserted(unit=UNIT)),
        round_opened(ROUND, "q-api", [UNIT.id, OTHER.id], organisation_id=ORG),
    ]
    events += [response(ROUND, UNIT, {"bemotande": "1"}, "q-api") for _ in range(6)]
    events += [response(ROUND, UNIT, {"bemotande": "3", "kommentar": "text:Trevligt bemötande"}, "q-api")] * 1
    events += [response(ROUND, UNIT, {"bemotande": "3"}, "q-api") for _ in range(4)]
    events += [response(ROUND, OTHER, {"bemotande": "2"}, "q-api") for _ in range(7)]
    # The year before: five answers, all positive.
    events += [round_opened(PREVIOUS, "q-api", [UNIT.id], organisation_id=ORG, opens_on=date(2025, 3, 1))]
    events += [response(PREVIOUS, UNIT, {"bemotande": "2"}, "q-api") for _ in range(5)]
    with _serving(tmp_path, events, f"/v1/reports/surveys/{ROUND}/units/{OTHER.id}") as client:
        yield client


def _unit_report(client: TestClient, headers: dict[str, str] | None = None) -> Any:
    response = client.get(f"/v1/reports/surveys/{ROUND}/units/{UNIT.id}", headers=headers or {})
    assert response.status_code == 200, response.text
    return response.json()


def test_each_role_sees_what_it_may_and_nothing_else_exists_for_it(client: TestClient) -> None:
    path = f"/v1/reports/surveys/{ROUND}/units/{UNIT.id}"
    assert client.get(path).status_code == 404
    assert client.get(path, headers=bearer(["analyst"], organisation_id="org-b")).status_code == 404
    assert client.get(path, headers=bearer(["manager"], units=[OTHER.id])).status_code == 404
    assert client.get(path, headers=bearer(["manager"], units=[UNIT.id])).status_code == 200
    assert client.get(path, headers=bearer(["analyst"])).status_code == 200
    roll_up = f"/v1/reports/surveys/{ROUND}/municipalities/0580"
    assert client.get(roll_up, headers=bearer(["manager"], units=[UNIT.id])).status_code == 404
    assert client.get(roll_up, headers=bearer(["analyst"])).status_code == 200
    assert client.get(f"/v1/reports/outcomes/units/{UNIT.id}").status_code == 401
    listed = client.get("/v1/reports/surveys", headers=bearer(["manager"], units=[UNIT.id])).json()
    assert {row["unit_id"] for row in listed} == {UNIT.id} and len(listed) == 2
    assert client.get("/v1/reports/surveys").json() == []


def test_a_unit_breakdown_that_would_give_a_neighbours_small_group_away_is_withheld(tmp_path: Path) -> None:
    # X: 10 women, 3 men (withheld); Y: 10 and 10. Their municipality shows 20 and 13: beside
    # it, Y's breakdown would give X's 3 men away, so Y's goes too.
    x, y = (UnitRef(id=f"0581-{n}", name=n, type="hvb", municipality_code="0581", organisation_id=ORG) for n in "XY")
    items = [
        QuestionDefinition(link_id="bemotande", kind="choice", text_sv="Bemötande", options=SCALE),
        QuestionDefinition(link_id="kon", kind="background_gender", text_sv="Kön", options=GENDER),
    ]
    events = [questionnaire_published("q-kon", items), round_opened(ROUND, "q-kon", [x.id, y.id], organisation_id=ORG)]
    for unit, men in ((x, 3), (y, 10)):
        events += [response(ROUND, unit, {"kon": "K", "bemotande": "1"}, "q-kon") for _ in range(10)]
        events += [response(ROUND, unit, {"kon": "M", "bemotande": "2"}, "q-kon") for _ in range(men)]
    with _serving(tmp_path, events, f"/v1/reports/surveys/{ROUND}/units/{y.id}") as client:

        def breakdowns(path: str) -> list[Any]:
            report = client.get(f"/v1/reports/surveys/{ROUND}/{path}", headers=ADMIN).json()
            return list(report["questions"][0]["breakdowns"])

        assert breakdowns(f"units/{x.id}") == []
        assert breakdowns(f"units/{y.id}") == []
        [by_gender] = breakdowns("municipalities/0581")
        assert [(g["answer"], g["n"]) for g in by_gender["groups"]] == [("K", 20), ("M", 13)]


def test_an_outcome_report_covers_all_time_or_one_calendar_year(client: TestClient) -> None:
    path = f"/v1/reports/outcomes/units/{UNIT.id}"
    assert client.get(path, headers=ADMIN).json()["year"] is None
    assert client.get(path, params={"year": 2026}, headers=ADMIN).json()["year"] == 2026
    refused = client.get(path, params={"year": "2026-01-01"}, headers=ADMIN)
    assert refused.status_code == 422 and refused.json()["detail"][0]["field"] == "query.year"


def test_a_published_round_is_readable_without_a_token_still_suppressed_and_without_comments(
    client: TestClient,
) -> None:
    with_token = _unit_report(client, ADMIN)
    assert with_token["comments"] == [{"link_id": "kommentar", "text": None, "comments": ["Trevligt bemötande"]}]
    update = client.put(f"/v1/reports/surveys/{ROUND}/publication", json={"public": True}, headers=bearer(["analyst"]))
    assert update.status_code == 403
    assert (
        client.put(f"/v1/reports/surveys/{ROUND}/publication", json={"public": True}, headers=ADMIN).status_code == 200
    )
    public = _unit_report(client)
    assert public["round"]["public"] is True
    assert public["comments"] is None and public["comments_withheld"] == "public report"
    assert public["questions"] == with_token["questions"]
    assert client.get(f"/v1/reports/surveys/{ROUND}/municipalities/0580").status_code == 200


def test_csv_has_a_bom_and_the_same_numbers_as_the_json_with_either_separator(client: TestClient) -> None:
    report = _unit_report(client, ADMIN)
    bemotande = report["questions"][0]
    # 6 of 11 answers positive: 54.5 %, Wilson 28.0–78.7; the 4 + 1 "3" answers are 5, shown.
    assert bemotande["share_positive"]["percent"] == 54.5
    assert bemotande["share_positive"]["interval"] == {"low": 28.0, "high": 78.7}
    for sep, decimal in ((",", "."), (";", ",")):
        response = client.get(f"/v1/reports/surveys/{ROUND}/units/{UNIT.id}/csv", params={"sep": sep}, headers=ADMIN)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/csv")
        assert response.content.startswith("\ufeff".encode())
        rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=sep))
        share = next(
            r
            for r in rows
            if r["item"] == "bemotande" and r["measure"] == "share_positive_percent" and r["section"] == "question"
        )
        assert share["value"] == str(bemotande["share_positive"]["percent"]).replace(".", decimal)
        assert share["low"] == str(bemotande["share_positive"]["interval"]["low"]).replace(".", decimal)
        counts = {
            r["answer"]: r["value"]
            for r in rows
            if r["item"] == "bemotande" and r["measure"] == "count" and r["section"] == "question"
        }
        assert counts == {row["answer"]: str(row["count"]["value"]) for row in bemotande["answers"]}


def test_kolada_benchmarks_are_shown_beside_the_internal_ones(client: TestClient) -> None:
    kolada = {
        "values": [
            {
                "kpi": "U79150",
                "municipality": "0000",
                "period": 2026,
                "values": [{"gender": "T", "count": 400, "status": "", "value": 95.0}],
            },
            {
                "kpi": "U79150",
                "municipality": "0580",
                "period": 2026,
                "values": [
                    {"gender": "T", "count": None, "status": "", "value": 70.0},
                    {"gender": "K", "count": None, "status": "Missing", "value": None},
                ],
            },
        ]
    }
    assert client.post("/v1/benchmarks/kolada", json=kolada, headers=bearer(["analyst"])).status_code == 403
    imported = client.post("/v1/benchmarks/kolada", json=kolada, headers=ADMIN)
    assert imported.json() == {"figures": 3, "kpis": ["U79150"]}
    assert client.post("/v1/benchmarks/kolada", json={"values": [{"kpi": "x"}]}, headers=ADMIN).status_code == 422
    mapped = client.put("/v1/benchmarks/mappings/q-api/bemotande", json={"kpi": "U79150"}, headers=ADMIN)
    assert mapped.status_code == 200
    comparisons = {c["level"]: c for c in _unit_report(client, ADMIN)["questions"][0]["comparisons"]}
    riket = comparisons["kolada_riket"]
    # 6 of 11 = 54.5 % (Wilson 28.0–78.7) against Kolada's 95 % of 400 (Wilson 92.4–96.7): −40.5 points, apart.
    assert riket["share_positive"]["percent"] == 95.0
    assert riket["share_positive"]["interval"] == {"low": 92.4, "high": 96.7}
    assert riket["difference"] == {"points": -40.5, "intervals_disjoint": True}
    municipality = comparisons["kolada_municipality"]
    assert municipality["share_positive"]["interval"] is None
    assert municipality["difference"] == {"points": -15.5, "intervals_disjoint": False}
    assert "unit_type" in comparisons and "riket" in comparisons


def test_change_since_the_previous_round_of_the_same_questionnaire(client: TestClient) -> None:
    comparisons = {c["level"]: c for c in _unit_report(client, ADMIN)["questions"][0]["comparisons"]}
    previous = comparisons["previous_round"]
    assert previous["key"] == PREVIOUS and previous["label"] == "Omgång 2025"
    # 54.5 % now against 5 of 5 = 100 % (Wilson 56.6–100) then: −45.5 points, the intervals overlap.
    assert previous["share_positive"]["percent"] == 100.0
    assert previous["difference"] == {"points": -45.5, "intervals_disjoint": False}
    assert "riket" in comparisons and comparisons["riket"]["n"]["value"] == 18  # this year's rounds only


def test_the_rebuild_endpoint_gives_the_same_reports(client: TestClient) -> None:
    before = _unit_report(client, ADMIN)
    assert client.post("/v1/admin/rebuild", headers=bearer(["analyst"])).status_code == 403
    rebuilt = client.post("/v1/admin/rebuild", headers=ADMIN)
    assert rebuilt.status_code == 200 and rebuilt.json()["events_read"] >= 27
    assert _unit_report(client, ADMIN) == before


def test_every_report_and_export_is_in_the_openapi_document(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in (
        "/v1/reports/surveys/{round_id}/units/{unit_id}",
        "/v1/reports/surveys/{round_id}/units/{unit_id}/csv",
        "/v1/reports/surveys/{round_id}/{roll_up}/{key}",
        "/v1/reports/surveys/{round_id}/{roll_up}/{key}/csv",
        "/v1/reports/outcomes/units/{unit_id}",
        "/v1/reports/outcomes/units/{unit_id}/csv",
        "/v1/benchmarks/kolada",
        "/v1/admin/rebuild",
    ):
        assert path in paths, path
    csv_ok = paths["/v1/reports/surveys/{round_id}/units/{unit_id}/csv"]["get"]["responses"]["200"]["content"]
    assert "text/csv" in csv_ok


def test_programmes_that_share_a_participant_do_not_give_that_participant_away(tmp_path: Path) -> None:
    """Everyone at the unit is in a programme and one participant is in both: the two programmes'
    counts added up, minus the unit's, would single that participant out."""
    hvb = UnitRef(id="0580-HVB", name="HVB", type="hvb", municipality_code="0580", organisation_id=ORG)
    events = [e for n in range(10) for e in participant_joined(f"p{n}", hvb, "hvb")]
    events += [e for n in range(10, 19) for e in participant_joined(f"p{n}", hvb, "eftervård")]
    events += [*participant_joined("p19", hvb, "hvb"), *participant_joined("p19", hvb, "eftervård", registered=False)]
    path = f"/v1/reports/outcomes/units/{hvb.id}"
    with _serving(tmp_path, events, path) as client:
        assert client.get(path, headers=ADMIN).json()["participants"] == {"value": 20, "suppressed": None}
        for programme in ("hvb", "eftervård"):
            report = client.get(path, params={"programme": programme}, headers=ADMIN).json()
            assert report["participants"] == {"value": None, "suppressed": "withheld"}, programme
        refused = client.get(path, params={"programme": "*"}, headers=ADMIN)  # all programmes: compared, not shown
        assert refused.status_code == 422 and refused.json()["detail"][0]["field"] == "query.programme"


def test_the_printable_page_has_the_numbers_of_the_json_and_withholds_the_same(client: TestClient) -> None:
    for path, headers in ((f"units/{UNIT.id}", ADMIN), ("municipalities/0580", ADMIN)):
        report = client.get(f"/v1/reports/surveys/{ROUND}/{path}", headers=headers).json()
        page = client.get(f"/v1/reports/surveys/{ROUND}/{path}/html", headers=headers)
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert "default-src 'none'" in page.headers["content-security-policy"]
        shown = dict(re.findall(r"<tr><td>([^<]*)</td><td class=num>([^<]*)</td></tr>", page.text))
        for question in report["questions"]:
            for row in question["answers"]:
                count = row["count"]
                assert shown[row["label"] or row["answer"]] == ("x" if count["suppressed"] else str(count["value"]))
            share = question["share_positive"]
            if share["percent"] is not None:
                assert f"{share['percent']:.1f} %".replace(".", ",") in page.text
        for unit in report["units"]:
            responses = unit["responses"]
            assert shown[unit["unit_name"]] == ("x" if responses["suppressed"] else str(responses["value"]))
    assert client.get(f"/v1/reports/surveys/{ROUND}/units/{UNIT.id}/html").status_code == 404


def test_the_printable_page_shows_what_people_wrote_as_text_never_as_markup_and_small_counts_as_x(
    tmp_path: Path,
) -> None:
    items = [QuestionDefinition(link_id="bemotande", kind="choice", text_sv="<i>Bemötande</i>", options=SCALE)]
    written = '<script>alert("x")</script> & <img src=x onerror=alert(1)>'
    # 0580: 8 + 5 + 2 responses. OTHER's 2 is withheld, and the third unit's 5 beside it.
    third = UnitRef(id="0580-C", name="Enhet C", type="ifo_vuxen", municipality_code="0580", organisation_id=ORG)
    units = [UNIT.id, OTHER.id, third.id]
    events = [questionnaire_published("q-html", items), round_opened(ROUND, "q-html", units, organisation_id=ORG)]
    events += [response(ROUND, UNIT, {"bemotande": "1", "kommentar": f"text:{written}"}, "q-html") for _ in range(8)]
    events += [response(ROUND, third, {"bemotande": "1"}, "q-html") for _ in range(5)]
    events += [response(ROUND, OTHER, {"bemotande": "1"}, "q-html") for _ in range(2)]
    path = f"/v1/reports/surveys/{ROUND}/units/{UNIT.id}"
    with _serving(tmp_path, events, f"/v1/reports/surveys/{ROUND}/units/{OTHER.id}") as client:
        assert client.get(path, headers=ADMIN).json()["comments"][0]["comments"] == [written] * 8
        page = client.get(f"{path}/html", headers=ADMIN).text
        small = client.get(f"/v1/reports/surveys/{ROUND}/units/{OTHER.id}", headers=ADMIN).json()
        small_page = client.get(f"/v1/reports/surveys/{ROUND}/units/{OTHER.id}/html", headers=ADMIN).text
        roll_up_page = client.get(f"/v1/reports/surveys/{ROUND}/municipalities/0580/html", headers=ADMIN).text
    assert "<script" not in page and "<img" not in page and "<i>" not in page
    assert page.count("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img src=x") == 8
    assert "&lt;i&gt;Bemötande&lt;/i&gt;" in page
    assert small["responses"] == {"value": None, "suppressed": "withheld"}
    assert "Svar: x" in small_page and "Svar: 2" not in small_page
    assert f"<tr><td>{OTHER.name}</td><td class=num>x</td></tr>" in roll_up_page
    assert "Kommentarer visas inte när enhetens antal svar inte redovisas." in small_page


def test_the_printable_outcome_page_has_the_numbers_of_the_json_and_withholds_the_same(tmp_path: Path) -> None:
    hvb = UnitRef(id="0580-HVB", name="HVB <Norr>", type="hvb", municipality_code="0580", organisation_id=ORG)
    events = [e for n in range(8) for e in participant_joined(f"p{n}", hvb, "hvb")]
    events += [e for n in range(8, 10) for e in participant_joined(f"p{n}", hvb, "eftervård")]
    path = f"/v1/reports/outcomes/units/{hvb.id}"
    with _serving(tmp_path, events, path) as client:
        for programme, participants in ((None, "10"), ("hvb", "x"), ("eftervård", "x")):
            params = {"programme": programme} if programme else {}
            report = client.get(path, params=params, headers=ADMIN).json()
            page = client.get(f"{path}/html", params=params, headers=ADMIN)
            assert page.status_code == 200 and "default-src 'none'" in page.headers["content-security-policy"]
            assert _count_shown(report["participants"]) == participants
            assert f"Deltagare: {participants}</p>" in page.text
            shown = dict(re.findall(r"<tr><td>([^<]*)</td><td class=num>([^<]*)</td></tr>", page.text))
            assert shown["Avslutade"] == _count_shown(report["endings"]["ended"])
            assert shown["Deltagare med skattade mål"] == _count_shown(report["goals"]["participants"])
            assert "HVB &lt;Norr&gt;" in page.text and "HVB <Norr>" not in page.text
        assert client.get(f"{path}/html").status_code == 401


def _count_shown(cell: dict[str, Any]) -> str:
    return "x" if cell["suppressed"] else str(cell["value"])
