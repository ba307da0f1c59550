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
import textwrap
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
from sqlalchemy import URL, make_url

from insikt_common.settings import ServiceSettings

ROOT = Path(__file__).resolve().parents[1]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERIGNORE = ROOT / ".dockerignore"
POSTGRES_INIT = ROOT / "deploy" / "postgres"
KUBERNETES = ROOT / "deploy" / "kubernetes"
OPERATIONS_DOC = ROOT / "docs" / "operations.md"
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
    def database_url(self) -> str:
        """The variable with the service role's URL: what the service connects as."""
        return f"{self.prefix}DATABASE_URL"

    @property
    def migration_database_url(self) -> str:
        """The variable with the schema owner's URL: for the prestart only, never the serving container."""
        return f"{self.prefix}MIGRATION_DATABASE_URL"

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


def image_repository(image: str) -> str:
    """``insikt/survey-api:dev`` -> ``insikt/survey-api`` (a registry's port is not a tag)."""
    repository, colon, tag = image.rpartition(":")
    return repository if colon and "/" not in tag else image


def builds_from(spec: Mapping[str, Any]) -> Path | None:
    """The Dockerfile a compose service builds its image from, if it builds one."""
    build = spec.get("build")
    if build is None:
        return None
    if isinstance(build, str):
        return (ROOT / build / "Dockerfile").resolve()
    return (ROOT / str(build.get("context", ".")) / str(build.get("dockerfile", "Dockerfile"))).resolve()


def compose_services_of(service: Service) -> list[str]:
    """The compose services running ``service``'s image: built from its Dockerfile or tagged like it."""
    repository = image_repository(str(compose_service(service.name).get("image", "")))
    return [
        str(name)
        for name, spec in compose()["services"].items()
        if builds_from(spec) == service.dockerfile.resolve()
        or (repository and image_repository(str(spec.get("image", ""))) == repository)
    ]


def migrate_service(service: Service) -> str:
    """The one-shot compose service that runs ``service``'s prestart as the schema owner."""
    others = [name for name in compose_services_of(service) if name != service.name]
    assert len(others) == 1, (
        f"docker-compose.yml should run {service}'s image twice: as {service}, and as a one-shot service that "
        f"migrates as the schema owner before {service} starts; besides {service} it runs it as {others}"
    )
    return others[0]


def compose_command(spec: Mapping[str, Any]) -> list[str] | None:
    command = spec.get("command")
    if command is None:
        return None
    return shlex.split(command) if isinstance(command, str) else [str(part) for part in command]


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


def prestart_script(service: Service) -> str:
    """The prestart the image's CMD runs before the server (a console script of the service's own)."""
    first = start_steps(service)[0]
    assert len(first) == 1, (
        f"{service.dockerfile.relative_to(ROOT)}: the CMD should start with the prestart alone, "
        f"starts with {shlex.join(first)!r}"
    )
    return first[0]


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


def created_roles() -> dict[str, set[str]]:
    """Role -> the options it is created with (``LOGIN``, ``NOSUPERUSER``, …; the password left out)."""
    return {
        role: {word.upper() for word in re.findall(r"\w+", re.sub(r"PASSWORD\s+\S+", "", options, flags=re.I))}
        for role, options in re.findall(r"CREATE\s+ROLE\s+(\w+)([^;]*);", init_sql(), re.IGNORECASE)
    }


def search_paths() -> dict[str, str]:
    """Role -> the schema its ``search_path`` is set to."""
    return dict(re.findall(r"ALTER\s+ROLE\s+(\w+)\s+SET\s+search_path\s*(?:=|TO)\s*(\w+)", init_sql(), re.IGNORECASE))


def schema_owner(service: Service) -> str:
    """The role that owns the service's schema and runs its migrations."""
    owners = schema_owners()
    assert service.schema in owners, (
        f"{POSTGRES_INIT.relative_to(ROOT)} creates no schema {service.schema!r} for {service} "
        f"(it creates {sorted(owners)})"
    )
    return owners[service.schema]


