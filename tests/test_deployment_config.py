"""The deployment files agree with each other and with the code they deploy.

docker-compose.yml, the services' Dockerfiles, the PostgreSQL init SQL (deploy/postgres) and the
Kubernetes manifests (deploy/kubernetes) are read as files and checked against each service's
Settings class, console scripts and app factory. No Docker engine and no network: a disagreement
found here is a container that would not start, or one that starts with a setting it ignores.
"""

import importlib
import json
import os
import re
import secrets
import shlex
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from pydantic import ValidationError
from sqlalchemy import make_url

from insikt_common.settings import ServiceSettings

ROOT = Path(__file__).resolve().parents[1]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERIGNORE = ROOT / ".dockerignore"
POSTGRES_INIT = ROOT / "deploy" / "postgres"
KUBERNETES = ROOT / "deploy" / "kubernetes"
INITDB_DIR = "/docker-entrypoint-initdb.d"

DEPLOYMENT_FIELDS = ("environment", "database_url", "bus", "kafka_bootstrap_servers")
"""Fields whose defaults suit only development (SQLite, in-process bus): a deployment sets them."""


@dataclass(frozen=True)
class Service:
    name: str
    """The folder under services/, the compose service and the Kubernetes Deployment."""
    package: str

    def __str__(self) -> str:
        return self.name

    @property
    def config(self) -> ModuleType:
        return importlib.import_module(f"{self.package}.config")

    @property
    def settings(self) -> type[ServiceSettings]:
        settings: type[ServiceSettings] = self.config.Settings
        return settings

    @property
    def prefix(self) -> str:
        return str(self.settings.model_config["env_prefix"])

    @property
    def schema(self) -> str:
        return str(self.config.SCHEMA)

    @property
    def dockerfile(self) -> Path:
        return ROOT / "services" / self.name / "Dockerfile"

    @property
    def pyproject(self) -> dict[str, Any]:
        return tomllib.loads((ROOT / "services" / self.name / "pyproject.toml").read_text())


SERVICES = [
    Service("survey-api", "survey_api"),
    Service("outcome-api", "outcome_api"),
    Service("reporting", "reporting"),
]

per_service = pytest.mark.parametrize("service", SERVICES, ids=str)


# --- docker-compose.yml ---------------------------------------------------------------------------

_INTERPOLATION = re.compile(
    r"\$(?:(?P<escaped>\$)|\{(?P<braced>\w+)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}|(?P<bare>[A-Za-z_]\w*))"
)


def interpolate(value: str, env: Mapping[str, str]) -> str:
    """Compose's ``$VAR``, ``${VAR}``, ``${VAR:-default}``, ``${VAR-default}``, ``${VAR:?error}`` and ``$$``."""

    def replace(match: re.Match[str]) -> str:
        if match["escaped"]:
            return "$"
        name = match["braced"] or match["bare"]
        op = match["op"] or ""
        if name in env and (env[name] or not op.startswith(":")):
            return env[name]
        if op.endswith("?"):
            pytest.fail(f"docker-compose.yml needs {name} to be set: {match['arg']}")
        return match["arg"] if op.endswith("-") else ""

    return _INTERPOLATION.sub(replace, value)


@cache
def compose() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(COMPOSE_FILE.read_text())
    return document


def compose_service(name: str) -> dict[str, Any]:
    services: dict[str, Any] = compose()["services"]
    assert name in services, f"docker-compose.yml has no service {name!r} (it has {sorted(services)})"
    service: dict[str, Any] = services[name]
    return service


def compose_service_by_image(image: str) -> str:
    """The name of the compose service running ``image`` (e.g. ``postgres``, ``apache/kafka``)."""
    names = [str(name) for name, spec in compose()["services"].items() if str(spec.get("image", "")).startswith(image)]
    assert len(names) == 1, f"docker-compose.yml should run exactly one {image} service, found {names}"
    return names[0]


def raw_environment(name: str) -> dict[str, str]:
    """A compose service's environment as written (mapping or list form), before interpolation."""
    environment = compose_service(name).get("environment") or {}
    if isinstance(environment, list):
        environment = dict(item.split("=", 1) if "=" in item else (item, "") for item in environment)
    return {
        str(key): "" if value is None else str(value).lower() if isinstance(value, bool) else str(value)
        for key, value in environment.items()
    }


