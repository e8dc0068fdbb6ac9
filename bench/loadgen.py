"""The load generator: ``wrk`` (C, epoll) with the Lua scripts in ``bench/wrk/``.

Closed loop: ``-c N`` connections, each sends its next request when the last
answer arrived, so N is the number of concurrent clients. By default every
request carries ``Connection: close`` (see README: keep-alive connections pile
up on one gunicorn worker). One wrk
thread, pinned with ``taskset`` to one core, drives every level; its own CPU
time is measured (``RUSAGE_CHILDREN``) and reported next to the numbers, with
the server side's (gunicorn master and workers, Redis) from ``/proc``.
"""

import json
import os
import resource
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
WRK_DIR = HERE / "wrk"
CLK_TCK = os.sysconf("SC_CLK_TCK")


@dataclass
class RunResult:
    op: str
    clients: int
    seconds: float
    requests: int
    rps: float
    latency_ms: dict[str, float]
    statuses: dict[str, int]
    socket_errors: dict[str, int]
    wrapped: int
    wrk_cpu: float  # cores used by wrk, on average
    server_cpu: float  # cores used by gunicorn + redis, on average
    machine_busy: float  # whole machine, 0..2 cores
    loadavg: float
    extra: dict = field(default_factory=dict)

    @property
    def socket_error_count(self) -> int:
        # wrk's "status" errors are non-2xx answers (409s, 410s), counted in statuses.
        return sum(n for kind, n in self.socket_errors.items() if kind != "status")

    @property
    def server_errors(self) -> int:
        return sum(n for code, n in self.statuses.items() if code.startswith("5"))


def _proc_cpu(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        total += int(fields[11]) + int(fields[12])
    return total / CLK_TCK


def _machine_busy() -> tuple[float, float]:
    parts = [float(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = parts[3] + parts[4]
    return sum(parts) / CLK_TCK, idle / CLK_TCK


def _lua_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _script(workdir: Path, op_file: str, params: dict) -> Path:
    lines = ["PARAMS = {"]
    for key, value in params.items():
        if isinstance(value, bool):
            text = "true" if value else "false"
        elif isinstance(value, str):
            text = _lua_string(value)
        else:
            text = str(value)
        lines.append(f"  {key} = {text},")
    lines.append("}")
    body = "\n".join(lines) + "\n"
    body += (WRK_DIR / op_file).read_text() + "\n" + (WRK_DIR / "common.lua").read_text()
    path = workdir / f"wrk-{op_file.removesuffix('.lua')}-{time.monotonic_ns()}.lua"
    path.write_text(body)
    return path


class LoadGen:
    def __init__(self, workdir: Path, *, core: str = "1", threads: int = 1):
        self.workdir = workdir
        self.core = core
        self.threads = threads

    def run(
        self,
        op: str,
        url: str,
        clients: int,
        seconds: float,
        *,
        op_file: str,
        params: dict,
        server_pids: list[int],
    ) -> RunResult:
        threads = min(self.threads, clients)
        script = _script(self.workdir, op_file, {**params, "threads": threads})
        cmd = [
            "taskset",
            "-c",
            self.core,
            "wrk",
            "-t",
            str(threads),
            "-c",
            str(clients),
            "-d",
            f"{max(1, round(seconds))}s",
            "--timeout",
            "10s",
            "-s",
            str(script),
            url,
        ]
        before_children = resource.getrusage(resource.RUSAGE_CHILDREN)
        server_before = _proc_cpu(server_pids)
        total_before, idle_before = _machine_busy()
        started = time.monotonic()
        proc = subprocess.run(
            cmd, capture_output=True, text=True, timeout=seconds + 60, check=False
        )
        wall = time.monotonic() - started
        total_after, idle_after = _machine_busy()
        server_after = _proc_cpu(server_pids)
        after_children = resource.getrusage(resource.RUSAGE_CHILDREN)
        script.unlink(missing_ok=True)
        line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("BENCH_JSON ")), None)
        if proc.returncode != 0 or line is None:
            raise RuntimeError(f"wrk failed ({proc.returncode}): {proc.stdout}\n{proc.stderr}")
        data = json.loads(line.removeprefix("BENCH_JSON "))
        duration = data["duration_us"] / 1e6
        wrk_cpu = (
            after_children.ru_utime
            + after_children.ru_stime
            - before_children.ru_utime
            - before_children.ru_stime
        )
        elapsed_total = total_after - total_before
        busy = (elapsed_total - (idle_after - idle_before)) / max(wall, 1e-9)
        return RunResult(
            op=op,
            clients=clients,
            seconds=duration,
            requests=data["requests"],
            rps=data["requests"] / duration,
            latency_ms={k: v / 1000 for k, v in data["latency_us"].items()},
            statuses=data["statuses"],
            socket_errors=data["errors"],
            wrapped=data["extra"],
            wrk_cpu=wrk_cpu / wall,
            server_cpu=(server_after - server_before) / wall,
            machine_busy=busy,
            loadavg=float(Path("/proc/loadavg").read_text().split()[0]),
        )