def service_role(service: Service) -> str:
    """The role the running service connects as: its search_path is the schema, and it owns no schema."""
    owners = set(schema_owners().values())
    roles = [role for role, schema in search_paths().items() if schema == service.schema and role not in owners]
    assert len(roles) == 1, (
        f"{POSTGRES_INIT.relative_to(ROOT)} should create one role for {service} to connect as (search_path "
        f"{service.schema}, owning no schema), besides the schema's owner {schema_owner(service)!r}; found {roles}"
    )
    return roles[0]


def role_password_variables() -> dict[str, str]:
    """Role -> the environment variable its password comes from (``\\getenv`` into a psql variable)."""
    psql_variable_of_role = dict(
        re.findall(r"CREATE\s+ROLE\s+(\w+)[^;]*?PASSWORD\s+:'(\w+)'", init_sql(), re.IGNORECASE)
    )
    env_of_psql_variable = dict(re.findall(r"\\getenv\s+(\w+)\s+(\w+)", init_sql()))
    return {role: env_of_psql_variable.get(variable, "") for role, variable in psql_variable_of_role.items()}


# --- deploy/kubernetes ----------------------------------------------------------------------------


def kubernetes_pod(service: Service) -> dict[str, Any]:
    """The pod template's spec of the service's Deployment."""
    path = KUBERNETES / f"{service.name}.yaml"
    assert path.exists(), f"{path.relative_to(ROOT)} is missing"
    deployments = [
        d
        for d in yaml.safe_load_all(path.read_text())
        if d and d["kind"] == "Deployment" and d["metadata"]["name"] == service.name
    ]
    assert len(deployments) == 1, f"{path.relative_to(ROOT)} should hold one Deployment named {service.name}"
    pod: dict[str, Any] = deployments[0]["spec"]["template"]["spec"]
    return pod


def kubernetes_container(service: Service) -> dict[str, Any]:
    path = KUBERNETES / f"{service.name}.yaml"
    containers = kubernetes_pod(service)["containers"]
    named = [c for c in containers if c["name"] == service.name]
    assert len(named) == 1, f"{path.relative_to(ROOT)}: the Deployment should have one container named {service.name}"
    container: dict[str, Any] = named[0]
    return container


def secret_reference(variable: Mapping[str, Any] | None) -> tuple[str, str] | None:
    """(Secret, key) an ``env`` entry takes its value from, if it comes from a Secret."""
    reference = ((variable or {}).get("valueFrom") or {}).get("secretKeyRef")
    return (str(reference["name"]), str(reference["key"])) if reference else None


def migration_secret(secret: str) -> str:
    """The Secret with the schema owner's login beside the service's Secret ``secret``: a Secret of its own, as RBAC
    grants access per Secret, not per key, so whoever may read ``secret`` (the service, its jobs) does not get it."""
    return f"{secret}-migration"


def pod_spec(document: Mapping[str, Any]) -> dict[str, Any] | None:
    """The pod spec of a workload (Deployment, StatefulSet, DaemonSet, Job, CronJob, Pod); None for anything else."""
    kind, spec = document.get("kind"), document.get("spec") or {}
    if kind == "Pod":
        return dict(spec)
    if kind == "CronJob":
        spec = spec["jobTemplate"]["spec"]
    elif kind not in ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"):
        return None
    pod: dict[str, Any] = spec["template"]["spec"]
    return pod


def markdown_yaml(path: Path) -> list[dict[str, Any]]:
    """The YAML documents in a Markdown file's ```yaml blocks (indented ones in a list item too)."""
    blocks = re.findall(r"^( *)```ya?ml\n(.*?)^\1```", path.read_text(), re.MULTILINE | re.DOTALL)
    return [document for _, block in blocks for document in yaml.safe_load_all(textwrap.dedent(block)) if document]


def kubernetes_workloads(*, with_docs: bool = True) -> list[tuple[str, dict[str, Any]]]:
    """(where, pod spec) of every workload in deploy/kubernetes and, ``with_docs``, in docs/operations.md's examples
    (the retention CronJob)."""
    documents = [
        (path, document)
        for path in sorted(KUBERNETES.glob("*.yaml"))
        for document in yaml.safe_load_all(path.read_text())
    ]
    if with_docs:
        documents += [(OPERATIONS_DOC, document) for document in markdown_yaml(OPERATIONS_DOC)]
    workloads = []
    for path, document in documents:
        pod = pod_spec(document) if isinstance(document, dict) else None
        if pod is not None:
            where = f"{path.relative_to(ROOT)} ({document['kind']} {document['metadata']['name']})"
            workloads.append((where, pod))
    return workloads


