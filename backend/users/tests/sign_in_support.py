"""What the sign-in tests talk to: a real OpenID Connect provider, and GitHub's stand-in.

The OpenID Connect provider is ``oidc-provider-mock`` (Authlib's provider side,
serving discovery, authorize, token, userinfo and JWKS) on a loopback port: the
real protocol, with real signed ID tokens. GitHub cannot be reached from the tests,
and speaks plain OAuth 2.0 plus its own user API, so ``GitHubStandIn`` serves the
four endpoints we use (authorize, access_token, user, user/emails). It is the only
stand-in in these tests.
"""

import base64
import hashlib
import json
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlencode, urlsplit

import requests
import werkzeug.serving
from oidc_provider_mock import run_server_in_thread
from werkzeug.wrappers import Request, Response

CLIENT_ID = "coditect-dashboard"
CLIENT_SECRET = "provider-client-secret-for-tests"


@dataclass
class OidcProvider:
    issuer: str

    def config(self, provider_id: str = "corp", name: str = "Corp SSO") -> dict[str, str]:
        return {
            "id": provider_id,
            "name": name,
            "kind": "oidc",
            "issuer": self.issuer,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
        }

    def person(self, sub: str, **claims: object) -> str:
        """An account at the provider with these claims (email, email_verified, name)."""
        requests.put(f"{self.issuer}/users/{sub}", json=claims, timeout=5).raise_for_status()
        return sub

    def approve(self, authorization_url: str, sub: str) -> tuple[str, str]:
        """The person ``sub`` says yes on the provider's page: (code, state) of the
        redirect back to us."""
        answer = requests.post(
            authorization_url, data={"sub": sub}, allow_redirects=False, timeout=5
        )
        assert answer.status_code == 302, answer.text[:500]
        query = parse_qs(urlsplit(answer.headers["Location"]).query)
        return query["code"][0], query["state"][0]

    def id_token(
        self, sub: str, *, audience: str = CLIENT_ID, nonce: str = "n-0", via: str | None = None
    ) -> str:
        """A real ID token for ``sub``, got the way a client app of ``audience`` gets one
        (``via`` another address of the same provider makes it name that issuer)."""
        base = via or self.issuer
        redirect = "http://127.0.0.1/callback"
        query = urlencode(
            {
                "response_type": "code",
                "client_id": audience,
                "redirect_uri": redirect,
                "scope": "openid email profile",
                "state": "s",
                "nonce": nonce,
            }
        )
        code, _ = OidcProvider(base).approve(f"{base}/oauth2/authorize?{query}", sub)
        token = requests.post(
            f"{base}/oauth2/token",
            data={"grant_type": "authorization_code", "code": code, "redirect_uri": redirect},
            auth=(audience, "anything"),
            timeout=5,
        )
        token.raise_for_status()
        return token.json()["id_token"]


@contextmanager
def oidc_provider(**options: object) -> Iterator[OidcProvider]:
    with run_server_in_thread(**options) as server:
        yield OidcProvider(f"http://localhost:{server.server_port}")


@dataclass
class GitHubStandIn:
    """GitHub's authorize, access_token, user and user/emails, enough to sign in.

    ``accounts`` maps a login to (profile, emails). The person who approves is named
    by a ``login`` query parameter the test adds to the authorization URL.
    """

    url: str = ""
    accounts: dict[str, tuple[dict, list[dict]]] = field(default_factory=dict)
    codes: dict[str, dict] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)

    def config(self) -> dict[str, str]:
        return {
            "id": "github",
            "name": "GitHub",
            "kind": "github",
            "url": self.url,
            "api_url": f"{self.url}/api",
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
        }

    def approve(self, authorization_url: str, login: str) -> tuple[str, str]:
        answer = requests.get(
            f"{authorization_url}&login={login}", allow_redirects=False, timeout=5
        )
        assert answer.status_code == 302, answer.text
        query = parse_qs(urlsplit(answer.headers["Location"]).query)
        return query["code"][0], query["state"][0]

    def __call__(self, environ, start_response):
        request = Request(environ)
        handler = {
            "/login/oauth/authorize": self._authorize,
            "/login/oauth/access_token": self._access_token,
            "/api/user": self._user,
            "/api/user/emails": self._emails,
        }.get(request.path)
        response = handler(request) if handler else Response("not found", status=404)
        return response(environ, start_response)

    def _authorize(self, request: Request) -> Response:
        args = request.args
        assert args["client_id"] == CLIENT_ID and args["code_challenge_method"] == "S256"
        code = secrets.token_urlsafe(16)
        self.codes[code] = {"login": args["login"], "challenge": args["code_challenge"]}
        target = f"{args['redirect_uri']}?{urlencode({'code': code, 'state': args['state']})}"
        return Response(status=302, headers={"Location": target})

    def _access_token(self, request: Request) -> Response:
        form = request.form
        grant = self.codes.pop(form.get("code", ""), None)  # a code works once
        verifier = form.get("code_verifier", "")
        digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
        secret_ok = form.get("client_secret") == CLIENT_SECRET or (
            request.authorization and request.authorization.password == CLIENT_SECRET
        )
        if grant is None or digest.rstrip(b"=").decode() != grant["challenge"] or not secret_ok:
            # GitHub answers errors of this endpoint with 200 and an error field.
            return _json({"error": "bad_verification_code"})
        token = secrets.token_urlsafe(16)
        self.tokens[token] = grant["login"]
        return _json({"access_token": token, "token_type": "bearer", "scope": "user:email"})

    def _account(self, request: Request) -> tuple[dict, list[dict]] | None:
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        login = self.tokens.get(token)
        return self.accounts.get(login) if login else None

    def _user(self, request: Request) -> Response:
        account = self._account(request)
        return _json(account[0]) if account else _json({"message": "Bad credentials"}, 401)

    def _emails(self, request: Request) -> Response:
        account = self._account(request)
        return _json(account[1]) if account else _json({"message": "Bad credentials"}, 401)


def _json(body: object, status: int = 200) -> Response:
    return Response(json.dumps(body), status=status, mimetype="application/json")


@contextmanager
def github_stand_in() -> Iterator[GitHubStandIn]:
    stand_in = GitHubStandIn()
    server = werkzeug.serving.make_server("127.0.0.1", 0, stand_in, threaded=True)
    stand_in.url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, args=(0.1,), daemon=True)
    thread.start()
    try:
        yield stand_in
    finally:
        server.shutdown()
        thread.join(5)
