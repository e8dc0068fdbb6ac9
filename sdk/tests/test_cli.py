"""The ``coditect-license`` console script against the real server."""

import json
import re
import select
import signal
import subprocess

import httpx
import pytest

pytestmark = pytest.mark.server


def run(cli, env, *args, stdin=None):
    return subprocess.run(
        [*cli, *args], env=env, input=stdin, capture_output=True, text=True, timeout=60
    )


def start_run(cli, env, *command):
    """Start ``run -- command`` and return once it reports holding a seat."""
    proc = subprocess.Popen(
        [*cli, "run", "--", *command], env=env, stderr=subprocess.PIPE, text=True
    )
    ready, _, _ = select.select([proc.stderr], [], [], 20)
    line = proc.stderr.readline() if ready else ""
    if "seat acquired" not in line:
        proc.kill()
        pytest.fail(f"run did not get a seat: {line!r}")
    return proc


def test_a_second_run_is_refused_while_the_first_holds_the_only_seat(cli, env_for, make_license):
    env = env_for(make_license(seats=1, ttl=3))
    first = start_run(cli, env, "sleep", "3")
    second = run(cli, env, "run", "--", "sleep", "0")
    assert second.returncode == 10
    assert "no seat available" in second.stderr
    assert first.wait(timeout=30) == 0
    assert "seat released" in first.stderr.read()
    third = run(cli, env, "run", "--", "sleep", "0")
    assert third.returncode == 0, third.stderr


def test_run_exits_with_the_command_status(cli, env_for, make_license):
    env = env_for(make_license(seats=1, ttl=30))
    assert run(cli, env, "run", "--", "sh", "-c", "exit 7").returncode == 7
    child = run(cli, env, "run", "--", "sh", "-c", 'echo "$CODITECT_LICENSE_SESSION"')
    assert re.fullmatch(r"[0-9a-f-]{36}\n", child.stdout)
    assert run(cli, env, "run", "--", "sh", "-c", "kill -KILL $$").returncode == 128 + 9
    missing = run(cli, env, "run", "--", "no-such-command-xyz")
    assert missing.returncode == 127 and "not found" in missing.stderr
    assert run(cli, env, "run").returncode == 2


def test_sigterm_stops_the_command_and_frees_the_seat(cli, env_for, make_license):
    env = env_for(make_license(seats=1, ttl=30))
    holder = start_run(cli, env, "sleep", "30")
    holder.send_signal(signal.SIGTERM)
    assert holder.wait(timeout=15) == 128 + signal.SIGTERM
    assert run(cli, env, "run", "--", "true").returncode == 0  # TTL 30 s: it was released


def test_acquire_status_release(cli, env_for, make_license, license_server):
    lic = make_license(seats=1, ttl=30)
    env = env_for(lic, CODITECT_HARDWARE_ID="cli-box")

    acquired = run(cli, env, "--json", "acquire")
    assert acquired.returncode == 0, acquired.stderr
    lease = json.loads(acquired.stdout)
    assert lease["seats_used"] == 1 and lease["new_session"] is True

    status = run(cli, env, "status", "--check")
    assert status.returncode == 0 and lease["session_id"] in status.stdout
    assert "session alive" in status.stdout
    assert run(cli, env, "heartbeat").returncode == 0

    refused = run(cli, {**env, "CODITECT_HARDWARE_ID": "other-box"}, "acquire")
    assert refused.returncode == 10 and "no seat available" in refused.stderr

    released = run(cli, env, "release")
    assert released.returncode == 0 and "seat released" in released.stdout
    assert run(cli, env, "release").returncode == 0  # twice is fine
    assert run(cli, env, "status").returncode == 16
    assert run(cli, env, "heartbeat").returncode == 16
    assert run(cli, {**env, "CODITECT_HARDWARE_ID": "other-box"}, "acquire").returncode == 0