def secrets_read(pod: Mapping[str, Any], container: Mapping[str, Any]) -> set[str]:
    """The Secrets a container reads: by ``env`` (secretKeyRef), ``envFrom`` (secretRef) or a volume it mounts."""
    read = {reference[0] for reference in map(secret_reference, container.get("env", [])) if reference}
    read |= {str(source["secretRef"]["name"]) for source in container.get("envFrom", []) if source.get("secretRef")}
    volumes = {volume["name"]: volume for volume in pod.get("volumes", [])}
    for mount in container.get("volumeMounts", []):
        volume = volumes.get(mount["name"], {})
        if volume.get("secret"):
            read.add(str(volume["secret"]["secretName"]))
        sources = (volume.get("projected") or {}).get("sources", [])
        read |= {str(source["secret"]["name"]) for source in sources if source.get("secret")}
    return read


def kubernetes_secret_keys() -> set[tuple[str, str]]:
    """Every (Secret, key) a container or init container of the manifests reads."""
    read: set[tuple[str, str]] = set()
    for _, pod in kubernetes_workloads(with_docs=False):
        for container in [*pod.get("initContainers", []), *pod["containers"]]:
            read.update(filter(None, (secret_reference(v) for v in container.get("env", []))))
    return read


def kubernetes_secrets() -> set[str]:
    """Every Secret a container or init container of the manifests reads, by env, envFrom or volume."""
    return {
        secret
        for _, pod in kubernetes_workloads(with_docs=False)
        for container in [*pod.get("initContainers", []), *pod["containers"]]
        for secret in secrets_read(pod, container)
    }


def documented_secrets() -> dict[str, dict[str, str]]:
    """The ``kubectl create secret generic`` commands in kustomization.yaml's comment: Secret -> key -> value."""
    comment = [
        line.removeprefix("#").strip()
        for line in (KUBERNETES / "kustomization.yaml").read_text().splitlines()
        if line.startswith("#")
    ]
    commands = "\n".join(comment).replace("\\\n", " ")  # a line ending in \ goes on on the next one
    documented: dict[str, dict[str, str]] = {}
    for command in commands.splitlines():
        if command.startswith("kubectl create secret generic "):
            words = shlex.split(command)
            literals = [w.removeprefix("--from-literal=") for w in words if w.startswith("--from-literal=")]
            documented[words[4]] = dict(literal.split("=", 1) for literal in literals)
    return documented


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


# --- PostgreSQL: per service, an owner that migrates and a role that owns nothing -----------------


def test_postgres_runs_the_init_sql() -> None:
    postgres = compose_service(compose_service_by_image("postgres"))
    mounts = {str(v).split(":")[1]: (ROOT / str(v).split(":")[0]).resolve() for v in postgres.get("volumes", [])}
    assert mounts.get(INITDB_DIR) == POSTGRES_INIT.resolve(), (
        f"docker-compose.yml does not mount {POSTGRES_INIT.relative_to(ROOT)} on {INITDB_DIR} "
        f"(mounts: {mounts}), so the service roles and schemas would never be created"
    )


def assert_points_at_postgres(service: Service, url: URL, where: str) -> None:
    postgres_name = compose_service_by_image("postgres")
    database = environment(postgres_name).get("POSTGRES_DB", "postgres")
    assert (url.host, url.port or 5432, url.database) == (postgres_name, 5432, database), (
        f"{where} points at {url.host}:{url.port}/{url.database}, PostgreSQL is {postgres_name}:5432/{database}"
    )
    driver = url.drivername.partition("+")[2]
    dependencies = " ".join(service.pyproject["project"]["dependencies"])
    assert url.drivername.startswith("postgresql+") and driver in dependencies, (
        f"{where} uses driver {url.drivername!r}, which services/{service.name}/pyproject.toml does not install"
    )


