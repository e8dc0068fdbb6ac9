"""Offline token verification with keys made here (EdDSA and RSA)."""

import json
import time
import uuid

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from coditect_license_client.cache import DiskCache
from coditect_license_client.errors import (
    LicenseExpired,
    ServerUnreachable,
    TokenExpired,
    TokenInvalid,
)
from coditect_license_client.jwks import JWKSCache, StaticJWKS
from coditect_license_client.verify import decode_unverified, verify_token


def make_key(alg: str, kid: str):
    if alg == "EdDSA":
        private = ed25519.Ed25519PrivateKey.generate()
        jwk = json.loads(jwt.algorithms.OKPAlgorithm.to_jwk(private.public_key()))
    else:
        private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(private.public_key()))
    jwk.update(kid=kid, alg=alg, use="sig")
    return private, jwk


@pytest.fixture(scope="module")
def ed_key():
    return make_key("EdDSA", "ed-1")


def sign(key, alg="EdDSA", kid="ed-1", **claims):
    now = int(time.time())
    body = {
        "iss": "coditect",
        "sub": str(uuid.uuid4()),
        "lic": str(uuid.uuid4()),
        "org": "acme",
        "hwid": "hw-a",
        "seats": 3,
        "iat": now,
        "exp": now + 60,
        "lic_exp": None,
    }
    body.update(claims)
    return jwt.encode(body, key, algorithm=alg, headers={"kid": kid})


@pytest.mark.parametrize("alg", ["EdDSA", "RS256", "PS256"])
def test_a_good_token_verifies_with_every_server_algorithm(alg):
    private, jwk = make_key(alg, "k1")
    token = sign(private, alg=alg, kid="k1")
    claims = verify_token(token, StaticJWKS({"keys": [jwk]}), hardware_id="hw-a")
    assert claims.org == "acme" and claims.seats == 3 and claims.algorithm == alg
    assert 59 <= claims.seconds_left() <= 60 and claims.lifetime == 60


def test_an_expired_token_is_refused(ed_key):
    token = sign(ed_key[0], iat=int(time.time()) - 100, exp=int(time.time()) - 10)
    with pytest.raises(TokenExpired):
        verify_token(token, StaticJWKS({"keys": [ed_key[1]]}))


def test_a_token_past_the_license_expiry_is_refused(ed_key):
    token = sign(ed_key[0], lic_exp=int(time.time()) - 1)
    with pytest.raises(LicenseExpired):
        verify_token(token, StaticJWKS({"keys": [ed_key[1]]}))


def test_a_tampered_token_is_refused(ed_key):
    header, _, signature = sign(ed_key[0]).split(".")
    other = sign(ed_key[0], seats=999).split(".")[1]
    with pytest.raises(TokenInvalid):
        verify_token(f"{header}.{other}.{signature}", StaticJWKS({"keys": [ed_key[1]]}))


def test_a_token_of_another_key_or_machine_is_refused(ed_key):
    stranger, _ = make_key("EdDSA", "ed-1")
    keys = StaticJWKS({"keys": [ed_key[1]]})
    with pytest.raises(TokenInvalid):
        verify_token(sign(stranger), keys)
    with pytest.raises(TokenInvalid):
        verify_token(sign(ed_key[0], kid="nope"), keys)
    with pytest.raises(TokenInvalid):
        verify_token(sign(ed_key[0]), keys, hardware_id="hw-b")


def test_unsigned_and_hmac_tokens_are_refused(ed_key):
    keys = StaticJWKS({"keys": [ed_key[1]]})
    unsigned = jwt.encode({"sub": "x", "iat": 1, "exp": 2}, None, algorithm="none")
    with pytest.raises(TokenInvalid):
        verify_token(unsigned, keys)
    hmac_token = jwt.encode({"sub": "x"}, "k" * 32, algorithm="HS256", headers={"kid": "ed-1"})
    with pytest.raises(TokenInvalid):
        verify_token(hmac_token, keys)


def test_claims_can_be_read_without_verifying(ed_key):
    assert decode_unverified(sign(ed_key[0], seats=5)).seats == 5


def test_the_jwks_is_cached_on_disk_with_its_fetch_time(tmp_path, ed_key):
    fetches = []

    def fetch():
        fetches.append(1)
        return {"keys": [ed_key[1]]}

    token = sign(ed_key[0])
    online = JWKSCache("http://license.test", fetcher=fetch, cache=DiskCache(tmp_path))
    verify_token(token, online)
    verify_token(token, online)
    assert len(fetches) == 1
    stored = json.loads(next(tmp_path.glob("jwks-*.json")).read_text())
    assert (
        abs(stored["fetched_at"] - time.time()) < 5 and stored["jwks"]["keys"][0]["kid"] == "ed-1"
    )

    def unreachable():
        raise ServerUnreachable("down")

    offline = JWKSCache(
        "http://license.test", fetcher=unreachable, cache=DiskCache(tmp_path), max_age=0
    )
    assert verify_token(token, offline).org == "acme"  # stale but usable: the network is down
    assert offline.fetched_at == stored["fetched_at"]


def test_an_unknown_kid_fetches_the_jwks_again(tmp_path, ed_key):
    rotated_private, rotated = make_key("EdDSA", "ed-2")
    documents = [{"keys": [ed_key[1]]}, {"keys": [ed_key[1], rotated]}]
    cache = JWKSCache(
        "http://license.test",
        fetcher=lambda: documents.pop(0),
        cache=DiskCache(tmp_path),
        min_refetch_interval=0,
    )
    verify_token(sign(ed_key[0]), cache)
    assert verify_token(sign(rotated_private, kid="ed-2"), cache).kid == "ed-2"
    assert documents == []
