"""Gunicorn settings for the API, from the environment (Dockerfile and `serve` use it)."""

import gc
import multiprocessing
import os
import shutil
import tempfile

bind = os.environ.get(
    "BIND", f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"
)
# Two processes per core, two threads each: measured best on the seat path of a
# 2-core machine (bench/RESULTS.md, "Workers"). A process's threads share one GIL, so
# more processes use the cores; a second thread hides the Redis and PostgreSQL round
# trips, while more threads mostly queue on the GIL and lengthen the latency tail.
# Every thread may hold a database connection: budget workers x threads.
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * max(1, multiprocessing.cpu_count())))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
worker_class = "gthread"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# ACCESS_LOG=true (`serve` sets it): one line per request on stdout. Off by default in
# production, where the ingress logs requests and a line per heartbeat costs throughput.
# The path only, never the query string: invitation and reset links carry tokens.
accesslog = "-" if os.environ.get("ACCESS_LOG", "").lower() in ("1", "true", "yes", "on") else None
access_log_format = "%(t)s %(m)s %(U)s %(s)s %(M)sms [%({x-request-id}o)s]"
errorlog = "-"
if os.environ.get("LOG_FORMAT") == "json":
    # gunicorn's own lines (boot, worker timeouts) in the JSON shape Django's logs have
    # (settings.LOGGING), on stdout: on stderr without a severity Cloud Logging files
    # every one of them as an error.
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "format": "%(levelname)s %(name)s %(message)s",
                "rename_fields": {"levelname": "severity"},
                "timestamp": "time",
            }
        },
        "handlers": {
            "stdout": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stdout",
            }
        },
        # gunicorn's defaults name a root handler this dict replaces; Django's LOGGING
        # configures the root again in each worker.
        "root": {"handlers": ["stdout"], "level": "INFO"},
        "loggers": {
            "gunicorn.error": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
            "gunicorn.access": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
        },
    }
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
wsgi_app = "coditect_license.wsgi:application"
# The control socket defaults to one path per user; several servers on one host
# (tests, benchmarks) would fight over it, and nothing here uses it.
control_socket_disable = True
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# Workers are separate processes: Prometheus counters go to files that /metrics
# merges. One folder per server, emptied at start.
os.environ.setdefault(
    "PROMETHEUS_MULTIPROC_DIR",
    os.path.join(tempfile.gettempdir(), f"coditect-metrics-{os.getpid()}"),
)


def on_starting(server: object) -> None:
    folder = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder, exist_ok=True)


def child_exit(server: object, worker: object) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def post_worker_init(worker: object) -> None:
    # Everything loaded so far (Django, the apps, settings, URL patterns) lives as long
    # as the worker. Frozen out of the collector's generations, a full collection no
    # longer walks it: on a dashboard read that allocates ~16 k rows, one request in
    # ~15 paid 50 ms for that walk (bench/RESULTS.md, "Analysis").
    gc.freeze()
