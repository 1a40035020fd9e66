"""`golive init` writes a profile that golive's own loader accepts, and env files without secrets."""

from __future__ import annotations

import http.server
import itertools
import json
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from golive import cli, init
from golive.config import load_settings
from golive.profile import Login
from golive.schema import SCHEMA_COMMENT
from golive.yamlfile import load_yaml

ROOT = Path(__file__).resolve().parents[2]
SANDBOX_ENV = {"SANDBOX_JWT_SECRET": "init-selftest-jwt-secret-0123456789abcdef", "SANDBOX_ADMIN_PASSWORD": "a-pw-1",
               "SANDBOX_MANAGER_PASSWORD": "m-pw-1", "SANDBOX_CASHIER_PASSWORD": "c-pw-1"}


@pytest.fixture(scope="module")
def sandbox_description(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The OpenAPI document the sandbox serves (to admins, at /api/admin/openapi.json), saved to a file."""
    from sandbox.app import create_app
    from sandbox.settings import Settings

    app = create_app(Settings.from_env(SANDBOX_ENV).with_port("127.0.0.1", 8799))
    path = tmp_path_factory.mktemp("description") / "sandbox-openapi.json"
    path.write_text(json.dumps(app.openapi()), encoding="utf-8")
    return path


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A checkout-shaped folder: git, golive's .gitignore, and the suites init reads its check map from."""
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True, timeout=30)
    shutil.copy(ROOT / ".gitignore", tmp_path / ".gitignore")
    for folder in ("suites", "fixtures"):
        shutil.copytree(ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


def filled_env(project: Path, name: str) -> Path:
    """The written env with its empty values filled, in a folder of its own (as a user fills it in)."""
    envs = project / "filled-envs"
    envs.mkdir(exist_ok=True)
    text = (project / "envs" / f"{name}.env").read_text(encoding="utf-8")
    filled = [line + "filled-in" if line.endswith("=") else line for line in text.splitlines()]
    (envs / f"{name}.env").write_text("\n".join(filled) + "\n", encoding="utf-8")
    return envs


def test_init_from_the_sandbox_description_writes_a_profile_golive_loads(project: Path, sandbox_description: Path,
                                                                         capsys):
    code = cli.main(["--root", str(project), "init", "shop", "--openapi", str(sandbox_description),
                     "--base-url", "http://127.0.0.1:8799", "--yes"])
    assert code == 0, capsys.readouterr().err
    text = (project / "profiles" / "shop.yaml").read_text(encoding="utf-8")
    assert text.splitlines()[0] == SCHEMA_COMMENT

    settings = load_settings("shop", project, envs_dir=filled_env(project, "shop"), environ={})
    profile = settings.profile
    assert settings.kind == "staging" and str(profile.services[0].base_url) == "http://127.0.0.1:8799/"
    assert profile.services[0].health.live == "/health/live" and profile.services[0].health.db == "/health/db"
    assert (profile.auth.login.path, sorted(profile.auth.roles)) == ("/api/auth/login", ["admin"])
    protected = {(e.method, e.path) for e in profile.auth.protected}
    assert {("GET", "/api/admin/users"), ("GET", "/api/me")} <= protected
    assert {method for method, _ in protected} == {"GET"}  # writes are listed by a person (see the comment)
    assert "PATCH /api/me" in text
    assert ("POST", "/api/auth/login") not in protected and ("GET", "/internal/stock-sync") not in protected
    assert [(e.path, e.header) for e in profile.service_endpoints] == [("/internal/stock-sync", "X-Service-Token")]
    assert [(r.path, r.param) for r in profile.inputs.redirects] == [("/auth/redirect", "next")]
    assert ("/search", "q") in [(r.path, r.param) for r in profile.inputs.reflection]
    assert (profile.openapi.source, profile.openapi.role) == ("/api/admin/openapi.json", "admin")
    # what it could not infer is written out, commented, with the checks it feeds
    assert "# cors: not in the API description." in text and "SEC-CORS-001*" in text
    assert "Write `cors: false` if the system has none" in text
    assert profile.cors is None and profile.transport is None
    # owned objects are candidates: commented until someone names two user accounts
    assert "#   - name: orders" in text or "# - name: orders" in text
    assert profile.authorization is None


def test_env_files_hold_placeholders_and_the_filled_one_is_git_ignored(project: Path, sandbox_description: Path):
    cli.main(["--root", str(project), "init", "shop", "--openapi", str(sandbox_description),
              "--base-url", "https://staging.shop.example", "--yes"])
    example = (project / "envs" / "shop.env.example").read_text(encoding="utf-8")
    assert "APP_URL=https://staging.shop.example" in example
    for blank in ("APP_ADMIN_USERNAME=", "APP_ADMIN_PASSWORD=", "APP_SERVICE_TOKEN="):
        assert f"\n{blank}\n" in example
    values = [line.split("=", 1)[1] for line in example.splitlines() if "=" in line and not line.startswith("#")]
    assert set(values) == {"staging", "shop", "off", "https://staging.shop.example", ""}
    assert "SANDBOX_" not in example  # the sandbox's own names stay in its own envs
    ignored = subprocess.run(["git", "check-ignore", "-q", "envs/shop.env"], cwd=project, timeout=30)
    assert ignored.returncode == 0
    assert (project / ".gitignore").read_text() == (ROOT / ".gitignore").read_text()  # envs/*.env covers it


def test_an_env_name_the_gitignore_lets_through_is_added_to_it(project: Path, sandbox_description: Path):
    cli.main(["--root", str(project), "init", "shop-local", "--openapi", str(sandbox_description),
              "--base-url", "http://127.0.0.1:8799", "--yes"])
    ignored = subprocess.run(["git", "check-ignore", "-q", "envs/shop-local.env"], cwd=project, timeout=30)
    assert ignored.returncode == 0


def test_existing_files_are_kept_without_force(project: Path, sandbox_description: Path, capsys):
    args = ["--root", str(project), "init", "shop", "--openapi", str(sandbox_description),
            "--base-url", "http://127.0.0.1:8799", "--yes"]
    assert cli.main(args) == 0
    (project / "envs" / "shop.env").write_text("APP_ADMIN_PASSWORD=mine\n", encoding="utf-8")
    assert cli.main(args) == init.EXIT_USAGE
    assert "--force" in capsys.readouterr().err
    assert (project / "envs" / "shop.env").read_text(encoding="utf-8") == "APP_ADMIN_PASSWORD=mine\n"


OAUTH_DESCRIPTION = """
openapi: 3.0.3
info: {title: Flows, version: "1"}
security: [{oauth: []}]
components:
  securitySchemes:
    oauth:
      type: oauth2
      flows: {password: {tokenUrl: /auth/token, scopes: {}}}
paths:
  /auth/token: {post: {security: []}}
  /flows: {get: {}}
  /health: {get: {security: []}}
"""


@pytest.fixture
def served_description() -> Iterator[str]:
    """A YAML description served over loopback HTTP."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (the stdlib's name)
            body = OAUTH_DESCRIPTION.encode()
            self.send_response(200 if self.path == "/openapi.yaml" else 404)
            self.send_header("Content-Type", "application/yaml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def test_oauth2_password_flow_from_a_yaml_url_is_a_form_login(project: Path, served_description: str):
    code = cli.main(["--root", str(project), "init", "flows", "--openapi", f"{served_description}/openapi.yaml",
                     "--base-url", served_description, "--yes"])
    assert code == 0
    text = (project / "profiles" / "flows.yaml").read_text(encoding="utf-8")
    settings = load_settings("flows", project, envs_dir=filled_env(project, "flows"), environ={})
    assert settings.profile.services[0].health.live == "/health"
    # the sweeps parse YAML as well as JSON: the served document is the source
    assert settings.profile.openapi.source == "/openapi.yaml"
    if "strategy" in Login.model_fields:  # a golive that logs in with forms writes the section live
        assert settings.profile.auth.login.strategy == "form"
        assert settings.profile.auth.login.path == "/auth/token"
    else:  # this golive cannot: the section is kept as a commented draft, saying why
        assert settings.profile.auth is None
        lines = text.splitlines()
        start = lines.index("# auth:")
        block = [lines[start], *itertools.takewhile(lambda line: line.startswith("#   "), lines[start + 1:])]
        draft = yaml.safe_load("\n".join(line[2:] for line in block))
        assert draft["auth"]["login"] == {"strategy": "form", "service": "api", "path": "/auth/token",
                                          "extra_fields": {"grant_type": "password"}}
        assert "cannot load this section yet" in text


def test_a_description_that_is_not_openapi_3_is_refused(project: Path, tmp_path: Path, capsys):
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"asyncapi": "2.6.0", "channels": {}}), encoding="utf-8")
    code = cli.main(["--root", str(project), "init", "old", "--openapi", str(other),
                     "--base-url", "http://127.0.0.1:1", "--yes"])
    assert code == init.EXIT_USAGE
    assert "is neither OpenAPI 3 nor Swagger 2" in capsys.readouterr().err
    assert not (project / "profiles" / "old.yaml").exists()


SWAGGER2 = {
    "swagger": "2.0", "info": {"title": "Notes", "version": "1"}, "basePath": "/v1",
    "securityDefinitions": {"password": {"type": "oauth2", "flow": "password", "tokenUrl": "/v1/oauth/token",
                                         "scopes": {}}},
    "security": [{"password": []}],
    "paths": {
        "/__lbheartbeat__": {"get": {"security": [], "responses": {"200": {"description": "up"}}}},
        "/__heartbeat__": {"get": {"security": [], "responses": {"200": {"description": "backends"}}}},
        "/notes": {"get": {"parameters": [{"name": "q", "in": "query", "type": "string"}],
                           "responses": {"200": {"description": "notes"}}}},
        "/notes/{id}": {"parameters": [{"name": "id", "in": "path", "required": True, "type": "string"}],
                        "get": {"responses": {"200": {"description": "a note", "schema": {"$ref": "#/definitions/Note"}}}}},
    },
    "definitions": {"Note": {"type": "object", "properties": {"title": {"type": "string"}}}},
}


def test_a_swagger_2_description_is_read_as_the_openapi_3_it_corresponds_to(project: Path, tmp_path: Path):
    swagger = tmp_path / "swagger.json"
    swagger.write_text(json.dumps(SWAGGER2), encoding="utf-8")
    code = cli.main(["--root", str(project), "init", "notes", "--openapi", str(swagger),
                     "--base-url", "http://127.0.0.1:1", "--yes"])
    assert code == 0
    text = (project / "profiles" / "notes.yaml").read_text(encoding="utf-8")
    settings = load_settings("notes", project, envs_dir=filled_env(project, "notes"), environ={})
    profile = settings.profile
    # basePath prefixes every path; Dockerflow's heartbeats are the health paths
    assert profile.services[0].health.live == "/v1/__lbheartbeat__"
    assert profile.services[0].health.ready == "/v1/__heartbeat__"
    assert profile.auth.login.strategy == "form" and profile.auth.login.path == "/v1/oauth/token"
    assert [(e.method, e.path) for e in profile.auth.protected] == [("GET", "/v1/notes")]
    assert "Swagger 2.0 and the sweeps read OpenAPI 3" in text


def test_sections_the_description_shows_absent_are_false_with_the_evidence(project: Path, tmp_path: Path,
                                                                           sandbox_description: Path):
    swagger = tmp_path / "swagger.json"
    swagger.write_text(json.dumps(SWAGGER2), encoding="utf-8")
    cli.main(["--root", str(project), "init", "notes", "--openapi", str(swagger),
              "--base-url", "http://127.0.0.1:1", "--yes"])
    text = (project / "profiles" / "notes.yaml").read_text(encoding="utf-8")
    written = load_yaml(text)
    for section in ("inventory", "marketplace", "commercial", "tracker", "flows", "webhooks", "share_links"):
        assert written[section] is False, section
    assert "not a commerce system" in text and "no webhook receiver" in text
    # the sandbox sells things: its commerce sections stay for a person to describe
    cli.main(["--root", str(project), "init", "shop", "--openapi", str(sandbox_description),
              "--base-url", "http://127.0.0.1:8799", "--yes"])
    shop = load_yaml((project / "profiles" / "shop.yaml").read_text(encoding="utf-8"))
    assert "inventory" not in shop and "marketplace" not in shop


def test_every_section_left_unsaid_is_written_commented_with_its_checks(project: Path, sandbox_description: Path):
    cli.main(["--root", str(project), "init", "shop", "--openapi", str(sandbox_description),
              "--base-url", "http://127.0.0.1:8799", "--yes"])
    text = (project / "profiles" / "shop.yaml").read_text(encoding="utf-8")
    written = load_yaml(text)
    for section in init.sections():
        assert section in written or f"# {section}:" in text or f"# {section} " in text, section


def test_answers_on_a_terminal_name_the_role_and_turn_owned_objects_on(project: Path, sandbox_description: Path):
    """What a person answers at the prompts (init asks only when stdin is a terminal, never with --yes)."""
    questions: list[str] = []

    def answer(question: str, default: str) -> str:
        questions.append(question)
        if init.ABSENT_QUESTION in question:
            return ""  # none declared absent
        return "owner" if "role" in question else "y"

    description = init.read_description(str(sandbox_description))
    plan = init.compose("shop", "http://127.0.0.1:8799", description, project, answer)
    (project / "profiles").mkdir()
    text = init.settle(plan, {}, project / "profiles" / "shop.yaml")
    assert len(questions) == 3
    assert sorted(plan.sections["auth"]["roles"]) == ["owner", "user", "user2"]
    assert "/api/orders" in [owned["list_path"] for owned in plan.sections["authorization"]["objects"]]
    assert {"APP_USER2_USERNAME", "APP_USER2_PASSWORD", "APP_OWNER_PASSWORD"} <= set(plan.env)
    assert "authorization:\n  objects:" in text


def test_a_pre_issued_token_login_says_there_is_no_login_endpoint_to_rate_limit(project: Path, tmp_path: Path):
    keyed = tmp_path / "keyed.json"
    keyed.write_text(json.dumps({
        "openapi": "3.0.3", "info": {"title": "Keyed", "version": "1"},
        "components": {"securitySchemes": {"key": {"type": "apiKey", "in": "header", "name": "X-API-Key"}}},
        "security": [{"key": []}],
        "paths": {"/api/things": {"get": {"responses": {"200": {"description": "things"}}}}},
    }), encoding="utf-8")
    assert cli.main(["--root", str(project), "init", "keyed", "--openapi", str(keyed),
                     "--base-url", "http://127.0.0.1:1", "--yes"]) == 0
    settings = load_settings("keyed", project, envs_dir=filled_env(project, "keyed"), environ={})
    assert settings.profile.auth.login.strategy == "token"
    assert settings.profile.auth.login_rate_limit is False


def test_a_profile_written_elsewhere_names_the_schema_relative_to_itself(project: Path, sandbox_description: Path):
    elsewhere = project / "deploy" / "golive"
    assert cli.main(["--root", str(project), "init", "shop", "--openapi", str(sandbox_description),
                     "--base-url", "http://127.0.0.1:8799", "--yes", "--profiles-dir", str(elsewhere),
                     "--envs-dir", str(project / "deploy")]) == 0
    first = (elsewhere / "shop.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../../profiles/golive-profile.schema.json"
    assert (project / "deploy" / "shop.env").is_file()


def test_sections_declared_absent_are_written_false_saying_so_and_which_checks_read_them(project: Path,
                                                                                       sandbox_description: Path):
    code = cli.main(["--root", str(project), "init", "shop", "--openapi", str(sandbox_description),
                     "--base-url", "http://127.0.0.1:8799", "--yes", "--absent", "storage, backups",
                     "--absent", "transport"])
    assert code == 0
    text = (project / "profiles" / "shop.yaml").read_text(encoding="utf-8")
    settings = load_settings("shop", project, envs_dir=filled_env(project, "shop"), environ={})
    profile = settings.profile
    assert (profile.storage, profile.backups, profile.transport) == (False, False, False)
    lines = text.splitlines()
    storage = lines.index("storage: false")
    comment = "\n".join(itertools.takewhile(lambda line: line.startswith("#"), reversed(lines[:storage])))
    assert "storage: declared absent at `golive init` (object storage (S3)" in comment
    assert "INF-S3-001*" in comment and "not applicable where they need it" in comment
    # what was not declared stays unsaid, commented with the checks it feeds
    assert profile.cors is None and "# cors: not in the API description." in text


def test_an_unknown_section_is_refused_with_a_suggestion_and_nothing_is_written(project: Path,
                                                                              sandbox_description: Path, capsys):
    code = cli.main(["--root", str(project), "init", "shop", "--openapi", str(sandbox_description),
                     "--base-url", "http://127.0.0.1:8799", "--yes", "--absent", "storage,trasport"])
    assert code == init.EXIT_USAGE
    error = capsys.readouterr().err
    assert "unknown section 'trasport' (did you mean transport?)" in error
    assert "the sections a system may have none of: auth, cors," in error and "gateway" in error
    assert not (project / "profiles" / "shop.yaml").exists()


def test_declaring_the_login_absent_asks_for_no_credentials_and_names_no_role(project: Path,
                                                                               sandbox_description: Path):
    assert cli.main(["--root", str(project), "init", "shop", "--openapi", str(sandbox_description),
                     "--base-url", "http://127.0.0.1:8799", "--yes", "--absent", "auth"]) == 0
    example = (project / "envs" / "shop.env.example").read_text(encoding="utf-8")
    assert "APP_ADMIN_PASSWORD" not in example and "APP_URL=http://127.0.0.1:8799" in example
    written = load_yaml((project / "profiles" / "shop.yaml").read_text(encoding="utf-8"))
    assert written["auth"] is False
    assert all("role" not in entry for entries in written["inputs"].values() for entry in entries)
    assert "openapi" not in written  # the sandbox serves its description to admins only


def test_declaring_an_inferred_section_absent_replaces_it_and_drops_its_secret(project: Path,
                                                                              sandbox_description: Path):
    assert cli.main(["--root", str(project), "init", "shop", "--openapi", str(sandbox_description),
                     "--base-url", "http://127.0.0.1:8799", "--yes", "--absent", "service_endpoints"]) == 0
    text = (project / "profiles" / "shop.yaml").read_text(encoding="utf-8")
    assert "service_endpoints: false" in text.splitlines()
    assert "it replaces what init read from the description" in text
    assert "APP_SERVICE_TOKEN" not in (project / "envs" / "shop.env.example").read_text(encoding="utf-8")


def test_on_a_terminal_init_asks_once_which_unsaid_sections_the_system_lacks(project: Path,
                                                                            sandbox_description: Path):
    asked: list[str] = []

    def answer(question: str, default: str) -> str:
        asked.append(question)
        return "storage, backups" if init.ABSENT_QUESTION in question else default

    description = init.read_description(str(sandbox_description))
    plan = init.compose("shop", "http://127.0.0.1:8799", description, project, answer, absent=["gateway"])
    [question] = [q for q in asked if init.ABSENT_QUESTION in q]
    listed = [line.strip().split(":")[0] for line in question.splitlines() if line.startswith("  ")]
    assert "storage" in listed and "  storage: object storage (S3): bucket settings, presigned URLs" in question
    # only what init could not infer, and not what --absent already answered
    assert "inputs" not in listed and "services" not in listed and "gateway" not in listed
    assert (plan.sections["storage"], plan.sections["backups"], plan.sections["gateway"]) == (False, False, False)
    assert "cors" not in plan.sections and "transport" not in plan.sections  # never guessed
    (project / "profiles").mkdir()
    text = init.settle(plan, {}, project / "profiles" / "shop.yaml")
    assert "# backups: declared absent at `golive init`" in text


def test_a_name_mistyped_at_the_terminal_is_asked_again_not_guessed(project: Path, sandbox_description: Path):
    answers = iter(["storag", "storage"])
    asked: list[str] = []

    def answer(question: str, default: str) -> str:
        if init.ABSENT_QUESTION not in question:
            return default
        asked.append(question)
        return next(answers)

    description = init.read_description(str(sandbox_description))
    plan = init.compose("shop", "http://127.0.0.1:8799", description, project, answer)
    assert len(asked) == 2 and "unknown section 'storag' (did you mean storage?)" in asked[1]
    assert plan.sections["storage"] is False and plan.declared_absent == ["storage"]


#: a description that declares no security at all (as Kinto's does): who may write it does not say
UNSECURED = {
    "openapi": "3.0.3", "info": {"title": "Records", "version": "1"},
    "paths": {"/v1/accounts": {"get": {"responses": {"200": {"description": "accounts"}}},
                               "post": {"responses": {"201": {"description": "created"}}}},
              "/v1/records": {"get": {"responses": {"200": {"description": "records"}}}}},
}


def test_a_login_the_description_does_not_say_is_answered_with_its_roles(project: Path, tmp_path: Path):
    unsecured = tmp_path / "records.json"
    unsecured.write_text(json.dumps(UNSECURED), encoding="utf-8")
    assert cli.main(["--root", str(project), "init", "records", "--openapi", str(unsecured),
                     "--base-url", "http://127.0.0.1:1", "--yes", "--login", "basic:/v1/accounts",
                     "--roles", "user,user2"]) == 0
    text = (project / "profiles" / "records.yaml").read_text(encoding="utf-8")
    settings = load_settings("records", project, envs_dir=filled_env(project, "records"), environ={})
    auth = settings.profile.auth
    assert (auth.login.strategy, auth.login.path) == ("basic", "/v1/accounts")
    assert (auth.credential.location, auth.credential.name, auth.credential.scheme) == ("header", "Authorization", "Basic")
    assert list(auth.roles) == ["admin", "user", "user2"]
    assert "the answer at golive init (--login basic:/v1/accounts)" in text
    env = (project / "envs" / "records.env.example").read_text(encoding="utf-8")
    assert "APP_USER2_PASSWORD=" in env
    # no security declared anywhere is no declaration that the writes are public
    assert "public_writes" not in load_yaml(text)["openapi"]


def test_roles_named_at_init_are_held_to_every_protected_operation(project: Path, sandbox_description: Path):
    assert cli.main(["--root", str(project), "init", "shop", "--openapi", str(sandbox_description),
                     "--base-url", "http://127.0.0.1:8799", "--yes", "--roles", "user"]) == 0
    settings = load_settings("shop", project, envs_dir=filled_env(project, "shop"), environ={})
    auth = settings.profile.auth
    assert list(auth.roles) == ["admin", "user"]
    assert auth.protected and all(entry.roles == ["admin", "user"] for entry in auth.protected)


@pytest.mark.parametrize(("answer", "said"), [
    ("basci:/v1/accounts", "unknown login strategy 'basci' (did you mean basic?)"),
    ("session:accounts/login", "starts with '/'"),
    ("form", "a form login needs its path: form:/the/login/path"),
])
def test_a_login_answer_golive_cannot_use_is_refused_and_nothing_is_written(project: Path, sandbox_description: Path,
                                                                             capsys, answer: str, said: str):
    code = cli.main(["--root", str(project), "init", "shop", "--openapi", str(sandbox_description),
                     "--base-url", "http://127.0.0.1:8799", "--yes", "--login", answer])
    assert code == init.EXIT_USAGE
    assert said in capsys.readouterr().err
    assert not (project / "profiles" / "shop.yaml").exists()
