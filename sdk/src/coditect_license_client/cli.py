"""``coditect-license``: take, show, release and check seats from a shell.

Exit codes (also in ``coditect-license --help`` and sdk/README.md):

    0   success
    1   unexpected error (bad server answer, bug)
    2   usage error (bad arguments, missing server URL or license key)
    10  no seat available (every seat of the license is in use)
    11  license not usable (suspended, expired or inactive)
    12  invalid license key
    13  license server unreachable (network, 5xx or rate limit, after retries)
    14  token invalid or expired (verify; no usable cached token)
    15  seat lost while running (run: COMMAND was stopped)
    16  no seat held (status, heartbeat; or the session is gone, or its secret
        was replaced by a newer acquire with the same key: release)
    17  not signed in, or the sign-in was revoked or denied (login, or a person's
        acquire): run ``coditect-license login``
    18  which license is unclear: none or several are assigned to you, or the
        license id names none you may use (pass --license-id)
    141 stdout was closed early (piped into ``head``): nothing more to say
    run: otherwise COMMAND's own exit status; 128+N if it was killed by
    signal N; 126 if it cannot be executed, 127 if it is not found.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import threading
import uuid
from datetime import UTC, datetime
from enum import IntEnum
from pathlib import Path
from typing import Any, TextIO

import shtab

from ._version import __version__
from .cache import ENV_CACHE_DIR, DiskCache
from .client import LicenseClient
from .config import ConfigError, config_path, load_config
from .errors import (
    InvalidLicenseKey,
    InvalidSessionSecret,
    LicenseChoiceError,
    LicenseError,
    LicenseNotUsable,
    NoSeatsAvailable,
    NotAcquired,
    NotSignedIn,
    PersonSeatLimit,
    SeatLost,
    SessionExpired,
    SignInFailed,
    TokenError,
    TransientError,
    WaitCancelled,
)
from .fingerprint import ENV_OVERRIDE, fingerprint_sources, hardware_fingerprint
from .jwks import JWKS_PATH, JWKSCache, KeySource, StaticJWKS
from .lease import Lease, WaitStatus
from .retry import RetryPolicy
from .seat import Seat
from .sign_in import CredentialStore, DeviceLogin, PersonAuth
from .transport import Transport
from .verify import TokenClaims, verify_token

PROG = "coditect-license"
SDK_LOGGER = "coditect_license_client"
DEFAULT_TIMEOUT = 10.0
DEFAULT_RETRIES = 4


class ExitCode(IntEnum):
    OK = 0
    ERROR = 1
    USAGE = 2
    NO_SEATS = 10
    LICENSE_NOT_USABLE = 11
    INVALID_KEY = 12
    UNREACHABLE = 13
    TOKEN_INVALID = 14
    SEAT_LOST = 15
    NO_SEAT_HELD = 16
    NOT_SIGNED_IN = 17
    LICENSE_CHOICE = 18
    CANNOT_EXECUTE = 126
    COMMAND_NOT_FOUND = 127
    BROKEN_PIPE = 128 + 13  # as if SIGPIPE had ended us, the shell's convention


_EXIT_BY_ERROR: tuple[tuple[type[LicenseError], ExitCode, str], ...] = (
    (PersonSeatLimit, ExitCode.NO_SEATS, "no seat for another of your machines"),
    (NoSeatsAvailable, ExitCode.NO_SEATS, "no seat available"),
    (NotSignedIn, ExitCode.NOT_SIGNED_IN, "not signed in"),
    (SignInFailed, ExitCode.NOT_SIGNED_IN, "sign-in failed"),
    (LicenseChoiceError, ExitCode.LICENSE_CHOICE, "which license"),
    (LicenseNotUsable, ExitCode.LICENSE_NOT_USABLE, "license not usable"),
    (InvalidLicenseKey, ExitCode.INVALID_KEY, "invalid license key"),
    (TransientError, ExitCode.UNREACHABLE, "license server unreachable"),
    (TokenError, ExitCode.TOKEN_INVALID, "token not valid"),
    (SeatLost, ExitCode.SEAT_LOST, "seat lost"),
    (NotAcquired, ExitCode.NO_SEAT_HELD, "no seat held"),
    (SessionExpired, ExitCode.NO_SEAT_HELD, "no seat held"),
    (InvalidSessionSecret, ExitCode.NO_SEAT_HELD, "no seat held"),
)

EPILOG = """\
configuration (options win over the environment, which wins over the config file):
  CODITECT_LICENSE_SERVER     server URL (--server)
  CODITECT_LICENSE_KEY        license key (--license-key; prefer the variable or
                              --license-key-file: command lines are visible to other users)
  CODITECT_LICENSE_KEY_FILE   file holding the license key (--license-key-file)
  CODITECT_LICENSE_ID         license to use when signed in as a person (--license-id);
                              default: the one license assigned to you
  CODITECT_CREDENTIALS_FILE   keep the sign-in in this 0600 file instead of the OS keyring
  CODITECT_HARDWARE_ID        hardware id to use instead of this machine's fingerprint
  CODITECT_CLIENT_INSTANCE    instance name, to hold several seats on one machine
  CODITECT_LICENSE_CACHE      cache folder (JWKS and the last seat with its session
                              secret, which heartbeat and release send; files are 0600)
  CODITECT_LICENSE_CONFIG     config file, else ~/.config/coditect/license.toml with keys
                              server, license_key_file, hardware_id, instance, cache_dir,
                              timeout, retries (and license_key: chmod 600 the file then)