def run_variables() -> dict[str, str]:
    """What an operator exports before ``docker compose up``: a fresh secret for every required variable."""
    required = set(re.findall(r"\$\{(\w+):?\?", COMPOSE_FILE.read_text()))
    return {name: secrets.token_urlsafe(32) for name in required}


def environment(name: str, variables: Mapping[str, str] | None = None) -> dict[str, str]:
    """A compose service's environment as its container sees it."""
    env = run_variables() if variables is None else variables
    return {key: interpolate(value, env) for key, value in raw_environment(name).items()}


def container_port(spec: str | int | dict[str, Any]) -> int:
    if isinstance(spec, dict):
        return int(spec["target"])
    return int(str(spec).split("/")[0].rsplit(":", 1)[-1])


def published_port(spec: str | int | dict[str, Any]) -> str:
    if isinstance(spec, dict):
        return str(spec.get("published", ""))
    parts = str(spec).split("/")[0].split(":")
    return parts[-2] if len(parts) >= 2 else ""


# --- Dockerfiles ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Instruction:
    keyword: str
    arguments: str


def instructions(dockerfile: Path) -> list[Instruction]:
    found: list[Instruction] = []
    pending = ""
    for line in dockerfile.read_text().splitlines():
        stripped = line.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        keyword, _, arguments = (pending + stripped).partition(" ")
        found.append(Instruction(keyword.upper(), arguments.strip()))
        pending = ""
    return found


def the_instruction(service: Service, keyword: str) -> Instruction:
    matching = [i for i in instructions(service.dockerfile) if i.keyword == keyword]
    assert len(matching) == 1, f"{service.dockerfile.relative_to(ROOT)} should have one {keyword}, has {len(matching)}"
    return matching[0]


def exec_form(service: Service, keyword: str, arguments: str) -> list[str]:
    try:
        command = json.loads(arguments)
    except json.JSONDecodeError:
        command = None
    assert isinstance(command, list) and all(isinstance(part, str) for part in command), (
        f"{service.dockerfile.relative_to(ROOT)}: {keyword} should be in exec form (a JSON array), is {arguments!r}"
    )
    return command


def start_steps(service: Service) -> list[list[str]]:
    """The CMD's ``sh -c`` script, split into its ``&&`` steps."""
    command = exec_form(service, "CMD", the_instruction(service, "CMD").arguments)
    assert command[:2] == ["sh", "-c"] and len(command) == 3, (
        f"{service.dockerfile.relative_to(ROOT)}: CMD should be ['sh', '-c', '<prestart> && exec <server> …'], "
        f"is {command}"
    )
    return [shlex.split(step) for step in command[2].split("&&")]


def server_command(service: Service) -> tuple[str, list[str]]:
    """The server the CMD ends with (uvicorn, or a console script of the service's own) and its arguments."""
    last = start_steps(service)[-1]
    assert last[:1] == ["exec"] and len(last) > 1, (
        f"{service.dockerfile.relative_to(ROOT)}: the CMD should end with 'exec <server> …' (exec, so the "
        f"server gets the stop signal), ends with {shlex.join(last)!r}"
    )
    return last[1], last[2:]


def console_scripts(service: Service) -> dict[str, str]:
    """The service's ``[project.scripts]``: command name → ``module:function``."""
    scripts: dict[str, str] = service.pyproject["project"].get("scripts", {})
    return scripts


def option(arguments: list[str], name: str) -> str | None:
    for i, argument in enumerate(arguments):
        if argument == name and i + 1 < len(arguments):
            return arguments[i + 1]
        if argument.startswith(f"{name}="):
            return argument.split("=", 1)[1]
    return None


def cmd_port(service: Service) -> int:
    server, arguments = server_command(service)
    port = option(arguments, "--port")
    assert port is not None, f"{service.dockerfile.relative_to(ROOT)}: {server} in CMD has no --port"
    return int(port)


def healthcheck_url(service: Service) -> str:
    arguments = the_instruction(service, "HEALTHCHECK").arguments
    _, separator, command = arguments.partition("CMD ")
    assert separator, f"{service.dockerfile.relative_to(ROOT)}: HEALTHCHECK has no CMD: {arguments!r}"
    urls: list[str] = re.findall(r"https?://[^\s'\"]+", " ".join(exec_form(service, "HEALTHCHECK", command)))
    assert len(urls) == 1, f"{service.dockerfile.relative_to(ROOT)}: HEALTHCHECK should request one URL, has {urls}"
    return urls[0]