def test_heartbeat_and_release_send_the_cached_secret_and_never_print_it(
    cli, env_for, make_license, cache_dir, tmp_path
):
    lic = make_license(seats=1, ttl=30)
    env = env_for(lic, CODITECT_HARDWARE_ID="secret-box")
    other = {**env, "CODITECT_LICENSE_CACHE": str(tmp_path / "other-cache")}

    def cached_secret(folder):
        (path,) = folder.glob("lease-*.json")
        return json.loads(path.read_text())["session_secret"]

    outputs = [run(cli, env, "--json", "-v", "acquire")]
    secrets = {cached_secret(cache_dir)}
    outputs.append(run(cli, env, "-v", "heartbeat"))
    assert outputs[-1].returncode == 0, outputs[-1].stderr
    # Another copy on this machine, with its own cache, takes the session over.
    outputs.append(run(cli, other, "--json", "-v", "acquire"))
    secrets.add(cached_secret(tmp_path / "other-cache"))
    beat = run(cli, env, "--json", "-v", "heartbeat")  # 401: acquired again
    outputs.append(beat)
    assert beat.returncode == 0 and json.loads(beat.stdout)["reacquired"] is True, beat.stderr
    secrets.add(cached_secret(cache_dir))
    refused = run(cli, other, "-v", "release")  # its secret was replaced: not released
    outputs.append(refused)
    assert refused.returncode == 16 and "invalid_session_secret" in refused.stderr
    outputs.append(run(cli, env, "--json", "status", "--check"))
    assert outputs[-1].returncode == 0, outputs[-1].stdout
    outputs.append(run(cli, env, "-v", "release"))
    assert outputs[-1].returncode == 0 and "seat released" in outputs[-1].stdout

    assert len(secrets) == 3
    for out in outputs:
        for secret in secrets:
            assert secret not in out.stdout and secret not in out.stderr


def test_errors_have_their_exit_codes(cli, env_for, make_license, license_server):
    env = env_for(make_license(seats=1))
    bad_key = run(cli, {**env, "CODITECT_LICENSE_KEY": "lic_not-a-key"}, "acquire")
    assert bad_key.returncode == 12 and "invalid license key" in bad_key.stderr
    no_server = {**env, "CODITECT_LICENSE_SERVER": ""}
    assert run(cli, no_server, "acquire").returncode == 2
    down = {**env, "CODITECT_LICENSE_SERVER": "http://127.0.0.1:9"}
    unreachable = run(cli, down, "--retries", "1", "acquire")
    assert unreachable.returncode == 13 and "unreachable" in unreachable.stderr


def test_verify_checks_a_token_online_and_offline(
    cli, env_for, make_license, license_server, tmp_path
):
    env = env_for(make_license(seats=1, ttl=30))
    token = json.loads(run(cli, env, "--json", "acquire").stdout)["token"]

    good = run(cli, env, "verify", token)
    assert good.returncode == 0 and "token valid" in good.stdout
    assert run(cli, env, "verify", "-", stdin=token).returncode == 0

    header, payload, signature = token.split(".")
    forged = f"{header}.{payload}.{signature[::-1]}"
    bad = run(cli, env, "verify", forged)
    assert bad.returncode == 14 and "token not valid" in bad.stderr

    jwks = tmp_path / "jwks.json"
    jwks.write_text(httpx.get(f"{license_server.url}/.well-known/jwks.json").text)
    offline = {**env, "CODITECT_LICENSE_SERVER": "http://127.0.0.1:9"}
    assert run(cli, offline, "--json", "verify", "--jwks", str(jwks), token).returncode == 0


def test_fingerprint(cli, sdk_env):
    out = run(cli, sdk_env, "fingerprint", "--sources")
    assert out.returncode == 0 and re.match(r"hw1-[0-9a-f]{64}\nsources: ", out.stdout)
    assert run(cli, {**sdk_env, "CODITECT_HARDWARE_ID": "box-1"}, "fingerprint").stdout == "box-1\n"