shell completion:
  coditect-license completion bash > ~/.local/share/bash-completion/completions/coditect-license
  coditect-license completion zsh > "${fpath[1]}/_coditect-license"

exit codes:
  0 success            10 no seat available       14 token invalid or expired
  1 unexpected error   11 license not usable      15 seat lost while running
  2 usage error        12 invalid license key     16 no seat held
                       13 server unreachable      17 not signed in (login)
                                                  18 which license (--license-id)

signing in (a person, instead of a license key):
  coditect-license login      sign in from the browser (shows a code to approve)
  coditect-license whoami     who is signed in, and their organizations
  coditect-license logout     end this sign-in on the server and forget it here
  With a sign-in and no license key, seats are held in the person's name (run, acquire,
  borrow) and a person waits in the line like a machine (run --wait); return and status
  find a person's borrowed seat by the same --license-id.
  run: COMMAND's exit status; 128+N if killed by signal N; 126 cannot execute; 127 not found
  141: stdout closed before all was written (e.g. piped into head)
"""


class UsageError(Exception):
    pass


def error_exit_code(exc: BaseException) -> tuple[ExitCode, str]:
    for cls, code, label in _EXIT_BY_ERROR:
        if isinstance(exc, cls):
            return code, label
    return ExitCode.ERROR, "error"


def _iso(epoch: float | None) -> str | None:
    """A time for --json: ISO 8601 in UTC, or null when there is none."""
    if epoch is None:
        return None
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _stamp(epoch: float | None) -> str:
    """A time for people: as _iso, or "-"."""
    return _iso(epoch) or "-"


def _never(epoch: float | None) -> str:
    return "never" if epoch is None else _stamp(epoch)


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{max(0.0, value):.0f} s"


# -- argument parsing ------------------------------------------------------------------


def _add_common(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    def default(value: Any) -> Any:
        return argparse.SUPPRESS if suppress else value

    group = parser.add_argument_group("connection")
    group.add_argument(
        "--server",
        metavar="URL",
        default=default(None),
        help="license server URL ($CODITECT_LICENSE_SERVER)",
    )
    group.add_argument(
        "--license-key",
        metavar="KEY",
        default=default(None),
        help="license key ($CODITECT_LICENSE_KEY; other users can see command lines, "
        "so prefer the variable or --license-key-file)",
    )
    group.add_argument(
        "--license-key-file",
        metavar="PATH",
        default=default(None),
        help="file holding the license key ($CODITECT_LICENSE_KEY_FILE)",
    )
    group.add_argument(
        "--license-id",
        metavar="ID",
        default=default(None),
        help="the license to use when signed in as a person ($CODITECT_LICENSE_ID; "
        "default: the one assigned to you)",
    )
    group.add_argument(
        "--hardware-id",
        metavar="ID",
        default=default(None),
        help="hardware id instead of this machine's fingerprint ($CODITECT_HARDWARE_ID)",
    )
    group.add_argument(
        "--instance",
        metavar="NAME",
        default=default(None),
        help="instance name: one machine holds one seat per instance ($CODITECT_CLIENT_INSTANCE)",
    )
    group.add_argument(
        "--cache-dir",
        metavar="DIR",
        default=default(None),
        help="folder for the cached JWKS and seat ($CODITECT_LICENSE_CACHE; "
        "default ~/.cache/coditect-license)",
    )
    group.add_argument(
        "--timeout",
        metavar="SECONDS",
        type=float,
        default=default(None),
        help=f"per request (default {DEFAULT_TIMEOUT:g})",
    )
    group.add_argument(
        "--retries",
        metavar="N",
        type=int,
        default=default(None),
        help="retries of a request that failed on the network, 5xx or 429 "
        f"(default {DEFAULT_RETRIES})",
    )
    out = parser.add_argument_group("output")
    out.add_argument(
        "--json",
        action="store_true",
        default=default(False),
        help="machine-readable JSON on stdout (times are ISO 8601 UTC or null)",
    )
    out.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        default=default(False),
        help="print only errors",
    )
    out.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        default=default(False),
        help="also print what the SDK does (requests, retries, heartbeats) on stderr",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Acquire, keep, release and verify CODITECT license seats.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    _add_common(parser, suppress=False)
    common = argparse.ArgumentParser(add_help=False)
    _add_common(common, suppress=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def add(name: str, help_text: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, parents=[common], help=help_text, description=help_text)

    login = add("login", "sign in as a person from the browser (OAuth device code)")
    login.add_argument(
        "--no-browser", action="store_true", help="only print the address; open no browser"
    )
    add("logout", "end this machine's sign-in on the server and forget it here")
    add("whoami", "show who is signed in, and their organizations")
    add("acquire", "take a seat (or get back the one this machine holds) and print it")
    add("heartbeat", "keep the seat taken by 'acquire' alive (it lapses after the TTL otherwise)")
    status = add("status", "show the seat this machine holds, from the local cache")
    status.add_argument(
        "--check", action="store_true", help="also ask the server (sends a heartbeat)"
    )
    add("release", "free the seat taken by 'acquire'")
    verify = add("verify", "verify a license token offline against the server's public keys")
    verify.add_argument("token", metavar="TOKEN", help="the token, or - to read it from stdin")
    verify.add_argument("--jwks", metavar="FILE", help="JWKS file to use instead of the server's")
    verify.add_argument(
        "--check-hardware", action="store_true", help="also require the token to be this machine's"
    )
    fingerprint = add("fingerprint", "print this machine's hardware id (a hash; nothing raw)")
    fingerprint.add_argument("--sources", action="store_true", help="name the sources used")
    run = add(
        "run",
        "hold a seat while COMMAND runs; exit with its status "
        "(--json: a summary on stdout once it ends)",
    )
    run.add_argument(
        "--wait",
        nargs="?",
        const="forever",
        default=None,
        metavar="DURATION",
        help="when every seat is in use, wait in the license's line (for up to DURATION: "
        "90s, 5m, 2h; as long as it takes without one); Ctrl-C gives the place up",
    )
    run.add_argument("cmd", nargs=argparse.REMAINDER, metavar="-- COMMAND [ARGS...]")
    borrow = add(
        "borrow",
        "borrow a seat for offline use (no heartbeats) for DURATION, e.g. 72h or 3d",
    )
    borrow.add_argument("duration", metavar="DURATION", help="hours to keep it: 72h, 3d, 8")
    add("return", "give the borrowed seat back")
    completion = sub.add_parser(
        "completion",
        help="print a shell completion script",
        description="Print a completion script for SHELL; see 'shell completion' in --help.",
    )
    completion.add_argument("shell", choices=shtab.SUPPORTED_SHELLS, metavar="SHELL")
    return parser


class Settings:
    """Each setting from its option, else its environment variable, else the config file."""

    def __init__(self, args: argparse.Namespace) -> None:
        env = os.environ
        try:
            file = load_config()
        except ConfigError as exc:
            raise UsageError(f"config file: {exc}") from exc

        def pick(option: Any, variable: str | None, key: str) -> Any:
            for value in (option, env.get(variable) if variable else None, file.get(key)):
                if value not in (None, ""):
                    return value
            return None

        self.server: str | None = pick(args.server, "CODITECT_LICENSE_SERVER", "server")
        self.license_key: str | None = pick(args.license_key, "CODITECT_LICENSE_KEY", "license_key")
        self.key_file: str | None = pick(
            args.license_key_file, "CODITECT_LICENSE_KEY_FILE", "license_key_file"
        )
        self.license_id: str | None = pick(args.license_id, "CODITECT_LICENSE_ID", "license_id")
        self.hardware_id: str | None = pick(args.hardware_id, ENV_OVERRIDE, "hardware_id")
        self.instance: str | None = pick(args.instance, "CODITECT_CLIENT_INSTANCE", "instance")
        self.cache_dir: str | None = pick(args.cache_dir, ENV_CACHE_DIR, "cache_dir")
        timeout = pick(args.timeout, None, "timeout")
        self.timeout: float = DEFAULT_TIMEOUT if timeout is None else float(timeout)
        retries = pick(args.retries, None, "retries")
        retries = DEFAULT_RETRIES if retries is None else retries
        if retries < 0:
            raise UsageError("--retries must be 0 or more")
        self.retry = RetryPolicy(attempts=retries + 1)

    def key(self) -> str:
        if self.license_key:
            return self.license_key.strip()
        if self.key_file:
            try:
                return Path(self.key_file).read_text(encoding="utf-8").strip()
            except OSError as exc:
                raise UsageError(f"cannot read the license key file: {exc}") from exc
        raise UsageError(
            "no license key and not signed in: run `coditect-license login`, or set "
            "CODITECT_LICENSE_KEY, pass --license-key-file or --license-key, or set "
            f"license_key_file in {config_path()}"
        )

    def url(self) -> str:
        if not self.server:
            raise UsageError(
                "no server: set CODITECT_LICENSE_SERVER, pass --server URL, "
                f"or set server in {config_path()}"
            )
        return self.server

    def client(self, **overrides: Any) -> LicenseClient:
        options: dict[str, Any] = {
            "hardware_id": self.hardware_id,
            "client_instance": self.instance,
            "cache_dir": self.cache_dir,
            "timeout": self.timeout,
            "retry": self.retry,
        }
        options.update(overrides)
        try:
            if not self.has_key():
                person = self.person()
                if person.signed_in:
                    return LicenseClient(
                        self.url(), person=person, license_id=self.license_id, **options
                    )
            return LicenseClient(self.url(), self.key(), **options)
        except ValueError as exc:
            raise UsageError(str(exc)) from exc

    def has_key(self) -> bool:
        return bool(self.license_key or self.key_file)

    def person(self) -> PersonAuth:
        """This server's sign-in (the keyring, or the credentials file)."""
        url = self.url().rstrip("/")
        return PersonAuth(
            url,
            store=CredentialStore(),
            transport=Transport(url, timeout=self.timeout, retry=self.retry),
        )


