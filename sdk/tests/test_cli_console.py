"""What a person at a shell sees from ``coditect-license``: output, help, completion, config."""

import json
import subprocess

from coditect_license_client.cli import build_parser

from .test_cli import run


def shell(cli, env, script):
    """bash with ``$CLI`` set to the console script."""
    return subprocess.run(
        ["bash", "-c", script],
        env={**env, "CLI": " ".join(cli)},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_every_option_says_what_it_is_for():
    parser = build_parser()
    parsers = [parser, *parser._subparsers._group_actions[0].choices.values()]
    for each in parsers:
        for action in each._actions:
            if action.option_strings:
                assert action.help, f"{each.prog} {action.option_strings} has no help"


def test_json_has_null_where_there_is_no_time(cli, env_for, make_license):
    env = env_for(make_license(seats=1, ttl=30), CODITECT_HARDWARE_ID="json-box")
    acquired = run(cli, env, "--json", "acquire")
    assert acquired.returncode == 0, acquired.stderr
    lease = json.loads(acquired.stdout)
    assert lease["license_expires_at"] is None  # the test license never expires
    assert lease["token_expires_at"].endswith("Z")
    text = run(cli, env, "acquire")
    assert "license     expires never" in text.stdout
    run(cli, env, "release")


def test_run_with_json_prints_a_summary_after_the_command(cli, env_for, make_license):
    env = env_for(make_license(seats=2, ttl=30))
    result = run(cli, env, "--json", "run", "--", "sh", "-c", "echo from-the-command; exit 3")
    assert result.returncode == 3, result.stderr
    first, rest = result.stdout.split("\n", 1)
    assert first == "from-the-command"
    summary = json.loads(rest)
    assert summary["exit_status"] == 3 and summary["command"][0] == "sh"
    assert summary["released"] is True and summary["seat_lost"] is False
    assert summary["seats_total"] == 2 and summary["session_id"]
    assert summary["lost_reason"] is None


def test_output_into_a_closed_pipe_ends_quietly(cli, env_for, make_license):
    env = env_for(make_license(seats=2, ttl=30), CODITECT_HARDWARE_ID="pipe-box")
    # The reader is gone before the answer is written (``true`` reads nothing).
    early = shell(cli, env, '$CLI --json acquire | true; echo "status=${PIPESTATUS[0]}"')
    assert "status=141" in early.stdout
    assert early.stderr == ""
    # head that wants nothing: also no server call in between (fingerprint).
    cut = shell(cli, env, '$CLI --json fingerprint | head -c 0; echo "status=${PIPESTATUS[0]}"')
    assert cut.stdout == "status=141\n" and cut.stderr == ""
    run(cli, env, "release")


def test_verbose_shows_the_sdks_own_lines_only(cli, env_for, make_license):
    env = env_for(make_license(seats=1, ttl=30), CODITECT_HARDWARE_ID="verbose-box")
    acquired = run(cli, env, "-v", "acquire")
    assert acquired.returncode == 0, acquired.stderr
    assert "coditect-license: POST /api/v1/licenses/acquire -> 201 in " in acquired.stderr
    for noise in ("httpcore", "httpx", "connect_tcp", "send_request_headers"):
        assert noise not in acquired.stderr
    quiet = run(cli, env, "acquire")
    assert quiet.stderr == ""
    run(cli, env, "release")


def test_no_seat_held_is_said_once(cli, sdk_env, make_license):
    env = {**sdk_env, "CODITECT_LICENSE_KEY": make_license(seats=1).key}
    result = run(cli, env, "heartbeat")
    assert result.returncode == 16
    assert result.stderr.count("no seat held") == 1, result.stderr


def test_bash_completion_completes_commands_and_options(cli, sdk_env):
    script = (
        "source <($CLI completion bash)\n"
        "complete -p coditect-license >/dev/null\n"
        "COMP_WORDS=(coditect-license ac); COMP_CWORD=1; COMP_LINE='coditect-license ac'\n"
        "COMP_POINT=${#COMP_LINE}; _shtab_coditect_license; echo ${COMPREPLY[@]}\n"
        "COMP_WORDS=(coditect-license --lic); COMP_CWORD=1; COMP_LINE='coditect-license --lic'\n"
        "COMP_POINT=${#COMP_LINE}; _shtab_coditect_license; echo ${COMPREPLY[@]}\n"
    )
    result = shell(cli, sdk_env, script)
    assert result.returncode == 0, result.stderr
    commands, options = result.stdout.splitlines()
    assert commands.split() == ["acquire"]
    assert set(options.split()) == {"--license-id", "--license-key", "--license-key-file"}
    assert "#compdef coditect-license" in run(cli, sdk_env, "completion", "zsh").stdout


def test_config_file_is_read_after_options_and_environment(
    cli, sdk_env, make_license, license_server, tmp_path
):
    lic = make_license(seats=1, ttl=30)
    key_file = tmp_path / "license.key"
    key_file.write_text(lic.key + "\n")
    config = tmp_path / "license.toml"
    config.write_text(
        f'server = "{license_server.url}"\n'
        f'license_key_file = "{key_file}"\n'
        'hardware_id = "from-the-file"\n'
        "retries = 0\n"
    )
    env = {**sdk_env, "CODITECT_LICENSE_CONFIG": str(config)}
    del env["CODITECT_LICENSE_SERVER"]

    from_file = run(cli, env, "--json", "acquire")
    assert from_file.returncode == 0, from_file.stderr
    status = json.loads(run(cli, env, "--json", "status").stdout)
    assert status["hardware_id"] == "from-the-file"

    # The environment wins over the file, and an option over both.
    env_wins = {**env, "CODITECT_HARDWARE_ID": "from-the-env"}
    assert json.loads(run(cli, env_wins, "--json", "status").stdout)["hardware_id"] == (
        "from-the-env"
    )
    option = run(cli, env_wins, "--json", "--hardware-id", "from-the-flag", "fingerprint")
    assert json.loads(option.stdout)["hardware_id"] == "from-the-flag"
    down = {**env, "CODITECT_LICENSE_SERVER": "http://127.0.0.1:9"}
    assert run(cli, down, "acquire").returncode == 13  # the variable's server, not the file's
    assert run(cli, env, "release").returncode == 0

    config.write_text('sever = "typo"\n')
    bad = run(cli, env, "acquire")
    assert bad.returncode == 2 and "unknown key 'sever'" in bad.stderr
