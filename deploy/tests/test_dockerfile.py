"""(3) The Dockerfile is clean under hadolint, builds the image the way the
platform needs it, and agrees with the Kubernetes manifests on port, user,
command and data folder."""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass

import pytest

from .helpers import DOCKERFILE, OVERLAYS, REPO_DIR, find_tool, one, pod_spec, run

API_COMMAND = ["gunicorn", "-c", "python:coditect_license.gunicorn_conf", "coditect_license.wsgi"]


@dataclass
class Instruction:
    keyword: str
    args: str
    stage: int


def parse_dockerfile(text: str) -> list[Instruction]:
    """Instructions with continuation lines joined; comments dropped."""
    instructions: list[Instruction] = []
    stage = -1
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if pending and line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        full = (pending + line).strip()
        pending = ""
        keyword, _, args = full.partition(" ")
        keyword = keyword.upper()
        if keyword == "FROM":
            stage += 1
        instructions.append(Instruction(keyword, args.strip(), stage))
    return instructions


def exec_form(args: str) -> list[str]:
    value = json.loads(args)
    assert isinstance(value, list), f"not exec form: {args}"
    return value


def env_of(instructions: list[Instruction], stage: int) -> dict[str, str]:
    env: dict[str, str] = {}
    for ins in instructions:
        if ins.keyword == "ENV" and ins.stage == stage:
            for token in shlex.split(ins.args):
                key, _, value = token.partition("=")
                env[key] = value
    return env


@pytest.fixture(scope="module")
def instructions() -> list[Instruction]:
    return parse_dockerfile(DOCKERFILE.read_text())


@pytest.fixture(scope="module")
def runtime(instructions: list[Instruction]) -> int:
    return max(i.stage for i in instructions)


def test_hadolint_is_clean() -> None:
    result = run(
        [find_tool("hadolint"), "--no-color", "--failure-threshold", "style", str(DOCKERFILE)]
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_hadolint_would_catch_a_bad_dockerfile(tmp_path) -> None:
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python:latest\nRUN pip install flask\n")
    result = run([find_tool("hadolint"), "--no-color", str(bad)])
    assert result.returncode != 0 and "DL3007" in result.stdout


def test_parser_reads_this_dockerfile(instructions: list[Instruction]) -> None:
    assert [i.keyword for i in instructions if i.keyword == "FROM"] == ["FROM"] * 3
    assert instructions[-1].keyword == "CMD"


def test_multi_stage_build(instructions: list[Instruction]) -> None:
    froms = [i.args for i in instructions if i.keyword == "FROM"]
    names = [f.split(" AS ")[-1] for f in froms]
    assert names == ["frontend", "python-deps", "runtime"]
    for image in (f.split(" AS ")[0] for f in froms):
        _, _, tag = image.partition(":")
        assert tag and tag != "latest" and re.match(r"\d+\.\d+\.\d+-", tag), image
    runs = " ".join(i.args for i in instructions if i.keyword == "RUN")
    assert "npm ci" in runs and "npm run build" in runs
    assert "uv sync --frozen --no-dev" in runs
    copies = [i.args for i in instructions if i.keyword == "COPY"]
    assert "--from=frontend /src/frontend/dist /app/frontend/dist" in copies
    assert any(c.startswith("--from=python-deps /app/.venv") for c in copies)


def test_no_migrations_and_no_secrets_at_build_time(instructions: list[Instruction]) -> None:
    for ins in instructions:
        if ins.keyword == "RUN":
            assert not re.search(r"manage\.py\s+migrate|\bmigrate\s+--", ins.args), ins.args
        if ins.keyword in ("ENV", "ARG"):
            keys = [t.partition("=")[0] for t in shlex.split(ins.args)]
            assert not [
                k for k in keys if re.search(r"SECRET|PASSWORD|TOKEN|PEPPER|_URL$|KEY", k)
            ], ins.args
    # The build context never carries secrets or local state.
    ignore = (REPO_DIR / ".dockerignore").read_text().splitlines()
    first_rule = next(line for line in ignore if line and not line.startswith("#"))
    assert first_rule == "*"
    for pattern in ("**/.env", "**/*.pem", "**/*.key", "**/*.sqlite3", "frontend/node_modules"):
        assert pattern in ignore, pattern


def test_runtime_user_port_and_command(instructions: list[Instruction], runtime: int) -> None:
    final = [i for i in instructions if i.stage == runtime]
    [user] = [i.args for i in final if i.keyword == "USER"]
    assert user == "10001:10001"
    [expose] = [i.args for i in final if i.keyword == "EXPOSE"]
    assert expose == "8000"
    env = env_of(instructions, runtime)
    assert env["PORT"] == "8000"
    assert env["PYTHONPATH"] == "/app/backend"
    assert env["DJANGO_DEBUG"] == "false"
    assert env["DATA_DIR"] == "/app/var"
    [cmd] = [i.args for i in final if i.keyword == "CMD"]
    assert exec_form(cmd) == API_COMMAND
    [healthcheck] = [i.args for i in final if i.keyword == "HEALTHCHECK"]
    assert "/healthz" in healthcheck


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_dockerfile_and_deployments_agree(
    rendered: dict, overlay: str, instructions: list[Instruction], runtime: int
) -> None:
    final = [i for i in instructions if i.stage == runtime]
    uid = int(next(i.args for i in final if i.keyword == "USER").split(":")[0])
    port = int(next(i.args for i in final if i.keyword == "EXPOSE"))
    env = env_of(instructions, runtime)
    [workdir] = [i.args for i in final if i.keyword == "WORKDIR"]
    objects = rendered[overlay]
    [cm] = [
        c
        for c in objects
        if c["kind"] == "ConfigMap" and c["metadata"]["name"].startswith("coditect-config-")
    ]

    api = pod_spec(one(objects, "Deployment", "coditect-api"))
    [container] = api["containers"]
    # Same command: the Deployment runs the image's CMD unchanged.
    assert "command" not in container and "args" not in container
    assert [p["containerPort"] for p in container["ports"]] == [port]
    assert int(cm["data"]["PORT"]) == port
    assert cm["data"]["DATA_DIR"] == env["DATA_DIR"]
    assert cm["data"]["DJANGO_DEBUG"] == "false"
    for name in ("coditect-api", "coditect-worker", "coditect-beat"):
        spec = pod_spec(one(objects, "Deployment", name))
        assert spec["securityContext"]["runAsUser"] == uid
        assert spec["securityContext"]["runAsGroup"] == uid
        assert spec["securityContext"]["fsGroup"] == uid
        assert spec["containers"][0].get("workingDir", workdir) == workdir
    job = pod_spec(one(objects, "Job", "coditect-migrate"))
    assert job["securityContext"]["runAsUser"] == uid
    # `backend/manage.py` is relative: it needs the image's WORKDIR.
    assert workdir == "/app" and "workingDir" not in job["containers"][0]