@per_service
def test_roles_sql_creates_a_schema_owner_and_a_service_role_that_owns_nothing(service: Service) -> None:
    sql_file = POSTGRES_INIT.relative_to(ROOT)
    owner, role = schema_owner(service), service_role(service)
    roles = created_roles()
    for name in (owner, role):
        assert name in roles, f"{sql_file} never creates role {name!r} (it creates {sorted(roles)})"
        missing = {"LOGIN", "NOSUPERUSER", "NOCREATEDB", "NOCREATEROLE"} - roles[name]
        assert not missing, f"{sql_file} creates {name} without {', '.join(sorted(missing))}"
    assert not re.search(rf"OWNER\s+TO\s+{role}\b", init_sql(), re.IGNORECASE), (
        f"{sql_file} makes {role}, the role {service} connects as, the owner of something: "
        "the service could then change it"
    )
    passwords = role_password_variables()
    assert passwords.get(owner) and passwords.get(role) and passwords[owner] != passwords[role], (
        f"{sql_file}: {owner} and {role} should each get a password of their own from the environment, "
        f"they get {passwords.get(owner)!r} and {passwords.get(role)!r}"
    )


def test_roles_are_created_without_powers_and_every_password_is_required() -> None:
    sql_file = POSTGRES_INIT.relative_to(ROOT)
    for role, options in created_roles().items():
        powers = options & {"SUPERUSER", "CREATEDB", "CREATEROLE", "REPLICATION", "BYPASSRLS"}
        assert not powers, f"{sql_file} creates {role} with {', '.join(sorted(powers))}"
    sql = init_sql()
    for variable, source in re.findall(r"\\getenv\s+(\w+)\s+(\w+)", sql):
        guard = rf"\\if\s+:\{{\?{variable}\}}\s*\\else\s+DO\b[^\\]*RAISE\s+EXCEPTION[^\\]*\\endif"
        assert re.search(guard, sql, re.IGNORECASE), (
            f"{sql_file} reads {source} but does not stop when it is unset (\\if :{{?{variable}}} … RAISE EXCEPTION)"
        )


@per_service
def test_database_urls_connect_as_the_service_role_and_the_schema_owner(service: Service) -> None:
    owner, role = schema_owner(service), service_role(service)
    migrate = migrate_service(service)
    served = make_url(environment(service.name)[service.database_url])
    assert served.username == role, (
        f"docker-compose.yml connects {service} as {served.username!r}; it should connect as {role!r}, the role "
        f"that owns nothing (schema {service.schema!r} is owned by {owner!r}, which only the migrations use)"
    )
    assert raw_environment(migrate).get(service.database_url) == raw_environment(service.name)[service.database_url], (
        f"docker-compose.yml: {migrate} grants privileges to the role in its {service.database_url} "
        f"({raw_environment(migrate).get(service.database_url)!r}), but {service} connects with "
        f"{raw_environment(service.name)[service.database_url]!r}"
    )
    variable = service.migration_database_url
    assert variable in raw_environment(migrate), (
        f"docker-compose.yml does not give {migrate} {variable}, so it would migrate as {role}, "
        f"which does not own schema {service.schema!r}"
    )
    migrating = make_url(environment(migrate)[variable])
    assert migrating.username == owner, (
        f"docker-compose.yml: {migrate} migrates as {migrating.username!r}, schema {service.schema!r} is owned by "
        f"{owner!r} in {POSTGRES_INIT.relative_to(ROOT)}"
    )
    assert_points_at_postgres(service, served, f"{service}'s {service.database_url}")
    assert_points_at_postgres(service, migrating, f"{migrate}'s {variable}")


@per_service
def test_database_passwords_are_the_ones_the_roles_are_created_with(service: Service) -> None:
    postgres_name = compose_service_by_image("postgres")
    migrate = migrate_service(service)
    passwords = role_password_variables()
    every_variable = set(re.findall(r"\$\{?(\w+)", COMPOSE_FILE.read_text()))
    urls = (
        (service.name, service.database_url),
        (migrate, service.database_url),
        (migrate, service.migration_database_url),
    )
    for variables in (run_variables(), {name: secrets.token_hex(8) for name in every_variable}):
        for name, variable in urls:
            url = make_url(environment(name, variables)[variable])
            password_variable = passwords.get(url.username or "")
            assert password_variable, (
                f"{POSTGRES_INIT.relative_to(ROOT)} gives role {url.username!r} ({name}'s {variable}) "
                "no password from the environment"
            )
            created_with = environment(postgres_name, variables).get(password_variable)
            assert url.password == created_with, (
                f"{name} takes the password of {url.username} from {raw_environment(name)[variable]!r}, but the role "
                f"is created with {password_variable}={raw_environment(postgres_name).get(password_variable)!r} "
                f"(service {postgres_name})"
            )