def _pattern_regex(pattern: str) -> re.Pattern[str]:
    regex, i = "", 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            regex, i = regex + "(?:.*/)?", i + 3
        elif pattern.startswith("**", i):
            regex, i = regex + ".*", i + 2
        elif pattern[i] == "*":
            regex, i = regex + "[^/]*", i + 1
        elif pattern[i] == "?":
            regex, i = regex + "[^/]", i + 1
        elif pattern[i] == "[":
            end = pattern.index("]", i)
            regex, i = regex + pattern[i : end + 1], end + 1
        else:
            regex, i = regex + re.escape(pattern[i]), i + 1
    return re.compile(regex)


def dockerignore_of(service: Service) -> Path:
    """BuildKit prefers ``<Dockerfile>.dockerignore`` beside the Dockerfile to the context's own."""
    beside = service.dockerfile.with_name(f"{service.dockerfile.name}.dockerignore")
    return beside if beside.exists() else DOCKERIGNORE


def dockerignored(service: Service, path: str) -> bool:
    """Whether ``path`` stays out of the service's build context (a matching parent counts; last match wins)."""
    ignore_file = dockerignore_of(service)
    if not ignore_file.exists():
        return False
    parents = ["/".join(path.split("/")[: n + 1]) for n in range(path.count("/") + 1)]
    ignored = False
    for pattern in (line.strip() for line in ignore_file.read_text().splitlines()):
        if not pattern or pattern.startswith("#"):
            continue
        negated = pattern.startswith("!")
        regex = _pattern_regex(pattern.removeprefix("!").strip().strip("/"))
        if any(regex.fullmatch(parent) for parent in parents):
            ignored = not negated
    return ignored


# --- deploy/postgres ------------------------------------------------------------------------------


@cache
def init_sql() -> str:
    files = sorted(POSTGRES_INIT.glob("*.sql"))
    assert files, f"no init SQL in {POSTGRES_INIT.relative_to(ROOT)}"
    text = "\n".join(path.read_text() for path in files)
    return re.sub(r"--[^\n]*", "", text)


def schema_owners() -> dict[str, str]:
    return dict(re.findall(r"CREATE\s+SCHEMA\s+(\w+)\s+AUTHORIZATION\s+(\w+)", init_sql(), re.IGNORECASE))


def role_password_variables() -> dict[str, str]:
    """Role -> the environment variable its password comes from (``\\getenv`` into a psql variable)."""
    psql_variable_of_role = dict(
        re.findall(r"CREATE\s+ROLE\s+(\w+)[^;]*?PASSWORD\s+:'(\w+)'", init_sql(), re.IGNORECASE)
    )
    env_of_psql_variable = dict(re.findall(r"\\getenv\s+(\w+)\s+(\w+)", init_sql()))
    return {role: env_of_psql_variable.get(variable, "") for role, variable in psql_variable_of_role.items()}


# --- deploy/kubernetes ----------------------------------------------------------------------------


def kubernetes_container(service: Service) -> dict[str, Any]:
    path = KUBERNETES / f"{service.name}.yaml"
    assert path.exists(), f"{path.relative_to(ROOT)} is missing"
    deployments = [
        d
        for d in yaml.safe_load_all(path.read_text())
        if d and d["kind"] == "Deployment" and d["metadata"]["name"] == service.name
    ]
    assert len(deployments) == 1, f"{path.relative_to(ROOT)} should hold one Deployment named {service.name}"
    containers = deployments[0]["spec"]["template"]["spec"]["containers"]
    named = [c for c in containers if c["name"] == service.name]
    assert len(named) == 1, f"{path.relative_to(ROOT)}: the Deployment should have one container named {service.name}"
    container: dict[str, Any] = named[0]
    return container


# --- Settings -------------------------------------------------------------------------------------


def assert_real_settings(service: Service, names: list[str], where: str) -> None:
    """Every prefixed variable is a field of the service's Settings; no variable of another service."""
    fields = service.settings.model_fields
    for name in names:
        for other in SERVICES:
            if other != service and name.startswith(other.prefix):
                pytest.fail(f"{where} sets {name} for {service}, but that is a variable of {other} ({other.prefix}*)")
        if name.startswith(service.prefix):
            field = name.removeprefix(service.prefix).lower()
            assert field in fields, (
                f"{where} sets {name} for {service}, but {service.package}.config.Settings has no field {field!r}: "
                f"the service would ignore it (fields: {', '.join(sorted(fields))})"
            )