# -- output ---------------------------------------------------------------------------


class Output:
    def __init__(self, args: argparse.Namespace, out: TextIO, err: TextIO) -> None:
        self.json = args.json
        self.quiet = args.quiet
        self.out = out
        self.err = err

    def data(self, payload: dict[str, Any], lines: list[str]) -> None:
        if self.json:
            print(json.dumps(payload, indent=2, sort_keys=True), file=self.out)
        elif not self.quiet:
            print("\n".join(lines), file=self.out)

    def note(self, message: str) -> None:
        if not self.quiet:
            print(f"{PROG}: {message}", file=self.err)

    def error(self, message: str) -> None:
        print(f"{PROG}: {message}", file=self.err)


def _lease_payload(lease: Lease) -> dict[str, Any]:
    claims = lease.claims
    return {
        "session_id": lease.session_id,
        "new_session": lease.created,
        "offline": lease.offline,
        "license_id": lease.license_id,
        "seats_used": lease.seats_used,
        "seats_total": lease.seats_total,
        "heartbeat_interval": lease.heartbeat_interval,
        "heartbeat_ttl": lease.heartbeat_ttl,
        "session_expires_at": _iso(lease.session_expires_at),
        "token_expires_at": _iso(claims.expires_at if claims else None),
        "license_expires_at": _iso(lease.license_expires_at),
        "token": lease.token,
    }