def test_a_role_reaches_only_its_own_schema() -> None:
    sql = init_sql()
    owners = schema_owners()
    assert len({owners.get(service.schema) for service in SERVICES}) == len(SERVICES), (
        f"each service's schema needs its own owner role, owners are {owners}"
    )
    home = {role: schema for schema, role in owners.items()}
    for role, schema in search_paths().items():
        assert home.setdefault(role, schema) == schema, (
            f"the init SQL sets {role}'s search_path to {schema}, but {role} owns schema {home[role]}"
        )
    assert re.search(r"REVOKE\s+ALL\s+ON\s+SCHEMA\s+public\s+FROM\s+PUBLIC", sql, re.IGNORECASE), (
        "the init SQL leaves schema public open to every role"
    )
    assert re.search(r"REVOKE\s+ALL\s+ON\s+DATABASE\s+\S+\s+FROM\s+PUBLIC", sql, re.IGNORECASE), (
        "the init SQL leaves the database open to every role (CONNECT, TEMPORARY)"
    )
    for privileges, schema, grantees in re.findall(
        r"GRANT\s+([^;]+?)\s+ON\s+(?:ALL\s+\w+\s+IN\s+)?SCHEMA\s+(\w+)\s+TO\s+([^;]+);", sql, re.IGNORECASE
    ):
        strangers = {g.strip() for g in grantees.split(",") if home.get(g.strip()) != schema}
        assert not strangers, f"the init SQL grants {privileges} on schema {schema} to {sorted(strangers)}"
    connects = " ".join(re.findall(r"GRANT\s+CONNECT\s+ON\s+DATABASE\s+\S+\s+TO\s+([^;]+);", sql, re.IGNORECASE))
    for role in created_roles():
        assert role in re.split(r"[\s,]+", connects), f"the init SQL never grants {role} CONNECT on the database"


# --- migrations: as the schema owner, before the service starts, never in the serving container ---


@per_service
def test_compose_migrates_in_a_one_shot_service_before_the_service_starts(service: Service) -> None:
    serving, migrate = compose_service(service.name), migrate_service(service)
    spec = compose_service(migrate)
    assert "command" not in serving and "entrypoint" not in serving, (
        f"docker-compose.yml overrides {service}'s command or entrypoint, so its image's CMD would not run"
    )
    assert (spec.get("image"), builds_from(spec)) == (serving.get("image"), builds_from(serving)), (
        f"docker-compose.yml: {migrate} runs image {spec.get('image')!r} built from {builds_from(spec)}, "
        f"{service} runs {serving.get('image')!r} built from {builds_from(serving)}: the migrations would not be "
        "the ones the service expects"
    )
    prestart = prestart_script(service)
    assert compose_command(spec) == [prestart] and "entrypoint" not in spec, (
        f"docker-compose.yml: {migrate} should run exactly [{prestart!r}] (the prestart the image's CMD runs), "
        f"runs {compose_command(spec)}"
    )
    depends_on = serving.get("depends_on") or {}
    condition = depends_on.get(migrate, {}).get("condition") if isinstance(depends_on, dict) else None
    assert condition == "service_completed_successfully", (
        f"docker-compose.yml starts {service} when {migrate} is {condition or 'not even started'}; it should wait "
        "for condition: service_completed_successfully"
    )
    postgres_name = compose_service_by_image("postgres")
    migrate_depends_on = spec.get("depends_on") or {}
    condition = (
        migrate_depends_on.get(postgres_name, {}).get("condition") if isinstance(migrate_depends_on, dict) else None
    )
    assert condition == "service_healthy", (
        f"docker-compose.yml starts {migrate} when {postgres_name} is {condition or 'merely started'}; "
        "it should wait for condition: service_healthy"
    )
    restart = "no" if spec.get("restart") in (None, False) else str(spec["restart"])
    assert restart == "no" or restart.startswith("on-failure"), (
        f"docker-compose.yml: {migrate} runs once and exits; restart: {restart} would run it again and again"
    )
    assert not spec.get("ports"), f"docker-compose.yml publishes ports of {migrate}, which serves nothing"