def assert_deployment_fields_set(service: Service, names: list[str], where: str) -> None:
    required = [name for name, field in service.settings.model_fields.items() if field.is_required()]
    for field in [*required, *DEPLOYMENT_FIELDS]:
        variable = f"{service.prefix}{field.upper()}"
        why = "it has no default" if field in required else "its default is only for development"
        assert variable in names, f"{where} does not set {variable} for {service}, and {why}"


# --- compose and Settings -------------------------------------------------------------------------


@per_service
def test_compose_sets_only_real_settings(service: Service) -> None:
    assert_real_settings(service, list(raw_environment(service.name)), "docker-compose.yml")


@per_service
def test_compose_sets_every_setting_a_deployment_needs(service: Service) -> None:
    assert_deployment_fields_set(service, list(raw_environment(service.name)), "docker-compose.yml")


@per_service
def test_settings_accept_the_compose_environment(service: Service, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.upper().startswith(service.prefix):
            monkeypatch.delenv(name)
    for name, value in environment(service.name).items():
        monkeypatch.setenv(name, value)
    try:
        settings = service.settings()
    except ValidationError as error:
        pytest.fail(f"{service} would not start with the environment docker-compose.yml gives it:\n{error}")
    assert (settings.environment, settings.bus) == ("production", "kafka"), (
        f"docker-compose.yml runs {service} with environment={settings.environment!r}, bus={settings.bus!r}; "
        "expected production on Kafka"
    )


# --- Dockerfiles, console scripts, app factories --------------------------------------------------


@per_service
def test_image_migrates_with_the_services_own_prestart_before_serving(service: Service) -> None:
    steps = start_steps(service)
    assert len(steps) == 2 and len(steps[0]) == 1, (
        f"{service.dockerfile.relative_to(ROOT)}: CMD should run exactly '<prestart> && exec <server> …', "
        f"runs {[shlex.join(step) for step in steps]}"
    )
    script = steps[0][0]
    scripts = console_scripts(service)
    assert script in scripts, (
        f"{service.dockerfile.relative_to(ROOT)}: CMD runs {script!r}, which services/{service.name}/pyproject.toml "
        f"does not declare in [project.scripts] (it declares {sorted(scripts)})"
    )
    module_name, _, function_name = scripts[script].partition(":")
    assert module_name.split(".")[0] == service.package, (
        f"{script} runs {scripts[script]}, which is not {service}'s own prestart"
    )
    assert callable(getattr(importlib.import_module(module_name), function_name, None)), (
        f"[project.scripts] {script} = {scripts[script]!r}, but {module_name} has no callable {function_name!r}"
    )


@per_service
def test_image_serves_the_app_factory(service: Service) -> None:
    server, arguments = server_command(service)
    dockerfile = service.dockerfile.relative_to(ROOT)
    assert option(arguments, "--host") == "0.0.0.0", (
        f"{dockerfile}: {server} listens on {option(arguments, '--host')!r}, "
        "unreachable from outside the container; use --host 0.0.0.0"
    )
    if server != "uvicorn":
        # The service's own server (survey-api-serve): it builds the app with the factory and turns
        # uvicorn's access log off itself.
        scripts = console_scripts(service)
        assert server in scripts and scripts[server].startswith(f"{service.package}."), (
            f"{dockerfile}: CMD serves with {server!r}, neither uvicorn nor a console script of {service}"
        )
        return
    target = arguments[0]
    module_name, _, factory_name = target.partition(":")
    assert module_name.split(".")[0] == service.package, f"{service.dockerfile.relative_to(ROOT)} serves {target}"
    factory = getattr(importlib.import_module(module_name), factory_name, None)
    assert callable(factory), f"{service.dockerfile.relative_to(ROOT)}: uvicorn target {target} is not callable"
    assert "--factory" in arguments, (
        f"{service.dockerfile.relative_to(ROOT)}: {target} is an app factory, but uvicorn is not given --factory"
    )
    assert "--no-access-log" in arguments, (
        f"{service.dockerfile.relative_to(ROOT)}: uvicorn's access log records client addresses; "
        "pass --no-access-log (the app logs requests itself, without them)"
    )


@per_service
def test_ports_agree(service: Service) -> None:
    port = cmd_port(service)
    dockerfile = service.dockerfile.relative_to(ROOT)
    exposed = {int(p.split("/")[0]) for p in the_instruction(service, "EXPOSE").arguments.split()}
    assert exposed == {port}, f"{dockerfile}: EXPOSE {sorted(exposed)}, but uvicorn listens on {port}"
    url = urlsplit(healthcheck_url(service))
    assert url.port == port, f"{dockerfile}: HEALTHCHECK asks port {url.port}, but uvicorn listens on {port}"
    assert url.hostname in ("127.0.0.1", "localhost"), f"{dockerfile}: HEALTHCHECK asks {url.hostname}, not itself"
    assert url.path == "/healthz", f"{dockerfile}: HEALTHCHECK asks {url.path}, the liveness endpoint is /healthz"
    mapped = {container_port(spec) for spec in compose_service(service.name).get("ports", [])}
    assert mapped == {port}, (
        f"docker-compose.yml maps container port(s) {sorted(mapped)} of {service}, but its image listens on {port}"
    )


def test_each_service_has_its_own_host_port() -> None:
    published = {
        service.name: [published_port(spec) for spec in compose_service(service.name).get("ports", [])]
        for service in SERVICES
    }
    flat = [port for ports in published.values() for port in ports]
    assert all(flat) and len(flat) == len(set(flat)), f"docker-compose.yml publishes host ports {published}"


@per_service
def test_image_installs_the_shared_library_and_the_service_as_a_non_root_user(service: Service) -> None:
    dockerfile = service.dockerfile.relative_to(ROOT)
    steps = instructions(service.dockerfile)
    copies: dict[str, str] = {}
    for step in steps:
        if step.keyword == "COPY" and "--from" not in step.arguments:
            *sources, destination = [part for part in step.arguments.split() if not part.startswith("--")]
            copies.update((source.rstrip("/"), destination) for source in sources)
    ignore_file = dockerignore_of(service).relative_to(ROOT)
    for needed, package in (("services/common", "insikt_common"), (f"services/{service.name}", service.package)):
        assert needed in copies, f"{dockerfile} does not COPY {needed} (it copies {sorted(copies)})"
        for inside in ("pyproject.toml", f"src/{package}/__init__.py"):
            assert not dockerignored(service, f"{needed}/{inside}"), (
                f"{ignore_file} keeps {needed}/{inside} out of the build context of {dockerfile}"
            )
    installs = [s.arguments for s in steps if s.keyword == "RUN" and "pip install" in s.arguments]
    assert len(installs) == 1, f"{dockerfile} should have one RUN pip install, has {len(installs)}"
    install = installs[0]
    for source in ("services/common", f"services/{service.name}"):
        assert copies[source] in install.split(), f"{dockerfile}: pip install does not install {copies[source]}"
    assert "--no-cache-dir" in install, f"{dockerfile}: pip install without --no-cache-dir keeps its cache"
    assert "constraints.txt" in copies and not dockerignored(service, "constraints.txt"), (
        f"{dockerfile} does not get constraints.txt, so the image may run other versions than the tests"
    )
    assert re.search(rf"(-c|--constraint)[\s=]+{re.escape(copies['constraints.txt'])}(\s|$)", install), (
        f"{dockerfile}: pip install does not use the pinned versions ({copies['constraints.txt']})"
    )
    assert not re.search(r"(^|\s)(-e|--editable)(\s|=)", install), f"{dockerfile}: installs editable packages"
    users = [s.arguments for s in steps if s.keyword == "USER"]
    assert users and users[-1].split(":")[0] not in ("root", "0"), f"{dockerfile} runs as root (USER {users})"


# --- PostgreSQL: one role per service, owning its schema ------------------------------------------


def test_postgres_runs_the_init_sql() -> None:
    postgres = compose_service(compose_service_by_image("postgres"))
    mounts = {str(v).split(":")[1]: (ROOT / str(v).split(":")[0]).resolve() for v in postgres.get("volumes", [])}
    assert mounts.get(INITDB_DIR) == POSTGRES_INIT.resolve(), (
        f"docker-compose.yml does not mount {POSTGRES_INIT.relative_to(ROOT)} on {INITDB_DIR} "
        f"(mounts: {mounts}), so the service roles and schemas would never be created"
    )


@per_service
def test_database_url_connects_as_the_role_that_owns_the_services_schema(service: Service) -> None:
    owners = schema_owners()
    assert service.schema in owners, (
        f"{POSTGRES_INIT.relative_to(ROOT)} creates no schema {service.schema!r} for {service} "
        f"(it creates {sorted(owners)})"
    )
    url = make_url(environment(service.name)[f"{service.prefix}DATABASE_URL"])
    assert url.username == owners[service.schema], (
        f"docker-compose.yml connects {service} as {url.username!r}, but schema {service.schema!r} is owned by "
        f"{owners[service.schema]!r} in {POSTGRES_INIT.relative_to(ROOT)}"
    )
    postgres_name = compose_service_by_image("postgres")
    database = environment(postgres_name).get("POSTGRES_DB", "postgres")
    assert (url.host, url.port or 5432, url.database) == (postgres_name, 5432, database), (
        f"{service}'s database URL points at {url.host}:{url.port}/{url.database}, "
        f"PostgreSQL is {postgres_name}:5432/{database}"
    )
    driver = url.drivername.partition("+")[2]
    dependencies = " ".join(service.pyproject["project"]["dependencies"])
    assert url.drivername.startswith("postgresql+") and driver in dependencies, (
        f"{service}'s database URL uses driver {url.drivername!r}, which services/{service.name}/pyproject.toml "
        "does not install"
    )


@per_service
def test_database_password_is_the_one_the_role_is_created_with(service: Service) -> None:
    role = schema_owners().get(service.schema, "")
    password_variable = role_password_variables().get(role)
    assert password_variable, f"{POSTGRES_INIT.relative_to(ROOT)} gives role {role!r} no password from the environment"
    postgres_name = compose_service_by_image("postgres")
    every_variable = set(re.findall(r"\$\{?(\w+)", COMPOSE_FILE.read_text()))
    for variables in (run_variables(), {name: secrets.token_hex(8) for name in every_variable}):
        created_with = environment(postgres_name, variables).get(password_variable)
        url = make_url(environment(service.name, variables)[f"{service.prefix}DATABASE_URL"])
        assert url.password == created_with, (
            f"{service} takes its database password from "
            f"{raw_environment(service.name)[f'{service.prefix}DATABASE_URL']!r}, but role {role} is created with "
            f"{password_variable}={raw_environment(postgres_name).get(password_variable)!r} (service {postgres_name})"
        )


def test_a_role_reaches_only_its_own_schema() -> None:
    sql = init_sql()
    owners = schema_owners()
    roles = {owners.get(service.schema) for service in SERVICES}
    assert len(roles) == len(SERVICES), f"each service's schema needs its own owner role, owners are {owners}"
    assert re.search(r"REVOKE\s+ALL\s+ON\s+SCHEMA\s+public\s+FROM\s+PUBLIC", sql, re.IGNORECASE), (
        "the init SQL leaves schema public open to every role"
    )
    assert re.search(r"REVOKE\s+ALL\s+ON\s+DATABASE\s+\S+\s+FROM\s+PUBLIC", sql, re.IGNORECASE), (
        "the init SQL leaves the database open to every role (CONNECT, TEMPORARY)"
    )
    for privileges, schema, grantees in re.findall(
        r"GRANT\s+([^;]+?)\s+ON\s+SCHEMA\s+(\w+)\s+TO\s+([^;]+);", sql, re.IGNORECASE
    ):
        strangers = {g.strip() for g in grantees.split(",")} - {owners.get(schema)}
        assert not strangers, f"the init SQL grants {privileges} on schema {schema} to {sorted(strangers)}"
    connects = " ".join(re.findall(r"GRANT\s+CONNECT\s+ON\s+DATABASE\s+\S+\s+TO\s+([^;]+);", sql, re.IGNORECASE))
    for role in roles:
        assert role in re.split(r"[\s,]+", connects), f"the init SQL never grants {role} CONNECT on the database"


# --- Kafka ----------------------------------------------------------------------------------------


def _listeners(value: str) -> dict[str, tuple[str, int]]:
    listeners = {}
    for entry in filter(None, (e.strip() for e in value.split(","))):
        name, _, address = entry.partition("://")
        host, _, port = address.rpartition(":")
        listeners[name] = (host, int(port))
    return listeners


@per_service
def test_kafka_bootstrap_is_the_brokers_internal_listener(service: Service) -> None:
    kafka_name = compose_service_by_image("apache/kafka")
    kafka = environment(kafka_name)
    advertised = _listeners(kafka["KAFKA_ADVERTISED_LISTENERS"])
    bound = _listeners(kafka["KAFKA_LISTENERS"])
    controllers = set(kafka.get("KAFKA_CONTROLLER_LISTENER_NAMES", "").split(","))
    bootstrap = environment(service.name)[f"{service.prefix}KAFKA_BOOTSTRAP_SERVERS"]
    for server in bootstrap.split(","):
        host, _, port = server.strip().rpartition(":")
        names = [name for name, address in advertised.items() if address == (host, int(port))]
        assert names, (
            f"{service} bootstraps from {server}, which {kafka_name} does not advertise ({advertised}): "
            "clients would be sent to an address they cannot reach"
        )
        assert host == kafka_name, f"{service} bootstraps from {server}; inside compose the broker is {kafka_name}"
        assert names[0] not in controllers, f"{service} bootstraps from the controller listener {names[0]}"
        assert bound.get(names[0], ("", 0))[1] == int(port), (
            f"{kafka_name} advertises {names[0]} on port {port} but listens on {bound.get(names[0])}"
        )


@per_service
def test_topic_partitions_match_the_brokers_default(service: Service) -> None:
    """Topics the services create and topics a producer auto-creates get the same partition count."""
    variable = f"{service.prefix}KAFKA_TOPIC_PARTITIONS"
    configured = environment(service.name).get(variable)
    field = service.settings.model_fields["kafka_topic_partitions"]
    partitions = int(configured) if configured is not None else field.default
    broker_default = int(environment(compose_service_by_image("apache/kafka")).get("KAFKA_NUM_PARTITIONS", 1))
    assert partitions == broker_default, (
        f"{service} creates topics with {partitions} partitions ({variable}), the broker auto-creates them with "
        f"KAFKA_NUM_PARTITIONS={broker_default}"
    )


# --- start order ----------------------------------------------------------------------------------


@per_service
def test_service_starts_after_postgres_and_kafka_are_healthy(service: Service) -> None:
    depends_on = compose_service(service.name).get("depends_on") or {}
    for image in ("postgres", "apache/kafka"):
        name = compose_service_by_image(image)
        condition = depends_on.get(name, {}).get("condition") if isinstance(depends_on, dict) else None
        assert condition == "service_healthy", (
            f"docker-compose.yml starts {service} when {name} is {condition or 'merely started'}; "
            "it should wait for condition: service_healthy"
        )
        test = (compose_service(name).get("healthcheck") or {}).get("test")
        assert test and test != ["NONE"], f"{service} waits for {name} to be healthy, but {name} has no healthcheck"


# --- Kubernetes -----------------------------------------------------------------------------------


@per_service
def test_kubernetes_deployment_agrees_with_settings_and_image(service: Service) -> None:
    container = kubernetes_container(service)
    where = f"deploy/kubernetes/{service.name}.yaml"
    names = [variable["name"] for variable in container.get("env", [])]
    assert_real_settings(service, names, where)
    assert_deployment_fields_set(service, names, where)
    assert "command" not in container and "args" not in container, (
        f"{where} overrides the image's CMD, so the prestart (migrations) would not run"
    )
    ports = {p.get("name"): p["containerPort"] for p in container.get("ports", [])}
    assert set(ports.values()) == {cmd_port(service)}, (
        f"{where} declares container port(s) {sorted(ports.values())}, the image listens on {cmd_port(service)}"
    )
    for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
        port = container.get(probe, {}).get("httpGet", {}).get("port")
        assert ports.get(port, port) == cmd_port(service), f"{where}: {probe} asks port {port}"


def test_kustomization_lists_every_manifest() -> None:
    listed = set(yaml.safe_load((KUBERNETES / "kustomization.yaml").read_text())["resources"])
    present = {p.name for p in KUBERNETES.glob("*.yaml")} - {"kustomization.yaml"}
    assert listed == present, (
        f"deploy/kubernetes/kustomization.yaml lists {sorted(listed)}, the folder holds {sorted(present)}"
    )