def _lease_lines(title: str, lease: Lease) -> list[str]:
    seats = f"{lease.seats_used if lease.seats_used is not None else '?'}"
    seats += f"/{lease.seats_total if lease.seats_total is not None else '?'} in use"
    claims = lease.claims
    return [
        f"{title}: session {lease.session_id}"
        + (" (offline, from the cached token)" if lease.offline else ""),
        f"  license     {lease.license_id or '-'}   seats {seats}",
        f"  heartbeat   every {lease.heartbeat_interval} s; the seat lapses "
        f"{lease.heartbeat_ttl} s after the last one",
        f"  token       valid until {_stamp(claims.expires_at if claims else None)}"
        f" (offline grace {_seconds(lease.offline_grace)})",
        f"  license     expires {_never(lease.license_expires_at)}",
    ]


def _claims_payload(claims: TokenClaims) -> dict[str, Any]:
    return {
        "valid": True,
        "session_id": claims.session_id,
        "license_id": claims.license_id,
        "org": claims.org,
        "hardware_id": claims.hardware_id,
        "seats": claims.seats,
        "issuer": claims.issuer,
        "kid": claims.kid,
        "alg": claims.algorithm,
        "issued_at": _iso(claims.issued_at),
        "expires_at": _iso(claims.expires_at),
        "license_expires_at": _iso(claims.license_expires_at),
    }


# -- commands ---------------------------------------------------------------------------


