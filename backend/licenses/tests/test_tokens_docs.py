"""The worked example of docs/tokens.md ("Verifying offline") runs here, as written,
against tokens signed through an HSM root (SoftHSM2), a file root with online keys,
and a file root that signs tokens itself."""

import base64
import json
import re
from pathlib import Path

import jwt
import pytest
from rest_framework.test import APIClient

from licenses import services, signing

DOCS = Path(__file__).resolve().parents[3] / "docs" / "tokens.md"


def worked_example():
    text = DOCS.read_text()
    [code] = re.findall(r"```python verify_license_token\.py\n(.*?)```", text, re.S)
    namespace: dict = {}
    exec(compile(code, str(DOCS), "exec"), namespace)
    return namespace["verify_license_token"]


def tampered(token: str) -> str:
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["seats"] = 999
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


def check(make_license) -> None:
    verify_license_token = worked_example()
    _, key = make_license(seats=4)
    token = services.session_acquire(license_key=key, hardware_id="docs").token
    document = APIClient().get("/.well-known/jwks.json").json()
    claims = verify_license_token(token, document)
    assert claims["hwid"] == "docs" and claims["seats"] == 4
    with pytest.raises(jwt.InvalidSignatureError):
        verify_license_token(tampered(token), document)


def test_the_worked_example_verifies_an_hsm_rooted_token(db, make_license, pkcs11_root):
    check(make_license)


@pytest.mark.parametrize("online_keys", [True, False])
def test_the_worked_example_verifies_a_file_rooted_token(db, make_license, settings, online_keys):
    signing.reset_signers()
    settings.TOKEN_ONLINE_KEYS = online_keys
    check(make_license)
    signing.reset_signers()
