"""License tokens verify offline with stock PyJWT and nothing but the JWKS document."""

import base64
import json

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from django.core.exceptions import ImproperlyConfigured
from rest_framework.test import APIClient

from licenses import services, signing
from licenses.models import SigningKey


@pytest.fixture
def fresh_signer(settings):
    signing.reset_signers()
    yield settings
    signing.reset_signers()


def jwks_keys() -> dict[str, jwt.PyJWK]:
    document = APIClient().get("/.well-known/jwks.json").json()
    return {key["kid"]: jwt.PyJWK(key) for key in document["keys"]}


def verify(token: str) -> dict:
    kid = jwt.get_unverified_header(token)["kid"]
    key = jwks_keys()[kid]
    return jwt.decode(token, key, algorithms=[key.algorithm_name], issuer="coditect-license")


def pem(private_key) -> str:
    return private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def test_a_token_verifies_against_the_jwks_only(store_kind, make_license, fresh_signer):
    license_, key = make_license(seats=2, offline_grace=3600)
    seat = services.session_acquire(license_key=key, hardware_id="hw-1")
    claims = verify(seat.token)
    assert claims["sub"] == str(seat.session.id)
    assert claims["lic"] == str(license_.id) and claims["org"] == str(license_.org_id)
    assert claims["hwid"] == "hw-1" and claims["seats"] == 2
    assert claims["exp"] - claims["iat"] == 3600
    assert claims["lic_exp"] is None
    assert jwt.get_unverified_header(seat.token)["alg"] == "EdDSA"


def test_a_tampered_token_fails(db, make_license, fresh_signer):
    _, key = make_license()
    token = services.session_acquire(license_key=key, hardware_id="hw").token
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["seats"] = 999
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    with pytest.raises(jwt.InvalidSignatureError):
        verify(f"{header}.{forged}.{signature}")


def test_a_live_token_of_a_rotated_out_key_still_verifies(db, make_license, fresh_signer):
    _, key = make_license()
    old_token = services.session_acquire(license_key=key, hardware_id="before").token
    fresh_signer.SIGNING_KEY_PEM = pem(signing.generate_private_key("EdDSA"))
    signing.reset_signers()
    new_token = services.session_acquire(license_key=key, hardware_id="after").token
    old_kid = jwt.get_unverified_header(old_token)["kid"]
    new_kid = jwt.get_unverified_header(new_token)["kid"]
    assert old_kid != new_kid
    assert SigningKey.objects.get(kid=old_kid).state == "retired"
    assert set(jwks_keys()) >= {old_kid, new_kid}
    assert verify(old_token)["hwid"] == "before"
    assert verify(new_token)["hwid"] == "after"


@pytest.mark.parametrize("algorithm", ["RS256", "PS256"])
def test_rsa_4096_root_signed_tokens_verify(
    db, make_license, fresh_signer, rsa_4096_pem, algorithm
):
    fresh_signer.TOKEN_SIGNING_ALGORITHM = algorithm
    fresh_signer.TOKEN_ONLINE_KEYS = False
    fresh_signer.SIGNING_KEY_PEM = rsa_4096_pem
    _, key = make_license()
    token = services.session_acquire(license_key=key, hardware_id="rsa").token
    assert jwt.get_unverified_header(token)["alg"] == algorithm
    assert verify(token)["hwid"] == "rsa"
    jwk = jwks_keys()[jwt.get_unverified_header(token)["kid"]]
    assert jwk.key.key_size == 4096


def test_an_rsa_root_certifies_an_online_key_that_signs(
    db, make_license, fresh_signer, rsa_4096_pem
):
    fresh_signer.TOKEN_SIGNING_ALGORITHM = "RS256"
    fresh_signer.TOKEN_ONLINE_KEYS = True
    fresh_signer.SIGNING_KEY_PEM = rsa_4096_pem
    _, key = make_license()
    first = services.session_acquire(license_key=key, hardware_id="one").token
    second = services.session_acquire(license_key=key, hardware_id="two").token
    header = jwt.get_unverified_header(first)
    assert header["alg"] == "EdDSA"
    assert jwt.get_unverified_header(second)["kid"] == header["kid"]
    assert verify(first)["hwid"] == "one"
    # The chain: the online key's certificate verifies with the RSA-4096 root alone.
    document = APIClient().get("/.well-known/jwks.json").json()["keys"]
    online = next(k for k in document if k["kid"] == header["kid"])
    root = next(k for k in document if k["kty"] == "RSA")
    root_key = jwt.PyJWK(root)
    assert root_key.key.key_size == 4096
    cert = jwt.decode(online["cert"], root_key, algorithms=["RS256"], issuer="coditect-license")
    assert cert["sub"] == online["kid"]
    assert (
        cert["nbf"] <= jwt.decode(first, options={"verify_signature": False})["iat"] <= cert["exp"]
    )


@pytest.fixture(scope="module")
def rsa_4096_pem() -> str:
    return pem(signing.generate_private_key("RS256"))


def test_a_key_that_does_not_fit_the_algorithm_is_refused(db, fresh_signer):
    fresh_signer.TOKEN_SIGNING_ALGORITHM = "RS256"
    fresh_signer.TOKEN_ONLINE_KEYS = False
    fresh_signer.SIGNING_KEY_PEM = pem(signing.generate_private_key("EdDSA"))
    with pytest.raises(ImproperlyConfigured, match="RSA key"):
        signing.current_signer()
    fresh_signer.SIGNING_KEY_PEM = "not a pem"
    with pytest.raises(ImproperlyConfigured, match="PEM"):
        signing.current_signer()