def cmd_login(settings: Settings, out: Output, args: argparse.Namespace) -> int:
    """RFC 8628: show a code and where to approve it, open the browser where one can be,
    poll until the person decides, keep the sign-in."""
    person = settings.person()
    login = DeviceLogin(person.server_url, timeout=settings.timeout)
    try:
        code = login.start()
        out.note(f"to sign in, open {code.verification_uri} and enter the code {code.user_code}")
        out.note(f"(or open {code.verification_uri_complete}); waiting for approval...")
        if not args.no_browser and not args.json:
            _open_browser(code.verification_uri_complete)
        tokens = login.wait(code)
    finally:
        login.close()
    person.save_tokens(tokens)
    me = person.whoami()
    person.store.save(
        person.server_url, {**person.store.load(person.server_url), "email": me["email"]}
    )
    out.data(
        {"signed_in": True, **_who(me), "stored_in": person.store.where},
        [f"signed in as {me['email']}; the sign-in is kept in {person.store.where}"],
    )
    return ExitCode.OK


def _open_browser(url: str) -> None:
    """Best effort: a terminal without a browser (SSH, CI) still has the printed code."""
    if os.environ.get("CODITECT_NO_BROWSER"):
        return
    with contextlib.suppress(Exception):
        import webbrowser

        webbrowser.open(url, new=2)


def _who(me: dict[str, Any]) -> dict[str, Any]:
    return {
        "email": me["email"],
        "name": me.get("name", ""),
        "organizations": [
            {"slug": m["org"]["slug"], "name": m["org"]["name"], "role": m["role"]}
            for m in me.get("memberships", [])
        ],
    }


def cmd_whoami(settings: Settings, out: Output, args: argparse.Namespace) -> int:
    person = settings.person()
    if not person.signed_in:
        raise NotSignedIn("not signed in: run `coditect-license login`")
    who = _who(person.whoami())
    orgs = ", ".join(f"{o['name']} ({o['role']})" for o in who["organizations"]) or "none"
    out.data(
        who,
        [
            f"{who['email']}" + (f" ({who['name']})" if who["name"] else ""),
            f"  organizations  {orgs}",
        ],
    )
    return ExitCode.OK


def cmd_logout(settings: Settings, out: Output, args: argparse.Namespace) -> int:
    ended = settings.person().logout()
    out.data(
        {"signed_out": ended},
        ["signed out: the sign-in is revoked and forgotten" if ended else "not signed in"],
    )
    return ExitCode.OK


def cmd_acquire(settings: Settings, out: Output, args: argparse.Namespace) -> int:
    with settings.client() as client:
        lease = client.acquire()
    title = "seat acquired" if lease.created or lease.offline else "seat already held"
    out.data(_lease_payload(lease), _lease_lines(title, lease))
    return ExitCode.OK


def cmd_heartbeat(settings: Settings, out: Output, args: argparse.Namespace) -> int:
    with settings.client() as client:
        client.resume()
        result = client.heartbeat()
    payload = {
        "session_id": result.session_id,
        "session_expires_at": _iso(result.session_expires_at),
        "heartbeat_interval": result.heartbeat_interval,
        "reacquired": result.reacquired,
    }
    verb = (
        "seat acquired again (the server no longer kept the old session for this machine)"
        if result.reacquired
        else "seat kept"
    )
    out.data(
        payload,
        [f"{verb}: session {result.session_id}, alive until {_stamp(result.session_expires_at)}"],
    )
    return ExitCode.OK


def _borrowed_lines(client: LicenseClient, lease: Lease) -> tuple[dict[str, Any], list[str]]:
    """The borrowed seat as ``status`` shows it: its token checked offline."""
    try:
        claims = client.verify_token(lease.token, offline=True)
        valid, error = True, None
    except LicenseError as exc:
        claims, valid, error = None, False, str(exc)
    until = claims.expires_at if claims else lease.session_expires_at
    payload = {
        "session_id": lease.session_id,
        "license_id": lease.license_id,
        "borrowed_until": _iso(lease.session_expires_at),
        "token_valid": valid,
        "token_error": error,
    }
    lines = [
        f"seat borrowed: session {lease.session_id}",
        f"  held until  {_stamp(lease.session_expires_at)}",
        f"  token       {'valid' if valid else 'NOT valid'} until {_stamp(until)}"
        + (f" ({error})" if error else ""),
    ]
    return payload, lines