@per_service
def test_compose_migrate_service_gets_the_two_database_urls_and_nothing_else(service: Service) -> None:
    migrate = migrate_service(service)
    names = set(raw_environment(migrate))
    assert_real_settings(service, sorted(names), f"docker-compose.yml ({migrate})")
    expected = {service.database_url, service.migration_database_url}
    assert names == expected, (
        f"docker-compose.yml gives {migrate} {sorted(names)}; the prestart needs exactly {sorted(expected)} "
        f"(the service's keys and settings stay with {service})"
    )


@per_service
def test_serving_containers_never_get_the_schema_owner(service: Service) -> None:
    owner = schema_owner(service)
    for name, value in environment(service.name).items():
        assert not name.endswith("MIGRATION_DATABASE_URL"), (
            f"docker-compose.yml gives {service} {name}: the serving container must not be able to act as the "
            f"schema owner ({owner}); only {migrate_service(service)} gets it"
        )
        assert "://" not in value or urlsplit(value).username != owner, (
            f"docker-compose.yml gives {service} a URL of the schema owner {owner} in {name}"
        )
    where = f"deploy/kubernetes/{service.name}.yaml"
    container = kubernetes_container(service)
    for variable in container.get("env", []):
        assert not variable["name"].endswith("MIGRATION_DATABASE_URL"), (
            f"{where} gives the {service} container {variable['name']}: only the init container may act as the "
            f"schema owner ({owner})"
        )
    # Nor the owner's Secret: test_only_the_migrating_init_containers_read_a_schema_owners_secret.


def test_only_the_migrating_init_containers_read_a_schema_owners_secret() -> None:
    """The owner's login is a Secret of its own (``<service's Secret>-migration``) because RBAC grants access per
    Secret, not per key: no serving container, CronJob or Job reads it, by env, envFrom or volume; only each
    Deployment's init container running the prestart does."""
    prestarts = {f"deploy/kubernetes/{s.name}.yaml (Deployment {s.name})": prestart_script(s) for s in SERVICES}
    workloads = kubernetes_workloads()
    missing = set(prestarts) - {where for where, _ in workloads}
    assert not missing, f"no workload found in {sorted(missing)}"
    for where, pod in workloads:
        init_containers = [("init container", c) for c in pod.get("initContainers", [])]
        for role, container in [*init_containers, *(("container", c) for c in pod["containers"])]:
            if role == "init container" and where in prestarts and container.get("command") == [prestarts[where]]:
                continue  # the one that migrates (test_kubernetes_migrates_in_an_init_container_as_the_schema_owner)
            owners_secrets = sorted(s for s in secrets_read(pod, container) if s.endswith("-migration"))
            assert not owners_secrets, (
                f"{where}: {role} {container.get('name')} reads {owners_secrets}, a schema owner's login; only "
                "the init container that runs the prestart may (RBAC grants access per Secret, not per key)"
            )


