"""The respondent page: served without cookies, kept out of caches and referrers, code out of the URL."""

from fastapi.testclient import TestClient


def test_the_page_sets_no_cookie_and_leaks_no_code(client: TestClient) -> None:
    page = client.get("/answer?code=K7QM-2XPA-9RTD", headers={"Authorization": ""})
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "set-cookie" not in page.headers
    assert page.headers["referrer-policy"] == "no-referrer"
    assert page.headers["cache-control"] == "no-store"
    assert "default-src 'none'" in page.headers["content-security-policy"]
    html = page.text
    assert "K7QM-2XPA-9RTD" not in html
    assert 'history.replaceState(null, "", location.pathname)' in html
    assert "/v1/access" in html and "/v1/responses" in html
    assert "localStorage" not in html and "document.cookie" not in html


def test_the_page_sends_the_same_request_again_when_the_service_is_busy(client: TestClient) -> None:
    html = client.get("/answer", headers={"Authorization": ""}).text
    assert "response.status !== 503" in html and 'headers.get("retry-after")' in html
    # Every POST goes through the retrying helper, and a response keeps its one submission id.
    assert html.count("await fetch(") == 1
    assert html.count("crypto.randomUUID()") == 1