def cmd_status(settings: Settings, out: Output, args: argparse.Namespace) -> int:
    with settings.client() as client:
        status = client.status(check_server=args.check)
        borrowed = client.borrowed_lease()
        borrow_payload, borrow_lines = _borrowed_lines(client, borrowed) if borrowed else (None, [])
    payload = status.as_dict()
    payload["token_expires_at"] = _iso(status.token_expires_at)
    payload["session_expires_at"] = _iso(status.session_expires_at)
    payload["borrowed"] = borrow_payload
    if status.session_id is None:
        if borrow_payload is not None:
            out.data(payload, borrow_lines)
            return ExitCode.OK if borrow_payload["token_valid"] else ExitCode.NO_SEAT_HELD
        out.data(payload, [f"no seat held on this machine for {status.server_url}"])
        return ExitCode.NO_SEAT_HELD
    lines = [
        f"seat {'held' if status.held else 'NOT held'}: session {status.session_id}",
        f"  license     {status.license_id or '-'}",
        f"  hardware    {status.hardware_id}"
        + (f"  instance {status.client_instance}" if status.client_instance else ""),
        f"  token       {'valid' if status.token_valid else 'NOT valid'}"
        f" until {_stamp(status.token_expires_at)}"
        + (f" ({status.token_error})" if status.token_error else ""),
    ]
    if status.session_alive is not None:
        lines.append(
            "  server      session " + ("alive" if status.session_alive else "gone (acquire again)")
        )
    out.data(payload, lines + borrow_lines)
    return ExitCode.OK if status.held else ExitCode.NO_SEAT_HELD


def cmd_release(settings: Settings, out: Output, args: argparse.Namespace) -> int:
    with settings.client() as client:
        lease = client.cached_lease()
        released = client.release()
    session = lease.session_id if lease else None
    out.data(
        {"released": released, "session_id": session},
        [f"seat released: session {session}" if released else "no seat held: nothing to release"],
    )
    return ExitCode.OK


def cmd_verify(settings: Settings, out: Output, args: argparse.Namespace) -> int:
    token = sys.stdin.read().strip() if args.token == "-" else args.token.strip()  # noqa: S105
    keys: KeySource
    if args.jwks:
        try:
            keys = StaticJWKS.from_file(args.jwks)
        except (OSError, ValueError) as exc:
            raise UsageError(f"cannot read the JWKS file: {exc}") from exc
    else:  # verifying needs the server's public keys, not a license key
        transport = Transport(settings.url(), timeout=settings.timeout, retry=settings.retry)
        keys = JWKSCache(
            transport.server_url,
            fetcher=lambda: transport.request("GET", JWKS_PATH)[1],
            cache=DiskCache(settings.cache_dir),
        )
    hardware_id = None
    if args.check_hardware:
        hardware_id = settings.hardware_id or hardware_fingerprint()
    claims = verify_token(token, keys, hardware_id=hardware_id)
    payload = _claims_payload(claims)
    out.data(
        payload,
        [
            f"token valid: session {claims.session_id}",
            f"  license     {claims.license_id}   org {claims.org}   seats {claims.seats}",
            f"  hardware    {claims.hardware_id}",
            f"  issued      {_stamp(claims.issued_at)}   expires {_stamp(claims.expires_at)}"
            f" ({_seconds(claims.seconds_left())} left)",
            f"  license     expires {_never(claims.license_expires_at)}",
            f"  signed by   {claims.kid} ({claims.algorithm})",
        ],
    )
    return ExitCode.OK


def cmd_fingerprint(settings: Settings, out: Output, args: argparse.Namespace) -> int:
    value = settings.hardware_id or hardware_fingerprint()
    sources = ["override"] if settings.hardware_id else fingerprint_sources()
    lines = [value] + ([f"sources: {', '.join(sources)}"] if args.sources else [])
    out.data({"hardware_id": value, "sources": sources}, lines)
    return ExitCode.OK


def _foreground_of_terminal() -> bool:
    """True when this process group owns the terminal: a Ctrl-C there already
    reached the child, which shares the group."""
    try:
        return os.tcgetpgrp(sys.stdin.fileno()) == os.getpgrp()
    except (OSError, ValueError, AttributeError):
        return False


_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(text: str) -> float:
    """Seconds in ``90s``, ``5m``, ``2h``, ``3d``, ``1h30m`` or a plain number of seconds."""
    value = text.strip().lower()
    if value.replace(".", "", 1).isdigit():
        return float(value)
    total, number = 0.0, ""
    for ch in value:
        if ch.isdigit() or ch == ".":
            number += ch
        elif ch in _UNITS and number:
            total += float(number) * _UNITS[ch]
            number = ""
        else:
            raise UsageError(f"not a duration: {text!r} (try 90s, 5m, 2h or 3d)")
    if number or total <= 0:
        raise UsageError(f"not a duration: {text!r} (try 90s, 5m, 2h or 3d)")
    return total


def parse_hours(text: str) -> int:
    """Whole hours of a borrow: ``72h``, ``3d``, or a plain number (hours)."""
    value = text.strip().lower()
    seconds = float(value) * 3600 if value.isdigit() else parse_duration(value)
    hours = round(seconds / 3600)
    if hours < 1:
        raise UsageError("a borrow lasts at least one hour")
    return hours