@per_service
def test_kubernetes_migrates_in_an_init_container_as_the_schema_owner(service: Service) -> None:
    where = f"deploy/kubernetes/{service.name}.yaml"
    pod, container = kubernetes_pod(service), kubernetes_container(service)
    prestart = prestart_script(service)
    init_containers = pod.get("initContainers") or []
    migrating = [c for c in init_containers if prestart in [*c.get("command", []), *c.get("args", [])]]
    assert len(migrating) == 1, (
        f"{where}: the Deployment should have one init container running {prestart} as the schema owner, "
        f"has {[(c.get('name'), c.get('command'), c.get('args')) for c in init_containers]}"
    )
    init = migrating[0]
    assert init.get("command") == [prestart] and "args" not in init, (
        f"{where}: init container {init.get('name')} should run exactly [{prestart!r}], runs "
        f"{init.get('command')} {init.get('args', '')}"
    )
    assert init.get("image") == container.get("image"), (
        f"{where}: init container {init.get('name')} runs {init.get('image')!r}, the service {container.get('image')!r}"
    )
    env = {variable["name"]: variable for variable in init.get("env", [])}
    assert_real_settings(service, list(env), f"{where} (init container {init.get('name')})")
    expected = {service.database_url, service.migration_database_url}
    assert set(env) == expected, (
        f"{where}: init container {init.get('name')} gets {sorted(env)}; the prestart needs exactly {sorted(expected)}"
    )
    served_with = secret_reference({v["name"]: v for v in container.get("env", [])}.get(service.database_url))
    granted_to = secret_reference(env[service.database_url])
    assert served_with and granted_to == served_with, (
        f"{where}: the init container grants privileges to the role in {granted_to}, "
        f"but the {service} container connects with {served_with}"
    )
    migrating_as = secret_reference(env[service.migration_database_url])
    owners_secret = migration_secret(served_with[0])
    assert migrating_as == (owners_secret, "database-url"), (
        f"{where}: {service.migration_database_url} should come from key database-url of Secret {owners_secret} "
        f"(a Secret of its own, not {served_with[0]}, which the service and its jobs read), comes from {migrating_as}"
    )
    assert init.get("securityContext") == container.get("securityContext"), (
        f"{where}: init container {init.get('name')} runs with securityContext {init.get('securityContext')}, "
        f"the service with {container.get('securityContext')}"
    )
    mounts = {mount["mountPath"]: mount["name"] for mount in init.get("volumeMounts", [])}
    volumes = {volume["name"] for volume in pod.get("volumes", [])}
    assert mounts.get("/tmp") in volumes, f"{where}: init container {init.get('name')} has no writable /tmp"
    assert ((init.get("resources") or {}).get("limits") or {}).get("memory"), (
        f"{where}: init container {init.get('name')} has no memory limit"
    )


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
        f"{where} overrides the image's CMD, so the server would not start as the image starts it"
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


def test_kustomization_shows_how_to_create_every_secret_key_the_manifests_read() -> None:
    documented_names, read_names = set(documented_secrets()), kubernetes_secrets()
    assert documented_names == read_names, (
        f"deploy/kubernetes/kustomization.yaml creates Secrets {sorted(documented_names)}, the manifests read "
        f"{sorted(read_names)}"
    )
    documented = {(secret, key) for secret, keys in documented_secrets().items() for key in keys}
    read = kubernetes_secret_keys()
    assert read <= documented, (
        "deploy/kubernetes/kustomization.yaml does not say how to create "
        f"{sorted(f'{secret}/{key}' for secret, key in read - documented)}, which the manifests read"
    )
    assert documented <= read, (
        "deploy/kubernetes/kustomization.yaml has Secrets create "
        f"{sorted(f'{secret}/{key}' for secret, key in documented - read)}, which no manifest reads"
    )


@per_service
def test_kustomization_secrets_connect_as_the_service_role_and_the_schema_owner(service: Service) -> None:
    env = {variable["name"]: variable for variable in kubernetes_container(service).get("env", [])}
    reference = secret_reference(env.get(service.database_url))
    assert reference, f"deploy/kubernetes/{service.name}.yaml takes {service.database_url} from no Secret"
    secret, owners_secret, owner = reference[0], migration_secret(reference[0]), schema_owner(service)
    documented = documented_secrets()
    for name, role in ((secret, service_role(service)), (owners_secret, owner)):
        literals = documented.get(name, {})
        assert "database-url" in literals, (
            f"deploy/kubernetes/kustomization.yaml creates Secret {name} without database-url"
        )
        assert make_url(literals["database-url"]).username == role, (
            f"deploy/kubernetes/kustomization.yaml: {name}/database-url connects as "
            f"{make_url(literals['database-url']).username!r}, it should be {role!r}"
        )
    assert set(documented[owners_secret]) == {"database-url"}, (
        f"deploy/kubernetes/kustomization.yaml: {owners_secret} holds {sorted(documented[owners_secret])}; only the "
        "init container reads it, and it needs only the owner's database-url"
    )
    owners_keys = sorted(
        key for key, value in documented[secret].items() if "://" in value and urlsplit(value).username == owner
    )
    assert not owners_keys, (
        f"deploy/kubernetes/kustomization.yaml puts the schema owner's ({owner}) login in {secret} ({owners_keys}), "
        f"which the service and its jobs read; it belongs in {owners_secret} alone"
    )
