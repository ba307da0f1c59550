"""Which tokens outcome-api accepts: RS256 from the identity provider's JWKS in production, the
development HS256 secret only in development and test."""

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi.testclient import TestClient

from insikt_common.auth import mint_token
from insikt_common.messaging.memory_bus import InProcessBus
from outcome_api.config import Settings
from outcome_api.main import create_app

PSEUDONYM_KEY = "production-pseudonym-key-0123456789abcdef"
DEV_SECRET = "dev-only-auth-secret-never-in-production"


@pytest.fixture
def signing_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def jwks_url(signing_key: rsa.RSAPrivateKey) -> Iterator[str]:
    """The identity provider's JWKS with the public half of ``signing_key``, served on loopback."""
    public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(signing_key.public_key()))
    body = json.dumps({"keys": [{**public, "kid": "k1", "use": "sig", "alg": "RS256"}]}).encode()

    class Jwks(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Jwks)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/.well-known/jwks.json"
    server.shutdown()
    server.server_close()


@pytest.fixture
def production(database_file: Path, jwks_url: str) -> TestClient:
    """outcome-api as configured in production, trusting the provider's JWKS."""
    settings = Settings(
        environment="production",
        database_url=f"sqlite:///{database_file}",
        pseudonym_key=PSEUDONYM_KEY,
        auth_jwks_url=jwks_url,
        auth_issuer="https://idp.exempelby.se",
        auth_audience="insikt",
    )
    return TestClient(create_app(settings, InProcessBus()))


def provider_token(key: rsa.RSAPrivateKey, **overrides: object) -> str:
    now = int(time.time())
    claims = {
        "sub": "anna",
        "org": "exempelby",
        "roles": ["staff"],
        "units": ["U1"],
        "iss": "https://idp.exempelby.se",
        "aud": "insikt",
        "iat": now,
        "exp": now + 300,
        **overrides,
    }
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": "k1"})


def test_production_accepts_the_providers_rs256_tokens(production: TestClient, signing_key: rsa.RSAPrivateKey) -> None:
    with production as client:
        answer = client.get("/v1/instruments", headers={"Authorization": f"Bearer {provider_token(signing_key)}"})
    assert answer.status_code == 200


@pytest.mark.parametrize(
    "claims", [{"aud": "another-service"}, {"iss": "https://evil.example"}, {"exp": int(time.time()) - 60}]
)
def test_production_refuses_provider_tokens_for_another_audience_issuer_or_time(
    production: TestClient, signing_key: rsa.RSAPrivateKey, claims: dict[str, object]
) -> None:
    with production as client:
        token = provider_token(signing_key, **claims)
        assert client.get("/v1/instruments", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_production_refuses_development_tokens_and_other_keys(production: TestClient) -> None:
    dev = mint_token(DEV_SECRET, subject="x", organisation_id="exempelby", roles=["admin"])
    stranger = provider_token(rsa.generate_private_key(public_exponent=65537, key_size=2048))
    with production as client:
        for token in (dev, stranger):
            assert client.get("/v1/instruments", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_production_without_a_jwks_accepts_no_token_at_all(database_file: Path) -> None:
    settings = Settings(
        environment="production", database_url=f"sqlite:///{database_file}", pseudonym_key=PSEUDONYM_KEY
    )
    dev = mint_token(DEV_SECRET, subject="x", organisation_id="exempelby", roles=["admin"])
    with TestClient(create_app(settings, InProcessBus())) as client:
        assert client.get("/v1/instruments", headers={"Authorization": f"Bearer {dev}"}).status_code == 401
