"""Every root backend behind one interface: a key file, a PKCS#11 token (SoftHSM2) and
Cloud KMS (a local gRPC server). Each root certifies an online key, and the token the
key signs verifies with stock PyJWT and with the SDK through the chain to the root."""

import jwt
import pytest
from pkcs11 import Attribute, ObjectClass
from rest_framework.test import APIClient

from coditect_license_client.jwks import StaticJWKS
from coditect_license_client.verify import verify_token
from licenses import services, signing
from licenses.models import SigningKey
from licenses.signers import pkcs11 as pkcs11_signer
from licenses.signers.base import RootUnavailable
from tests.fixtures.signing_roots import EC_LABEL, RSA_LABEL, kms_version


def jwks() -> dict:
    return APIClient().get("/.well-known/jwks.json").json()


def verify_chain_with_pyjwt(token: str, document: dict) -> dict:
    """The strict check of docs/tokens.md with nothing but PyJWT and a JWKS."""
    keys = {key["kid"]: key for key in document["keys"]}
    header = jwt.get_unverified_header(token)
    cert_header = jwt.get_unverified_header(header["kcert"])
    root = keys[cert_header["kid"]]
    assert "cert" not in root
    cert = jwt.decode(
        header["kcert"],
        jwt.PyJWK(root, algorithm=cert_header["alg"]),
        algorithms=[cert_header["alg"]],
        issuer="coditect-license",
    )
    assert cert["sub"] == header["kid"] == cert["jwk"]["kid"]
    claims = jwt.decode(
        token, jwt.PyJWK(cert["jwk"]), algorithms=["EdDSA"], issuer="coditect-license"
    )
    assert cert["nbf"] <= claims["iat"] <= cert["exp"]
    return claims


def acquire_and_check(make_license, expected_alg: str) -> dict:
    _, key = make_license()
    token = services.session_acquire(license_key=key, hardware_id="hw-root").token
    document = jwks()
    claims = verify_chain_with_pyjwt(token, document)
    assert claims["hwid"] == "hw-root"
    sdk_claims = verify_token(token, StaticJWKS(document), hardware_id="hw-root")
    assert sdk_claims.hardware_id == "hw-root"
    cert_header = jwt.get_unverified_header(jwt.get_unverified_header(token)["kcert"])
    assert cert_header["alg"] == expected_alg
    root = SigningKey.objects.get(kid=cert_header["kid"])
    assert root.role == "root" and root.state == "active"
    return {"root": root, "token": token, "jwks": document}


@pytest.fixture
def file_root(settings):
    signing.reset_signers()
    yield settings
    signing.reset_signers()


@pytest.mark.parametrize("algorithm", ["RS256", "PS256", "ES256"])
def test_a_file_root_certifies_online_keys(db, make_license, file_root, algorithm):
    file_root.TOKEN_SIGNING_ALGORITHM = algorithm
    file_root.TOKEN_ONLINE_KEYS = True
    result = acquire_and_check(make_license, algorithm)
    assert result["root"].backend == "file"


@pytest.mark.parametrize(
    ("label", "algorithm"), [(RSA_LABEL, "RS256"), (RSA_LABEL, "PS256"), (EC_LABEL, "ES256")]
)
def test_a_pkcs11_root_certifies_online_keys(db, make_license, pkcs11_root, label, algorithm):
    pkcs11_root.PKCS11_KEY_LABEL = label
    pkcs11_root.TOKEN_SIGNING_ALGORITHM = algorithm
    result = acquire_and_check(make_license, algorithm)
    assert result["root"].backend == "pkcs11" and result["root"].reference == label
    root_jwk = next(k for k in result["jwks"]["keys"] if k["kid"] == result["root"].kid)
    assert root_jwk["kty"] == ("EC" if algorithm == "ES256" else "RSA")
    if algorithm != "ES256":
        assert jwt.PyJWK(root_jwk).key.key_size == 4096


def test_the_pkcs11_root_never_leaves_the_token(softhsm):
    session = pkcs11_signer._open_session(softhsm.module, softhsm.token_label, softhsm.pin)
    for label in (RSA_LABEL, EC_LABEL):
        key = session.get_key(object_class=ObjectClass.PRIVATE_KEY, label=label)
        assert key[Attribute.EXTRACTABLE] is False
        assert key[Attribute.SENSITIVE] is True
        assert key[Attribute.NEVER_EXTRACTABLE] is True


def test_the_generate_command_refuses_a_label_in_use(softhsm):
    with pytest.raises(ValueError, match="already holds"):
        pkcs11_signer.generate_root_key(
            RSA_LABEL,
            "RS256",
            module=softhsm.module,
            token_label=softhsm.token_label,
            pin=softhsm.pin,
        )


@pytest.mark.parametrize(
    ("name", "algorithm"), [("root-pss", "PS256"), ("root-pkcs1", "RS256"), ("root-ec", "ES256")]
)
def test_a_cloud_kms_root_certifies_online_keys(
    db, make_license, kms_root, fake_kms, name, algorithm
):
    kms_root.GCP_KMS_KEY_VERSION = kms_version(name)
    result = acquire_and_check(make_license, algorithm)
    assert result["root"].backend == "gcp-kms"
    assert result["root"].reference == kms_version(name)
    assert result["root"].kid in {k["kid"] for k in result["jwks"]["keys"]}
    assert fake_kms.calls.count("AsymmetricSign") == 1  # one certificate, many tokens


def test_a_corrupted_kms_signature_checksum_is_refused(db, kms_root, fake_kms):
    root = signing.open_root("gcp-kms", kms_version("root-pss"), "PS256")
    assert root.kid  # GetPublicKey, its checksum verified
    fake_kms.corrupt_signature_crc = True
    with pytest.raises(RootUnavailable, match="CRC32C"):
        root.sign(b"certify me")
    fake_kms.corrupt_signature_crc = False
    assert len(root.sign(b"certify me")) == 512


def test_a_digest_kms_did_not_verify_is_refused(db, kms_root, fake_kms):
    root = signing.open_root("gcp-kms", kms_version("root-pss"), "PS256")
    fake_kms.ignore_digest_crc = True
    with pytest.raises(RootUnavailable, match="corrupted on its way"):
        root.sign(b"certify me")


def test_the_kms_client_retries_a_transient_failure(db, kms_root, fake_kms):
    root = signing.open_root("gcp-kms", kms_version("root-pss"), "PS256")
    root.public_jwk()
    fake_kms.unavailable = 2
    assert len(root.sign(b"certify me")) == 512
    assert fake_kms.calls.count("AsymmetricSign") == 3


def test_acquire_fails_closed_while_kms_is_down_and_recovers(
    db, make_license, kms_root, fake_kms, settings
):
    settings.SIGNING_RETRY_SECONDS = 0
    settings.GCP_KMS_TIMEOUT = 1
    fake_kms.down = True
    _, key = make_license()
    response = APIClient().post(
        "/api/v1/licenses/acquire", {"license_key": key, "hardware_id": "a"}, format="json"
    )
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "signing_unavailable"
    ready = APIClient().get("/readyz")
    assert ready.status_code == 503 and "signer" in ready.json()["error"]["message"]
    assert APIClient().get("/.well-known/jwks.json").status_code == 200
    fake_kms.down = False
    response = APIClient().post(
        "/api/v1/licenses/acquire", {"license_key": key, "hardware_id": "a"}, format="json"
    )
    assert response.status_code == 201
    verify_chain_with_pyjwt(response.json()["token"], jwks())
    assert APIClient().get("/readyz").status_code == 200