def cmd_borrow(settings: Settings, out: Output, args: argparse.Namespace) -> int:
    hours = parse_hours(args.duration)
    with settings.client() as client:
        lease = client.borrow(hours)
        # A person's borrowed seat is found again by the license it was borrowed with.
        named = f" --license-id {client.license_id}" if client.person and client.license_id else ""
    payload = {**_lease_payload(lease), "borrowed": True, "hours": hours}
    until = lease.session_expires_at
    out.data(
        payload,
        [
            f"seat borrowed for {hours} h: session {lease.session_id}",
            f"  held until  {_stamp(until)} (no heartbeats needed; the token verifies offline)",
            f"  give it back early with: {PROG} return{named}",
        ],
    )
    return ExitCode.OK


def cmd_return(settings: Settings, out: Output, args: argparse.Namespace) -> int:
    with settings.client() as client:
        lease = client.borrowed_lease()
        returned = client.return_borrowed()
    session = lease.session_id if lease else None
    out.data(
        {"returned": returned, "session_id": session},
        [f"seat returned: session {session}" if returned else "no borrowed seat to return"],
    )
    return ExitCode.OK


class _WaitLine:
    """The live line of ``run --wait``: rewritten in place on a terminal, a new line on
    each change of place otherwise (logs)."""

    def __init__(self, out: Output) -> None:
        self.out = out
        self.tty = out.err.isatty() and not out.quiet
        self.last = ""
        self.shown = False

    def __call__(self, status: WaitStatus) -> None:
        text = status.describe()
        if self.tty:
            print(f"\r\x1b[K{PROG}: {text}", end="", file=self.out.err, flush=True)
            self.shown = True
        elif text != self.last:
            self.out.note(text)
        self.last = text

    def done(self) -> None:
        if self.shown:
            print(file=self.out.err, flush=True)
            self.shown = False


def cmd_run(settings: Settings, out: Output, args: argparse.Namespace) -> int:
    command = list(args.cmd)
    if command and command[0] == "--":
        command = command[1:]
    if not command:
        raise UsageError("run needs a command: coditect-license run -- COMMAND [ARGS...]")
    if shutil.which(command[0]) is None:
        out.error(f"command not found: {command[0]}")
        return ExitCode.COMMAND_NOT_FOUND
    # Each run is one running copy: it holds its own seat unless --instance names one.
    explicit = settings.instance is not None
    instance = settings.instance or f"run-{uuid.uuid4().hex[:16]}"
    wait = getattr(args, "wait", None)
    wait_timeout = None if wait in (None, "forever") else parse_duration(wait)
    with settings.client(client_instance=instance, cache_lease=explicit) as client:
        runner = _Runner(client, command, out, wait=wait is not None, wait_timeout=wait_timeout)
        code = runner.run()
    if out.json:  # after the command's own output, which shares stdout
        out.data(runner.summary(code), [])
    return code


