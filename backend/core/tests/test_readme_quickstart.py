"""The README's quick start, run as written: `make run`'s steps, then its curl."""

import json
import os
import re
import subprocess
import sys
import time

import httpx

from tests.fixtures.servers import BACKEND, free_port

README = BACKEND.parent / "README.md"


def quickstart_blocks() -> list[str]:
    section = README.read_text().split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.*?)```", section, flags=re.S)


def test_the_quick_start_ends_with_a_granted_seat(tmp_path):
    first, *client_blocks = quickstart_blocks()
    assert first.strip() == "make run"
    makefile = (BACKEND.parent / "Makefile").read_text()
    run_steps = re.split(r"\nrun:[^\n]*\n", makefile, maxsplit=1)[1].split("\n\n", 1)[0]
    assert "migrate --noinput" in run_steps and "setup_demo" in run_steps and "serve" in run_steps

    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env["DATA_DIR"] = str(tmp_path / "var")
    env["PORT"] = str(port)
    manage = [sys.executable, str(BACKEND / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput"], env=env, check=True, capture_output=True)
    subprocess.run([*manage, "setup_demo"], env=env, check=True, capture_output=True)
    server = subprocess.Popen(
        [*manage, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        script = "\n".join(client_blocks)
        assert "127.0.0.1:8000" not in script  # the port a user chose, not a fixed one
        result = subprocess.run(
            ["bash", "-e", "-c", script],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=30,
        )
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=20)
    # curl prints each answer with no newline between them.
    answers, text, decoder = [], result.stdout.strip(), json.JSONDecoder()
    while text:
        answer, end = decoder.raw_decode(text)
        answers.append(answer)
        text = text[end:].lstrip()
    body, beat, released = answers
    assert body["seats_total"] == 5 and body["seats_used"] == 1
    assert body["session_id"] and body["token"].count(".") == 2
    assert beat["session_id"] == body["session_id"] and beat["expires_at"]
    assert released == {"session_id": body["session_id"], "released": True}