class _Runner:
    """Runs COMMAND while holding a seat; forwards SIGTERM/SIGINT/SIGHUP to it."""

    SIGNALS = tuple(
        getattr(signal, name) for name in ("SIGTERM", "SIGINT", "SIGHUP") if hasattr(signal, name)
    )

    def __init__(
        self,
        client: LicenseClient,
        command: list[str],
        out: Output,
        *,
        wait: bool = False,
        wait_timeout: float | None = None,
    ) -> None:
        self.command = command
        self.out = out
        self.lost = threading.Event()
        self.received: list[int] = []
        self.line = _WaitLine(out)
        # A signal while waiting in line (Ctrl-C) ends the wait: the ticket is cancelled.
        self.seat = Seat(
            client,
            wait=wait,
            wait_timeout=wait_timeout,
            on_wait=self.line,
            should_stop=lambda: bool(self.received),
            on_lost=lambda error: self.lost.set(),
            handle_signals=False,
        )
        self.proc: subprocess.Popen[bytes] | None = None
        self.lease: Lease | None = None  # the seat's lease is gone once it is released

    def summary(self, code: int) -> dict[str, Any]:
        lease, error = self.lease, self.seat.lost_error
        return {
            "command": self.command,
            "exit_status": code,
            "session_id": lease.session_id if lease else None,
            "license_id": lease.license_id if lease else None,
            "seats_used": lease.seats_used if lease else None,
            "seats_total": lease.seats_total if lease else None,
            "seat_lost": self.seat.lost,
            "lost_reason": error.message if error else None,
            "released": lease is not None and not self.seat.lost,
        }

    def on_signal(self, signum: int, frame: object) -> None:
        self.received.append(signum)
        self.forward(signum)

    def forward(self, signum: int) -> None:
        proc = self.proc
        if proc is None or proc.poll() is not None:
            return  # not started yet: run() checks self.received once it is
        if signum == signal.SIGINT and _foreground_of_terminal():
            return  # Ctrl-C at the terminal reached the child already
        with contextlib.suppress(OSError):
            proc.send_signal(signum)

    def run(self) -> int:
        previous = {s: signal.signal(s, self.on_signal) for s in self.SIGNALS}
        try:
            try:
                self.seat.start()  # a signal during the acquire is kept in self.received
            except WaitCancelled:
                self.line.done()
                self.out.note("stopped waiting; the place in line was given up")
                return 128 + self.received[0]
            finally:
                self.line.done()
            try:
                return self._run_child()
            finally:
                if self.proc is not None and self.proc.poll() is None:
                    _stop_child(self.proc)
                self.seat.stop()
                if not self.seat.lost:
                    self.out.note("seat released")
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)

    def _run_child(self) -> int:
        if self.received:
            return 128 + self.received[0]
        lease = self.lease = self.seat.lease
        assert lease is not None
        name = self.command[0]
        self.out.note(
            f"seat acquired (session {lease.session_id}, "
            f"{lease.seats_used}/{lease.seats_total} in use); running {name}"
        )
        env = dict(
            os.environ,
            CODITECT_LICENSE_SESSION=lease.session_id,
            CODITECT_LICENSE_TOKEN=lease.token,
        )
        try:
            self.proc = subprocess.Popen(self.command, env=env)  # noqa: S603 - the user's command
        except FileNotFoundError:
            self.out.error(f"command not found: {name}")
            return ExitCode.COMMAND_NOT_FOUND
        except OSError as exc:
            self.out.error(f"cannot execute {name}: {exc.strerror or exc}")
            return ExitCode.CANNOT_EXECUTE
        for signum in self.received:  # arrived while the child was being started
            self.forward(signum)
        while self.proc.poll() is None:
            if self.lost.wait(0.2):
                error = self.seat.lost_error
                reason = error.message if error else "unknown reason"
                self.out.error(f"seat lost: {reason}; stopping {name}")
                _stop_child(self.proc)
                return ExitCode.SEAT_LOST
        code = self.proc.returncode
        return code if code >= 0 else 128 - code


def _stop_child(proc: subprocess.Popen[bytes], grace: float = 10.0) -> None:
    with contextlib.suppress(OSError):
        proc.terminate()
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(OSError):
            proc.kill()
        proc.wait()


def _print_completion(parser: argparse.ArgumentParser, shell: str) -> int:
    print(shtab.complete(parser, shell=shell))
    return ExitCode.OK


COMMANDS = {
    "acquire": cmd_acquire,
    "heartbeat": cmd_heartbeat,
    "status": cmd_status,
    "release": cmd_release,
    "verify": cmd_verify,
    "fingerprint": cmd_fingerprint,
    "run": cmd_run,
    "borrow": cmd_borrow,
    "return": cmd_return,
    "login": cmd_login,
    "logout": cmd_logout,
    "whoami": cmd_whoami,
}


def _configure_logging(args: argparse.Namespace) -> None:
    """-v shows the SDK's own lines; libraries below it (httpx, httpcore) stay at warnings."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(f"{PROG}: %(message)s"))
    logging.basicConfig(level=logging.ERROR if args.quiet else logging.WARNING, handlers=[handler])
    if args.verbose:
        logging.getLogger(SDK_LOGGER).setLevel(logging.DEBUG)


def _failure(exc: LicenseError) -> tuple[ExitCode, str]:
    code, label = error_exit_code(exc)
    # The SDK's message often names the case already ("no seat held on this machine").
    message = exc.message if exc.message.startswith(label) else f"{label}: {exc.message}"
    return code, f"{message} ({exc.code})"


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "completion":
        return _print_completion(parser, args.shell)
    _configure_logging(args)
    out = Output(args, sys.stdout, sys.stderr)
    try:
        settings = Settings(args)
        code = int(COMMANDS[args.command](settings, out, args))
        sys.stdout.flush()  # a closed pipe shows here, inside the handler below
        return code
    except BrokenPipeError:
        # The reader (``| head``) has all it wanted. Point stdout at /dev/null so the
        # interpreter's last flush at exit does not print a traceback of its own.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return ExitCode.BROKEN_PIPE
    except UsageError as exc:
        out.error(str(exc))
        return ExitCode.USAGE
    except LicenseError as exc:
        code, message = _failure(exc)
        out.error(message)
        return code
    except KeyboardInterrupt:
        out.error("interrupted")
        return 128 + signal.SIGINT


if __name__ == "__main__":
    sys.exit(main())
